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
/** Taylor coefficients of exp(−d): −1/3!, 1/4!, −1/5!, 1/6!. */
const C3 = -1 / 6;
const C4 = 1 / 24;
const C5 = -1 / 120;
const C6 = 1 / 720;
const E_MIN = Math.exp(-ETA_LIMIT);

/**
 * A logistic refit on collapsed data, for the bootstrap: the design is stored once per distinct covariate row
 * (pattern), a resample only changes the treated / control counts per pattern, and Newton's method starts at the
 * full-sample estimate β̂. The first step needs no exponentials: the resample's score at β̂ is a count-weighted
 * sum of the fixed full-sample scores p̂, and it is paired with the full-sample information (`rows` = rows per
 * pattern in the full sample, rescaled to the resample's size), which differs from the resample's by O(n^-1/2);
 * the second step is a full Newton step, later steps reuse its information (chord steps, which contract the
 * error by a factor of the order of the last step); iterations stop once a step changes no linear predictor by more
 * than 1e-7, leaving an error in the scores well below 1e-8. The likelihood of counts is the frequency-weighted likelihood of the
 * rows, so the limit is exactly the resample's maximum-likelihood (or L2-penalised, `lambda = 1/C`) estimate.
 *
 * The returned function reuses its output buffer: read the scores before the next call.
 *
 * @example
 * ```ts
 * import { collapsedLogitRefitter } from "truelift";
 * const refit = collapsedLogitRefitter([Float64Array.of(0, 1)], Float64Array.of(-0.2, 0.5), 0, 50, Float64Array.of(7, 8));
 * refit(Float64Array.of(3, 6), Float64Array.of(4, 2)); // the two patterns' refitted scores
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
  const k = patterns.length + 1;
  const g = patterns.length > 0 ? patterns[0].length : 1;
  const cols: Float64Array[] = [new Float64Array(g).fill(1), ...patterns];
  const colScale = cols.map((c) => c.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1);
  // Information entries: 0/1 columns make (a, a) equal to (0, a), and two 0/1 columns that are never 1 together
  // (dummies of one categorical) give 0 — computed once from the patterns, so only the other entries are summed.
  const binary = cols.map((c) => c.every((v) => v === 0 || v === 1));
  const plan: { a: number; b: number; kind: "sum" | "dup" | "zero" }[] = [];
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let kind: "sum" | "dup" | "zero" = "sum";
      if (a > 0 && a === b && binary[a]) kind = "dup";
      else if (a > 0 && binary[a] && binary[b] && !cols[a].some((v, p) => v === 1 && cols[b][p] === 1))
        kind = "zero";
      plan.push({ a, b, kind });
    }
  }
  const etaHat = new Float64Array(g);
  etaOf(cols, start, etaHat, g);
  const eHat = new Float64Array(g);
  const pHat = new Float64Array(g);
  let finite = true;
  for (let p = 0; p < g; p++) {
    if (Math.abs(etaHat[p]) > ETA_LIMIT) finite = false;
    eHat[p] = Math.exp(-etaHat[p]);
    pHat[p] = 1 / (1 + eHat[p]);
  }
  // Full-sample information at β̂ (unit counts), factored once: the first step of every refit uses it.
  const hFull = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    for (let b = a; b < k; b++) {
      let h = 0;
      for (let p = 0; p < g; p++) h += rows[p] * pHat[p] * (1 - pHat[p]) * cols[a][p] * cols[b][p];
      hFull[a * k + b] = h;
      hFull[b * k + a] = h;
    }
  }
  let rowsFull = 0;
  for (let p = 0; p < g; p++) rowsFull += rows[p];
  const beta = new Float64Array(k);
  const e = new Float64Array(g);
  const scores = new Float64Array(g);
  const dEta = new Float64Array(g);
  const r = new Float64Array(g);
  const v = new Float64Array(g);
  const hess = new Float64Array(k * k);
  const grad = new Float64Array(k);
  return (c1, c0) => {
    if (!finite) return null;
    beta.set(start);
    e.set(eHat);
    // First step: the resample's score at β̂ with the full-sample information rescaled to the resample's total
    // count (a chord step whose contraction, O(n^-1/2), matches a Newton step's quadratic error here).
    let total = 0;
    for (let p = 0; p < g; p++) {
      const m = c1[p] + c0[p];
      total += m;
      r[p] = c1[p] - m * pHat[p];
    }
    const scale = total / rowsFull;
    for (let i = 0; i < k * k; i++) hess[i] = hFull[i] * scale;
    for (let a = 1; a < k; a++) hess[a * k + a] += lambda;
    let factor: Float64Array | null = cholesky(hess, k);
    for (let iter = 0; iter < maxIter; iter++) {
      const fresh = iter === 1; // chord from the full-sample information, one Newton step, then chord steps
      for (let a = 0; a < k; a++) {
        const xa = cols[a];
        let s = 0;
        for (let p = 0; p < g; p++) s += r[p] * xa[p];
        grad[a] = s - (a > 0 ? lambda * beta[a] : 0);
      }
      if (fresh) {
        for (const { a, b, kind } of plan) {
          let h = 0;
          if (kind === "dup") h = hess[a];
          else if (kind === "sum") {
            const xb = cols[b];
            if (a === 0) for (let p = 0; p < g; p++) h += v[p] * xb[p];
            else {
              const xa = cols[a];
              for (let p = 0; p < g; p++) h += v[p] * xa[p] * xb[p];
            }
          }
          hess[a * k + b] = h;
          hess[b * k + a] = h;
        }
        for (let a = 1; a < k; a++) hess[a * k + a] += lambda;
        factor = cholesky(hess, k);
      }
      if (!factor) return null;
      const step = choleskySolve(factor, k, grad);
      let biggest = 0;
      for (let j = 0; j < k; j++) {
        beta[j] += step[j];
        biggest = Math.max(biggest, Math.abs(step[j]) * colScale[j]);
      }
      if (!Number.isFinite(biggest)) return null;
      etaOf(cols, step, dEta, g);
      // e ← e·exp(−Δη): a degree-6 Taylor polynomial when |Δη| < 0.05 (relative error < 3e-14), else exp.
      for (let p = 0; p < g; p++) {
        const d = dEta[p];
        const f =
          d < 0.05 && d > -0.05
            ? 1 + d * (-1 + d * (0.5 + d * (C3 + d * (C4 + d * (C5 + d * C6)))))
            : Math.exp(-d);
        const ep = e[p] * f;
        if (!(ep < E_MAX && ep > E_MIN)) return null;
        e[p] = ep;
        const pr = 1 / (1 + ep);
        scores[p] = pr;
        const m = c1[p] + c0[p];
        r[p] = c1[p] - m * pr;
        v[p] = m * pr * (1 - pr);
      }
      if (biggest < STEP_TOL) return scores;
    }
    return null;
  };
}

function etaOf(cols: readonly Float64Array[], beta: Float64Array, out: Float64Array, g: number): void {
  out.fill(beta[0]);
  for (let j = 1; j < cols.length; j++) {
    const c = cols[j];
    const b = beta[j];
    for (let p = 0; p < g; p++) out[p] += b * c[p];
  }
}
