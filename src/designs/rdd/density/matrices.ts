import type { DensityKernel } from "./types.js";

/**
 * The kernel on [0, 1] as polynomial coefficients in u (lowest degree first): triangular 1 − u, uniform 1/2,
 * Epanechnikov 0.75·(1 − u²). All three kernels are symmetric, so integrals over [−1, 0] follow by reflection.
 */
function kernelPoly(kernel: DensityKernel): number[] {
  if (kernel === "uniform") return [0.5];
  if (kernel === "epanechnikov") return [0.75, 0, -0.75];
  return [1, -1];
}

/** ∫₀¹ u^m K(u) du in closed form. */
function moment(m: number, kernel: DensityKernel): number {
  const k = kernelPoly(kernel);
  let s = 0;
  for (let d = 0; d < k.length; d++) s += k[d] / (m + d + 1);
  return s;
}

/**
 * rddensity's `Sgenerate(p, 0, 1)` / lpdensity's S matrix: S[i][j] = ∫₀¹ u^(i+j) K(u) du for i, j = 0 … p
 * (row-major, (p+1)×(p+1)). Exact: the integrands are polynomials, which R's `integrate` also integrates exactly
 * (to rounding) with its 21-point Gauss–Kronrod rule.
 *
 * @example
 * ```ts
 * import { densitySMatrix } from "truelift";
 * densitySMatrix(1, "uniform"); // [0.5, 0.25, 0.25, 1/6]
 * ```
 * @see Cattaneo, Jansson & Ma (2020), "Simple Local Polynomial Density Estimators", JASA 115(531), 1449–1455.
 */
export function densitySMatrix(p: number, kernel: DensityKernel): Float64Array {
  const k = p + 1;
  const s = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) s[i * k + j] = moment(i + j, kernel);
  return s;
}

/**
 * rddensity's `Cgenerate(k, p, 0, 1)`: C[i] = ∫₀¹ u^(i+k) K(u) du for i = 0 … p (the bias vector of an
 * order-p fit when the (k)-th derivative is the leading bias term).
 *
 * @example
 * ```ts
 * import { densityCVector } from "truelift";
 * densityCVector(3, 2, "triangular"); // [∫u³K, ∫u⁴K, ∫u⁵K]
 * ```
 */
export function densityCVector(k: number, p: number, kernel: DensityKernel): Float64Array {
  const c = new Float64Array(p + 1);
  for (let i = 0; i <= p; i++) c[i] = moment(i + k, kernel);
  return c;
}

/** Multiplies two polynomials given by coefficient arrays (lowest degree first). */
function polyMul(a: readonly number[], b: readonly number[]): number[] {
  const out = new Array<number>(a.length + b.length - 1).fill(0);
  for (let i = 0; i < a.length; i++) for (let j = 0; j < b.length; j++) out[i + j] += a[i] * b[j];
  return out;
}

/** Antiderivative vanishing at 0. */
function polyIntegral(a: readonly number[]): number[] {
  const out = [0];
  for (let i = 0; i < a.length; i++) out.push(a[i] / (i + 1));
  return out;
}

function polyAt(a: readonly number[], x: number): number {
  let s = 0;
  for (let i = a.length - 1; i >= 0; i--) s = s * x + a[i];
  return s;
}

function monomial(m: number, coef = 1): number[] {
  const out = new Array<number>(m + 1).fill(0);
  out[m] = coef;
  return out;
}

/**
 * rddensity's `Ggenerate(p, 0, 1)`, the variance kernel of the local-polynomial CDF fit:
 * G[i][j] = ∫₀¹∫₀^y x^(i+1) y^j K(x)K(y) dx dy + ∫₀¹∫_y¹ x^i y^(j+1) K(x)K(y) dx dy for i, j = 0 … p, computed
 * exactly by polynomial algebra (R evaluates the same double integral with nested `integrate`).
 *
 * @example
 * ```ts
 * import { densityGMatrix } from "truelift";
 * densityGMatrix(2, "triangular").length; // 9
 * ```
 */
export function densityGMatrix(p: number, kernel: DensityKernel): Float64Array {
  const k = p + 1;
  const kp = kernelPoly(kernel);
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++) {
    // inner1(y) = ∫₀^y x^(i+1) K(x) dx ; inner2(y) = ∫_y^1 x^i K(x) dx
    const inner1 = polyIntegral(polyMul(monomial(i + 1), kp));
    const prim2 = polyIntegral(polyMul(monomial(i), kp));
    const total2 = polyAt(prim2, 1);
    const inner2 = prim2.map((c, d) => (d === 0 ? total2 - c : -c));
    for (let j = 0; j < k; j++) {
      const a = polyIntegral(polyMul(polyMul(inner1, monomial(j)), kp));
      const b = polyIntegral(polyMul(polyMul(inner2, monomial(j + 1)), kp));
      g[i * k + j] = polyAt(a, 1) + polyAt(b, 1);
    }
  }
  return g;
}

/**
 * rddensity's `Psigenerate(p)`: the (p+2)×(p+2) sign matrix mapping the right-side design of the restricted
 * model to the left side (diag(1, 0, 0, (−1)^2 … (−1)^p) with −1 at (1, 2) and (2, 1), 0-based).
 *
 * @example
 * ```ts
 * import { densityPsiMatrix } from "truelift";
 * densityPsiMatrix(2); // 4×4
 * ```
 */
export function densityPsiMatrix(p: number): Float64Array {
  const k = p + 2;
  const m = new Float64Array(k * k);
  m[0] = 1;
  for (let j = 2; j <= p; j++) m[(j + 1) * k + (j + 1)] = (-1) ** j;
  m[1 * k + 2] = -1;
  m[2 * k + 1] = -1;
  return m;
}

/**
 * rddensity's `Splusgenerate` / `Cplusgenerate` / `Gplusgenerate` layout: embeds a (p+1)-sized right-side matrix
 * (or vector) into the (p+2)-sized restricted design, leaving row / column 1 (the left slope) zero.
 *
 * @example
 * ```ts
 * import { densityPlusEmbed, densitySMatrix } from "truelift";
 * densityPlusEmbed(densitySMatrix(2, "triangular"), 2, 3); // 4×4
 * ```
 */
export function densityPlusEmbed(m: Float64Array, p: number, cols: number): Float64Array {
  const k = p + 2;
  const src = p + 1;
  const map = (i: number): number => (i === 0 ? 0 : i + 1);
  if (cols === 1) {
    const out = new Float64Array(k);
    for (let i = 0; i < src; i++) out[map(i)] = m[i];
    return out;
  }
  const out = new Float64Array(k * k);
  for (let i = 0; i < src; i++) for (let j = 0; j < src; j++) out[map(i) * k + map(j)] = m[i * src + j];
  return out;
}

/**
 * Probabilists' Hermite polynomials He_p(x) for p = 0 … 10 (rddensity's `rddensity_H`), used in the normal
 * reference rule for the preliminary bandwidths.
 *
 * @example
 * ```ts
 * import { hermitePoly } from "truelift";
 * hermitePoly(0.5, 2); // 0.25 − 1 = −0.75
 * ```
 */
export function hermitePoly(x: number, p: number): number {
  let h0 = 1;
  if (p === 0) return h0;
  let h1 = x;
  for (let n = 1; n < p; n++) {
    const h2 = x * h1 - n * h0;
    h0 = h1;
    h1 = h2;
  }
  return h1;
}
