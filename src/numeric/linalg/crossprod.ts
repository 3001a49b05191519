import { BLOCK, type BlockColumn, fillBlock } from "./block.js";
import { accumulateTiles, unpad } from "./crossprod-tiles.js";

/**
 * Σᵢ ωᵢ uᵢ uᵢᵀ over the shifted columns uⱼ = colⱼ − shiftⱼ (null = ones), k×k row-major, with ωᵢ =
 * `weights[i]` (or 1). Rows are processed in cache blocks (each column copied and shifted once), and each
 * block's k×k products in 4×4 register tiles, so the data is read from memory once whatever k is; block
 * partial sums are added to the totals, which also limits rounding growth.
 *
 * @example
 * ```ts
 * import { crossprod } from "truelift";
 * crossprod([null, Float64Array.of(1, 2, 3)], 3, null); // [3, 6, 6, 14]
 * crossprod([null, Float64Array.of(1, 2, 3)], 3, null, Float64Array.of(0, 2)); // [3, 0, 0, 2]
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), §1.5; Higham (2002), Accuracy and Stability of
 *   Numerical Algorithms, §4 (blocked summation).
 */
export function crossprod(
  cols: readonly (BlockColumn | null)[],
  n: number,
  weights: Float64Array | null,
  shifts: Float64Array | null = null,
): Float64Array {
  const k = cols.length;
  const tiles = Math.ceil(k / 4);
  const kp = tiles * 4;
  const raw = new Float64Array(kp * BLOCK);
  const wtd = weights ? new Float64Array(kp * BLOCK) : raw;
  const acc = new Float64Array(kp * kp);
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, raw);
    if (weights) {
      for (let j = 0; j < k; j++) {
        const base = j * BLOCK;
        for (let t = 0; t < len; t++) wtd[base + t] = weights[start + t] * raw[base + t];
      }
    }
    accumulateTiles(wtd, raw, tiles, len, acc);
  }
  return unpad(acc, k, kp);
}

/**
 * Σ_r a_r a_rᵀ over the rows of a row-major matrix: row r is a[r·stride … r·stride + k) (entries past k, e.g.
 * tile padding, are ignored). Returns the k×k sum row-major; zero entries are skipped, so sparse score rows (a
 * cluster meat's Σ_g s_g s_gᵀ) cost little.
 *
 * @example
 * ```ts
 * import { rowCrossprod } from "truelift";
 * rowCrossprod(Float64Array.of(1, 2, 0, 3, 4, 0), 2, 2, 3); // [10, 14, 14, 20]
 * ```
 * @see Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference", §2.3 (the meat as Σ s_g s_gᵀ).
 */
export function rowCrossprod(a: Float64Array, rows: number, k: number, stride: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let r = 0; r < rows; r++) {
    const base = r * stride;
    for (let j = 0; j < k; j++) {
      const aj = a[base + j];
      if (aj === 0) continue;
      for (let l = 0; l <= j; l++) out[j * k + l] += aj * a[base + l];
    }
  }
  for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) out[l * k + j] = out[j * k + l];
  return out;
}
