import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import { compressFrameToCells } from "../../core/cells-compress.js";
import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import type { DesignResult } from "../shared/contract.js";
import { refuseMissing } from "../shared/missing.js";
import { guardZeroSe } from "../shared/zero-se.js";
import { cupedArm, cupedTheta } from "./cuped.js";
import { type GuardrailTest, nonInferiority } from "./guardrail.js";
import { type ExperimentLayout, experimentKeys, experimentMeasures, layoutExperiment } from "./layout.js";
import { pairKey, poolMoments } from "./moments.js";
import { bhAdjust, holmAdjust } from "./multiplicity.js";
import { ratioContrast, ratioOfMeans } from "./ratio.js";
import { regressionContrasts } from "./regression.js";
import { type ExperimentSpec, parseExperimentSpec, type ValidExperimentSpec } from "./spec.js";
import { SRM_THRESHOLD, type SrmTest, srmDiagnostic, srmTest } from "./srm.js";
import { relativeLift } from "./term.js";
import { type MeanContrast, requireUnits, welchContrast } from "./welch.js";

/** One variant against the control on one metric. */
export interface ExperimentComparison {
  readonly metric: string;
  readonly kind: "mean" | "ratio";
  readonly role: "primary" | "guardrail";
  readonly control: string;
  readonly variant: string;
  /** Where the SE comes from: Welch, OLS with HC2 / CR1 / CR2, or the delta method (ratio metrics). */
  readonly inference: "welch" | "HC2" | "CR1" | "CR2" | "delta";
  readonly adjustment: "none" | "cuped" | "lin";
  /** The (adjusted) arm means, or the arm ratios Σnum/Σden. */
  readonly controlMean: number;
  readonly variantMean: number;
  /** Variant − control. */
  readonly difference: Term;
  /** Variant / control − 1, delta-method SE, normal interval; null when the control mean is 0. */
  readonly relative: Term | null;
  /** The difference without CUPED / covariates (null when there is no adjustment). */
  readonly unadjusted: Term | null;
  /** 1 − Var(adjusted) / Var(unadjusted) of the difference; null without adjustment. */
  readonly varianceReduction: number | null;
  /** Multiplicity-adjusted p-value (primary metrics; null for guardrails or without a p-value). */
  readonly pAdjusted: number | null;
  readonly guardrail: GuardrailTest | null;
  /** Randomization units (rows, or clusters) in the two arms. */
  readonly units: { readonly control: number; readonly variant: number };
}

/** Everything {@link experiment} returns: plain, frozen, JSON-serialisable data. */
export interface ExperimentResult extends DesignResult {
  readonly method: "experiment";
  /** The headline metric (the first primary metric). */
  readonly outcome: string;
  /**
   * The headline: the first variant against the control on the first primary metric (its difference). With a
   * failing sample-ratio mismatch its SE, p-value and interval are null (`headlineBlocked`).
   */
  readonly estimate: Term;
  readonly headlineBlocked: boolean;
  readonly arms: readonly { readonly level: string; readonly rows: number; readonly units: number }[];
  readonly comparisons: readonly ExperimentComparison[];
  readonly srm: SrmTest;
  readonly adjust: "holm" | "bh" | "none";
  /** The headline metric's unadjusted difference, for contrast with an adjusted headline. */
  readonly naive: Term;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly dropped: number;
    readonly cells: number;
    readonly clusters: number | null;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * The one `GROUP BY` an experiment needs: keys = the treatment, the cluster and Lin's covariates (numeric keys
 * are exact, so cells share every regressor and HC2 / CR2 stay exact), measures = every metric, guardrail,
 * ratio numerator and denominator and the CUPED column, with co-moments when a ratio or CUPED needs them.
 * Throws `E_COLUMN_TYPE` when a metric or covariate is a text column.
 *
 * @example
 * ```ts
 * import { experimentCellRequest, parseExperimentSpec } from "truelift/designs/experiment";
 * experimentCellRequest(parseExperimentSpec({ treatment: "prompt_variant", control: 0, metrics: ["task_completed"] }));
 * // { keys: ["prompt_variant"], measures: ["task_completed"], crossProducts: false }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once"; GrowthBook (per-variation sums in the warehouse).
 */
export function experimentCellRequest(spec: ValidExperimentSpec, kinds?: ColumnKinds): CellRequest {
  const s = parseExperimentSpec(spec);
  const measures = experimentMeasures(s);
  for (const c of [...measures, ...s.covariates]) {
    if (kinds?.[c] === "text") {
      throw new TrueliftError("E_COLUMN_TYPE", `Column '${c}' holds text; a numeric column is needed here.`, {
        details: { column: c, kind: "text" },
      });
    }
  }
  return {
    keys: experimentKeys(s),
    measures,
    crossProducts: s.cuped !== undefined || s.ratios.length > 0,
  };
}

/**
 * Analysis of a randomized A/B (or A/B/n) experiment: every variant against the control on every metric, the
 * difference and the relative lift with intervals, and the checks that decide whether to trust them.
 *
 * ```
 * parseExperimentSpec → compressFrameToCells (GROUP BY treatment × cluster × covariates: n, means, within SS,
 *   co-moments) → layoutExperiment (validate: control level, ≥ 2 arms, treatment constant within clusters)
 *   → SRM χ² against the planned split (fails below p = 0.001 and withholds the headline)
 *   → mean metrics: Welch | OLS HC2 | OLS CR1 / CR2 by cluster; CUPED (θ pooled) or Lin (interacted covariates)
 *     with the variance reduction against the unadjusted estimate
 *   → ratio metrics: delta method at the randomization unit (row or cluster)
 *   → relative lifts (delta method) → Holm / BH over variants × primary metrics → guardrail non-inferiority
 * ```
 *
 * The in-memory path compresses first; {@link experimentFromCells} runs the same estimate on an engine's cells.
 *
 * @example
 * ```ts
 * import { experiment, loadFrame } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const res = experiment(frame, { treatment: "prompt_variant", control: 0, metrics: ["task_completed"] });
 * res.estimate; // +0.0402 (Welch SE 0.0098), truth +0.04
 * ```
 * @see Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments; Deng et al. (2013) (CUPED);
 *   Deng, Knoblich & Lu (2018) (delta method); Lin (2013) (regression adjustment); Fabijan et al. (2019) (SRM).
 */
export function experiment(data: Frame, spec: ExperimentSpec): DeepReadonly<ExperimentResult> {
  const s = parseExperimentSpec(spec);
  refuseMissing(data, experimentMeasures(s), "metric");
  return experimentFromCells(compressFrameToCells(data, experimentCellRequest(s)), s);
}

/**
 * {@link experiment} from compressed cells (the engine's `GROUP BY` of {@link experimentCellRequest}): the same
 * numbers as on the rows to 1e-10. Extra key columns in the cells only make them finer.
 *
 * @example
 * ```ts
 * import { compressFrameToCells } from "truelift";
 * import { experimentCellRequest, experimentFromCells, parseExperimentSpec } from "truelift/designs/experiment";
 * const spec = parseExperimentSpec({ treatment: "arm", control: "A", metrics: ["y"] });
 * experimentFromCells(compressFrameToCells(frame, experimentCellRequest(spec)), spec).n.cells; // 2
 * ```
 * @see Wong, Lewis & Wardrop (2021).
 */
export function experimentFromCells(cells: CellFrame, spec: ExperimentSpec): DeepReadonly<ExperimentResult> {
  const s = parseExperimentSpec(spec);
  const layout = layoutExperiment(cells, s);
  const alpha = s.alpha;
  const k = layout.arms.length;
  const armRows = poolMoments({ count: layout.count, mean: new Map(), groupOf: layout.armOf, groups: k }).n;
  const armUnits = layout.clusterOf
    ? Array.from({ length: k }, (_, a) => layout.clusterArm.filter((x) => x === a).length)
    : Array.from(armRows);
  const srm = srmTest(layout.arms, armUnits, s.plannedSplit, layout.clusterOf ? "clusters" : "rows");
  const unit = layout.clusterOf ? "clusters" : "rows";
  for (let a = 0; a < k; a++) requireUnits(armUnits[a], layout.arms[a], "the experiment", unit);

  const comparisons: ExperimentComparison[] = [];
  const reductions: { metric: string; reduction: number }[] = [];
  const meanMetric = (metric: string, role: "primary" | "guardrail", margin: number | null): void => {
    const contrasts = meanContrasts(layout, s, metric);
    contrasts.forEach((c, j) => {
      const seRaw = c.unadjusted?.se ?? null;
      const seAdj = c.adjusted.difference.se;
      const reduction = seRaw && seAdj ? 1 - seAdj ** 2 / seRaw ** 2 : null;
      if (reduction !== null && j === 0) reductions.push({ metric, reduction });
      comparisons.push({
        metric,
        kind: "mean",
        role,
        control: layout.arms[0],
        variant: layout.arms[j + 1],
        inference: c.inference,
        adjustment: c.adjustment,
        controlMean: c.adjusted.controlMean,
        variantMean: c.adjusted.variantMean,
        difference: c.adjusted.difference,
        relative: lift(c.adjusted, alpha),
        unadjusted: c.unadjusted,
        varianceReduction: reduction,
        pAdjusted: null,
        guardrail: margin === null ? null : nonInferiority(c.adjusted.difference, margin, alpha),
        units: { control: armUnits[0], variant: armUnits[j + 1] },
      });
    });
  };
  for (const m of s.metrics) meanMetric(m, "primary", null);
  for (const r of s.ratios) {
    const name = r.name ?? `${r.numerator}/${r.denominator}`;
    const arms = ratioArms(layout, r.numerator, r.denominator).map((arm, a) =>
      ratioOfMeans(arm, layout.arms[a], name),
    );
    for (let j = 1; j < k; j++) {
      const c = ratioContrast(arms[0], arms[j], alpha);
      comparisons.push({
        metric: name,
        kind: "ratio",
        role: "primary",
        control: layout.arms[0],
        variant: layout.arms[j],
        inference: "delta",
        adjustment: "none",
        controlMean: c.controlMean,
        variantMean: c.variantMean,
        difference: c.difference,
        relative: lift(c, alpha),
        unadjusted: null,
        varianceReduction: null,
        pAdjusted: null,
        guardrail: null,
        units: { control: armUnits[0], variant: armUnits[j] },
      });
    }
  }
  for (const g of s.guardrails) meanMetric(g.metric, "guardrail", g.margin);

  // Multiplicity over the primary family (variants × primary metrics).
  const family = comparisons
    .map((c, i) => ({ c, i }))
    .filter(({ c }) => c.role === "primary" && c.difference.pValue !== null);
  const raw = family.map(({ c }) => c.difference.pValue as number);
  const adjusted = s.adjust === "holm" ? holmAdjust(raw) : s.adjust === "bh" ? bhAdjust(raw) : raw;
  family.forEach(({ i }, f) => {
    comparisons[i] = { ...comparisons[i], pAdjusted: adjusted[f] };
  });

  const diagnostics: Diagnostic[] = [srmDiagnostic(srm)];
  const blocked = srm.pValue < SRM_THRESHOLD;
  if (reductions.length > 0) {
    diagnostics.push(
      diagnostic("D_EXPERIMENT_VARIANCE_REDUCTION", "info", {
        method: s.covariates.length > 0 ? "lin" : "cuped",
        metrics: reductions.map((r) => r.metric),
        reductions: reductions.map((r) => r.reduction),
      }),
    );
  }
  if (family.length > 1) {
    diagnostics.push(
      diagnostic("D_EXPERIMENT_MULTIPLE_TESTING", "info", { tests: family.length, method: s.adjust }),
    );
  }
  for (const c of comparisons) {
    if (!c.guardrail) continue;
    diagnostics.push(
      diagnostic("D_EXPERIMENT_GUARDRAIL", c.guardrail.nonInferior ? "pass" : "warn", {
        metric: c.metric,
        variant: c.variant,
        estimate: c.difference.estimate,
        margin: c.guardrail.margin,
        bound: c.guardrail.bound,
        pValue: c.guardrail.pValue,
      }),
    );
  }

  const head = comparisons.find((c) => c.role === "primary") ?? comparisons[0];
  const name = `${head.metric}: ${head.variant} vs ${head.control}`;
  let estimate: Term = { ...head.difference, name };
  if (blocked) {
    estimate = { ...estimate, se: null, statistic: null, df: null, pValue: null, ci: null };
  } else {
    const zero = guardZeroSe(estimate, `experiment (${head.inference})`);
    if (zero.diagnostic) diagnostics.push(zero.diagnostic);
    estimate = zero.term;
  }
  const result: ExperimentResult = {
    method: "experiment",
    outcome: head.metric,
    estimate,
    headlineBlocked: blocked,
    arms: layout.arms.map((level, a) => ({ level, rows: armRows[a], units: armUnits[a] })),
    comparisons,
    srm,
    adjust: s.adjust,
    naive: { ...(head.unadjusted ?? head.difference), name },
    alpha,
    n: {
      obs: layout.rows,
      dropped: 0,
      cells: layout.cells,
      clusters: layout.clusterOf ? layout.clusters : null,
    },
    diagnostics,
    provenance: {
      spec: toJson(s),
      engine: "memory",
      version: LINEAR_MODEL_VERSION,
      algorithm: "experiment-1",
    },
  };
  return deepFreeze(result);
}

function lift(c: MeanContrast, alpha: number): Term | null {
  if (c.controlMean === 0) return null;
  return relativeLift(
    {
      control: c.controlMean,
      variant: c.variantMean,
      varControl: c.varControl,
      varVariant: c.varVariant,
      cov: c.cov,
    },
    alpha,
  );
}

interface MetricContrast {
  readonly adjusted: MeanContrast;
  readonly unadjusted: Term | null;
  readonly inference: "welch" | "HC2" | "CR1" | "CR2";
  readonly adjustment: "none" | "cuped" | "lin";
}

/** The contrasts of every variant on one mean metric, adjusted as the spec says, with the unadjusted terms. */
function meanContrasts(layout: ExperimentLayout, s: ValidExperimentSpec, metric: string): MetricContrast[] {
  const k = layout.arms.length;
  const vcov = s.vcov ?? (s.cluster !== undefined ? "CR2" : s.covariates.length > 0 ? "HC2" : "welch");
  const adjustment = s.covariates.length > 0 ? "lin" : s.cuped !== undefined ? "cuped" : "none";
  const pre = s.cuped;
  const measures = new Map<string, Float64Array>([[metric, layout.mean.get(metric) as Float64Array]]);
  const ss = new Map<string, Float64Array>([[metric, layout.ss.get(metric) as Float64Array]]);
  const cp = new Map<string, Float64Array>();
  if (pre !== undefined && pre !== metric) {
    measures.set(pre, layout.mean.get(pre) as Float64Array);
    ss.set(pre, layout.ss.get(pre) as Float64Array);
    const key = pairKey(metric, pre);
    const c = layout.cp.get(key);
    if (c) cp.set(key, c);
  }
  const pairs: [string, string][] = pre !== undefined && pre !== metric ? [[metric, pre]] : [];
  const byArm = poolMoments({
    count: layout.count,
    mean: measures,
    ss,
    cp,
    groupOf: layout.armOf,
    groups: k,
    pairs,
  });
  const armSummary = (a: number) => ({
    n: byArm.n[a],
    mean: (byArm.mean.get(metric) as Float64Array)[a],
    m2: (byArm.m2.get(metric) as Float64Array)[a],
  });
  const unadjusted: MeanContrast[] =
    vcov === "welch"
      ? Array.from({ length: k - 1 }, (_, j) => welchContrast(armSummary(0), armSummary(j + 1), s.alpha))
      : regressionContrasts(layout, metric, { vcov, cuped: null, covariates: [] }, s.alpha);
  if (adjustment === "none")
    return unadjusted.map((u) => ({ adjusted: u, unadjusted: null, inference: vcov, adjustment }));
  let adjusted: MeanContrast[];
  if (adjustment === "lin") {
    adjusted = regressionContrasts(
      layout,
      metric,
      { vcov: vcov === "welch" ? "HC2" : vcov, cuped: null, covariates: s.covariates },
      s.alpha,
    );
  } else {
    const x = pre as string;
    const all =
      pre === metric
        ? null
        : poolMoments({
            count: layout.count,
            mean: measures,
            ss,
            cp,
            groupOf: new Int32Array(layout.cells),
            groups: 1,
            pairs,
          });
    const moments = (g: typeof byArm, a: number) => ({
      n: g.n[a],
      meanY: (g.mean.get(metric) as Float64Array)[a],
      meanX: (g.mean.get(x) as Float64Array)[a],
      m2Y: (g.m2.get(metric) as Float64Array)[a],
      m2X: (g.m2.get(x) as Float64Array)[a],
      cpXY: (g.cp.get(pairKey(metric, x)) as Float64Array)[a],
    });
    const theta = all === null ? null : cupedTheta(moments(all, 0));
    if (all === null || theta === null) {
      return unadjusted.map((u) => ({ adjusted: u, unadjusted: u.difference, inference: vcov, adjustment }));
    }
    const meanX = (all.mean.get(x) as Float64Array)[0];
    adjusted =
      vcov === "welch"
        ? Array.from({ length: k - 1 }, (_, j) =>
            welchContrast(
              cupedArm(moments(byArm, 0), theta, meanX),
              cupedArm(moments(byArm, j + 1), theta, meanX),
              s.alpha,
            ),
          )
        : regressionContrasts(
            layout,
            metric,
            { vcov, cuped: { column: x, theta, meanX }, covariates: [] },
            s.alpha,
          );
  }
  return adjusted.map((a, j) => ({
    adjusted: a,
    unadjusted: unadjusted[j].difference,
    inference: adjustment === "lin" && vcov === "welch" ? "HC2" : vcov,
    adjustment,
  }));
}

/** Per-arm unit moments of a ratio metric's numerator and denominator (units = rows, or cluster totals). */
function ratioArms(layout: ExperimentLayout, num: string, den: string) {
  const k = layout.arms.length;
  let pooled: ReturnType<typeof poolMoments>;
  if (layout.clusterOf) {
    const G = layout.clusters;
    const sumNum = new Float64Array(G);
    const sumDen = new Float64Array(G);
    const xn = layout.mean.get(num) as Float64Array;
    const xd = layout.mean.get(den) as Float64Array;
    for (let c = 0; c < layout.cells; c++) {
      const g = layout.clusterOf[c];
      sumNum[g] += layout.count[c] * xn[c];
      sumDen[g] += layout.count[c] * xd[c];
    }
    pooled = poolMoments({
      count: new Float64Array(G).fill(1),
      mean: new Map([
        [num, sumNum],
        [den, sumDen],
      ]),
      groupOf: layout.clusterArm,
      groups: k,
      pairs: [[num, den]],
    });
  } else {
    pooled = poolMoments({
      count: layout.count,
      mean: new Map([
        [num, layout.mean.get(num) as Float64Array],
        [den, layout.mean.get(den) as Float64Array],
      ]),
      ss: new Map([
        [num, layout.ss.get(num) as Float64Array],
        [den, layout.ss.get(den) as Float64Array],
      ]),
      cp: layout.cp,
      groupOf: layout.armOf,
      groups: k,
      pairs: [[num, den]],
    });
  }
  return Array.from({ length: k }, (_, a) => {
    const n = pooled.n[a];
    return {
      units: n,
      meanNum: (pooled.mean.get(num) as Float64Array)[a],
      meanDen: (pooled.mean.get(den) as Float64Array)[a],
      varNum: (pooled.m2.get(num) as Float64Array)[a] / (n - 1),
      varDen: (pooled.m2.get(den) as Float64Array)[a] / (n - 1),
      covNumDen: (pooled.cp.get(pairKey(num, den)) as Float64Array)[a] / (n - 1),
    };
  });
}
