import { TrueliftError } from "../core/errors.js";
import { BLOCK, fillBlock } from "../numeric/linalg/block.js";
import { cholesky, choleskyInverse, choleskySolve } from "../numeric/linalg/cholesky.js";
import { crossprod } from "../numeric/linalg/crossprod.js";
import type { DesignMatrix } from "./design-matrix.js";
import { checkRank, singular } from "./ols-rank.js";
import type { OlsShape, OlsWorking } from "./ols-working.js";
import { blockResiduals, type LinearFit } from "./vcov/meat.js";

/** The solved normal equations of a fit, in working and reported coordinates. */
export interface OlsSolution {
  /** The augmented Gram [U y]ᵀW[U y] (k + 1 square, row-major). */
  readonly aug: Float64Array;
  /** Cholesky factor of UᵀWU. */
  readonly chol: Float64Array;
  /** Coefficients in working coordinates. */
  readonly gamma: Float64Array;
  /** (UᵀWU)⁻¹. */
  readonly bread: Float64Array;
  /** Coefficients in reported coordinates (β = Tγ, the y shift added to β₀). */
  readonly coef: Float64Array;
  /** T, or null when the working coordinates are the reported ones. */
  readonly transform: Float64Array | null;
  readonly rss: number;
}

/**
 * Forms [U y]ᵀW[U y] in one blocked pass, checks the rank (`E_SINGULAR_DESIGN`, naming columns), solves by
 * Cholesky and maps the coefficients back to reported coordinates; RSS comes from the Gram or, for near-perfect
 * fits, from a residual pass. Returns null when the Gram is not finite on the optimistic (unscanned) path.
 *
 * @example
 * ```ts
 * const shape = olsShape(design);
 * olsSolve(design, olsWorkingCoordinates(design, {}, shape), shape, true)?.coef;
 * ```
 */
export function olsSolve(
  design: DesignMatrix,
  wc: OlsWorking,
  shape: OlsShape,
  scanned: boolean,
): OlsSolution | null {
  const { n, weights: w, names, intercept, absorb } = design;
  const { k, p, sumW } = shape;
  const k1 = k + 1;
  const aug = crossprod([...wc.work, wc.y], n, w, Float64Array.from([...wc.shifts, wc.yShift]));
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
    wc.rawSsFe ??
    Array.from({ length: p }, (_, j) => {
      const c = j + (intercept ? 1 : 0);
      const sh = wc.shifts[c];
      return intercept ? gram[c * k + c] + 2 * sh * gram[c] + sh * sh * sumW : gram[c * k + c];
    });
  checkRank(gram, k, intercept, rawSs, names, absorb);
  const chol = cholesky(gram, k);
  if (!chol) throw singular(names, [names[names.length - 1]], [], [], [names[names.length - 1]]);
  const gamma = choleskySolve(chol, k, xty);
  const bread = choleskyInverse(chol, k);
  const { coef, transform } = reportedCoordinates(gamma, wc, intercept && absorb.length === 0);
  const rss =
    rssFromGram(aug, gamma, k) ??
    residualSs({ n, k, cols: wc.work, shifts: wc.shifts, y: wc.y, yShift: wc.yShift, gamma, weights: w });
  return { aug, chol, gamma, bread, coef, transform, rss };
}

/** Reported coordinates: β = Tγ, T = I except row 0 = (1, −s) when shifted; the y shift goes to β₀. */
function reportedCoordinates(
  gamma: Float64Array,
  wc: OlsWorking,
  shifted: boolean,
): { coef: Float64Array; transform: Float64Array | null } {
  const coef = Float64Array.from(gamma);
  if (!shifted) return { coef, transform: null };
  const k = gamma.length;
  const transform = new Float64Array(k * k);
  for (let j = 0; j < k; j++) transform[j * k + j] = 1;
  coef[0] += wc.yShift;
  for (let j = 1; j < k; j++) {
    transform[j] = -wc.shifts[j];
    coef[0] -= wc.shifts[j] * gamma[j];
  }
  return { coef, transform };
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
