import type { Diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import type { DeepReadonly, Json, Provenance, Term } from "../core/result.js";
import { TRUELIFT_VERSION } from "../core/version.js";
import { buildDesign, type DesignMatrix } from "./design-matrix.js";
import type { AbsorbOptions } from "./fixed-effects.js";
import type { TermSpec } from "./formula.js";
import { type FrequencySpec, validateFrequency, withinSums } from "./frequency.js";
import { olsGoodnessOfFit } from "./ols-goodness.js";
import { olsSolve } from "./ols-solve.js";
import { olsShape, olsWorkingCoordinates } from "./ols-working.js";
import { computeVcov } from "./vcov/index.js";
import type { LinearFit } from "./vcov/meat.js";
import { normalizeVcov, type Vcov } from "./vcov/types.js";
import { assembleResult, type FitState, type OlsFit } from "./with-vcov.js";

/**
 * Version recorded in result provenance.
 *
 * @example
 * ```ts
 * ols(frame, spec).provenance.version === LINEAR_MODEL_VERSION; // true
 * ```
 */
export const LINEAR_MODEL_VERSION: string = TRUELIFT_VERSION;

/**
 * What to fit: a {@link ModelFormula}-shaped mean model (`outcome`, `terms`, `intercept`, e.g. from
 * `parseFormula`) plus options.
 *
 * - `intercept`: __Default value:__ `true`. Ignored (absorbed) when `absorb` is non-empty.
 * - `weights`: a numeric column of non-negative analytic weights → WLS, as statsmodels `WLS(weights=…)`.
 * - `absorb`: columns whose fixed effects are swept out by demeaning instead of estimated (fixest `| fe1 + fe2`).
 * - `vcov`: the variance estimator; __Default value:__ `{ type: "iid" }`.
 * - `alpha`: 1 − confidence level of the intervals; __Default value:__ `0.05`.
 * - `missing`: `"drop"` rows with a missing value in any used column (counted in `n.droppedReasons`), or
 *   `"error"`; __Default value:__ `"drop"`.
 * - `fixef`: demeaning tolerance and iteration cap (see {@link AbsorbOptions}).
 * - `frequency`: the frame holds compressed cells (see {@link FrequencySpec}): each row stands for `count` rows
 *   with the same regressors, the outcome is the cell mean ȳ_c and `withinSS` the cell's Σ(yᵢ − ȳ_c)². The fit
 *   equals OLS on the expanded rows — coefficients, N = Σ count, dfResid, RSS, σ, R², and every variance (iid,
 *   HC0–HC3 with the shared leverage of a cell's rows, CR1, CR2/CR3, with absorbed fixed effects demeaned by
 *   count); dropped counts are in rows. Cluster and absorbed columns must be constant within a cell (keys).
 *   Not combinable with `weights` (`E_INVALID_SPEC`); bad counts or sums of squares raise `E_BAD_FREQUENCY`.
 *   __Default value:__ absent (one row per observation).
 */
export interface OlsSpec {
  readonly outcome: string;
  readonly terms: readonly TermSpec[];
  readonly intercept?: boolean;
  readonly weights?: string;
  readonly absorb?: readonly string[];
  readonly vcov?: Vcov;
  readonly alpha?: number;
  readonly missing?: "drop" | "error";
  readonly fixef?: AbsorbOptions;
  readonly frequency?: FrequencySpec;
}

/** Result of {@link ols}: plain, deeply frozen, JSON-serialisable data. */
export interface OlsResult {
  readonly method: "ols" | "wls";
  readonly outcome: string;
  /** One row per coefficient, in patsy / statsmodels order and naming. */
  readonly terms: readonly Term[];
  /** The variance estimator used, with every default filled in. */
  readonly vcov: Vcov;
  /** The coefficient covariance matrix (rows and columns in `terms` order), or null when undefined. */
  readonly vcovMatrix: readonly (readonly number[])[] | null;
  readonly alpha: number;
  readonly n: {
    readonly obs: number;
    readonly dropped: number;
    readonly droppedReasons: Readonly<Record<string, number>>;
    readonly clusters?: readonly number[];
  };
  /** N − K, K = coefficients + absorbed fixed-effect parameters. */
  readonly dfResid: number;
  /** Number of coefficients (without absorbed fixed effects). */
  readonly k: number;
  readonly r2: number | null;
  readonly adjR2: number | null;
  /** R² of the demeaned (within) regression; null without absorbed fixed effects. */
  readonly r2Within: number | null;
  /** √(RSS/dfResid). */
  readonly sigma: number;
  /** Σ w e². */
  readonly rss: number;
  /** Absorbed fixed effects: column, number of levels, and the df they use in total. */
  readonly fixedEffects: {
    readonly columns: readonly { readonly column: string; readonly levels: number }[];
    readonly df: number;
  };
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Ordinary / weighted least squares with optional absorbed fixed effects and any {@link Vcov}.
 *
 * ```
 * validate spec → buildDesign (validate data, drop missing, patsy coding; dummies stay virtual)
 *   → working coordinates: demean by the fixed effects | shift each column near its mean | raw (no intercept)
 *   → one blocked pass: [U y]ᵀW[U y] (Gram, Uᵀwy, yᵀwy) → collinearity check (E_SINGULAR_DESIGN, naming columns)
 *   → Cholesky solve → RSS (from the Gram, or a residual pass for near-perfect fits)
 *   → variance estimator (registry; residuals recomputed per block) → map to reported coordinates → terms
 * ```
 *
 * Compressed cells (`frequency`) run the same pipeline as WLS with the counts as weights on the cell means; N =
 * Σ count replaces the row count in dfResid, R², HC1 and CR1, the within-cell sums of squares are added to RSS
 * and every total sum of squares, and the HC leverages are not scaled by the count (a cell's rows share one).
 *
 * Shifting columns by (approximately) their means makes the normal equations well conditioned without
 * copying data; any shift is exact because the intercept and its covariances are mapped back by
 * β₀ = γ₀ + s_y − Σ sⱼγⱼ (V = T V_γ Tᵀ). Unlike statsmodels (which silently uses a pseudo-inverse), a singular
 * design raises `E_SINGULAR_DESIGN` whose `details.collinear` lists the offending columns (later columns are
 * blamed, as R and fixest do). Quantities that cannot be computed are null with a diagnostic. The result is plain
 * data; {@link olsFit} returns it together with the fitted state (the design's columns, mostly views of the
 * frame) that `withVcov` needs to swap estimators. Missing values are first assumed absent in the outcome and
 * numeric terms (a non-finite Gram reveals them, and the fit is then redone with the row-by-row scan), saving a
 * pass over the data.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const frame = Frame.fromObject({
 *   y: [0.9, 1.4, 2.2, 2.8, 3.9, 4.1, 5.2, 5.8],
 *   x: [0, 1, 2, 3, 4, 5, 6, 7],
 *   tier: ["a", "b", "a", "b", "a", "b", "a", "b"],
 *   ws: [1, 1, 2, 2, 3, 3, 4, 4],
 * });
 * const res = ols(frame, { ...parseFormula("y ~ x + C(tier)"), vcov: { type: "cluster", by: ["ws"] } });
 * res.terms.map((t) => t.name); // ["Intercept", "C(tier)[T.b]", "x"]
 * res.terms[2].df;              // 3 (G − 1)
 * // On the tutorial data, `task_completed ~ treated*post + C(engagement_tier)` clustered by workspace_id
 * // gives treated:post 0.0541 (SE 0.0109, t(49)), as statsmodels.
 * ```
 * @see Greene, Econometric Analysis (8th ed.), ch. 3–4; Frisch & Waugh (1933) / Lovell (1963) for the
 *   fixed-effect projection; statsmodels `OLS` / `WLS` and fixest `feols` for the conventions matched.
 */
export function ols(frame: Frame, spec: OlsSpec): DeepReadonly<OlsResult> {
  return olsFit(frame, spec).result;
}

/**
 * {@link ols}, returning the explicit fit (statsmodels' model/results split): the same frozen result plus the
 * fitted state `withVcov` re-estimates variances from. Use it when one fit should be reported under several
 * variance estimators; {@link ols} when only the result is needed (the fitted columns are then released).
 *
 * @example
 * ```ts
 * import { Frame, olsFit, parseFormula, withVcov } from "truelift";
 * const frame = Frame.fromObject({ y: [1, 3, 2, 5, 4, 6], x: [1, 2, 3, 4, 5, 6], g: [1, 1, 2, 2, 3, 3] });
 * const fit = olsFit(frame, parseFormula("y ~ x"));
 * fit.result.vcov;                                       // { type: "iid" }
 * withVcov(fit, { type: "cluster", by: ["g"] }).n.clusters; // [3]
 * ```
 * @see statsmodels `OLS(...).fit()` and `RegressionResults.get_robustcov_results`.
 */
export function olsFit(frame: Frame, spec: OlsSpec): OlsFit {
  const s = validateSpec(spec);
  const vcov = normalizeVcov(s.vcov);
  if (s.frequency) validateFrequency(frame, s.frequency);
  const attempt = (scan: "lazy" | "full"): OlsFit | null => {
    const design = buildDesign(frame, {
      outcome: s.outcome,
      terms: s.terms,
      intercept: s.intercept,
      weights: s.frequency ? s.frequency.count : s.weights,
      frequency: s.frequency !== undefined,
      absorb: s.absorb,
      clusterBy: vcov.type === "cluster" ? vcov.by : [],
      missing: s.missing,
      scan,
    });
    const fitted = fitDesign(frame, design, s, vcov, scan === "full");
    if (!fitted) return null;
    const computation = computeVcov(fitted.state.fit, vcov, design.clusters);
    const result = assembleResult(fitted.state, vcov, computation, fitted.diagnostics);
    return Object.freeze({ result, state: fitted.state });
  };
  // Optimistic path: no separate NaN scan of the Gram columns (one pass less over the data). A missing or
  // infinite value makes the Gram non-finite; then — and on any error, so counts in messages are exact — the
  // full-scan path runs.
  if (s.missing === "drop") {
    try {
      const res = attempt("lazy");
      if (res) return res;
    } catch {
      // fall through to the full scan, which reproduces any genuine error with exact row counts
    }
  }
  return attempt("full")!;
}

interface ValidSpec {
  outcome: string;
  terms: readonly TermSpec[];
  intercept: boolean;
  weights?: string;
  absorb: readonly string[];
  vcov?: Vcov;
  alpha: number;
  missing: "drop" | "error";
  fixef: AbsorbOptions;
  frequency?: FrequencySpec;
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_SPEC", message);
}

function validateSpec(spec: OlsSpec): ValidSpec {
  if (spec === null || typeof spec !== "object") invalid("The OLS spec must be an object.");
  if (typeof spec.outcome !== "string" || spec.outcome === "") invalid("spec.outcome must name a column.");
  if (!Array.isArray(spec.terms)) invalid("spec.terms must be an array of terms (see parseFormula).");
  const intercept = spec.intercept ?? true;
  if (typeof intercept !== "boolean") invalid("spec.intercept must be true or false.");
  if (spec.weights !== undefined && (typeof spec.weights !== "string" || spec.weights === "")) {
    invalid("spec.weights must name a column.");
  }
  const absorb = spec.absorb ?? [];
  if (!Array.isArray(absorb) || absorb.some((a) => typeof a !== "string" || a === "")) {
    invalid("spec.absorb must list column names.");
  }
  if (new Set(absorb).size !== absorb.length) invalid("spec.absorb lists a column twice.");
  if (spec.frequency !== undefined && spec.weights !== undefined) {
    invalid("spec.frequency (cell counts) and spec.weights (analytic weights) cannot be combined.");
  }
  const alpha = spec.alpha ?? 0.05;
  if (typeof alpha !== "number" || !(alpha > 0 && alpha < 1)) invalid("spec.alpha must be in (0, 1).");
  const missing = spec.missing ?? "drop";
  if (missing !== "drop" && missing !== "error") invalid("spec.missing must be 'drop' or 'error'.");
  const fixef = spec.fixef ?? {};
  if (fixef.tol !== undefined && !(fixef.tol > 0)) invalid("spec.fixef.tol must be positive.");
  if (fixef.maxIter !== undefined && !(Number.isInteger(fixef.maxIter) && fixef.maxIter > 0)) {
    invalid("spec.fixef.maxIter must be a positive integer.");
  }
  return {
    outcome: spec.outcome,
    terms: spec.terms,
    intercept,
    weights: spec.weights,
    absorb,
    vcov: spec.vcov,
    alpha,
    missing,
    fixef,
    frequency: spec.frequency,
  };
}

/**
 * One fit of a built design, as a pipeline of stages that return data:
 *
 * ```
 * olsShape (k, absorbed df, Σw; too few rows) → olsWorkingCoordinates (demean | shift | raw)
 *   → olsSolve (Gram pass, rank check, Cholesky, reported coordinates, RSS) → olsGoodnessOfFit (R², flags)
 *   → fit state (the LinearFit the variance estimators read, summary statistics, provenance)
 * ```
 *
 * Returns null when the optimistic (unscanned) pass met a non-finite Gram.
 */
function fitDesign(
  frame: Frame,
  design: DesignMatrix,
  s: ValidSpec,
  vcov: Vcov,
  scanned: boolean,
): { state: FitState; diagnostics: Diagnostic[] } | null {
  const cells = s.frequency;
  const shape = olsShape(design, cells !== undefined);
  const wc = olsWorkingCoordinates(design, s.fixef, shape);
  const sol = olsSolve(design, wc, shape, scanned);
  if (!sol) return null;
  const within = cells?.withinSS ? withinSums(frame, cells.withinSS, design.rows) : null;
  const withinTotal = within ? within.total : 0;
  const gof = olsGoodnessOfFit(design, wc, sol, shape, s.outcome, withinTotal);
  const diagnostics = [...wc.diagnostics, ...gof.diagnostics];
  const { n, weights: w, absorb } = design;
  const dfResid = shape.obs - shape.kFull;
  const rss = sol.rss + withinTotal;
  const fit: LinearFit = {
    n,
    k: shape.k,
    cols: wc.work,
    shifts: wc.shifts,
    y: wc.y,
    yShift: wc.yShift,
    gamma: sol.gamma,
    weights: w,
    bread: sol.bread,
    transform: sol.transform,
    rss,
    dfResid,
    kFull: shape.kFull,
    absorb,
    feInvWeight: wc.feInvWeight,
    ...(cells ? { frequency: { rows: shape.obs, withinSS: within ? within.values : null } } : {}),
  };
  const base: FitState["base"] = {
    method: w && !cells ? "wls" : "ols",
    outcome: s.outcome,
    alpha: s.alpha,
    dfResid,
    k: shape.k,
    r2: gof.r2,
    adjR2: gof.adjR2,
    r2Within: gof.r2Within,
    sigma: Math.sqrt(rss / dfResid),
    rss,
    fixedEffects: { columns: absorb.map((a) => ({ column: a.column, levels: a.count })), df: shape.feDf },
    provenance: { spec: specJson(s, vcov), engine: "memory", version: LINEAR_MODEL_VERSION },
  };
  const rows = design.rows;
  const counts = { obs: shape.obs, dropped: design.dropped, droppedReasons: { ...design.droppedReasons } };
  const state: FitState = {
    frame,
    rows,
    fit,
    names: design.names,
    coef: sol.coef,
    base,
    n: counts,
    fitDiagnostics: diagnostics,
  };
  return { state, diagnostics };
}

/** The canonical spec recorded in provenance (plain JSON). */
function specJson(s: ValidSpec, vcov: Vcov): Json {
  return JSON.parse(
    JSON.stringify({
      outcome: s.outcome,
      terms: s.terms,
      intercept: s.intercept,
      weights: s.weights ?? null,
      absorb: s.absorb,
      vcov,
      alpha: s.alpha,
      missing: s.missing,
      ...(s.frequency ? { frequency: s.frequency } : {}),
    }),
  );
}
