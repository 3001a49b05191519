/**
 * Dense Cholesky factorisation and solves for small symmetric positive-definite systems (k up to a few hundred),
 * on row-major `Float64Array`s. Written by hand because the normal equations of a regression are tiny (k×k) even
 * when n is 10⁷, and a JS BLAS binding would cost more in marshalling than these loops take.
 *
 * @example
 * ```ts
 * import { cholesky, choleskySolve } from "truelift";
 * const a = Float64Array.of(4, 2, 2, 3);
 * const l = cholesky(a, 2)!;              // lower factor, row-major
 * choleskySolve(l, 2, Float64Array.of(2, 1)); // solves a·x = b
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 4.2.1.
 */
export function cholesky(a: Float64Array, k: number): Float64Array | null {
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    let d = a[j * k + j];
    for (let p = 0; p < j; p++) d -= l[j * k + p] * l[j * k + p];
    if (!(d > 0)) return null;
    const ljj = Math.sqrt(d);
    l[j * k + j] = ljj;
    for (let i = j + 1; i < k; i++) {
      let s = a[i * k + j];
      for (let p = 0; p < j; p++) s -= l[i * k + p] * l[j * k + p];
      l[i * k + j] = s / ljj;
    }
  }
  return l;
}

/**
 * Solves (L Lᵀ) x = b given the lower Cholesky factor L (row-major k×k).
 *
 * @example
 * ```ts
 * const l = cholesky(Float64Array.of(4, 2, 2, 3), 2)!;
 * choleskySolve(l, 2, Float64Array.of(6, 5)); // [1, 1]
 * ```
 */
export function choleskySolve(l: Float64Array, k: number, b: Float64Array): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = b[i];
    for (let p = 0; p < i; p++) s -= l[i * k + p] * y[p];
    y[i] = s / l[i * k + i];
  }
  const x = new Float64Array(k);
  for (let i = k - 1; i >= 0; i--) {
    let s = y[i];
    for (let p = i + 1; p < k; p++) s -= l[p * k + i] * x[p];
    x[i] = s / l[i * k + i];
  }
  return x;
}

/**
 * Inverse of a symmetric positive-definite matrix from its lower Cholesky factor (row-major, symmetric result).
 *
 * @example
 * ```ts
 * const l = cholesky(Float64Array.of(2, 0, 0, 4), 2)!;
 * choleskyInverse(l, 2); // [0.5, 0, 0, 0.25]
 * ```
 */
export function choleskyInverse(l: Float64Array, k: number): Float64Array {
  const inv = new Float64Array(k * k);
  const e = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    e.fill(0);
    e[j] = 1;
    const col = choleskySolve(l, k, e);
    for (let i = 0; i < k; i++) inv[i * k + j] = col[i];
  }
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const m = 0.5 * (inv[i * k + j] + inv[j * k + i]);
      inv[i * k + j] = m;
      inv[j * k + i] = m;
    }
  }
  return inv;
}

/**
 * Inverse of a symmetric positive-definite matrix, or null when it is not positive definite.
 *
 * @example
 * ```ts
 * spdInverse(Float64Array.of(2, 0, 0, 4), 2); // [0.5, 0, 0, 0.25]
 * spdInverse(Float64Array.of(1, 2, 2, 1), 2); // null (indefinite)
 * ```
 */
export function spdInverse(a: Float64Array, k: number): Float64Array | null {
  const l = cholesky(a, k);
  return l ? choleskyInverse(l, k) : null;
}

/**
 * Sequential rank detection on a Gram matrix XᵀX (row-major k×k), in column order, as R's `lm` and fixest do:
 * column j is collinear when its squared residual norm after projecting on the kept earlier columns is below
 * `tol` times its own squared norm. Returns the kept and the dropped (collinear) column indices; the dropped
 * ones are later columns, so the user's ordering decides which of a collinear set survives.
 *
 * @example
 * ```ts
 * import { gramRank } from "truelift";
 * // columns: 1, x, 2x  → the third is collinear
 * gramRank(Float64Array.of(3, 6, 12, 6, 14, 28, 12, 28, 56), 3).dropped; // [2]
 * ```
 */
export function gramRank(gram: Float64Array, k: number, tol = 1e-10): { kept: number[]; dropped: number[] } {
  const kept: number[] = [];
  const dropped: number[] = [];
  // Incremental Cholesky on the kept columns only.
  const l = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    const ajj = gram[j * k + j];
    const row = new Float64Array(kept.length);
    let d = ajj;
    for (let a = 0; a < kept.length; a++) {
      let s = gram[j * k + kept[a]];
      for (let p = 0; p < a; p++) s -= row[p] * l[a * k + p];
      row[a] = s / l[a * k + a];
      d -= row[a] * row[a];
    }
    if (!(ajj > 0) || d <= tol * ajj) {
      dropped.push(j);
      continue;
    }
    const r = kept.length;
    for (let p = 0; p < r; p++) l[r * k + p] = row[p];
    l[r * k + r] = Math.sqrt(d);
    kept.push(j);
  }
  return { kept, dropped };
}
