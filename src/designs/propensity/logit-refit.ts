import { cholesky, choleskySolve } from "../../numeric/linalg/cholesky.js";
import type { CollapsedRefit } from "./model.js";

/**
 * Largest change of the linear predictor (|Δβⱼ| · max|xⱼ|) below which a refit stops; the error left in the
 * linear predictor is then about 1e-8 or less (chord steps contract it by a factor of the order of the previous
 * step, ~1e-2 or less).
 */
const STEP_TOL = 1e-6;
/** |η| beyond which a refit is treated as separated (fitted probabilities within 1e-13 of 0 or 1). */
const ETA_LIMIT = 30;
const E_MAX = Math.exp(ETA_LIMIT);
const E_MIN = Math.exp(-ETA_LIMIT);
/** Taylor coefficients of exp(−d): −1/3!, 1/4!, −1/5!, 1/6!. */
const C3 = -1 / 6;
const C4 = 1 / 24;
const C5 = -1 / 120;
const C6 = 1 / 720;

/**
 * The design of a collapsed refit split for speed: the intercept and the 0/1 columns (dummies) are constant
 * within a block of consecutive patterns with the same 0/1 values, so their score and information entries are
 * sums of per-block totals; only the other ("continuous") columns are touched per pattern.
 */
interface BlockDesign {
  readonly k: number;
  readonly g: number;
  /** Parameter index of each block column (the intercept first) and of each continuous column. */
  readonly blockCols: readonly number[];
  readonly contCols: readonly number[];
  /** First pattern of each block, and g at the end. */
  readonly bounds: Int32Array;
  /** Block-column values per block, row-major (blocks × block columns). */
  readonly z: Float64Array;
  /** Continuous values per pattern, row-major (g × continuous columns). */
  readonly x: Float64Array;
}

function blockDesign(cols: readonly Float64Array[], g: number): BlockDesign {
  const blockCols = [0];
  const contCols: number[] = [];
  for (let j = 1; j < cols.length; j++) {
    if (cols[j].every((v) => v === 0 || v === 1)) blockCols.push(j);
    else contCols.push(j);
  }
  const bounds = [0];
  for (let p = 1; p < g; p++) if (blockCols.some((j) => cols[j][p] !== cols[j][p - 1])) bounds.push(p);
  bounds.push(g);
  const blocks = bounds.length - 1;
  const kb = blockCols.length;
  const z = new Float64Array(blocks * kb);
  for (let b = 0; b < blocks; b++) for (let a = 0; a < kb; a++) z[b * kb + a] = cols[blockCols[a]][bounds[b]];
  const m = contCols.length;
  const x = new Float64Array(g * m);
  for (let p = 0; p < g; p++) for (let c = 0; c < m; c++) x[p * m + c] = cols[contCols[c]][p];
  return { k: cols.length, g, blockCols, contCols, bounds: Int32Array.from(bounds), z, x };
}

/**
 * A logistic refit on collapsed data, for the bootstrap: the design is stored once per distinct covariate row
 * (pattern), a resample only changes the control / treated counts per pattern (`counts[2q]`, `counts[2q + 1]`),
 * and Newton's method starts at the full-sample estimate β̂. The first step needs no exponentials: the resample's
 * score at β̂ is a count-weighted sum of the fixed full-sample scores p̂, and it is paired with the full-sample
 * information (`rows` = rows per pattern in the full sample, rescaled to the resample's size), which differs from
 * the resample's by O(n^-1/2); the second step is a full Newton step, later steps reuse its information (chord
 * steps, which contract the error by a factor of the order of the last step); iterations stop once a step changes
 * no linear predictor by more than 1e-6, leaving an error in the scores of about 1e-8 or less. The likelihood of
 * counts is the frequency-weighted likelihood of the rows, so the limit is exactly the resample's
 * maximum-likelihood (or L2-penalised, `lambda = 1/C`) estimate.
 *
 * Each iteration is one pass over the patterns: the intercept and 0/1 columns enter through per-block totals
 * (blocks = runs of patterns with equal 0/1 values; {@link prepareCollapsed} orders patterns so that each
 * combination is one run), so a pattern costs an exponential update plus a few multiply-adds per continuous
 * column. Any pattern order gives the same result; the order only changes the speed.
 *
 * The returned function reuses its output buffer: read the scores before the next call.
 *
 * @example
 * ```ts
 * import { collapsedLogitRefitter } from "truelift";
 * const refit = collapsedLogitRefitter([Float64Array.of(0, 1)], Float64Array.of(-0.2, 0.5), 0, 50, Float64Array.of(7, 8));
 * refit(Float64Array.of(4, 3, 2, 6)); // the two patterns' refitted scores (control, treated counts per pattern)
 * ```
 * @see Andrews (2002), "Higher-order improvements of a computationally attractive k-step bootstrap for extremum
 *   estimators", Econometrica 70, 119–162 (Newton steps from the full-sample estimate).
 */
export function collapsedLogitRefitter(
  patterns: readonly Float64Array[],
  start: Float64Array,
  lambda: number,
  maxIter: number,
  rows: Float64Array,
): CollapsedRefit {
  const g = patterns.length > 0 ? patterns[0].length : 1;
  const cols: Float64Array[] = [new Float64Array(g).fill(1), ...patterns];
  const k = cols.length;
  const colScale = cols.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1);
  const design = blockDesign(cols, g);
  const { blockCols, contCols, bounds, z, x } = design;
  const kb = blockCols.length;
  const m = contCols.length;
  const blocks = bounds.length - 1;

  const eHat = new Float64Array(g);
  const pHat = new Float64Array(g);
  let finite = true;
  for (let p = 0; p < g; p++) {
    let eta = 0;
    for (let j = 0; j < k; j++) eta += start[j] * cols[j][p];
    if (Math.abs(eta) > ETA_LIMIT) finite = false;
    eHat[p] = Math.exp(-eta);
    pHat[p] = 1 / (1 + eHat[p]);
  }
  // Full-sample information at β̂ (unit counts): the first step of every refit uses it.
  const hFull = new Float64Array(k * k);
  let rowsFull = 0;
  for (let p = 0; p < g; p++) {
    const w = rows[p] * pHat[p] * (1 - pHat[p]);
    rowsFull += rows[p];
    for (let a = 0; a < k; a++) for (let b = a; b < k; b++) hFull[a * k + b] += w * cols[a][p] * cols[b][p];
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) hFull[a * k + b] = hFull[b * k + a];

  // Per-pass totals: residuals r = c₁ − m·p and weights v = m·p(1 − p), per block and against the continuous
  // columns.
  const sumR = new Float64Array(blocks);
  const sumV = new Float64Array(blocks);
  const sumVX = new Float64Array(blocks * m);
  const sumRX = new Float64Array(m);
  const sumVXX = new Float64Array(m * m);
  const beta = new Float64Array(k);
  const e = new Float64Array(g);
  const scores = new Float64Array(g);
  const hess = new Float64Array(k * k);
  const grad = new Float64Array(k);
  const dAlpha = new Float64Array(blocks);
  const dCont = new Float64Array(m);

  /** Score from the per-pass totals, minus the penalty's gradient. */
  const assembleGradient = () => {
    grad.fill(0);
    for (let b = 0; b < blocks; b++)
      for (let a = 0; a < kb; a++) grad[blockCols[a]] += z[b * kb + a] * sumR[b];
    for (let c = 0; c < m; c++) grad[contCols[c]] = sumRX[c];
    for (let j = 1; j < k; j++) grad[j] -= lambda * beta[j];
  };
  /** Information from the per-pass totals, plus the penalty's. */
  const assembleInformation = () => {
    hess.fill(0);
    for (let b = 0; b < blocks; b++) {
      for (let a = 0; a < kb; a++) {
        const za = z[b * kb + a];
        if (za === 0) continue;
        const ia = blockCols[a] * k;
        for (let a2 = 0; a2 < kb; a2++) hess[ia + blockCols[a2]] += za * z[b * kb + a2] * sumV[b];
        for (let c = 0; c < m; c++) {
          const h = za * sumVX[b * m + c];
          hess[ia + contCols[c]] += h;
          hess[contCols[c] * k + blockCols[a]] += h;
        }
      }
    }
    for (let c = 0; c < m; c++)
      for (let d = 0; d < m; d++) hess[contCols[c] * k + contCols[d]] = sumVXX[c * m + d];
    for (let j = 1; j < k; j++) hess[j * k + j] += lambda;
  };
  /** e[p] ← e[p]·exp(−d) and the new score of pattern p; −1 when the score reaches 0 or 1 numerically. */
  const advance = (p: number, d: number): number => {
    const f =
      d < 0.05 && d > -0.05
        ? 1 + d * (-1 + d * (0.5 + d * (C3 + d * (C4 + d * (C5 + d * C6)))))
        : Math.exp(-d);
    const ep = e[p] * f;
    if (!(ep < E_MAX && ep > E_MIN)) return -1;
    e[p] = ep;
    const pr = 1 / (1 + ep);
    scores[p] = pr;
    return pr;
  };
  /**
   * One pass: e ← e·exp(−Δη) (a degree-6 Taylor polynomial when |Δη| < 0.05, relative error < 3e-14, else
   * exp), the new scores, and the totals for the next step. False when a score reaches 0 or 1 numerically.
   */
  const update = (counts: Float64Array): boolean => {
    sumR.fill(0);
    sumV.fill(0);
    sumVX.fill(0);
    sumRX.fill(0);
    sumVXX.fill(0);
    if (m === 1) return updateOne(counts);
    for (let b = 0; b < blocks; b++) {
      const da = dAlpha[b];
      let rb = 0;
      let vb = 0;
      const end = bounds[b + 1];
      for (let p = bounds[b]; p < end; p++) {
        let d = da;
        const xo = p * m;
        for (let c = 0; c < m; c++) d += dCont[c] * x[xo + c];
        const pr = advance(p, d);
        if (pr < 0) return false;
        const c1 = counts[2 * p + 1];
        const mp = counts[2 * p] + c1;
        const r = c1 - mp * pr;
        const v = mp * pr * (1 - pr);
        rb += r;
        vb += v;
        for (let c = 0; c < m; c++) {
          const xc = x[xo + c];
          sumRX[c] += r * xc;
          sumVX[b * m + c] += v * xc;
          for (let c2 = 0; c2 <= c; c2++) sumVXX[c * m + c2] += v * xc * x[xo + c2];
        }
      }
      sumR[b] = rb;
      sumV[b] = vb;
    }
    for (let c = 0; c < m; c++) for (let c2 = 0; c2 < c; c2++) sumVXX[c2 * m + c] = sumVXX[c * m + c2];
    return true;
  };

  /** {@link update} for one continuous column (the common case: dummies plus one numeric covariate). */
  const updateOne = (counts: Float64Array): boolean => {
    const dc = dCont[0];
    let rx = 0;
    let vxx = 0;
    for (let b = 0; b < blocks; b++) {
      const da = dAlpha[b];
      let rb = 0;
      let vb = 0;
      let vx = 0;
      const end = bounds[b + 1];
      for (let p = bounds[b]; p < end; p++) {
        const xp = x[p];
        const d = da + dc * xp;
        const pr = advance(p, d);
        if (pr < 0) return false;
        const c1 = counts[2 * p + 1];
        const mp = counts[2 * p] + c1;
        const r = c1 - mp * pr;
        const v = mp * pr * (1 - pr);
        rb += r;
        vb += v;
        rx += r * xp;
        vx += v * xp;
        vxx += v * xp * xp;
      }
      sumR[b] = rb;
      sumV[b] = vb;
      sumVX[b] = vx;
    }
    sumRX[0] = rx;
    sumVXX[0] = vxx;
    return true;
  };

  return (counts) => {
    if (!finite) return null;
    beta.set(start);
    e.set(eHat);
    // First step: the resample's score at β̂ with the full-sample information rescaled to the resample's total
    // count (a chord step whose contraction, O(n^-1/2), matches a Newton step's quadratic error here).
    sumRX.fill(0);
    let total = 0;
    for (let b = 0; b < blocks; b++) {
      let rb = 0;
      for (let p = bounds[b]; p < bounds[b + 1]; p++) {
        const c1 = counts[2 * p + 1];
        const mp = counts[2 * p] + c1;
        total += mp;
        const r = c1 - mp * pHat[p];
        rb += r;
        for (let c = 0; c < m; c++) sumRX[c] += r * x[p * m + c];
      }
      sumR[b] = rb;
    }
    const scale = total / rowsFull;
    for (let i = 0; i < k * k; i++) hess[i] = hFull[i] * scale;
    for (let a = 1; a < k; a++) hess[a * k + a] += lambda;
    let factor: Float64Array | null = cholesky(hess, k);
    for (let iter = 0; iter < maxIter; iter++) {
      if (iter === 1) {
        // one Newton step from the information at the first step's estimate, then chord steps
        assembleInformation();
        factor = cholesky(hess, k);
      }
      if (!factor) return null;
      assembleGradient();
      const step = choleskySolve(factor, k, grad);
      let biggest = 0;
      for (let j = 0; j < k; j++) {
        beta[j] += step[j];
        biggest = Math.max(biggest, Math.abs(step[j]) * colScale[j]);
      }
      if (!Number.isFinite(biggest)) return null;
      for (let b = 0; b < blocks; b++) {
        let s = 0;
        for (let a = 0; a < kb; a++) s += z[b * kb + a] * step[blockCols[a]];
        dAlpha[b] = s;
      }
      for (let c = 0; c < m; c++) dCont[c] = step[contCols[c]];
      if (!update(counts)) return null;
      if (biggest < STEP_TOL) return scores;
    }
    return null;
  };
}
