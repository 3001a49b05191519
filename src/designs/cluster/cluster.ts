import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import { compressFrameToCells } from "../../core/cells-compress.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import { diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance, type Term } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import type { DesignResult } from "../shared/contract.js";
import { guardZeroSe } from "../shared/zero-se.js";
import type { OutcomeBinRow } from "./charts.js";
import {
  fewClustersDiagnostic,
  iccDiagnostic,
  naiveSeDiagnostic,
  smallKDiagnostic,
  spilloverDiagnostic,
  unequalSizesDiagnostic,
} from "./diagnostics.js";
import { type ClusterEstimators, clusterEstimators } from "./estimators.js";
import { armCounts, type ClusterExposure, clusterExposure, type ExposureCounts } from "./exposure.js";
import {
  clusterHeadline,
  type HeadlineInference,
  headlineDiagnostics,
  withoutInference,
} from "./headline.js";
import {
  balanceColumns,
  type ClusterLayout,
  layoutCluster,
  layoutClusterCells,
  validateClusterRows,
} from "./layout.js";
import { type PairsBootstrap, type PairsBootstrapModel, pairsClusterBootstrap } from "./pairs-bootstrap.js";
import { clusterSeed } from "./seed.js";
import {
  CLUSTER_STREAMS,
  MIN_CLUSTER_ROBUST,
  type SmallKInference,
  smallKInference,
  smallKRandomMethods,
  smallKReason,
} from "./small-k.js";
import { type ClusterSpec, parseClusterSpec, type ValidClusterSpec } from "./spec.js";
import { clusterSuffStats } from "./suff-stats.js";
import { type ClusterTidy, clusterOutcomeBins, clusterTidy } from "./tidy.js";
import { type TwoExposureModel, twoExposureModel } from "./two-exposure.js";

/** Everything {@link cluster} returns (on the rows or from compressed cells): plain, frozen, JSON-serialisable data. */
export interface ClusterResult extends DesignResult {
  readonly method: "cluster";
  readonly outcome: string;
  /**
   * The headline effect (= the difference in user means) and its inference, by the number of clusters K (see
   * `clusterHeadline`): the cluster-mean WLS term with t(K − 2) when K ≥ 12; with 4 ≤ K < 12 the user-level CR2
   * term with Bell–McCaffrey (Satterthwaite) df; with K ≤ 3 only exact randomization inference, without an SE. Never an SE of 0 or a sentinel interval: what cannot be computed is null.
   */
  readonly estimate: Term;
  /** Where the headline p-value and interval come from. */
  readonly headlineInference: HeadlineInference;
  /**
   * The same effect under every variance estimator (naive, cluster means, CR1, CR2, CR3); with fewer than 4
   * clusters CR1/CR2/CR3 carry no inference (null SE, p-value and interval; `D_CLUSTER_TOO_FEW`).
   */
  readonly estimators: ClusterEstimators;
  /** What a naive analysis reports, for contrast: user-level OLS treating users as independent. */
  readonly naive: { readonly userLevel: Term; readonly seRatio: number | null };
  /** Direct and spillover effects vs pure controls, and the projected total effect; null without exposure. */
  readonly twoExposure: TwoExposureModel | null;
  readonly exposureCounts: ExposureCounts;
  /** Wild cluster bootstrap and randomization inference; null when not run (K ≥ 30 and not requested). */
  readonly smallK: SmallKInference | null;
  /** Pairs cluster bootstrap on cluster sufficient statistics; null when disabled. */
  readonly bootstrap: PairsBootstrap | null;
  /** Tidy rows for charts: cluster means by arm, exposure groups, estimates side by side, outcome histogram. */
  readonly tidy: ClusterTidy;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly dropped: number;
    readonly clusters: number;
    readonly treatedClusters: number;
    readonly controlClusters: number;
    readonly strata: number | null;
    /**
     * The compressed cells the analysis ran on (one per cluster × arm × exposure flag × stratum present), or null
     * when it ran on the rows (one unit per user: an edge-list exposure). `obs` counts users either way.
     */
    readonly cells: number | null;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/** Extra inputs that are not JSON: the collaboration edge list behind `spec.exposure.edges`. */
export interface ClusterInputs {
  readonly edges?: Frame;
  /** Throttled progress of the long loops (pairs / wild bootstrap, randomization inference). */
  readonly onProgress?: ProgressCallback;
}

/**
 * Analysis of a cluster-randomized experiment, from a validated spec to every estimate and check:
 *
 * ```
 * parseClusterSpec → validateClusterRows (columns, cluster ids; row-numbered errors) → compressFrameToCells
 *   (GROUP BY cluster × treatment × exposure flag × stratum: count, mean and within-cell SS of the outcome)
 *   → layoutClusterCells (validate: ≥ 2 clusters, both arms, treatment constant within
 *   clusters; cluster table) → estimators: naive user OLS | cluster-mean WLS t(K−2) | user OLS CR1, CR2 (BM df), CR3
 *   → exposure (flag or edge list) → two-exposure model (direct, spillover; CR1) → projected total
 *   → small-K inference when K < 30 (wild cluster bootstrap WCR, randomization inference; test inversion)
 *   → pairs cluster bootstrap on sufficient statistics → diagnostics → tidy rows
 * ```
 *
 * It compresses first (one implementation with {@link clusterFromCells}, the in-memory frame being one more
 * source of cells; `n.cells` says how many), so every estimator runs on a few hundred cells whatever the number
 * of users, with the results of the rows ({@link clusterRows}) to 1e-10. With an edge-list exposure — per user,
 * from another frame — it runs on the rows (`n.cells` null).
 *
 * @example
 * ```ts
 * import { cluster, loadFrame } from "truelift";
 * const frame = await loadFrame("saas_with_cluster_outcome.csv"); // users joined with session_minutes_obs
 * const res = cluster(frame, {
 *   outcome: "session_minutes_obs", treatment: { column: "wave", treatedValues: [1] }, cluster: "workspace_id",
 *   exposure: { column: "opt_in_agent_mode" },
 * });
 * res.estimate;                      // +0.6723, SE 0.0652, t(48), 95% CI [+0.5412, +0.8035]
 * res.naive.userLevel.se;            // 0.0034 — 19× too small
 * res.twoExposure?.direct.estimate;  // +0.7284 (SE 0.0647); spillover +0.2083 (SE 0.0038)
 * res.twoExposure?.projected.term.estimate; // +0.7565 with spillover share 0.1349
 * ```
 * @see Donner & Klar (2000), Design and Analysis of Cluster Randomization Trials; Hayes & Moulton (2017);
 *   Bell & McCaffrey (2002); Cameron, Gelbach & Miller (2008); Hudgens & Halloran (2008).
 */
export function cluster(
  data: Frame,
  spec: ClusterSpec,
  inputs: ClusterInputs = {},
): DeepReadonly<ClusterResult> {
  const s = parseClusterSpec(spec);
  if (!compressible(s)) return clusterOnLayout(layoutCluster(data, s), data, s, inputs, null);
  validateClusterRows(data, s); // row-numbered errors, exactly as on the rows
  const cells = compressFrameToCells(data, cellRequest(s));
  return clusterOnLayout(layoutClusterCells(cells, s), cells.frame, s, inputs, {
    cells: cells.frame.nrows,
    outcomeBins: clusterOutcomeBins(data, s),
  });
}

/**
 * {@link cluster} on the rows, one unit per user, without compressing first: the reference the compressed path
 * is tested against (and the path of edge-list exposure, which is per user). Same result, `n.cells` null.
 *
 * @example
 * ```ts
 * import { clusterRows } from "truelift";
 * clusterRows(frame, spec).n.cells; // null
 * ```
 */
export function clusterRows(
  data: Frame,
  spec: ClusterSpec,
  inputs: ClusterInputs = {},
): DeepReadonly<ClusterResult> {
  const s = parseClusterSpec(spec);
  return clusterOnLayout(layoutCluster(data, s), data, s, inputs, null);
}

/**
 * The one `GROUP BY` a cluster analysis needs: keys = the cluster, the treatment column, the exposure flag
 * column, the stratum column and the re-randomization balance columns (whichever the spec uses; numeric key columns
 * are exact keys, which only makes cells finer), measures = [outcome]. Every number {@link cluster} reports is a
 * function of these cells (see {@link clusterFromCells}) except the per-user outcome histogram.
 * Throws `E_UNSUPPORTED_COMPRESSED` for an edge-list exposure (computed per user from another frame).
 *
 * @example
 * ```ts
 * import { clusterCellRequest, parseClusterSpec } from "truelift";
 * clusterCellRequest(parseClusterSpec({
 *   outcome: "session_minutes_obs", treatment: { column: "wave", treatedValues: [1] }, cluster: "workspace_id",
 *   exposure: { column: "opt_in_agent_mode" },
 * })); // { keys: ["workspace_id", "wave", "opt_in_agent_mode"], measures: ["session_minutes_obs"] }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function clusterCellRequest(spec: ValidClusterSpec, _kinds?: ColumnKinds): CellRequest {
  refuseEdges(spec);
  return cellRequest(spec);
}

/**
 * {@link cluster} from compressed cells (the engine's `GROUP BY` of {@link clusterCellRequest}): the same result
 * as on the rows to 1e-10 — cluster-mean WLS, user-level OLS with CR1/CR2/CR3 (frequency-weighted), the
 * two-exposure model, the wild cluster bootstrap and randomization inference (cluster-level sums, same seeded
 * draws), the pairs bootstrap (per-cluster sufficient statistics), ICC, diagnostics — with `n.obs` the users
 * summarised and `n.cells` the cells; `tidy.outcomeBins` is empty unless every cell is one user (a per-user
 * histogram needs the rows). Throws `E_UNSUPPORTED_COMPRESSED` for an edge-list exposure, `E_BAD_FREQUENCY` for
 * invalid counts, and the row path's codes for invalid data.
 *
 * @example
 * ```ts
 * import { clusterCellRequest, clusterFromCells, compressFrameToCells, parseClusterSpec } from "truelift";
 * const spec = parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g", inference: { seed: 1 } });
 * const res = clusterFromCells(compressFrameToCells(frame, clusterCellRequest(spec)), spec);
 * res.n.cells; // the cells summarised; res.n.obs the users
 * ```
 * @see Wong, Lewis & Wardrop (2021); Roodman et al. (2019), "Fast and wild" (bootstraps on cluster sums).
 */
export function clusterFromCells(
  cells: CellFrame,
  spec: ClusterSpec,
  inputs: ClusterInputs = {},
): DeepReadonly<ClusterResult> {
  const s = parseClusterSpec(spec);
  refuseEdges(s);
  return clusterOnLayout(layoutClusterCells(cells, s), cells.frame, s, inputs, {
    cells: cells.frame.nrows,
  });
}

function refuseEdges(spec: ValidClusterSpec): void {
  if (spec.exposure && "edges" in spec.exposure) {
    throw new TrueliftError(
      "E_UNSUPPORTED_COMPRESSED",
      "Exposure from a collaboration edge list is computed per user, so the cluster analysis cannot run on compressed cells.",
      { details: { option: "exposure.edges" } },
    );
  }
}

/** Whether {@link cluster} compresses first: not for an edge-list exposure, nor an outcome that is also a key. */
function compressible(spec: ValidClusterSpec): boolean {
  return !(spec.exposure && "edges" in spec.exposure) && !cellRequest(spec).keys.includes(spec.outcome);
}

function cellRequest(spec: ValidClusterSpec): CellRequest {
  const keys = [spec.cluster, typeof spec.treatment === "string" ? spec.treatment : spec.treatment.column];
  if (spec.exposure && "column" in spec.exposure) keys.push(spec.exposure.column);
  if (spec.strata !== undefined) keys.push(spec.strata);
  keys.push(...balanceColumns(spec));
  return { keys: [...new Set(keys)], measures: [spec.outcome] };
}

/** The analysis over a layout's units (users or cells); `frame` is the frame the layout was built from. */
function clusterOnLayout(
  layout: ClusterLayout,
  data: Frame,
  s: ValidClusterSpec,
  inputs: ClusterInputs,
  compressed: { readonly cells: number; readonly outcomeBins?: readonly OutcomeBinRow[] } | null,
): DeepReadonly<ClusterResult> {
  const alpha = s.alpha ?? 0.05;
  // Fewer than 4 clusters: cluster-robust SEs are 0 (K = 2) or rest on one degree of freedom (K = 3); refuse them.
  const tooFew = layout.clusters < MIN_CLUSTER_ROBUST;
  const fitted = clusterEstimators(layout, alpha, s.inference?.cr3 ?? "CR3");
  const estimators: ClusterEstimators = tooFew
    ? {
        ...fitted,
        cr1: withoutInference(fitted.cr1),
        cr2: withoutInference(fitted.cr2),
        cr3: withoutInference(fitted.cr3),
      }
    : fitted;
  const diagnostics: Diagnostic[] = [];

  let exposure: ClusterExposure | null = null;
  let twoExposure: TwoExposureModel | null = null;
  let skipped: string | null = null;
  if (s.exposure) {
    exposure = clusterExposure(data, layout, s.exposure, inputs.edges);
    if (exposure.counts.spillover === 0) {
      skipped = "No untreated user is exposed to spillover, so the two-exposure model was not fitted";
    } else if (exposure.counts.pureControl === 0) {
      skipped =
        "Every untreated user is exposed to spillover (no pure controls), so the two-exposure model was not fitted";
    } else {
      twoExposure = twoExposureModel(layout, exposure, s.rollout?.spilloverShare, alpha);
      if (tooFew) {
        const p = twoExposure.projected;
        twoExposure = {
          ...twoExposure,
          direct: withoutInference(twoExposure.direct),
          spillover: withoutInference(twoExposure.spillover),
          pureControlMean: withoutInference(twoExposure.pureControlMean),
          projected: { ...p, term: withoutInference(p.term) },
        };
      }
    }
  }

  const treatmentStats = clusterSuffStats(layout, [layout.d], ["Intercept", "treatment"]);
  const twoStats =
    twoExposure && exposure
      ? clusterSuffStats(layout, [layout.d, exposure.spill], ["Intercept", "direct", "spillover"])
      : null;
  const reason = smallKReason(layout.clusters, s);
  const pairsOn = s.inference?.pairs !== false && !tooFew;
  const seed = clusterSeed(s, reason === null ? [] : smallKRandomMethods(layout, s), pairsOn);
  const smallK =
    reason === null
      ? null
      : smallKInference(layout, s, treatmentStats, twoStats, reason, alpha, inputs.onProgress);

  let bootstrap: PairsBootstrap | null = null;
  if (pairsOn && seed !== null) {
    const models: PairsBootstrapModel[] = [
      { stats: treatmentStats, quantities: [{ name: "effect", weights: [0, 1] }] },
    ];
    if (twoStats && twoExposure) {
      const share = twoExposure.projected.spilloverShare;
      models.push({
        stats: twoStats,
        quantities: [
          { name: "direct", weights: [0, 1, 0] },
          { name: "spillover", weights: [0, 0, 1] },
          { name: "projected total", weights: [0, 1, share] },
        ],
      });
    }
    const reps = (typeof s.inference?.pairs === "object" ? s.inference.pairs.reps : undefined) ?? 1999;
    bootstrap = pairsClusterBootstrap(models, {
      reps,
      seed,
      stream: CLUSTER_STREAMS.pairs,
      alpha,
      ...(inputs.onProgress ? { onProgress: inputs.onProgress } : {}),
    });
    if (bootstrap.failed > 0) {
      diagnostics.push(
        diagnostic(
          "D_BOOTSTRAP_FAILED_REPLICATES",
          "warn",
          { failed: bootstrap.failed, reps: bootstrap.reps + bootstrap.failed },
          { scheme: "cluster-pairs" },
        ),
      );
    }
  }

  diagnostics.push(fewClustersDiagnostic(layout.clusters, layout.clusterColumn, smallK !== null));
  diagnostics.push(unequalSizesDiagnostic(layout.sizes));
  diagnostics.push(iccDiagnostic(layout));
  diagnostics.push(naiveSeDiagnostic(estimators.naive, estimators.clusterMeans));
  diagnostics.push(spilloverDiagnostic(exposure, skipped));
  if (smallK) diagnostics.push(smallKDiagnostic(smallK, estimators.cr1));
  diagnostics.push(...headlineDiagnostics(smallK, layout.clusters, layout.clusterColumn, alpha));
  const picked = clusterHeadline(estimators, smallK, layout.clusters);
  const fromSe = picked.inference === "t" || picked.inference === "cr2-satterthwaite";
  const zero = guardZeroSe(picked.term, `cluster (${picked.inference})`, fromSe);
  if (zero.diagnostic) diagnostics.push(zero.diagnostic);
  const headline = { term: zero.term, inference: picked.inference };

  let treatedClusters = 0;
  for (const t of layout.treated) treatedClusters += t;
  const seRatio =
    estimators.naive.se && estimators.clusterMeans.se
      ? estimators.clusterMeans.se / estimators.naive.se
      : null;
  const tidy = clusterTidy(
    layout,
    exposure,
    estimators,
    twoExposure,
    smallK as SmallKInference | null,
    bootstrap,
    compressed?.outcomeBins,
  );
  const result: ClusterResult = {
    method: "cluster",
    outcome: layout.outcome,
    estimate: headline.term,
    headlineInference: headline.inference,
    estimators,
    naive: { userLevel: estimators.naive, seRatio },
    twoExposure,
    exposureCounts: exposure ? exposure.counts : armCounts(layout),
    smallK: smallK as SmallKInference | null,
    bootstrap,
    tidy,
    alpha,
    n: {
      obs: layout.n,
      dropped: 0,
      clusters: layout.clusters,
      treatedClusters,
      controlClusters: layout.clusters - treatedClusters,
      strata: layout.strataLabels ? layout.strataLabels.length : null,
      cells: compressed ? compressed.cells : null,
    },
    diagnostics,
    provenance: {
      spec: JSON.parse(JSON.stringify(s)) as Json,
      ...(seed === null ? {} : { seed }),
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
    },
  };
  return deepFreeze(result);
}
