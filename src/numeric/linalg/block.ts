/**
 * A design column produced on demand, block by block (e.g. treatment dummies and interactions, so an n-row
 * design never allocates an n-length array per dummy): `fill` writes rows [start, start+len) to `out[offset…]`,
 * minus `shift` when given. Structurally the models layer's `VirtualColumn`.
 *
 * @example
 * ```ts
 * import type { LazyColumn } from "truelift";
 * const ones: LazyColumn = { length: 3, fill: (_s, len, out, off, shift = 0) => out.fill(1 - shift, off, off + len) };
 * ```
 */
export interface LazyColumn {
  readonly length: number;
  fill(start: number, len: number, out: Float64Array, offset: number, shift?: number): void;
}

/**
 * A column the blocked kernels read: a stored `Float64Array` (read-only) or a {@link LazyColumn}.
 *
 * @example
 * ```ts
 * import type { BlockColumn } from "truelift";
 * const cols: BlockColumn[] = [Float64Array.of(1, 2, 3)];
 * ```
 */
export type BlockColumn = Float64Array | LazyColumn;

/**
 * Rows per cache block.
 *
 * @example
 * ```ts
 * for (let start = 0; start < n; start += BLOCK) visit(start, Math.min(BLOCK, n - start)); // cache-sized blocks
 * ```
 */
export const BLOCK = 1024;

/**
 * Copies rows [start, start+len) of the shifted columns (null = ones) into `buf` (column j at offset j·BLOCK).
 * Columns past `cols.length` (tile padding) are left as they are (zero).
 *
 * @example
 * ```ts
 * import { BLOCK, fillBlock } from "truelift";
 * const buf = new Float64Array(2 * BLOCK);
 * fillBlock([null, Float64Array.of(5, 6, 7)], Float64Array.of(0, 6), 0, 3, buf);
 * // buf[0..3] = [1, 1, 1]; buf[BLOCK..BLOCK+3] = [-1, 0, 1]
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), §1.5 (blocking for the memory hierarchy).
 */
export function fillBlock(
  cols: readonly (BlockColumn | null)[],
  shifts: Float64Array | null,
  start: number,
  len: number,
  buf: Float64Array,
): void {
  for (let j = 0; j < cols.length; j++) {
    const c = cols[j];
    const base = j * BLOCK;
    const sh = shifts ? shifts[j] : 0;
    if (c === null) {
      buf.fill(1, base, base + len);
      continue;
    }
    if (c instanceof Float64Array) {
      if (sh === 0) for (let t = 0; t < len; t++) buf[base + t] = c[start + t];
      else for (let t = 0; t < len; t++) buf[base + t] = c[start + t] - sh;
      continue;
    }
    c.fill(start, len, buf, base, sh);
  }
}
