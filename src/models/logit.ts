import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import { deepFreeze, type ResultBase, type SampleSize, type Term } from "../core/result.js";
import { gramRank, spdInverse } from "../numeric/linalg/cholesky.js";
import { newtonMinimize } from "../numeric/optimize/newton.js";
import { auc } from "./auc.js";
import { validateFrequency } from "./frequency.js";
import {
  buildLogitDesign,
  type LogitCovariate,
  type LogitDesign,
  type LogitFittedCovariate,
  predictionColumns,
} from "./logit-design.js";
import {
  information,
  interceptOnlyLogLik,
  linearPredictor,
  logitObjective,
  logitState,
  logLikelihood,
  probabilities,
  sigmoid,
} from "./logit-kernels.js";
import { waldTerm } from "./wald-term.js";

export type { LogitCovariate, LogitFittedCovariate } from "./logit-design.js";

/**
 * The penalty kinds {@link logit} accepts.
 *
 * @example
 * ```ts
 * const penalty: LogitPenalty = { type: "l2", C: 1 }; // LOGIT_PENALTIES.includes(penalty.type)
 * ```
 */
export const LOGIT_PENALTIES = ["none", "l2"] as const;
/**
 * What {@link logit} does with missing values in the columns it uses.
 *
 * @example
 * ```ts
 * logit(frame, { outcome: "y", covariates: ["x"], missing: "drop" });
 * ```
 */
export const LOGIT_MISSING_POLICIES = ["error", "drop"] as const;

/**
 * The penalty of a logistic regression. `l2` follows scikit-learn's convention exactly: minimise
 * C · Σᵢ wᵢ · logloss(yᵢ, pᵢ) + ½ ‖β‖², with the intercept not penalised (as sklearn's lbfgs / newton-cg solvers).
 * Smaller C means a stronger penalty. Without an intercept (`intercept: false`) every coefficient is penalised,
 * as sklearn with `fit_intercept=False`. Weights enter as sklearn's `sample_weight`.
 */
export type LogitPenalty = { readonly type: "none" } | { readonly type: "l2"; readonly C: number };

/** Specification of {@link logit}. */
export interface LogitSpec {
  /** The 0/1 outcome column. */
  readonly outcome: string;
  /** Covariates, in the order their coefficients are reported. */
  readonly covariates: readonly LogitCovariate[];
  /** Include an intercept (named `Intercept`). __Default value:__ `true`. */
  readonly intercept?: boolean;
  /**
   * Column of non-negative case weights, treated as frequency weights (statsmodels `GLM(freq_weights=)`,
   * scikit-learn `sample_weight`): log-likelihood, score and Hessian are weighted sums, and the standard errors
   * are the model-based ones from the weighted Hessian. __Default value:__ unit weights.
   */
  readonly weights?: string;
  /**
   * Binomial cells (covariate-pattern compression): each frame row is a cell of `count` rows sharing every
   * covariate value, and the outcome column holds the cell's share of successes (successes / count, in [0, 1]) —
   * `GROUP BY covariates` with `COUNT(*)` and `AVG(y)`, the same cell mean an OLS frequency fit takes. A cell
   * contributes count·[ȳ log p + (1 − ȳ) log(1 − p)], its rows' log-likelihood, so the estimates, the
   * model-based covariance, logLik, null logLik, pseudo-R², AUC, `n` (N = Σ count, drops in rows) and the
   * separation check equal the fit on the expanded rows. Counts must be positive integers and shares in [0, 1]
   * (`E_BAD_FREQUENCY`); not combinable with `weights` (`E_INVALID_SPEC`). `fitted` holds one probability per
   * cell. __Default value:__ absent (one row per observation).
   */
  readonly frequency?: { readonly count: string };
  /** __Default value:__ `{ type: "none" }` (the maximum-likelihood estimate). */
  readonly penalty?: LogitPenalty;
  /**
   * `"error"` throws `E_MISSING_VALUES` when a used column has NaN / a missing category (±Infinity in the outcome
   * or a numeric covariate is `E_NONFINITE_VALUES` under either policy); `"drop"`
   * fits on the complete rows and reports the count in `n.dropped` and `n.droppedReasons`.
   * __Default value:__ `"error"`.
   */
  readonly missing?: (typeof LOGIT_MISSING_POLICIES)[number];
  /** Significance level of the confidence intervals. __Default value:__ `0.05`. */
  readonly alpha?: number;
  /** Newton iteration cap. __Default value:__ `100`. */
  readonly maxIter?: number;
  /**
   * Convergence tolerance on the score of the mean log-likelihood, each coordinate multiplied by the
   * (weighted) root mean square of its column. __Default value:__ `1e-10`.
   */
  readonly gradTol?: number;
}

/** The fitted-model description {@link predictLogit} needs to rebuild the design on new data. */
export interface LogitDesignInfo {
  readonly intercept: boolean;
  readonly columns: readonly string[];
  readonly covariates: readonly LogitFittedCovariate[];
  readonly weights: string | null;
}

/**
 * A fitted logistic regression: plain, frozen, JSON-serialisable data. Coefficients are {@link Term}s with
 * statsmodels `Logit` inference (z statistics, normal p-values and intervals from the inverse Hessian); `df` is
 * null (normal reference). For an L2-penalised fit `se`, `statistic`, `pValue`, `ci` and `covariance` are null
 * (diagnostic `D_LOGIT_PENALIZED_NO_SE`).
 *
 * The fitted probabilities are not part of the result (it would grow by a number per row); {@link logitFit}
 * returns them beside it.
 *
 * @example
 * ```ts
 * import { logit, Frame } from "truelift";
 * const frame = Frame.fromObject({ y: [0, 1, 0, 1, 1, 0], x: [1, 2, 3, 4, 5, 2.5] });
 * const res: LogitResult = logit(frame, { outcome: "y", covariates: ["x"] });
 * JSON.stringify(res); // plain data: terms, covariance, logLik, auc, n, design, diagnostics, …
 * ```
 */
export interface LogitResult extends ResultBase {
  readonly method: "logit";
  readonly outcome: string;
  readonly terms: readonly Term[];
  /** Covariance of the estimates (inverse of the observed information), row-major nested arrays, or null. */
  readonly covariance: readonly (readonly number[])[] | null;
  readonly penalty: LogitPenalty;
  /** Σ wᵢ [yᵢ log pᵢ + (1 − yᵢ) log(1 − pᵢ)] at the estimates (unpenalised). */
  readonly logLik: number;
  /** The same for the intercept-only model (statsmodels `llnull`). */
  readonly nullLogLik: number;
  /** McFadden's pseudo-R², 1 − logLik / nullLogLik (statsmodels `prsquared`). */
  readonly pseudoR2: number;
  /** AUC of the fitted probabilities (weighted when weights are given), as `roc_auc_score`. */
  readonly auc: number;
  readonly iterations: number;
  readonly converged: boolean;
  readonly n: SampleSize;
  readonly design: LogitDesignInfo;
}

/**
 * What {@link logitFit} returns: the plain-data result and, beside it, the fitted probabilities.
 *
 * @example
 * ```ts
 * import { logitFit, Frame } from "truelift";
 * const frame = Frame.fromObject({ y: [0, 1, 0, 1, 1, 0], x: [1, 2, 3, 4, 5, 2.5] });
 * const { result, fitted }: LogitFit = logitFit(frame, { outcome: "y", covariates: ["x"] });
 * fitted.length === result.n.obs + result.n.dropped; // true: one probability per input row
 * ```
 */
export interface LogitFit {
  /** The frozen, JSON-serialisable result (what {@link logit} returns). */
  readonly result: LogitResult;
  /** Fitted probabilities aligned with the input frame's rows (NaN for dropped rows); not part of the result. */
  readonly fitted: Float64Array;
}

/**
 * Logistic regression by maximum likelihood (or with scikit-learn's L2 penalty), fitted by Newton's method —
 * equivalently iteratively reweighted least squares — to a gradient tolerance of 1e-10, so the estimates are the
 * exact optimum rather than wherever a looser solver stopped.
 *
 * Phases: validate spec → build design (`buildDesign`: missing values, dummies; then the 0/1 check) → rank check → Newton →
 * separation check → inference → freeze.
 *
 * Errors (all before fitting except separation): `E_INVALID_SPEC`, `E_COLUMN_MISSING`, `E_COLUMN_TYPE`,
 * `E_MISSING_VALUES` (with `missing: "error"`), `E_EMPTY_DATA`, `E_NOT_BINARY`, `E_CONSTANT_OUTCOME`,
 * `E_NONFINITE_VALUES`, `E_BAD_WEIGHTS`, `E_UNKNOWN_LEVEL`, `E_TOO_FEW_OBSERVATIONS`, `E_SINGULAR_DESIGN` (naming the collinear
 * columns), and `E_PERFECT_SEPARATION` when, without a penalty, the likelihood has no maximum (complete or
 * quasi-complete separation: Newton's steps stay of order one while some fitted probabilities reach 0 or 1).
 *
 * @example
 * ```ts
 * import { logit, Frame } from "truelift";
 * const frame = Frame.fromObject({
 *   y: [0, 0, 1, 1, 0, 1, 1, 0],
 *   x: [0.1, 0.4, 0.35, 0.8, 0.5, 0.9, 0.3, 0.2],
 *   tier: ["a", "b", "a", "b", "a", "b", "b", "a"],
 * });
 * const fit = logit(frame, { outcome: "y", covariates: ["x", { kind: "categorical", column: "tier" }] });
 * fit.terms.map((t) => t.name); // ["Intercept", "x", "C(tier)[T.b]"]
 * ```
 * @see McCullagh & Nelder, Generalized Linear Models (2nd ed., 1989), §4.4 (binary data) and §2.5 (IRLS).
 * @see Albert & Anderson (1984), "On the existence of maximum likelihood estimates in logistic regression
 *   models", Biometrika 71, 1–10 (separation).
 */
export function logit(frame: Frame, spec: LogitSpec): LogitResult {
  return logitFit(frame, spec).result;
}

/**
 * {@link logit}, returning the fitted probabilities beside the result ({@link LogitFit}); the result is the same
 * plain data, so it does not grow by a number per row.
 *
 * @example
 * ```ts
 * import { logitFit, Frame } from "truelift";
 * const frame = Frame.fromObject({ y: [0, 0, 1, 1, 0, 1, 1, 0], x: [0.1, 0.4, 0.35, 0.8, 0.5, 0.9, 0.3, 0.2] });
 * const { result, fitted } = logitFit(frame, { outcome: "y", covariates: ["x"] });
 * result.terms.map((t) => t.name); // ["Intercept", "x"]
 * fitted;                          // Float64Array of fitted probabilities, one per row
 * ```
 * @see McCullagh & Nelder, Generalized Linear Models (2nd ed., 1989), §4.4.
 */
export function logitFit(frame: Frame, spec: LogitSpec): LogitFit {
  const opts = validateSpec(spec);
  const cells = spec.frequency !== undefined;
  if (spec.frequency) validateFrequency(frame, spec.frequency);
  const design = buildLogitDesign(frame, {
    outcome: spec.outcome,
    covariates: spec.covariates,
    intercept: opts.intercept,
    weights: spec.frequency ? spec.frequency.count : spec.weights,
    frequency: cells,
    missing: opts.missing,
  });
  const { n, k, columns, y, w, names } = design;
  let sumW = 0;
  let nPositive = 0;
  for (let r = 0; r < n; r++) {
    const wr = w ? w[r] : 1;
    sumW += wr;
    if (wr > 0) nPositive++;
  }
  if (cells) nPositive = sumW;
  if (k === 0) invalidSpec("The model has no columns: add covariates or keep the intercept.");
  if (nPositive <= k) {
    throw new TrueliftError(
      "E_TOO_FEW_OBSERVATIONS",
      `The logistic regression has ${k} parameters but only ${nPositive} observations.`,
      { details: { parameters: k, observations: nPositive } },
    );
  }
  checkRank(design, w);

  const l2 = opts.penalty.type === "l2" ? opts.penalty.C : null;
  const penaltyScale = l2 === null ? 0 : 1 / (l2 * sumW);
  const objective = logitObjective(design, sumW, penaltyScale);
  const gradScale = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let ss = 0;
    for (let r = 0; r < n; r++) ss += (w ? w[r] : 1) * columns[j][r] ** 2;
    gradScale[j] = 1 / Math.sqrt(ss / sumW);
  }
  const start = new Float64Array(k);
  if (design.interceptIndex >= 0) {
    let sy = 0;
    for (let r = 0; r < n; r++) sy += (w ? w[r] : 1) * y[r];
    const ybar = sy / sumW;
    start[design.interceptIndex] = Math.log(ybar / (1 - ybar));
  }
  const fit = newtonMinimize(objective, {
    start,
    gradScale,
    gradTol: opts.gradTol,
    maxIter: opts.maxIter,
  });
  const beta = fit.x;
  const state = logitState(columns, beta, n);
  const eta = state.eta;

  // Separation: observations predicted perfectly, and either no convergence or a Newton step that stays O(1).
  let perfect = 0;
  let extreme = 0;
  for (let r = 0; r < n; r++) {
    if (w && w[r] === 0) continue;
    // min(p, 1 − p) = σ(−|η|) = e/(1 + e); the observation is predicted perfectly when that side is y's miss.
    const small = state.e[r] / (1 + state.e[r]);
    if (small < 1e-8) {
      if (cells && w) {
        // A cell's rows: its successes are predicted perfectly when η > 0, its failures when η ≤ 0.
        extreme += w[r];
        perfect += eta[r] > 0 ? w[r] * y[r] : w[r] * (1 - y[r]);
      } else {
        extreme++;
        if ((y[r] === 1) === eta[r] > 0) perfect++;
      }
    }
  }
  let betaMax = 0;
  for (let j = 0; j < k; j++) betaMax = Math.max(betaMax, Math.abs(beta[j]));
  const diverging = !fit.converged || fit.lastStep > 1e-4 * Math.max(1, betaMax);
  if (l2 === null && perfect > 0 && diverging) {
    throw new TrueliftError(
      "E_PERFECT_SEPARATION",
      `The outcome is perfectly predicted for ${perfect} of ${nPositive} rows, so the maximum-likelihood estimate does not exist (coefficients diverge).`,
      { details: { perfectlyPredicted: perfect, rows: nPositive, iterations: fit.iterations } },
    );
  }

  const diagnostics: Diagnostic[] = [];
  if (!fit.converged) {
    diagnostics.push(
      diagnostic("D_LOGIT_NOT_CONVERGED", "warn", { iterations: fit.iterations, stop: fit.stop }),
    );
  }
  if (extreme > 0) {
    diagnostics.push(diagnostic("D_LOGIT_NEAR_SEPARATION", "warn", { rows: extreme }));
  }

  // Inference from the observed information (unscaled Hessian of −logLik).
  const alpha = opts.alpha;
  let covariance: number[][] | null = null;
  let terms: Term[];
  if (l2 === null) {
    const info = information(design, state);
    const inv = spdInverse(info, k);
    covariance = inv
      ? Array.from({ length: k }, (_, i) => Array.from(inv.subarray(i * k, (i + 1) * k)))
      : null;
    terms = names.map((name, j) =>
      waldTerm(name, beta[j], inv && inv[j * k + j] > 0 ? Math.sqrt(inv[j * k + j]) : null, alpha),
    );
  } else {
    terms = names.map((name, j) => waldTerm(name, beta[j], null, alpha));
    diagnostics.push(diagnostic("D_LOGIT_PENALIZED_NO_SE", "info", { C: l2 }));
  }

  const probs = probabilities(state);
  const logLik = logLikelihood(y, w, state);
  const nullLogLik = interceptOnlyLogLik(y, w, sumW);
  const fitted = new Float64Array(frame.nrows).fill(Number.NaN);
  for (let r = 0; r < n; r++) fitted[design.rows[r]] = probs[r];

  const result: LogitResult = {
    method: "logit",
    alpha,
    outcome: spec.outcome,
    terms,
    covariance,
    penalty: { ...opts.penalty },
    logLik,
    nullLogLik,
    pseudoR2: 1 - logLik / nullLogLik,
    auc: cells && w ? cellAuc(y, probs, w) : auc(y, probs, w ? { weights: w } : {}),
    iterations: fit.iterations,
    converged: fit.converged,
    n: {
      obs: cells ? sumW : n,
      dropped: design.dropped,
      ...(design.dropped > 0 ? { droppedReasons: { missing: design.dropped } } : {}),
    },
    design: {
      intercept: opts.intercept,
      columns: names,
      covariates: design.covariates,
      weights: spec.weights ?? null,
    },
    diagnostics,
  };
  return Object.freeze({ result: deepFreeze(result), fitted });
}

/**
 * Predicted probabilities of a fitted {@link logit} on (new) data: the covariates are rebuilt with the fitted
 * levels and reference. Rows with a missing covariate get NaN; a category level the model was not fitted on
 * throws `E_UNKNOWN_LEVEL`.
 *
 * @example
 * ```ts
 * import { logit, predictLogit, Frame } from "truelift";
 * const train = Frame.fromObject({ y: [0, 1, 0, 1, 1, 0], x: [1, 2, 3, 4, 5, 2.5] });
 * const fit = logit(train, { outcome: "y", covariates: ["x"] });
 * predictLogit(fit, Frame.fromObject({ x: [0, 10] })); // Float64Array of two probabilities
 * ```
 * @see McCullagh & Nelder, Generalized Linear Models (2nd ed., 1989), §4.4.
 */
export function predictLogit(result: LogitResult, frame: Frame): Float64Array {
  const out = new Float64Array(frame.nrows).fill(Number.NaN);
  if (frame.nrows === 0) return out;
  let design: ReturnType<typeof predictionColumns>;
  try {
    design = predictionColumns(frame, result.design.covariates, result.design.intercept);
  } catch (e) {
    if (e instanceof TrueliftError && e.code === "E_EMPTY_DATA") return out; // every row has a missing value
    throw e;
  }
  const { columns, n, rows } = design;
  const beta = Float64Array.from(result.terms, (t) => t.estimate);
  const eta = linearPredictor(columns, beta, n);
  for (let r = 0; r < n; r++) out[rows ? rows[r] : r] = sigmoid(eta[r]);
  return out;
}

function validateSpec(spec: LogitSpec): {
  intercept: boolean;
  penalty: LogitPenalty;
  missing: "error" | "drop";
  alpha: number;
  maxIter: number;
  gradTol: number;
} {
  if (spec === null || typeof spec !== "object") invalidSpec("The logit spec must be an object.");
  if (typeof spec.outcome !== "string") invalidSpec("`outcome` must be a column name.");
  if (!Array.isArray(spec.covariates)) invalidSpec("`covariates` must be an array.");
  if (spec.frequency !== undefined && spec.weights !== undefined) {
    invalidSpec("`frequency` (cell counts) and `weights` cannot be combined.");
  }
  const penalty = spec.penalty ?? { type: "none" };
  if (!LOGIT_PENALTIES.includes(penalty.type)) {
    invalidSpec(`penalty.type must be one of ${LOGIT_PENALTIES.join(", ")}; got '${String(penalty.type)}'.`);
  }
  if (penalty.type === "l2" && !(Number.isFinite(penalty.C) && penalty.C > 0)) {
    invalidSpec(`penalty.C must be a positive number; got ${String(penalty.C)}.`);
  }
  const missing = spec.missing ?? "error";
  if (!LOGIT_MISSING_POLICIES.includes(missing)) {
    invalidSpec(`missing must be one of ${LOGIT_MISSING_POLICIES.join(", ")}; got '${String(missing)}'.`);
  }
  const alpha = spec.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) invalidSpec(`alpha must be in (0, 1); got ${alpha}.`);
  const maxIter = spec.maxIter ?? 100;
  if (!Number.isInteger(maxIter) || maxIter < 1) invalidSpec(`maxIter must be a positive integer.`);
  const gradTol = spec.gradTol ?? 1e-10;
  if (!(gradTol > 0)) invalidSpec(`gradTol must be positive.`);
  return { intercept: spec.intercept ?? true, penalty, missing, alpha, maxIter, gradTol };
}

/**
 * AUC of binomial cells as on their rows: each cell is a positive of weight count·share and a negative of weight
 * count·(1 − share) at the cell's score (ties within a cell count one half, as between tied rows).
 */
function cellAuc(share: Float64Array, scores: Float64Array, count: Float64Array): number {
  const n = share.length;
  const labels = new Float64Array(2 * n);
  const s = new Float64Array(2 * n);
  const weights = new Float64Array(2 * n);
  for (let r = 0; r < n; r++) {
    labels[r] = 1;
    s[r] = scores[r];
    s[n + r] = scores[r];
    weights[r] = count[r] * share[r];
    weights[n + r] = count[r] * (1 - share[r]);
  }
  return auc(labels, s, { weights });
}

function invalidSpec(message: string): never {
  throw new TrueliftError("E_INVALID_SPEC", `logit: ${message}`);
}

/** Throws E_SINGULAR_DESIGN naming the columns that are linear combinations of earlier ones. */
function checkRank(design: LogitDesign, w: Float64Array | null): void {
  const { n, k, columns, names } = design;
  const gram = new Float64Array(k * k);
  for (let p = 0; p < k; p++) {
    for (let q = p; q < k; q++) {
      let s = 0;
      const a = columns[p];
      const b = columns[q];
      for (let r = 0; r < n; r++) s += (w ? w[r] : 1) * a[r] * b[r];
      gram[p * k + q] = s;
      gram[q * k + p] = s;
    }
  }
  const { dropped } = gramRank(gram, k);
  if (dropped.length > 0) {
    const cols = dropped.map((j) => names[j]);
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      `The design is singular: ${cols.map((c) => `'${c}'`).join(", ")} ${cols.length === 1 ? "is a linear combination" : "are linear combinations"} of earlier columns.`,
      { details: { columns: cols } },
    );
  }
}
