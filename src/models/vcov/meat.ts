import type { DesignColumn, GroupCodes } from "../design-matrix.js";

/**
 * The fitted quantities every variance estimator needs, in the fitter's working coordinates: columns uⱼ =
 * colⱼ − shiftⱼ (the intercept is a null column of ones), coefficients γ, and the outcome. Coefficients in
 * reported coordinates are β = T·γ, so every variance is computed for γ and mapped by V_β = T V_γ Tᵀ
 * (`transform` null means T = I). Residuals eᵢ = (yᵢ − s_y) − Σⱼ γⱼ uᵢⱼ are recomputed block by block where a
 * kernel needs them (k multiply–adds per row are cheaper than allocating and keeping an n-length array).
 */
export interface LinearFit {
  readonly n: number;
  readonly k: number;
  /** Columns (length k); null is a column of ones (the intercept). Never copied to be centred. */
  readonly cols: readonly (DesignColumn | null)[];
  /** Location shift of each column (0 for the intercept and for uncentred columns). */
  readonly shifts: Float64Array;
  /** The (possibly demeaned) outcome and its shift. */
  readonly y: Float64Array;
  readonly yShift: number;
  /** Coefficients in working coordinates. */
  readonly gamma: Float64Array;
  readonly weights: Float64Array | null;
  /** (UᵀWU)⁻¹, k×k row-major. */
  readonly bread: Float64Array;
  readonly transform: Float64Array | null;
  /** Σ w e². */
  readonly rss: number;
  /** N − K, with K = k + the fixed-effect df. */
  readonly dfResid: number;
  /** K: coefficients plus absorbed fixed-effect parameters. */
  readonly kFull: number;
  readonly absorb: readonly GroupCodes[];
  /** 1/Σw per level of the (single) absorbed fixed effect, for leverages; null otherwise. */
  readonly feInvWeight: Float64Array | null;
}

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
  cols: readonly (DesignColumn | null)[],
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

/**
 * eₜ = (y − s_y) − Σⱼ γⱼ uⱼ for the rows of a block already in `buf` (see {@link fillBlock}).
 *
 * @example
 * ```ts
 * import { BLOCK, blockResiduals, fillBlock } from "truelift";
 * // used by the variance kernels: fillBlock(fit.cols, fit.shifts, start, len, buf); blockResiduals(fit, start, len, buf, e)
 * const e = new Float64Array(BLOCK);
 * ```
 * @see Greene, Econometric Analysis (8th ed.), §3.2 (least-squares residuals).
 */
export function blockResiduals(
  fit: LinearFit,
  start: number,
  len: number,
  buf: Float64Array,
  e: Float64Array,
): void {
  const { y, yShift, gamma, k } = fit;
  for (let t = 0; t < len; t++) e[t] = y[start + t] - yShift;
  let j = 0;
  for (; j + 1 < k; j += 2) {
    const g0 = gamma[j];
    const g1 = gamma[j + 1];
    const b0 = j * BLOCK;
    const b1 = b0 + BLOCK;
    for (let t = 0; t < len; t++) e[t] -= g0 * buf[b0 + t] + g1 * buf[b1 + t];
  }
  if (j < k) {
    const g0 = gamma[j];
    const b0 = j * BLOCK;
    for (let t = 0; t < len; t++) e[t] -= g0 * buf[b0 + t];
  }
}

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
  cols: readonly (DesignColumn | null)[],
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

function accumulateTiles(
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

/** The symmetric k×k matrix from the lower triangle of a padded kp×kp accumulator. */
function unpad(acc: Float64Array, k: number, kp: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let j = 0; j < k; j++) {
    for (let l = 0; l <= j; l++) {
      out[j * k + l] = acc[j * kp + l];
      out[l * k + j] = acc[j * kp + l];
    }
  }
  return out;
}

/** The lower triangle (q ≤ p) of a diagonal tile: acc[(j+p)·kp + j+q] += Σₜ x[j+p][t]·y[j+q][t]. */
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

/**
 * The HC meat Σ ωᵢ uᵢuᵢᵀ with ωᵢ = (wᵢeᵢ)² / (1 − hᵢ)^power, in one blocked pass (power 0: HC0/HC1, 1: HC2,
 * 2: HC3); leverages hᵢ = wᵢ uᵢᵀ(UᵀWU)⁻¹uᵢ (+ wᵢ/W_g for a single absorbed fixed effect, whose dummies are
 * orthogonal to the demeaned columns) are computed per block and never stored. Returns the number of rows with
 * leverage numerically 1 (for which HC2/HC3 are undefined; they are left out of the sum).
 *
 * @example
 * ```ts
 * import { hcMeat } from "truelift";
 * // hcVcov: sandwich(fit.bread, hcMeat(fit, 2).meat, fit.k) is HC3 (before the N/(N−K) of HC1, which is 0)
 * ```
 * @see White (1980); MacKinnon & White (1985).
 */
export function hcMeat(fit: LinearFit, power: 0 | 1 | 2): { meat: Float64Array; leverageOne: number } {
  const { k, n, cols, shifts, weights, bread, feInvWeight } = fit;
  const tiles = Math.ceil(k / 4);
  const kp = tiles * 4;
  const raw = new Float64Array(kp * BLOCK);
  const wtd = new Float64Array(kp * BLOCK);
  const e = new Float64Array(BLOCK);
  const h = new Float64Array(BLOCK);
  const tmp = new Float64Array(BLOCK);
  const acc = new Float64Array(kp * kp);
  const feCodes = feInvWeight ? fit.absorb[0].codes : null;
  let leverageOne = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, raw);
    blockResiduals(fit, start, len, raw, e);
    for (let t = 0; t < len; t++) {
      const we = weights ? weights[start + t] * e[t] : e[t];
      e[t] = we * we;
    }
    if (power > 0) {
      h.fill(0, 0, len);
      for (let j = 0; j < k; j++) {
        tmp.fill(0, 0, len);
        for (let l = 0; l < k; l++) {
          const a = bread[j * k + l];
          const bl = l * BLOCK;
          if (a !== 0) for (let t = 0; t < len; t++) tmp[t] += a * raw[bl + t];
        }
        const bj = j * BLOCK;
        for (let t = 0; t < len; t++) h[t] += raw[bj + t] * tmp[t];
      }
      for (let t = 0; t < len; t++) {
        let ht = h[t];
        if (feCodes && feInvWeight) ht += feInvWeight[feCodes[start + t]];
        if (weights) ht *= weights[start + t];
        const m = 1 - ht;
        if (!(m > 1e-10)) {
          leverageOne++;
          e[t] = 0;
        } else e[t] /= power === 1 ? m : m * m;
      }
    }
    for (let j = 0; j < k; j++) {
      const base = j * BLOCK;
      for (let t = 0; t < len; t++) wtd[base + t] = e[t] * raw[base + t];
    }
    accumulateTiles(wtd, raw, tiles, len, acc);
  }
  return { meat: unpad(acc, k, kp), leverageOne };
}

/**
 * Σ_g s_g s_gᵀ with s_g = Σ_{i∈g} wᵢeᵢuᵢ the cluster score sums, for several groupings at once (the terms of a
 * multi-way inclusion–exclusion): one blocked pass fills each block and recomputes its residuals once, then
 * scatters the scores into every grouping. Returns one k×k row-major meat per grouping.
 *
 * @example
 * ```ts
 * import { clusterMeat } from "truelift";
 * // clusterVcov: sandwich(fit.bread, clusterMeat(fit, [g])[0], fit.k) · G/(G−1)·(N−1)/(N−K)
 * ```
 * @see Liang & Zeger (1986); Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference",
 *   J. Human Resources 50(2).
 */
export function clusterMeat(
  fit: LinearFit,
  groupings: readonly { readonly codes: Int32Array; readonly count: number }[],
): Float64Array[] {
  const { k, n, cols, shifts, weights } = fit;
  const tiles = Math.ceil(k / 4);
  const kp = tiles * 4;
  const scores = groupings.map((g) => new Float64Array(g.count * kp));
  const buf = new Float64Array(kp * BLOCK);
  const e = new Float64Array(BLOCK);
  const fused = tiles === 2 && groupings.length === 1;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, buf);
    if (fused) {
      scatterResiduals8(fit, groupings[0].codes, scores[0], buf, start, len);
      continue;
    }
    blockResiduals(fit, start, len, buf, e);
    if (weights) for (let t = 0; t < len; t++) e[t] *= weights[start + t];
    for (let q = 0; q < groupings.length; q++)
      scatterScores(groupings[q].codes, scores[q], buf, e, start, len, tiles);
  }
  return scores.map((sc, q) => scoreCrossprod(sc, groupings[q].count, k, kp));
}

function scatterScores(
  codes: Int32Array,
  scores: Float64Array,
  buf: Float64Array,
  e: Float64Array,
  start: number,
  len: number,
  tiles: number,
): void {
  const kp = tiles * 4;
  if (tiles === 2) {
    scatterScores8(codes, scores, buf, e, start, len);
    return;
  }
  for (let a = 0; a < tiles; a++) {
    const p0 = a * 4 * BLOCK;
    const p1 = p0 + BLOCK;
    const p2 = p1 + BLOCK;
    const p3 = p2 + BLOCK;
    for (let t = 0; t < len; t++) {
      const b = codes[start + t] * kp + a * 4;
      const et = e[t];
      scores[b] += et * buf[p0 + t];
      scores[b + 1] += et * buf[p1 + t];
      scores[b + 2] += et * buf[p2 + t];
      scores[b + 3] += et * buf[p3 + t];
    }
  }
}

/**
 * {@link blockResiduals} (the same operations in the same order; padding columns are zero) weighted and
 * scattered into one grouping's scores as {@link scatterScores8}, in one pass over a block of 8 (padded) columns.
 */
function scatterResiduals8(
  fit: LinearFit,
  codes: Int32Array,
  scores: Float64Array,
  buf: Float64Array,
  start: number,
  len: number,
): void {
  const { y, yShift, gamma, k, weights } = fit;
  const g = new Float64Array(8);
  g.set(gamma.subarray(0, k));
  const g0 = g[0];
  const g1 = g[1];
  const g2 = g[2];
  const g3 = g[3];
  const g4 = g[4];
  const g5 = g[5];
  const g6 = g[6];
  const g7 = g[7];
  for (let t = 0; t < len; t++) {
    const u0 = buf[t];
    const u1 = buf[BLOCK + t];
    const u2 = buf[2 * BLOCK + t];
    const u3 = buf[3 * BLOCK + t];
    const u4 = buf[4 * BLOCK + t];
    const u5 = buf[5 * BLOCK + t];
    const u6 = buf[6 * BLOCK + t];
    const u7 = buf[7 * BLOCK + t];
    let et =
      y[start + t] -
      yShift -
      (g0 * u0 + g1 * u1) -
      (g2 * u2 + g3 * u3) -
      (g4 * u4 + g5 * u5) -
      (g6 * u6 + g7 * u7);
    if (weights) et *= weights[start + t];
    const b = codes[start + t] * 8;
    scores[b] += et * u0;
    scores[b + 1] += et * u1;
    scores[b + 2] += et * u2;
    scores[b + 3] += et * u3;
    scores[b + 4] += et * u4;
    scores[b + 5] += et * u5;
    scores[b + 6] += et * u6;
    scores[b + 7] += et * u7;
  }
}

/** {@link scatterScores} for 8 (padded) columns in one pass over the block. */
function scatterScores8(
  codes: Int32Array,
  scores: Float64Array,
  buf: Float64Array,
  e: Float64Array,
  start: number,
  len: number,
): void {
  for (let t = 0; t < len; t++) {
    const b = codes[start + t] * 8;
    const et = e[t];
    scores[b] += et * buf[t];
    scores[b + 1] += et * buf[BLOCK + t];
    scores[b + 2] += et * buf[2 * BLOCK + t];
    scores[b + 3] += et * buf[3 * BLOCK + t];
    scores[b + 4] += et * buf[4 * BLOCK + t];
    scores[b + 5] += et * buf[5 * BLOCK + t];
    scores[b + 6] += et * buf[6 * BLOCK + t];
    scores[b + 7] += et * buf[7 * BLOCK + t];
  }
}

function scoreCrossprod(scores: Float64Array, count: number, k: number, kp: number): Float64Array {
  const meat = new Float64Array(k * k);
  for (let g = 0; g < count; g++) {
    const base = g * kp;
    for (let j = 0; j < k; j++) {
      const sj = scores[base + j];
      if (sj === 0) continue;
      for (let l = 0; l <= j; l++) meat[j * k + l] += sj * scores[base + l];
    }
  }
  for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) meat[l * k + j] = meat[j * k + l];
  return meat;
}

/**
 * A variance estimate in working coordinates: the k×k matrix, the degrees of freedom of its reference t
 * distribution (null = normal), cluster counts, and non-fatal conditions (diagnostic codes with evidence).
 * `undefined` is set when the estimator cannot be computed (e.g. a leverage of 1 under HC2/HC3): every SE is
 * then null.
 */
export interface VcovComputation {
  readonly matrix: Float64Array;
  readonly df: number | null;
  /** Per-coefficient degrees of freedom (reported order) when they differ by term (CR2's Satterthwaite df). */
  readonly termDf?: readonly (number | null)[];
  readonly clusters?: readonly number[];
  readonly notes: readonly { code: string; evidence: Record<string, number | string | null> }[];
  readonly undefined?: boolean;
}
