import { type Diagnostic, diagnostic } from "../core/diagnostics.js";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import type { DeepReadonly, Json, Provenance, Term } from "../core/result.js";
import { cholesky, choleskyInverse, choleskySolve, gramRank } from "../numeric/linalg/cholesky.js";
import {
  buildDesign,
  type DesignColumn,
  type DesignMatrix,
  type GroupCodes,
  materializeColumn,
} from "./design-matrix.js";
import {
  type AbsorbOptions,
  demean,
  fixedEffectContext,
  fixedEffectDf,
  singletonCount,
} from "./fixed-effects.js";
import type { TermSpec } from "./formula.js";
import { computeVcov } from "./vcov/index.js";
import { BLOCK, blockResiduals, crossprod, fillBlock, type LinearFit } from "./vcov/meat.js";
import { normalizeVcov, type Vcov } from "./vcov/types.js";
import { assembleResult, type FitState } from "./with-vcov.js";

/**
 * Version recorded in result provenance.
 *
 * @example
 * ```ts
 * ols(frame, spec).provenance.version === LINEAR_MODEL_VERSION; // true
 * ```
 */
export const LINEAR_MODEL_VERSION = "0.1.0";

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

const RANK_TOL = 1e-10;
/** A column whose transformed sum of squares is below this share of its raw one lies in the absorbed span. */
const SPAN_TOL = 1e-18;

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
 * Shifting columns by (approximately) their means makes the normal equations well conditioned without
 * copying data; any shift is exact because the intercept and its covariances are mapped back by
 * β₀ = γ₀ + s_y − Σ sⱼγⱼ (V = T V_γ Tᵀ). Unlike statsmodels (which silently uses a pseudo-inverse), a singular
 * design raises `E_SINGULAR_DESIGN` whose `details.collinear` lists the offending columns (later columns are
 * blamed, as R and fixest do). Quantities that cannot be computed are null with a diagnostic. The design's
 * columns (mostly views of the frame) stay referenced, weakly keyed by the result, so {@link withVcov} can swap
 * estimators. Missing values are first assumed absent in the outcome and numeric terms (a non-finite Gram
 * reveals them, and the fit is then redone with the row-by-row scan), saving a pass over the data.
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
  const s = validateSpec(spec);
  const vcov = normalizeVcov(s.vcov);
  const attempt = (scan: "lazy" | "full"): DeepReadonly<OlsResult> | null => {
    const design = buildDesign(frame, {
      outcome: s.outcome,
      terms: s.terms,
      intercept: s.intercept,
      weights: s.weights,
      absorb: s.absorb,
      clusterBy: vcov.type === "cluster" ? vcov.by : [],
      missing: s.missing,
      scan,
    });
    const fitted = fitDesign(frame, design, s, vcov, scan === "full");
    if (!fitted) return null;
    const computation = computeVcov(fitted.state.fit, vcov, design.clusters);
    return assembleResult(fitted.state, vcov, computation, fitted.diagnostics);
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
  };
}

function weightedMean(x: Float64Array, w: Float64Array | null, sumW: number): number {
  const n = x.length;
  let s = 0;
  if (w) for (let i = 0; i < n; i++) s += w[i] * x[i];
  else for (let i = 0; i < n; i++) s += x[i];
  const m = s / sumW;
  let c = 0;
  if (w) for (let i = 0; i < n; i++) c += w[i] * (x[i] - m);
  else for (let i = 0; i < n; i++) c += x[i] - m;
  return m + c / sumW;
}

function weightedSs(x: Float64Array, w: Float64Array | null, center: number): number {
  let s = 0;
  const n = x.length;
  if (w)
    for (let i = 0; i < n; i++) {
      const d = x[i] - center;
      s += w[i] * d * d;
    }
  else
    for (let i = 0; i < n; i++) {
      const d = x[i] - center;
      s += d * d;
    }
  return s;
}

/** A location shift for a column: the mean of ≤ 4096 evenly spaced rows (any constant is exact; near the mean
 * is well conditioned). */
function sampleShift(x: DesignColumn): number {
  const n = x.length;
  const m = Math.min(n, 4096);
  let s = 0;
  if (x instanceof Float64Array) {
    for (let t = 0; t < m; t++) s += x[Math.floor((t * n) / m)];
  } else {
    const one = new Float64Array(1);
    for (let t = 0; t < m; t++) {
      x.fill(Math.floor((t * n) / m), 1, one, 0);
      s += one[0];
    }
  }
  return s / m;
}

function fitDesign(
  frame: Frame,
  design: DesignMatrix,
  s: ValidSpec,
  vcov: Vcov,
  scanned: boolean,
): { state: FitState; diagnostics: Diagnostic[] } | null {
  const { n, weights: w, names, intercept, absorb } = design;
  const p = design.columns.length;
  const k = p + (intercept ? 1 : 0);
  if (k === 0) invalid("The model has no coefficients to estimate; add a term or the intercept.");
  const fe = fixedEffectDf(absorb);
  const kFull = k + fe.df;
  if (n <= kFull) {
    throw new TrueliftError(
      "E_TOO_FEW_OBSERVATIONS",
      `The model has ${kFull} parameters${fe.df > 0 ? ` (${fe.df} absorbed)` : ""} but only ${n} usable rows.`,
      { details: { obs: n, parameters: kFull, absorbed: fe.df } },
    );
  }
  let sumW = n;
  if (w) {
    sumW = 0;
    for (let i = 0; i < n; i++) sumW += w[i];
  }
  const diagnostics: Diagnostic[] = [];

  // Working coordinates: demeaned by the fixed effects, shifted near the means (intercept), or raw.
  let cols: readonly DesignColumn[] = design.columns;
  let rawSsFe: number[] | null = null;
  let y = design.y;
  let yShift = 0;
  let tssCentred = 0;
  let feInvWeight: Float64Array | null = null;
  const shifts = new Float64Array(k);
  if (absorb.length > 0) {
    const yMean = weightedMean(design.y, w, sumW);
    tssCentred = weightedSs(design.y, w, yMean);
    const ctx = fixedEffectContext(absorb, w);
    if (absorb.length === 1) feInvWeight = ctx.invWeight[0];
    let worst = 0;
    let failed = 0;
    const run = (x: Float64Array): Float64Array => {
      const r = demean(x, ctx, s.fixef);
      worst = Math.max(worst, r.report.iterations);
      if (!r.report.converged) failed++;
      return r.out;
    };
    y = run(design.y);
    const materialized = design.columns.map(materializeColumn);
    rawSsFe = materialized.map((c) => weightedSs(c, w, 0));
    cols = materialized.map(run);
    if (failed > 0) {
      diagnostics.push(
        diagnostic("D_FE_NOT_CONVERGED", "warn", {
          columns: failed,
          iterations: worst,
          tol: s.fixef.tol ?? 1e-12,
        }),
      );
    }
    const singletons = absorb.map(singletonCount);
    if (singletons.some((c) => c > 0)) {
      diagnostics.push(
        diagnostic("D_FE_SINGLETONS", "info", {
          singletons: singletons.reduce((a, b) => a + b, 0),
          columns: absorb.map((a) => a.column).join(", "),
        }),
      );
    }
  } else if (intercept) {
    for (let j = 0; j < p; j++) shifts[j + 1] = sampleShift(cols[j]);
    yShift = sampleShift(y);
  }
  const work: (DesignColumn | null)[] = intercept ? [null, ...cols] : [...cols];

  // One blocked pass gives UᵀWU, UᵀWy and yᵀWy (y appended as a last column).
  const k1 = k + 1;
  const aug = crossprod([...work, y], n, w, Float64Array.from([...shifts, yShift]));
  if (!aug.every(Number.isFinite)) {
    if (!scanned) return null;
    throw new TrueliftError(
      "E_NONFINITE_VALUES",
      "Cross-products of the design overflowed: some values are too large to square in double precision.",
      { hint: "Rescale the large columns (e.g. to thousands or millions) before fitting." },
    );
  }
  const gram = new Float64Array(k * k);
  const xty = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) gram[a * k + b] = aug[a * k1 + b];
    xty[a] = aug[a * k1 + k];
  }
  // Raw Σwx² of each column (a scale reference for the collinearity checks), from the shifted sums.
  const rawSs =
    rawSsFe ??
    Array.from({ length: p }, (_, j) => {
      const c = j + (intercept ? 1 : 0);
      const sh = shifts[c];
      return intercept ? gram[c * k + c] + 2 * sh * gram[c] + sh * sh * sumW : gram[c * k + c];
    });
  checkRank(gram, k, intercept, rawSs, names, absorb);
  const l = cholesky(gram, k);
  if (!l) throw singular(names, [names[names.length - 1]], [], [], [names[names.length - 1]]);
  const gamma = choleskySolve(l, k, xty);
  const bread = choleskyInverse(l, k);

  const dfResid = n - kFull;

  // Reported coordinates: β = Tγ, T = I except row 0 = (1, −s) when shifted; the y shift goes to β₀.
  let transform: Float64Array | null = null;
  const coef = Float64Array.from(gamma);
  if (intercept && absorb.length === 0) {
    transform = new Float64Array(k * k);
    for (let j = 0; j < k; j++) transform[j * k + j] = 1;
    coef[0] += yShift;
    for (let j = 1; j < k; j++) {
      transform[j] = -shifts[j];
      coef[0] -= shifts[j] * gamma[j];
    }
  }
  const partial = { n, k, cols: work, shifts, y, yShift, gamma, weights: w };
  const rss = rssFromGram(aug, gamma, k) ?? residualSs(partial);
  const fit: LinearFit = {
    ...partial,
    bread,
    transform,
    rss,
    dfResid,
    kFull,
    absorb,
    feInvWeight,
  };
  // Like statsmodels (`k_constant`), a model whose columns span the constant (e.g. full-rank dummies without
  // an intercept) has an implicit intercept: R² is then centred.
  let hasConstant = true;
  let tss: number;
  if (absorb.length > 0) tss = tssCentred;
  else if (intercept) tss = aug[k * k1 + k] - (aug[k] * aug[k]) / sumW;
  else {
    hasConstant = spansConstant(l, work, n, w, sumW);
    tss = weightedSs(design.y, w, hasConstant ? weightedMean(design.y, w, sumW) : 0);
  }
  const r2 = tss > 0 ? 1 - rss / tss : null;
  if (r2 === null) diagnostics.push(diagnostic("D_CONSTANT_OUTCOME", "warn", { outcome: s.outcome }));
  const c0 = hasConstant ? 1 : 0;
  const adjR2 = r2 === null ? null : 1 - ((n - c0) / dfResid) * (1 - r2);
  let r2Within: number | null = null;
  if (absorb.length > 0) {
    const within = weightedSs(y, w, 0);
    r2Within = within > 0 ? 1 - rss / within : null;
  }
  if (rss === 0 || rss <= 1e-30 * Math.max(tss, 1e-300)) {
    diagnostics.push(diagnostic("D_PERFECT_FIT", "warn", { rss }));
  }
  const specJson: Json = JSON.parse(
    JSON.stringify({
      outcome: s.outcome,
      terms: s.terms,
      intercept: s.intercept,
      weights: s.weights ?? null,
      absorb: s.absorb,
      vcov,
      alpha: s.alpha,
      missing: s.missing,
    }),
  );
  const base: FitState["base"] = {
    method: w ? "wls" : "ols",
    outcome: s.outcome,
    alpha: s.alpha,
    dfResid,
    k,
    r2,
    adjR2,
    r2Within,
    sigma: Math.sqrt(rss / dfResid),
    rss,
    fixedEffects: { columns: absorb.map((a) => ({ column: a.column, levels: a.count })), df: fe.df },
    provenance: { spec: specJson, engine: "memory", version: LINEAR_MODEL_VERSION },
  };
  const state: FitState = {
    frame,
    rows: design.rows,
    fit,
    names,
    coef,
    base,
    n: { obs: n, dropped: design.dropped, droppedReasons: { ...design.droppedReasons } },
    fitDiagnostics: diagnostics,
  };
  return { state, diagnostics };
}

/**
 * RSS from the augmented Gram of the shifted columns, ỹᵀWỹ − γᵀUᵀWỹ, without another pass over the data. Its
 * rounding error is about ε·ỹᵀWỹ, so it is used only when RSS ≥ 10⁻⁶·ỹᵀWỹ (relative error ≲ 10⁻¹⁰); tighter
 * fits return null and get the explicit residual pass.
 */
function rssFromGram(aug: Float64Array, gamma: Float64Array, k: number): number | null {
  const k1 = k + 1;
  const yy = aug[k * k1 + k];
  let fitted = 0;
  for (let j = 0; j < k; j++) fitted += gamma[j] * aug[j * k1 + k];
  const rss = yy - fitted;
  return rss >= 1e-6 * yy ? rss : null;
}

/** Σwe² in one blocked pass (residuals recomputed per block, never stored). */
function residualSs(
  fit: Pick<LinearFit, "n" | "k" | "cols" | "shifts" | "y" | "yShift" | "gamma" | "weights">,
): number {
  const { n, k, cols, shifts, weights: w } = fit;
  const buf = new Float64Array(k * BLOCK);
  const e = new Float64Array(BLOCK);
  let rss = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, buf);
    blockResiduals(fit as LinearFit, start, len, buf, e);
    if (w) for (let t = 0; t < len; t++) rss += w[start + t] * e[t] * e[t];
    else for (let t = 0; t < len; t++) rss += e[t] * e[t];
  }
  return rss;
}

/** True when the constant vector lies in the span of the (uncentred, no-intercept) columns. */
function spansConstant(
  l: Float64Array,
  work: readonly (DesignColumn | null)[],
  n: number,
  w: Float64Array | null,
  sumW: number,
): boolean {
  const k = work.length;
  const g = crossprod([...work, null], n, w);
  const xw1 = Float64Array.from({ length: k }, (_, j) => g[j * (k + 1) + k]);
  const b = choleskySolve(l, k, xw1);
  let explained = 0;
  for (let j = 0; j < b.length; j++) explained += b[j] * xw1[j];
  return sumW - explained <= 1e-10 * sumW;
}

function checkRank(
  gram: Float64Array,
  k: number,
  intercept: boolean,
  rawSs: readonly number[],
  names: readonly string[],
  absorb: readonly GroupCodes[],
): void {
  const off = intercept ? 1 : 0;
  const inSpan: number[] = [];
  const keep: number[] = intercept ? [0] : [];
  for (let j = 0; j < rawSs.length; j++) {
    const d = gram[(j + off) * k + (j + off)];
    if (!(d > SPAN_TOL * rawSs[j]) || !(d > 0)) inSpan.push(j + off);
    else keep.push(j + off);
  }
  const m = keep.length;
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = gram[keep[a] * k + keep[b]];
  const later = gramRank(sub, m, RANK_TOL).dropped.map((i) => keep[i]);
  if (inSpan.length === 0 && later.length === 0) return;
  const withFe = absorb.length > 0 ? inSpan : [];
  const withIntercept = absorb.length === 0 && intercept ? inSpan : [];
  const zero = absorb.length === 0 && !intercept ? inSpan : [];
  throw singular(
    names,
    [...inSpan, ...later].sort((a, b) => a - b).map((j) => names[j]),
    withIntercept.map((j) => names[j]),
    withFe.map((j) => names[j]),
    [...zero, ...later].map((j) => names[j]),
    absorb.map((a) => a.column),
  );
}

function singular(
  names: readonly string[],
  collinear: string[],
  withIntercept: string[],
  withFixedEffects: string[],
  withOthers: string[],
  absorbed: string[] = [],
): TrueliftError {
  const parts: string[] = [];
  if (withIntercept.length > 0) parts.push(`${quote(withIntercept)} constant (collinear with the intercept)`);
  if (withFixedEffects.length > 0) {
    parts.push(`${quote(withFixedEffects)} collinear with the fixed effects (${absorbed.join(", ")})`);
  }
  if (withOthers.length > 0) parts.push(`${quote(withOthers)} collinear with earlier columns`);
  return new TrueliftError("E_SINGULAR_DESIGN", `The design matrix is singular: ${parts.join("; ")}.`, {
    details: {
      collinear,
      withIntercept,
      withFixedEffects,
      withEarlierColumns: withOthers,
      columns: [...names],
    },
  });
}

function quote(xs: readonly string[]): string {
  return xs.map((x) => `'${x}'`).join(", ");
}
