import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze, type Provenance, type Term, toJson } from "../../core/result.js";
import { LINEAR_MODEL_VERSION } from "../../models/ols.js";
import type { DesignResult } from "../shared/contract.js";
import { guardZeroSe } from "../shared/zero-se.js";
import { type BalanceTable, balanceTable } from "./balance.js";
import { compressPropensityRows, propensityCellKeys, propensityCellsUnsupported } from "./cell-keys.js";
import {
  agreementDiagnostic,
  balanceDiagnostic,
  calibrationDiagnostic,
  eValueDiagnostic,
  matchingDiagnostic,
  overlapDiagnostic,
  rosenbaumDiagnostic,
  selectionDiagnostic,
  weightsDiagnostic,
} from "./diagnostics.js";
import {
  type DoublyRobust,
  doublyRobust,
  fitOutcomeModels,
  type RobustnessDemo,
  robustnessDemo,
} from "./doubly-robust.js";
import { type EValueResult, eValueFor } from "./evalue.js";
import { hajekIpw, type IpwResult, ipwWeights } from "./ipw.js";
import {
  type IpwBootstrap,
  type IpwBootstrapInput,
  ipwBootstrap,
  ipwBootstrapParallel,
} from "./ipw-bootstrap.js";
import { canonicalLayout, layoutPropensity, type PropensityLayout, subsetLayout } from "./layout.js";
import { type MatchResult, matchedDifferences, matchWeights, nearestNeighbourMatch } from "./match.js";
import { matchRowsByUnits } from "./match-units.js";
import { LOGIT_PROPENSITY, type PropensityModel, type PropensityModelFit } from "./model.js";
import { naiveDifference, type PropensityNaive } from "./naive.js";
import {
  crumpThreshold,
  type OverlapSummary,
  overlapSummary,
  type WeightSummary,
  weightSummary,
} from "./overlap.js";
import { type MatchedRosenbaum, matchedRosenbaum } from "./rosenbaum.js";
import { type PropensitySpec, parsePropensitySpec, type ValidPropensitySpec } from "./spec.js";

/** The fitted propensity model as reported. */
export interface PropensityModelSummary {
  readonly family: string;
  readonly penalty: PropensityModelFit["penalty"];
  readonly coefficients: readonly Term[];
  readonly auc: number;
  readonly logLik: number;
  readonly pseudoR2: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly calibration: PropensityModelFit["calibration"];
}

/** What trimming did. */
export interface PropensityTrim {
  readonly rule: "bounds" | "crump";
  /** Rows with a score in [lower, upper] were kept. */
  readonly lower: number;
  readonly upper: number;
  readonly dropped: { readonly treated: number; readonly control: number };
}

/**
 * How a result was computed from compressed cells (design.md §3a): the cells the engine's one `GROUP BY`
 * returned, the rows they summarise, and the parts of the analysis that needed row detail and why.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, propensityDesign } from "truelift";
 * const c = propensityDesign.compression;
 * const res = await c?.estimate(compressFrameToCells(frame, c.request(spec, kinds)), spec);
 * res?.compression?.cells; // distinct (treatment, outcome, covariates) rows
 * ```
 */
export interface PropensityCompression {
  readonly path: "cells";
  /** Cells (distinct rows of the keys) the estimate used. */
  readonly cells: number;
  /** Rows the cells summarise (the sum of the cell counts). */
  readonly rows: number;
  readonly keys: readonly string[];
  /** Parts that need every row's values (so the outcome and numeric covariates are keys), with the reason. */
  readonly rowDetail: readonly { readonly part: string; readonly reason: string }[];
}

/** Everything {@link propensity} returns: plain, frozen, JSON-serialisable data. */
export interface PropensityResult extends DesignResult {
  readonly method: "propensity";
  readonly treatment: string;
  readonly outcome: string;
  readonly estimand: "ATE" | "ATT";
  readonly estimator: "ipw" | "ra" | "aipw";
  /** The headline estimate (estimator × estimand). */
  readonly estimate: Term;
  readonly model: PropensityModelSummary;
  readonly trim: PropensityTrim | null;
  /** Score distributions by group (before trimming, so the chart can show the bounds). */
  readonly overlap: OverlapSummary;
  /** Weight diagnostics on the analysis sample. */
  readonly weights: WeightSummary;
  readonly ipw: IpwResult & { readonly bootstrap: IpwBootstrap | null };
  /** Balance raw, weighted (IPW) and in the 1-NN matched sample (`smdMatched`, `maxAbsSmdMatched`). */
  readonly balance: BalanceTable;
  readonly doublyRobust: DoublyRobust;
  readonly demonstration: RobustnessDemo | null;
  readonly sensitivity: {
    readonly eValue: EValueResult | null;
    /**
     * Rosenbaum bounds (Wilcoxon signed-rank, Γ sweep `spec.sensitivity.gammas`, one-sided level `alpha`) on the
     * 1-NN matched sets of `matching`: dᵢ = yᵢ − mean outcome of its matched controls for every matched opt-in user
     * (`matchedDifferences`: with tied controls the matched-set mean stands in for the pair's control — the
     * signed-rank test is defined for pairs, this is the documented convention), oriented in the direction of the
     * matched effect. Null when fewer than two differences are non-zero.
     */
    readonly rosenbaum: MatchedRosenbaum | null;
  };
  /**
   * Nearest-neighbour matching ({@link nearestNeighbourMatch}; Abadie–Imbens SE), by default 1-NN on the
   * propensity for the ATT, with replacement, every control tied at the nearest distance used and weighted
   * equally; `spec.matching` sets the distance (ps | logit), k, replacement, a caliper (SDs of the distance), the
   * tie rule and the estimand (ATT | ATE). The per-row weights and
   * the matched sets are left out of the result (call the function for them); the matched-sample balance is in
   * `balance`, the sensitivity analysis in `sensitivity.rosenbaum`.
   */
  readonly matching: Omit<MatchResult, "weights" | "sets">;
  readonly naive: PropensityNaive;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly treated: number;
    readonly control: number;
    readonly dropped: number;
    readonly droppedReasons: Readonly<Record<string, number>>;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
  /** Null when the analysis ran on the rows; how the cells were used when it ran from compressed cells. */
  readonly compression: PropensityCompression | null;
}

/**
 * A propensity analysis with its per-row scores: the plain, frozen {@link PropensityResult} (what the report,
 * `--format json` and results.json serialise) and, beside it, the propensity score of every input row. The scores
 * are a companion rather than a result field on purpose: a field holding a `Float64Array` would be written out
 * by the JSON report (its replacer turns typed arrays into arrays), adding one number per row to results.json,
 * and a hidden non-enumerable field would make the result something other than plain data. Consumers that need
 * the scores (matching on them again, custom plots) call {@link propensityFit}.
 *
 * @example
 * ```ts
 * import { propensityFit } from "truelift";
 * const { result, scores } = propensityFit(frame, spec);
 * scores.length === frame.nrows; // true; NaN for trimmed rows
 * result.ipw.ate.estimate;       // the same result as propensity(frame, spec)
 * ```
 * @see statsmodels' model/results split (fitted values live with the fit, the summary is data).
 */
export interface PropensityFit {
  readonly result: DeepReadonly<PropensityResult>;
  /** Propensity scores aligned with the input rows (NaN for rows trimmed away). */
  readonly scores: Float64Array;
}

const FAMILIES: Readonly<Record<string, PropensityModel>> = { logit: LOGIT_PROPENSITY };

/**
 * Propensity-score analysis of an opt-in feature, from a validated spec to every estimate and check:
 *
 * ```
 * parsePropensitySpec → compress the rows to (treatment, outcome, covariates) cells with counts
 *   (compressPropensityRows; skipped for the row-order-dependent matching options)
 *   → layoutPropensity (validate, expand covariates, single-covariate separation; one unit per cell)
 *   → propensity model (frequency-weighted logit; AUC, calibration) → trimming (bounds or Crump) and refit → overlap, weights
 *   → Hájek IPW ATE/ATT with M-estimation sandwich SEs (+ refitting bootstrap) → 1-NN matching (ATT, all ties)
 *   → balance (SMDs, variance ratios: raw, weighted, matched) → regression adjustment and AIPW
 *   (influence-function SEs) → demonstration → naive → E-value and Rosenbaum bounds → diagnostics
 * ```
 *
 * Every step after the compression takes the cell counts as frequency weights, so the analysis costs one pass
 * over the rows plus O(cells); it is the analysis of the rows (equal to the row pipeline to 1e-10, and bitwise
 * to {@link propensityFromCells} on an engine's cells).
 *
 * @example
 * ```ts
 * import { propensity, loadFrame } from "truelift";
 * const frame = await loadFrame("saas_llm_logs_seed42.csv");
 * const res = propensity(frame, {
 *   treatment: "opt_in_agent_mode", outcome: "task_completed",
 *   covariates: ["engagement_tier", "query_confidence"],
 * });
 * res.naive.difference.estimate; // +0.2106
 * res.ipw.ate.estimate;          // +0.0848
 * res.estimate.estimate;         // AIPW ATE ≈ +0.0847
 * res.balance.maxAbsSmdMatched;  // largest |SMD| after 1-NN matching
 * res.sensitivity.rosenbaum?.gammaCritical; // hidden bias Γ at which the matched effect loses significance
 * ```
 * @see Rosenbaum & Rubin (1983), Biometrika 70, 41–55; Lunceford & Davidian (2004), Statistics in Medicine 23,
 *   2937–2960; Crump, Hotz, Imbens & Mitnik (2009), Biometrika 96, 187–199; Austin & Stuart (2015), "Moving
 *   towards best practice when using inverse probability of treatment weighting", Statistics in Medicine 34,
 *   3661–3679.
 */
export function propensity(
  frame: Frame,
  spec: PropensitySpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<PropensityResult> {
  return propensityFit(frame, spec, options).result;
}

/**
 * {@link propensity}, returning the per-row propensity scores beside the result ({@link PropensityFit}); the
 * result is the same plain data, so results.json does not grow by a number per row.
 *
 * @example
 * ```ts
 * import { nearestNeighbourMatch, propensityFit } from "truelift";
 * const { result, scores } = propensityFit(frame, spec);
 * const again = nearestNeighbourMatch(scores, treated, outcome, { k: 3 }); // re-match on the same scores
 * result.matching.estimate; // the 1-NN estimate reported
 * ```
 * @see Rosenbaum & Rubin (1983), Biometrika 70, 41–55.
 */
export function propensityFit(
  frame: Frame,
  spec: PropensitySpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): PropensityFit {
  const { run, rowScores } = stagePropensityRows(frame, spec);
  const input = run.bootstrapInput;
  const fit = run.finish(
    input ? ipwBootstrap(options.onProgress ? { ...input, onProgress: options.onProgress } : input) : null,
  );
  return Object.freeze({ result: fit.result, scores: rowScores(fit.scores) });
}

/**
 * The staged analysis of rows: compressed first to the cells of {@link propensityCellKeys} when the spec allows
 * it and every key column exists (then the analysis is exactly {@link propensityFromCells}'s, in O(cells) after
 * one pass over the rows), else on the rows themselves (units of one row, in row order for the order-dependent
 * matching options); `rowScores` maps the unit scores back to the rows. {@link propensityFit} is
 * `run.finish(ipwBootstrap(run.bootstrapInput))`; staged, the analysis and the bootstrap can be run (and timed)
 * apart.
 *
 * @example
 * ```ts
 * import { ipwBootstrap, stagePropensityRows } from "truelift";
 * const { run } = stagePropensityRows(frame, { ...spec, bootstrap: { reps: 500, seed: 7 } });
 * const result = run.finish(null).result; // the analysis without the bootstrap
 * const boot = run.bootstrapInput ? ipwBootstrap(run.bootstrapInput) : null; // = propensity(frame, spec).ipw.bootstrap
 * ```
 * @see Rosenbaum & Rubin (1983), Biometrika 70, 41–55.
 * @internal
 */
export function stagePropensityRows(
  frame: Frame,
  spec: PropensitySpec,
): {
  run: ReturnType<typeof stagePropensity>;
  rowScores: (unitScores: Float64Array) => Float64Array;
} {
  const s = parsePropensitySpec(spec);
  const keys = propensityCellKeys(s);
  const names = new Set(frame.names);
  if (propensityCellsUnsupported(s) !== null || !keys.every((k) => names.has(k))) {
    return { run: stagePropensity(frame, s, null), rowScores: (p) => p };
  }
  const { cells, counts, cellOf } = compressPropensityRows(frame, keys);
  return {
    run: stagePropensityUnits(cells, counts, s, null),
    rowScores: (p) => Float64Array.from(cellOf, (c) => p[c]),
  };
}

/**
 * {@link propensity} with the refitting bootstrap on worker threads (`threads`, default 2): identical results,
 * since every replicate draws from its own stream; falls back to this thread where workers are not available.
 *
 * @example
 * ```ts
 * import { propensityParallel } from "truelift";
 * const res = await propensityParallel(frame, { ...spec, bootstrap: { reps: 500, seed: 7 } }, { threads: 2 });
 * res.ipw.bootstrap?.ate.ci; // same interval as propensity(frame, spec)
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 6.
 */
export async function propensityParallel(
  frame: Frame,
  spec: PropensitySpec,
  options: { readonly threads?: number; readonly onProgress?: ProgressCallback } = {},
): Promise<DeepReadonly<PropensityResult>> {
  const { run } = stagePropensityRows(frame, spec);
  const input = run.bootstrapInput;
  if (!input) return run.finish(null).result;
  const withProgress = options.onProgress ? { ...input, onProgress: options.onProgress } : input;
  const { threads: _, ...boot } = await ipwBootstrapParallel(withProgress, {
    threads: options.threads ?? 2,
  });
  return run.finish(boot).result;
}

/**
 * The propensity pipeline on the rows as they are, without compressing them (every row a unit of one): the
 * row analysis the cells path is proven equal to (to 1e-10; see test/designs/propensity), and the path of the
 * order-dependent matching options. Same shape as {@link stagePropensityUnits}.
 *
 * @example
 * ```ts
 * const run = stagePropensity(frame, spec, null);
 * run.finish(null).result.estimate; // propensity(frame, spec) without a bootstrap, to 1e-10
 * ```
 * @internal
 */
export function stagePropensity(
  frame: Frame,
  spec: PropensitySpec,
  compression: PropensityCompression | null,
): {
  bootstrapInput: IpwBootstrapInput | null;
  finish: (bootstrap: IpwBootstrap | null) => PropensityFit;
} {
  return stagePropensityUnits(frame, null, spec, compression);
}

/**
 * The propensity pipeline up to the bootstrap, on units: every frame row is a unit of `counts[i]` identical rows
 * (compressed cells; null = one row each). Everything but the bootstrap, then a `finish` that adds it, freezes
 * the result and pairs it with the unit scores. Every step takes the counts as frequency weights, so memory and
 * time are O(units) (the bootstrap draws O(rows) random numbers per replicate, as on the rows). `compression` is
 * what the result reports about the cells path (null on the rows).
 *
 * @example
 * ```ts
 * const run = stagePropensityUnits(cellsFrame, counts, spec, null);
 * run.finish(null).result.estimate; // the analysis of the rows the cells stand for
 * ```
 * @internal
 */
export function stagePropensityUnits(
  frame: Frame,
  counts: Float64Array | null,
  spec: PropensitySpec,
  compression: PropensityCompression | null,
): {
  bootstrapInput: IpwBootstrapInput | null;
  finish: (bootstrap: IpwBootstrap | null) => PropensityFit;
} {
  const s = parsePropensitySpec(spec);
  const alpha = s.alpha ?? 0.05;
  const estimand = s.estimand ?? "ATE";
  const estimator = s.estimator ?? "aipw";
  const family = FAMILIES[s.model?.family ?? "logit"];
  const fitOptions = {
    penalty: s.model?.penalty ?? { type: "none" as const },
    ...(s.model?.maxIter !== undefined ? { maxIter: s.model.maxIter } : {}),
  };
  // Row-order-free specs run on the units in a canonical order (bitwise the same whatever order the cells came
  // in); the order-dependent matching options keep the rows' own order.
  const laidOut = layoutPropensity(frame, s, counts);
  const full =
    s.matching?.ties === "first" || s.matching?.replace === false ? laidOut : canonicalLayout(laidOut);
  const fitOn = (l: PropensityLayout) =>
    family.fit({ treatment: l.treatment, t: l.t, columns: l.ps, w: l.w }, fitOptions);
  const firstFit = fitOn(full);
  const overlap = overlapSummary(firstFit.scores, full.t, s.overlapBins ?? 20, full.w);
  const diagnostics: Diagnostic[] = [...firstFit.diagnostics];
  if (!s.trim || s.trim.rule === "none") checkScoresInside(firstFit.scores, full.t, full.w, null);

  // Trimming: drop rows outside the bounds and refit on the rest.
  let layout = full;
  let fit = firstFit;
  let trim: PropensityTrim | null = null;
  const rule = s.trim?.rule ?? "none";
  if (s.trim && s.trim.rule !== "none") {
    const [lower, upper] = trimBounds(s.trim, firstFit.scores, full.w);
    const keep: number[] = [];
    let dt = 0;
    let dc = 0;
    for (let i = 0; i < full.units; i++) {
      const p = firstFit.scores[i];
      if (p >= lower && p <= upper) keep.push(i);
      else if (full.t[i] === 1) dt += full.w[i];
      else dc += full.w[i];
    }
    trim = { rule: s.trim.rule, lower, upper, dropped: { treated: dt, control: dc } };
    const k = full.ps.length + 1;
    if (full.n1 - dt <= 1 || full.n0 - dc <= 1 || full.n - dt - dc <= k + 1) {
      throw new TrueliftError(
        "E_PS_NO_OVERLAP",
        `No overlap left after trimming to propensity scores in [${lower.toFixed(4)}, ${upper.toFixed(4)}]: ${full.n1 - dt} opt-in and ${full.n0 - dc} comparison rows remain.`,
        { details: { rule, lower, upper, treatedLeft: full.n1 - dt, controlLeft: full.n0 - dc } },
      );
    }
    if (dt + dc > 0) {
      layout = subsetLayout(full, Int32Array.from(keep));
      fit = fitOn(layout);
      checkScoresInside(fit.scores, layout.t, layout.w, s.trim.rule);
      diagnostics.push(...fit.diagnostics);
    }
    diagnostics.push(
      diagnostic(
        "D_PS_TRIMMED",
        "info",
        {
          rule,
          lower: Number(lower.toFixed(6)),
          upper: Number(upper.toFixed(6)),
          droppedTreated: dt,
          droppedControl: dc,
        },
        { lower, upper },
      ),
    );
  }
  const { t, y, w } = layout;
  const p = fit.scores;
  const analysisOverlap = layout === full ? overlap : overlapSummary(p, t, s.overlapBins ?? 20, w);
  const weights = weightSummary(p, t, w);
  const ipw = hajekIpw(t, y, p, fit.equations, alpha, w);
  const { matching, matched, differences, differenceCounts } = matchOn(p, t, y, w, s, alpha);
  const rosenbaum = matchedRosenbaum(differences, s.sensitivity?.gammas, { alpha }, differenceCounts);
  const bootstrapInput: IpwBootstrapInput | null =
    s.bootstrap && s.bootstrap !== undefined
      ? {
          treatment: layout.treatment,
          t,
          y,
          columns: layout.ps,
          w,
          fit,
          model: family,
          reps: s.bootstrap.reps ?? 500,
          seed: s.bootstrap.seed,
          alpha,
        }
      : null;
  const balance = balanceTable(layout.balance, t, ipwWeights(p, t, "ATE"), ipwWeights(p, t, "ATT"), {
    threshold: s.balance?.threshold ?? 0.1,
    estimand,
    denominator: s.balance?.denominator ?? "pooled",
    matched,
    count: w,
  });
  const dr = doublyRobust(t, y, p, fitOutcomeModels(layout.om, t, y, w), layout.om, alpha, w);
  const misspecify = s.misspecify ?? "none";
  const demonstration =
    misspecify === "none" ? null : robustnessDemo(misspecify, t, y, p, layout.om, alpha, w);
  const naive = naiveDifference(t, y, alpha, w);

  const pick = { ipw: ipw, ra: dr.ra, aipw: dr.aipw }[estimator];
  const zero = guardZeroSe(
    estimand === "ATE" ? pick.ate : pick.att,
    `${estimator.toUpperCase()} ${estimand}`,
  );
  const estimate = zero.term;
  if (zero.diagnostic) diagnostics.push(zero.diagnostic);
  const baseline = estimand === "ATE" ? ipw.means.controlAte : ipw.means.controlAtt;
  const eValue = layout.binaryOutcome
    ? eValueFor(estimate, { scale: "risk", baseline })
    : eValueFor(estimate, { scale: "smd", sd: sampleSd(y, w) });

  diagnostics.push(overlapDiagnostic(analysisOverlap));
  diagnostics.push(weightsDiagnostic(weights, estimand));
  diagnostics.push(balanceDiagnostic(balance));
  diagnostics.push(calibrationDiagnostic(fit));
  diagnostics.push(
    estimand === "ATE"
      ? agreementDiagnostic(ipw.ate, dr.ra.ate, dr.aipw.ate)
      : agreementDiagnostic(ipw.att, dr.ra.att, dr.aipw.att),
  );
  diagnostics.push(selectionDiagnostic(naive.difference.estimate, estimate.estimate, estimand));
  if (eValue) diagnostics.push(eValueDiagnostic(eValue));
  diagnostics.push(matchingDiagnostic(matching, balance));
  diagnostics.push(rosenbaumDiagnostic(rosenbaum, matching.treatedMatched));
  const scores = new Float64Array(frame.nrows).fill(Number.NaN);
  for (let i = 0; i < layout.units; i++) scores[layout.rows[i]] = p[i];
  const dropped = full.n - layout.n;
  const finish = (bootstrap: IpwBootstrap | null): PropensityFit => {
    const all = [...diagnostics];
    if (bootstrap && bootstrap.failed > 0) {
      all.push(
        diagnostic("D_PS_BOOTSTRAP_FAILED", "warn", { failed: bootstrap.failed, reps: bootstrap.reps }),
      );
    }

    const result: PropensityResult = {
      method: "propensity",
      treatment: layout.treatment,
      outcome: layout.outcome,
      estimand,
      estimator,
      estimate,
      model: {
        family: fit.family,
        penalty: fit.penalty,
        coefficients: fit.coefficients,
        auc: fit.auc,
        logLik: fit.logLik,
        pseudoR2: fit.pseudoR2,
        converged: fit.converged,
        iterations: fit.iterations,
        calibration: fit.calibration,
      },
      trim,
      overlap,
      weights,
      ipw: { ...ipw, bootstrap },
      balance,
      doublyRobust: dr,
      demonstration,
      sensitivity: { eValue, rosenbaum },
      matching,
      naive,
      alpha,
      n: {
        obs: layout.n,
        treated: layout.n1,
        control: layout.n0,
        dropped,
        droppedReasons: dropped > 0 ? { trimmed: dropped } : {},
      },
      diagnostics: all,
      provenance: { spec: toJson(s), engine: "memory", version: LINEAR_MODEL_VERSION },
      compression,
    };
    return Object.freeze({ result: deepFreeze(result), scores });
  };
  return { bootstrapInput, finish };
}

/**
 * The matching of the analysis: with replacement and all ties (the default) on units of identical (score, arm,
 * outcome) with their counts ({@link matchRowsByUnits}: the row result, without listing every tied control of
 * every treated row; matched differences as distinct values with counts); the row-order-dependent options
 * (`ties: "first"`, `replace: false`) on the rows (units of one row there).
 */
function matchOn(
  p: Float64Array,
  t: Float64Array,
  y: Float64Array,
  w: Float64Array,
  s: ValidPropensitySpec,
  alpha: number,
): {
  matching: PropensityResult["matching"];
  matched: Float64Array;
  differences: Float64Array;
  differenceCounts: Float64Array | null;
} {
  const options = { ...s.matching, estimand: s.matching?.estimand ?? "ATT", level: 1 - alpha };
  if (s.matching?.ties !== "first" && s.matching?.replace !== false) {
    const units = matchRowsByUnits(p, t, y, options, w);
    return {
      matching: units.match,
      matched: units.weights,
      differences: units.differences,
      differenceCounts: units.differenceCounts,
    };
  }
  const match = nearestNeighbourMatch(p, Uint8Array.from(t), y, options);
  const { weights: _weights, sets: _sets, ...matching } = match;
  return {
    matching,
    matched: matchWeights(match),
    differences: matchedDifferences(match, y),
    differenceCounts: null,
  };
}

/**
 * Refuses scores of exactly 0 or 1 (to double precision): the groups barely overlap, and the inverse weights and
 * the matching distance would divide by zero. Without trimming the hint names it; after trimming, fewer covariates.
 */
function checkScoresInside(p: Float64Array, t: Float64Array, w: Float64Array, trimmed: string | null): void {
  let treated = 0;
  let control = 0;
  for (let i = 0; i < p.length; i++) {
    if (p[i] > 0 && p[i] < 1) continue;
    if (t[i] === 1) treated += w[i];
    else control += w[i];
  }
  if (treated + control === 0) return;
  throw new TrueliftError(
    "E_PS_NO_OVERLAP",
    `${treated + control} rows (${treated} opt-in, ${control} comparison) have a propensity score of exactly 0 or 1${trimmed === null ? "" : ` even after ${trimmed} trimming`}: the groups barely overlap, so weights and matches there are undefined.`,
    {
      details: { treatedAtBound: treated, controlAtBound: control, trim: trimmed },
      hint:
        trimmed === null
          ? 'Trim to the region of overlap (trim: { rule: "crump" }, CLI --trim crump), or use fewer covariates (drop the one that nearly separates the groups).'
          : "Use fewer covariates (drop the one that nearly separates the groups), or trim with tighter bounds (e.g. --trim 0.05:0.95).",
    },
  );
}

function trimBounds(
  trim: Exclude<ValidPropensitySpec["trim"], undefined>,
  p: Float64Array,
  w: Float64Array,
): [number, number] {
  if (trim.rule === "bounds") return [trim.lower, trim.upper];
  const a = crumpThreshold(p, w);
  return [a, 1 - a];
}

/** Sample SD of the rows (units weighted by their counts), n − 1 denominator. */
function sampleSd(y: Float64Array, w: Float64Array): number {
  let n = 0;
  let m = 0;
  for (let i = 0; i < y.length; i++) {
    n += w[i];
    m += w[i] * y[i];
  }
  m /= n;
  let ss = 0;
  for (let i = 0; i < y.length; i++) ss += w[i] * (y[i] - m) ** 2;
  return Math.sqrt(ss / (n - 1));
}
