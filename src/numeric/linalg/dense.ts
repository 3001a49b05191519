/**
 * Small dense helpers on row-major `Float64Array` matrices: products and the sandwich A·B·A used by every
 * robust variance estimator.
 *
 * @example
 * ```ts
 * import { sandwich } from "truelift";
 * sandwich(Float64Array.of(1, 0, 0, 2), Float64Array.of(1, 1, 1, 1), 2); // [1, 2, 2, 4]
 * ```
 */
export function matMul(a: Float64Array, b: Float64Array, m: number, p: number, q: number): Float64Array {
  const out = new Float64Array(m * q);
  for (let i = 0; i < m; i++) {
    for (let r = 0; r < p; r++) {
      const air = a[i * p + r];
      if (air === 0) continue;
      for (let j = 0; j < q; j++) out[i * q + j] += air * b[r * q + j];
    }
  }
  return out;
}

/**
 * A·B·A for symmetric k×k A and B, symmetrised to remove rounding asymmetry.
 *
 * @example
 * ```ts
 * sandwich(Float64Array.of(1, 0, 0, 2), Float64Array.of(1, 1, 1, 1), 2); // [1, 2, 2, 4]
 * ```
 */
export function sandwich(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const out = matMul(matMul(a, b, k, k, k), a, k, k, k);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const m = 0.5 * (out[i * k + j] + out[j * k + i]);
      out[i * k + j] = m;
      out[j * k + i] = m;
    }
  }
  return out;
}

/**
 * Matrix–vector product (row-major m×p times p).
 *
 * @example
 * ```ts
 * matVec(Float64Array.of(1, 2, 3, 4), Float64Array.of(1, 1), 2, 2); // [3, 7]
 * ```
 */
export function matVec(a: Float64Array, x: Float64Array, m: number, p: number): Float64Array {
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let r = 0; r < p; r++) s += a[i * p + r] * x[r];
    out[i] = s;
  }
  return out;
}
