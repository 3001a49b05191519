import { BLOCK, fillBlock } from "../../numeric/linalg/block.js";
import { rowCrossprod } from "../../numeric/linalg/crossprod.js";
import { accumulateTiles, unpad } from "../../numeric/linalg/crossprod-tiles.js";
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
  /**
   * Set when the rows are compressed cells (see `FrequencySpec`): `weights` are then the cell counts, `y` the cell
   * means, and every estimator equals its value on the expanded rows. `rows` is N = Σ count (the n of
   * small-sample factors); `withinSS` is Σ_{i∈c}(yᵢ − ȳ_c)² per cell (null: all 0). __Default value:__ absent.
   */
  readonly frequency?: { readonly rows: number; readonly withinSS: Float64Array | null };
}

/**
 * The number of observations N of a fit: Σ count for compressed cells, else its rows.
 *
 * @example
 * ```ts
 * import { observations } from "truelift";
 * // HC1's factor: observations(fit) / fit.dfResid
 * ```
 * @see Wong, Lewis & Wardrop (2021) (frequency-weighted least squares on compressed cells).
 */
export function observations(fit: LinearFit): number {
  return fit.frequency ? fit.frequency.rows : fit.n;
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
 * The HC meat Σ ωᵢ uᵢuᵢᵀ with ωᵢ = (wᵢeᵢ)² / (1 − hᵢ)^power, in one blocked pass (power 0: HC0/HC1, 1: HC2,
 * 2: HC3); leverages hᵢ = wᵢ uᵢᵀ(UᵀWU)⁻¹uᵢ (+ wᵢ/W_g for a single absorbed fixed effect, whose dummies are
 * orthogonal to the demeaned columns) are computed per block and never stored. Returns the number of rows with
 * leverage numerically 1 (for which HC2/HC3 are undefined; they are left out of the sum).
 *
 * Compressed cells (`fit.frequency`): the rows of a cell share x_c and so the leverage h_c = u_cᵀ(UᵀWU)⁻¹u_c (+
 * 1/W_g; not multiplied by the count), and Σ_{i∈c} eᵢ² = count·(ȳ_c − ŷ_c)² + withinSS_c, so
 * ω_c = [count·e_c² + withinSS_c] / (1 − h_c)^power — the row-level meat exactly.
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
  const cells = fit.frequency ?? null;
  const within = cells?.withinSS ?? null;
  let leverageOne = 0;
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, raw);
    blockResiduals(fit, start, len, raw, e);
    if (cells && weights) {
      for (let t = 0; t < len; t++)
        e[t] = weights[start + t] * e[t] * e[t] + (within ? within[start + t] : 0);
    } else {
      for (let t = 0; t < len; t++) {
        const we = weights ? weights[start + t] * e[t] : e[t];
        e[t] = we * we;
      }
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
        if (weights && !cells) ht *= weights[start + t];
        const m = 1 - ht;
        if (!(m > 1e-10)) {
          leverageOne += cells && weights ? weights[start + t] : 1;
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
  return scores.map((sc, q) => rowCrossprod(sc, groupings[q].count, k, kp));
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
