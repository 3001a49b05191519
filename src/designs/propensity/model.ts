import type { Diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError, TrueliftError } from "../../core/errors.js";
import { type Column, Frame } from "../../core/frame.js";
import type { Term } from "../../core/result.js";
import { type LogitFit, type LogitPenalty, logitFit } from "../../models/logit.js";
import { chisqSurvival } from "../../numeric/dist/index.js";
import type { CovariateColumn } from "./covariates.js";
import { orderByScoreFew } from "./few-values.js";
import { SEPARATION_HINT } from "./layout.js";
import { collapsedLogitRefitter } from "./logit-refit.js";

/**
 * What a propensity model family is fitted on: the 0/1 treatment and the numeric covariate columns, one entry
 * per unit, and the rows each unit stands for (`w`, frequency counts; one row each when absent).
 */
export interface PropensityModelData {
  readonly treatment: string;
  readonly t: Float64Array;
  readonly columns: readonly CovariateColumn[];
  readonly w?: Float64Array;
}

/**
 * The stacked estimating equations of a smooth parametric propensity model, for M-estimation sandwich variances
 * that account for the estimated scores: per-row estimating functions ψᵢ(β̂) and their derivative, indexed by
 * unit (every row of a unit has the same ψ).
 */
export interface PropensityEstimatingEquations {
  /** Number of parameters k. */
  readonly dim: number;
  /** Writes ψᵢ(β̂) of one row of unit i (length k) into `out`; Σ over rows of ψ(β̂) = 0 at the estimate. */
  score(i: number, out: Float64Array): void;
  /** Writes ∂ηᵢ/∂β (the row's design vector, length k) into `out`, where pᵢ = σ(ηᵢ). */
  linearGradient(i: number, out: Float64Array): void;
  /** −Σ over rows of ∂ψ/∂β at the estimate (k × k, row-major): the bread. */
  readonly bread: Float64Array;
}

/**
 * Refits the propensity model on collapsed data: distinct covariate rows ("patterns") with control and treated
 * frequency counts (bootstrap resamples) interleaved per pattern (`counts[2q]` control, `counts[2q + 1]`
 * treated), warm-started at the full-sample fit. Returns the pattern scores, or null when the fit fails
 * (separation or no convergence).
 */
export type CollapsedRefit = (counts: Float64Array) => Float64Array | null;

/** One decile of predicted scores: count, mean predicted score, share actually treated. */
export interface CalibrationBin {
  readonly decile: number;
  readonly n: number;
  readonly meanScore: number;
  readonly treatedShare: number;
}

/** A fitted propensity model: plain data plus (non-serialised) hooks for the sandwich and the bootstrap. */
export interface PropensityModelFit {
  readonly family: string;
  readonly penalty: LogitPenalty;
  /** P(treated | covariates) per unit. */
  readonly scores: Float64Array;
  readonly coefficients: readonly Term[];
  readonly auc: number;
  readonly logLik: number;
  readonly pseudoR2: number;
  readonly converged: boolean;
  readonly iterations: number;
  readonly calibration: {
    readonly bins: readonly CalibrationBin[];
    /** Hosmer–Lemeshow statistic over the deciles, χ²(8) reference. */
    readonly hosmerLemeshow: number;
    readonly pValue: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  /** Null for families without smooth estimating equations (the sandwich is then not available). */
  readonly equations: PropensityEstimatingEquations | null;
  /**
   * Builds a collapsed refitter over the given pattern columns (same order as `data.columns`; `rows` = rows of
   * the full sample per pattern), or null.
   */
  refitter(patterns: readonly Float64Array[], rows: Float64Array): CollapsedRefit | null;
}

/**
 * A propensity model family: how P(treated | covariates) is estimated. `logit` is built in; a second family
 * (e.g. boosted trees, covariate-balancing scores) implements the same interface, returning `equations: null`
 * and `refitter: () => null` when it has no estimating equations or fast refit (the design then falls back to
 * bootstrap-only inference, refitting through `fit`).
 *
 * @example
 * ```ts
 * import { LOGIT_PROPENSITY } from "truelift";
 * const fit = LOGIT_PROPENSITY.fit({ treatment: "d", t, columns }, { penalty: { type: "none" } });
 * fit.scores; // Float64Array of P(d = 1 | x)
 * ```
 */
export interface PropensityModel {
  readonly family: string;
  fit(
    data: PropensityModelData,
    options: { readonly penalty?: LogitPenalty; readonly maxIter?: number },
  ): PropensityModelFit;
}

/**
 * The logistic propensity model: {@link logitFit} (Newton to a gradient tolerance of 1e-10, so the unpenalised
 * estimate is the exact MLE; `l2` follows scikit-learn's C convention) on an intercept plus the covariate
 * columns, with the unit counts as frequency weights (`LogitSpec.frequency`: the fit of the rows the units stand
 * for). Estimating equations ψᵢ = xᵢ(tᵢ − pᵢ) − β∘c/(nC) (c = 1 except for the intercept, n rows), bread
 * Σ wᵢ pᵢ(1 − pᵢ) xᵢxᵢᵀ + diag(c/C).
 *
 * @example
 * ```ts
 * import { LOGIT_PROPENSITY } from "truelift";
 * LOGIT_PROPENSITY.family; // "logit"
 * ```
 * @see Rosenbaum & Rubin (1983), "The central role of the propensity score in observational studies for causal
 *   effects", Biometrika 70, 41–55.
 */
export const LOGIT_PROPENSITY: PropensityModel = {
  family: "logit",
  fit(data, options) {
    const penalty = options.penalty ?? { type: "none" };
    const units = data.t.length;
    const w = data.w ?? new Float64Array(units).fill(1);
    const cols = new Map<string, Column>();
    cols.set(data.treatment, { kind: "f64", values: data.t });
    for (const c of data.columns) cols.set(c.name, { kind: "f64", values: c.values });
    const countName = uniqueName("__count", cols);
    cols.set(countName, { kind: "f64", values: w });
    let fit: LogitFit;
    try {
      fit = logitFit(Frame.fromColumns(cols), {
        outcome: data.treatment,
        covariates: data.columns.map((c) => c.name),
        frequency: { count: countName },
        penalty,
        ...(options.maxIter !== undefined ? { maxIter: options.maxIter } : {}),
      });
    } catch (e) {
      if (isTrueliftError(e) && e.code === "E_PERFECT_SEPARATION") {
        throw new TrueliftError(
          "E_PERFECT_SEPARATION",
          `The covariates ${data.columns.map((c) => `'${c.name}'`).join(", ")} jointly separate treated from control rows (no single one does): ${e.message}`,
          { details: { ...e.details, covariates: data.columns.map((c) => c.name) }, hint: SEPARATION_HINT },
        );
      }
      throw e;
    }
    const { result: res, fitted: p } = fit;
    let n = 0;
    for (let i = 0; i < units; i++) n += w[i];
    const k = data.columns.length + 1;
    const beta = Float64Array.from(res.terms, (term) => term.estimate);
    const x = (j: number): Float64Array | null => (j === 0 ? null : data.columns[j - 1].values);
    const lambda = penalty.type === "l2" ? 1 / penalty.C : 0;
    const bread = new Float64Array(k * k);
    for (let a = 0; a < k; a++) {
      const xa = x(a);
      for (let b = a; b < k; b++) {
        const xb = x(b);
        let s = 0;
        for (let i = 0; i < units; i++) s += w[i] * p[i] * (1 - p[i]) * (xa ? xa[i] : 1) * (xb ? xb[i] : 1);
        bread[a * k + b] = s;
        bread[b * k + a] = s;
      }
      if (a > 0) bread[a * k + a] += lambda;
    }
    const equations: PropensityEstimatingEquations = {
      dim: k,
      bread,
      score(i, out) {
        const r = data.t[i] - p[i];
        out[0] = r;
        for (let j = 1; j < k; j++) out[j] = r * data.columns[j - 1].values[i] - (lambda * beta[j]) / n;
      },
      linearGradient(i, out) {
        out[0] = 1;
        for (let j = 1; j < k; j++) out[j] = data.columns[j - 1].values[i];
      },
    };
    return {
      family: "logit",
      penalty,
      scores: Float64Array.from(p),
      coefficients: res.terms,
      auc: res.auc,
      logLik: res.logLik,
      pseudoR2: res.pseudoR2,
      converged: res.converged,
      iterations: res.iterations,
      calibration: calibrationByDecile(p, data.t, w),
      diagnostics: res.diagnostics,
      equations,
      // Scores numerically 0 or 1 (|η| > 30) would stall the collapsed refit: refit in full instead.
      refitter: (patterns, rows) =>
        p.every((x) => x > 1e-13 && x < 1 - 1e-13)
          ? collapsedLogitRefitter(patterns, beta, lambda, 50, rows)
          : null,
    };
  },
};

/** A column name not among `cols`. */
function uniqueName(base: string, cols: ReadonlyMap<string, unknown>): string {
  let name = base;
  while (cols.has(name)) name = `_${name}`;
  return name;
}

/**
 * Calibration of scores by decile of the predicted score (rank-based groups of equal size; rows with equal scores
 * ordered controls first, so the bins do not depend on the row order): count, mean score and the share treated
 * per decile, and the Hosmer–Lemeshow statistic Σ (O − E)² / (E (1 − E/n)) on χ²(8). With `w` each entry is a
 * unit of `w` identical rows (a compressed cell): a unit's rows are split across deciles where the boundaries
 * fall, so the bins are the rows' bins.
 *
 * @example
 * ```ts
 * import { calibrationByDecile } from "truelift";
 * calibrationByDecile(scores, treatment).bins.length; // 10
 * ```
 * @see Hosmer & Lemeshow (1980), "Goodness of fit tests for the multiple logistic regression model",
 *   Communications in Statistics A 9, 1043–1069.
 */
export function calibrationByDecile(
  p: ArrayLike<number>,
  t: ArrayLike<number>,
  w: ArrayLike<number> | null = null,
): PropensityModelFit["calibration"] {
  const units = p.length;
  let n = 0;
  for (let i = 0; i < units; i++) n += w ? w[i] : 1;
  // Ties in the score are ordered controls first, then by unit: the bins depend on the rows only through their
  // (score, treatment) values, so compressed cells (rows up to order) give the same bins.
  const order =
    orderByScoreFew(p, t) ??
    Int32Array.from({ length: units }, (_, i) => i).sort((a, b) => p[a] - p[b] || t[a] - t[b] || a - b);
  const groups = Math.min(10, n);
  const bins: CalibrationBin[] = [];
  let hl = 0;
  // walk the units in order; `done` rows of unit order[at] are already in earlier deciles
  let at = 0;
  let done = 0;
  for (let g = 0; g < groups; g++) {
    const lo = Math.floor((g * n) / groups);
    const hi = Math.floor(((g + 1) * n) / groups);
    let e = 0;
    let o = 0;
    let need = hi - lo;
    while (need > 0 && at < units) {
      const u = order[at];
      const take = Math.min(need, (w ? w[u] : 1) - done);
      e += take * p[u];
      o += take * t[u];
      need -= take;
      done += take;
      if (done === (w ? w[u] : 1)) {
        at++;
        done = 0;
      }
    }
    const m = hi - lo;
    if (m === 0) continue;
    bins.push({ decile: g + 1, n: m, meanScore: e / m, treatedShare: o / m });
    const denom = e * (1 - e / m);
    if (denom > 0) hl += (o - e) ** 2 / denom;
  }
  const df = Math.max(1, bins.length - 2);
  return { bins, hosmerLemeshow: hl, pValue: chisqSurvival(hl, df) };
}
