import { TrueliftError } from "../../core/errors.js";
import { weightedScores } from "./bwselect.js";
import { kernelWeight } from "./kernel.js";
import {
  fitted,
  type LocalOptions,
  leverages,
  meat,
  polyBasis,
  responses,
  sandwichDiag,
  symMatVec,
  varianceResiduals,
  weightedFit,
} from "./lpoly.js";
import type { RddResiduals } from "./nn-residuals.js";
import type { RddSideData } from "./side.js";
import { tieRuns } from "./tie-runs.js";

/** Polynomial orders and bandwidths (left, right) of one local-polynomial RD fit. */
export interface RobustFitOptions extends LocalOptions {
  readonly p: number;
  /** Order of the derivative whose jump is estimated (0: the level; 1: a kink). */
  readonly deriv: number;
  readonly q: number;
  readonly h: readonly [number, number];
  readonly b: readonly [number, number];
}

/** One jump (right minus left, as rdrobust reports it) with its conventional and robust variances. */
export interface RawJump {
  /** Conventional estimate. */
  readonly cl: number;
  /** Bias-corrected estimate. */
  readonly bc: number;
  /** Conventional standard error (also used by the bias-corrected row). */
  readonly seCl: number;
  /** Robust standard error (accounts for the bias estimate's variance). */
  readonly seRb: number;
}

/** Everything one rdrobust-style fit produces, before signs are set by the treated side. */
export interface RawRobustFit {
  /** The effect: the jump in the outcome's `deriv`-th derivative (sharp) or the Wald ratio of outcome and take-up jumps (fuzzy). */
  readonly effect: RawJump;
  /** Fuzzy designs: the take-up jump (first stage) and the outcome jump (reduced form). */
  readonly firstStage: RawJump | null;
  readonly reducedForm: RawJump | null;
  /** Rows with positive weight at h and at b, per side (Σ of the units' counts). */
  readonly nH: readonly [number, number];
  readonly nB: readonly [number, number];
  /** Conventional intercepts (limits at the cutoff) of the outcome, left and right. */
  readonly limits: readonly [number, number];
  /** Conventional polynomial coefficients of the outcome per side (in powers of x − c). */
  readonly coefficients: readonly [readonly number[], readonly number[]];
}

interface SidePieces {
  readonly nH: number;
  readonly nB: number;
  readonly k: number;
  readonly invGp: Float64Array;
  /** Conventional and bias-corrected coefficient vectors per response column. */
  readonly betaP: readonly Float64Array[];
  readonly betaBc: readonly Float64Array[];
  readonly scoresCl: Float64Array;
  readonly scoresRb: Float64Array;
  readonly resH: RddResiduals;
  readonly resB: RddResiduals;
  readonly rows: Int32Array;
  readonly side: RddSideData;
}

function sidePieces(side: RddSideData, h: number, b: number, o: RobustFitOptions, label: string): SidePieces {
  const { c, p, q } = o;
  const kp = p + 1;
  const kq = q + 1;
  // Tied running values share their kernel weights: one pass over the tie groups, then the kept rows.
  const n = side.x.length;
  const starts: number[] = [];
  const aw: number[] = [];
  const bw: number[] = [];
  let nH = 0;
  let nB = 0;
  let kept = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && side.x[j] === side.x[i]) j++;
    const a = kernelWeight(side.x[i], c, h, o.kernel, o.support);
    const bb = kernelWeight(side.x[i], c, b, o.kernel, o.support);
    let cnt = 0;
    for (let t = i; t < j; t++) cnt += side.n[t];
    if (a > 0) nH += cnt;
    if (bb > 0) nB += cnt;
    if (h > b ? a > 0 : bb > 0) {
      starts.push(i, j);
      aw.push(a);
      bw.push(bb);
      kept += j - i;
    }
    i = j;
  }
  if (nH === 0) {
    throw new TrueliftError(
      "E_RDD_NO_OBS_SIDE",
      `No observations ${label} the cutoff within the bandwidth h = ${h}.`,
      { details: { side: label, bandwidth: h } },
    );
  }
  if (nH < kp) {
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `Only ${nH} observation${nH === 1 ? "" : "s"} ${label} the cutoff within h = ${h}; a polynomial of order ${p} needs at least ${kp}.`,
      { details: { side: label, observations: nH, parameters: kp, bandwidth: h } },
    );
  }
  if (nB < kq) {
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `Only ${nB} observation${nB === 1 ? "" : "s"} ${label} the cutoff within b = ${b}; the bias-correction polynomial of order ${q} needs at least ${kq}.`,
      { details: { side: label, observations: nB, parameters: kq, bandwidth: b } },
    );
  }
  const rows = new Int32Array(kept);
  const wH = new Float64Array(kept);
  const wB = new Float64Array(kept);
  for (let g = 0, r = 0; g < aw.length; g++) {
    for (let i = starts[2 * g]; i < starts[2 * g + 1]; i++, r++) {
      rows[r] = i;
      wH[r] = aw[g];
      wB[r] = bw[g];
    }
  }
  const m = rows.length;
  const fitP = weightedFit(side, rows, wH, c, kp, `the order-${p} fit ${label} the cutoff`);
  const fitQ = weightedFit(side, rows, wB, c, kq, `the order-${q} bias fit ${label} the cutoff`);
  const rq = polyBasis(side, rows, c, kq);
  // L = Σ R_p,i W_h,i u_i^(p+1)
  // Per tie group (rows tied in x share x, both weights and the basis rows).
  const runs = tieRuns(side.x, rows, wH);
  const l = new Float64Array(kp);
  for (let r = 0; r + 1 < runs.length; r++) {
    const i = runs[r];
    const u = (side.x[rows[i]] - c) / h;
    let cnt = 0;
    for (let t = i; t < runs[r + 1]; t++) cnt += side.n[rows[t]];
    const f = wH[i] * cnt * u ** (p + 1);
    for (let a = 0; a < kp; a++) l[a] += fitP.basis[i * kp + a] * f;
  }
  // Q_q,i = W_h,i R_p,i − h^(p+1) · W_b,i · (R_q,i · invG_q[:, p+1]) · L
  const hp = h ** (p + 1);
  const scoresRb = new Float64Array(m * kp);
  for (let i = 0; i < m; i++) {
    let a = 0;
    for (let j = 0; j < kq; j++) a += rq[i * kq + j] * fitQ.invG[j * kq + (p + 1)];
    const f = hp * wB[i] * a;
    for (let j = 0; j < kp; j++) scoresRb[i * kp + j] = wH[i] * fitP.basis[i * kp + j] - f * l[j];
  }
  const cols = responses(side);
  const betaBc = cols.map((v) => {
    const rhs = new Float64Array(kp);
    for (let r = 0; r + 1 < runs.length; r++) {
      const i = runs[r];
      let y = 0;
      for (let t = i; t < runs[r + 1]; t++) y += side.n[rows[t]] * v[rows[t]];
      for (let j = 0; j < kp; j++) rhs[j] += scoresRb[i * kp + j] * y;
    }
    return symMatVec(fitP.invG, rhs, kp);
  });
  let resH: RddResiduals;
  let resB: RddResiduals;
  if (o.vce === "nn") {
    resH = varianceResiduals(side, rows, o, null, null, kp);
    resB = resH;
  } else {
    const hc23 = o.vce === "hc2" || o.vce === "hc3";
    resH = varianceResiduals(
      side,
      rows,
      o,
      fitted(fitP.basis, fitP.beta, m, kp),
      hc23 ? leverages(fitP) : null,
      kp,
    );
    resB = varianceResiduals(
      side,
      rows,
      o,
      fitted(fitQ.basis, fitQ.beta, m, kq),
      hc23 ? leverages(fitQ) : null,
      kq,
    );
  }
  return {
    nH,
    nB,
    k: kp,
    invGp: fitP.invG,
    betaP: fitP.beta,
    betaBc,
    scoresCl: weightedScores(fitP.basis, wH, m, kp),
    scoresRb,
    resH,
    resB,
    rows,
    side,
  };
}

function variance(sp: SidePieces, robust: boolean, s: readonly number[], d: number): number {
  const m = meat(robust ? sp.scoresRb : sp.scoresCl, sp.k, robust ? sp.resB : sp.resH, s, sp.side, sp.rows);
  const f = factorial(d);
  return f * f * sandwichDiag(sp.invGp, m, sp.k, d);
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

function jump(l: SidePieces, r: SidePieces, col: number, s: readonly number[], d: number): RawJump {
  const f = factorial(d);
  return {
    cl: f * (r.betaP[col][d] - l.betaP[col][d]),
    bc: f * (r.betaBc[col][d] - l.betaBc[col][d]),
    seCl: Math.sqrt(variance(l, false, s, d) + variance(r, false, s, d)),
    seRb: Math.sqrt(variance(l, true, s, d) + variance(r, true, s, d)),
  };
}

/**
 * The local-polynomial RD estimator with robust bias correction, as rdrobust computes it for given bandwidths:
 * order-p fits at h on each side (the conventional jump), the order-q bias estimate at b subtracted through the
 * Q_q scores (the bias-corrected jump), and variances from the chosen residuals (conventional SE from the order-p
 * scores; robust SE from the bias-corrected scores). Fuzzy designs divide the outcome jump by the take-up jump
 * and use the linearised ratio (rdrobust's `s_Y`) in both variances.
 *
 * @example
 * ```ts
 * // inside rdd(): robustFit(sides.left, sides.right, { c: 0, p: 1, q: 2, h: [17.75, 17.75], b: [28.03, 28.03], … })
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), Econometrica 82(6), 2295–2326; rdrobust (R) `rdrobust()`.
 */
export function robustFit(left: RddSideData, right: RddSideData, o: RobustFitOptions): RawRobustFit {
  const l = sidePieces(left, o.h[0], o.b[0], o, "below");
  const r = sidePieces(right, o.h[1], o.b[1], o, "above");
  const fuzzy = left.t !== null;
  const limits: [number, number] = [l.betaP[0][0], r.betaP[0][0]];
  const coefficients: [number[], number[]] = [Array.from(l.betaP[0]), Array.from(r.betaP[0])];
  const base = {
    nH: [l.nH, r.nH] as const,
    nB: [l.nB, r.nB] as const,
    limits,
    coefficients,
  };
  const d = o.deriv;
  if (!fuzzy) return { ...base, effect: jump(l, r, 0, [1], d), firstStage: null, reducedForm: null };
  const reduced = jump(l, r, 0, [1, 0], d);
  const first = jump(l, r, 1, [0, 1], d);
  const tauCl = reduced.cl / first.cl;
  const sY = [1 / first.cl, -(reduced.cl / (first.cl * first.cl))];
  const tauBc = tauCl - (sY[0] * (reduced.cl - reduced.bc) + sY[1] * (first.cl - first.bc));
  const effect: RawJump = {
    cl: tauCl,
    bc: tauBc,
    seCl: Math.sqrt(variance(l, false, sY, d) + variance(r, false, sY, d)),
    seRb: Math.sqrt(variance(l, true, sY, d) + variance(r, true, sY, d)),
  };
  return { ...base, effect, firstStage: first, reducedForm: reduced };
}
