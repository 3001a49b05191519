import { BLOCK } from "./block.js";

/**
 * Adds one block's lower-triangular products to a padded kp×kp accumulator (kp = 4·tiles):
 * acc[p·kp + q] += Σₜ wtd[p][t]·raw[q][t] for q ≤ p, columns at offsets c·BLOCK of the block buffers, computed in
 * 4×4 register tiles (off-diagonal tiles in full, diagonal tiles as their lower triangle). Read the result with
 * {@link unpad}.
 *
 * @example
 * ```ts
 * // one block of len ≤ BLOCK rows, k columns padded to kp = 4·tiles (see crossprod):
 * // accumulateTiles(weighted, raw, Math.ceil(k / 4), len, acc); const xtwx = unpad(acc, k, kp);
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), §1.5 (blocking and register tiles).
 */
export function accumulateTiles(
  wtd: Float64Array,
  raw: Float64Array,
  tiles: number,
  len: number,
  acc: Float64Array,
): void {
  const kp = tiles * 4;
  for (let a = 0; a < tiles; a++) {
    for (let b = 0; b < a; b++) tile4x4(wtd, raw, a * 4, b * 4, len, acc, kp);
    tileLower4(wtd, raw, a * 4, len, acc, kp);
  }
}

/**
 * The symmetric k×k matrix (row-major) from the lower triangle of a padded kp×kp accumulator.
 *
 * @example
 * ```ts
 * unpad(Float64Array.of(1, 0, 0, 0, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), 2, 4); // [1, 2, 2, 3]
 * ```
 */
export function unpad(acc: Float64Array, k: number, kp: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let l = 0; l <= j; l++) {
      out[j * k + l] = acc[j * kp + l];
      out[l * k + j] = acc[j * kp + l];
    }
  }
  return out;
}

/**
 * The lower triangle (q ≤ p) of a diagonal tile: acc[(j+p)·kp + j+q] += Σₜ x[j+p][t]·y[j+q][t]. Kept apart from
 * {@link tile4x4} on purpose: a diagonal tile needs 10 of the 16 products, and with k ≤ 4 (one tile, the
 * usual regression) the full tile would do 60 % more multiply–adds per row for entries {@link unpad} discards.
 */
function tileLower4(
  x: Float64Array,
  y: Float64Array,
  j: number,
  len: number,
  acc: Float64Array,
  kp: number,
): void {
  const p0 = j * BLOCK;
  const p1 = p0 + BLOCK;
  const p2 = p1 + BLOCK;
  const p3 = p2 + BLOCK;
  let s00 = 0;
  let s10 = 0;
  let s11 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let t = 0; t < len; t++) {
    const x0 = x[p0 + t];
    const x1 = x[p1 + t];
    const x2 = x[p2 + t];
    const x3 = x[p3 + t];
    const y0 = y[p0 + t];
    const y1 = y[p1 + t];
    const y2 = y[p2 + t];
    const y3 = y[p3 + t];
    s00 += x0 * y0;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const r0 = j * kp + j;
  const r1 = r0 + kp;
  const r2 = r1 + kp;
  const r3 = r2 + kp;
  acc[r0] += s00;
  acc[r1] += s10;
  acc[r1 + 1] += s11;
  acc[r2] += s20;
  acc[r2 + 1] += s21;
  acc[r2 + 2] += s22;
  acc[r3] += s30;
  acc[r3 + 1] += s31;
  acc[r3 + 2] += s32;
  acc[r3 + 3] += s33;
}

/** acc[(ja+p)·kp + lb+q] += Σₜ x[ja+p][t]·y[lb+q][t] for p, q < 4 (columns at offsets c·BLOCK). */
function tile4x4(
  x: Float64Array,
  y: Float64Array,
  ja: number,
  lb: number,
  len: number,
  acc: Float64Array,
  kp: number,
): void {
  const p0 = ja * BLOCK;
  const p1 = p0 + BLOCK;
  const p2 = p1 + BLOCK;
  const p3 = p2 + BLOCK;
  const q0 = lb * BLOCK;
  const q1 = q0 + BLOCK;
  const q2 = q1 + BLOCK;
  const q3 = q2 + BLOCK;
  let s00 = 0;
  let s01 = 0;
  let s02 = 0;
  let s03 = 0;
  let s10 = 0;
  let s11 = 0;
  let s12 = 0;
  let s13 = 0;
  let s20 = 0;
  let s21 = 0;
  let s22 = 0;
  let s23 = 0;
  let s30 = 0;
  let s31 = 0;
  let s32 = 0;
  let s33 = 0;
  for (let t = 0; t < len; t++) {
    const x0 = x[p0 + t];
    const x1 = x[p1 + t];
    const x2 = x[p2 + t];
    const x3 = x[p3 + t];
    const y0 = y[q0 + t];
    const y1 = y[q1 + t];
    const y2 = y[q2 + t];
    const y3 = y[q3 + t];
    s00 += x0 * y0;
    s01 += x0 * y1;
    s02 += x0 * y2;
    s03 += x0 * y3;
    s10 += x1 * y0;
    s11 += x1 * y1;
    s12 += x1 * y2;
    s13 += x1 * y3;
    s20 += x2 * y0;
    s21 += x2 * y1;
    s22 += x2 * y2;
    s23 += x2 * y3;
    s30 += x3 * y0;
    s31 += x3 * y1;
    s32 += x3 * y2;
    s33 += x3 * y3;
  }
  const r0 = ja * kp + lb;
  const r1 = r0 + kp;
  const r2 = r1 + kp;
  const r3 = r2 + kp;
  acc[r0] += s00;
  acc[r0 + 1] += s01;
  acc[r0 + 2] += s02;
  acc[r0 + 3] += s03;
  acc[r1] += s10;
  acc[r1 + 1] += s11;
  acc[r1 + 2] += s12;
  acc[r1 + 3] += s13;
  acc[r2] += s20;
  acc[r2 + 1] += s21;
  acc[r2 + 2] += s22;
  acc[r2 + 3] += s23;
  acc[r3] += s30;
  acc[r3 + 1] += s31;
  acc[r3 + 2] += s32;
  acc[r3 + 3] += s33;
}
