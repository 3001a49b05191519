import { TrueliftError } from "../../core/errors.js";
import { RDD_KERNEL_CONSTANT } from "./kernel.js";
import {
  fitted,
  kernelRows,
  type LocalOptions,
  leverages,
  meat,
  sandwichDiag,
  varianceResiduals,
  weightedFit,
} from "./lpoly.js";
import { distinctSorted, type RddSideData } from "./side.js";
import { tieRuns } from "./tie-runs.js";

/**
 * Data-driven bandwidth selectors of rdrobust / rdbwselect (Calonico, Cattaneo & Titiunik 2014; Calonico,
 * Cattaneo & Farrell 2020): MSE-optimal with one common bandwidth (`mserd`), one per side (`msetwo`), for the sum
 * of the two regression functions (`msesum`), their minimum (`msecomb1`) or median (`msecomb2`), and the
 * coverage-error-optimal counterparts `cer*` (the MSE bandwidth h shrunk by N^(−p/((3+p)(3+2p)))).
 *
 * @example
 * ```ts
 * import { RDD_BWSELECT } from "truelift";
 * RDD_BWSELECT[0]; // "mserd" (the default)
 * ```
 */
export const RDD_BWSELECT = [
  "mserd",
  "msetwo",
  "msesum",
  "msecomb1",
  "msecomb2",
  "cerrd",
  "certwo",
  "cersum",
  "cercomb1",
  "cercomb2",
] as const;
/** One of {@link RDD_BWSELECT}. */
export type RddBwSelect = (typeof RDD_BWSELECT)[number];

/** Mass-point handling in bandwidth selection (rdrobust's `masspoints`). */
export const RDD_MASSPOINTS = ["adjust", "check", "off"] as const;
/** One of {@link RDD_MASSPOINTS}. */
export type RddMassPoints = (typeof RDD_MASSPOINTS)[number];

/** Options of {@link selectBandwidths} beyond the local-fit ones. */
export interface BwSelectOptions extends LocalOptions {
  readonly p: number;
  readonly q: number;
  readonly deriv: number;
  readonly bwselect: RddBwSelect;
  readonly masspoints: RddMassPoints;
  /** Minimum number of distinct x values each side within h and b; __Default value:__ none (10 with mass points under `adjust`). */
  readonly bwcheck: number | null;
  /** Cap bandwidths at the range of the data (rdrobust's `bwrestrict`). */
  readonly bwrestrict: boolean;
  /** Regularisation scale (rdrobust's `scaleregul`). */
  readonly scaleregul: number;
  /** Clusters across both sides (for the CER rate), or null. */
  readonly clusters: number | null;
}

/** Selected bandwidths per side and the ingredients behind them. */
export interface BwSelection {
  readonly h: readonly [number, number];
  readonly b: readonly [number, number];
  readonly pilot: number;
  /** Fraction of repeated running-variable values per side (mass points). */
  readonly massShare: readonly [number, number];
  readonly bwcheck: number | null;
}

interface BwConstants {
  readonly V: number;
  readonly B: number;
  readonly R: number;
  readonly rate: number;
}

/**
 * rdrobust's `rdrobust_bw`: variance constant V from a fit of order `o` at the pilot bandwidth `hV`, the bias
 * constant B from a fit of order `oB` at `hB`, and the regularisation term R (when `scale` > 0).
 */
function bwConstants(
  side: RddSideData,
  opt: LocalOptions,
  o: number,
  nu: number,
  oB: number,
  hV: number,
  hB: number,
  scale: number,
): BwConstants {
  const v = kernelRows(side, hV, opt);
  const fitV = weightedFit(side, v.rows, v.w, opt.c, o + 1, "the bandwidth pilot");
  const m = v.rows.length;
  let s: number[] = [1];
  if (side.t) {
    const f = factorial(nu);
    const tauY = f * fitV.beta[0][nu];
    const tauT = f * fitV.beta[1][nu];
    s = [1 / tauT, -(tauY / (tauT * tauT))];
  }
  const predV = opt.vce === "nn" ? null : fitted(fitV.basis, fitV.beta, m, o + 1);
  const hiiV = opt.vce === "hc2" || opt.vce === "hc3" ? leverages(fitV) : null;
  const resV = varianceResiduals(side, v.rows, opt, predV, hiiV, o + 1);
  const k = o + 1;
  const rw = weightedScores(fitV.basis, v.w, m, k);
  const vV = sandwichDiag(fitV.invG, meat(rw, k, resV, s, side, v.rows), k, nu);
  // BConst = (Hp ∘ invG Rᵀ W u^(o+1))[nu]
  const rhs = new Float64Array(k);
  const runs = tieRuns(side.x, v.rows, v.w);
  for (let r = 0; r + 1 < runs.length; r++) {
    const i = runs[r];
    const u = (side.x[v.rows[i]] - opt.c) / hV;
    let cnt = 0;
    for (let t = i; t < runs[r + 1]; t++) cnt += side.n[v.rows[t]];
    const wu = v.w[i] * cnt * u ** (o + 1);
    for (let a = 0; a < k; a++) rhs[a] += fitV.basis[i * k + a] * wu;
  }
  let bConst = 0;
  for (let b = 0; b < k; b++) bConst += fitV.invG[nu * k + b] * rhs[b];
  bConst *= hV ** nu;

  const bw = kernelRows(side, hB, opt);
  const kB = oB + 1;
  const fitB = weightedFit(side, bw.rows, bw.w, opt.c, kB, "the bandwidth pilot");
  let bwReg = 0;
  if (scale > 0) {
    const mB = bw.rows.length;
    const predB = opt.vce === "nn" ? null : fitted(fitB.basis, fitB.beta, mB, kB);
    const hiiB = opt.vce === "hc2" || opt.vce === "hc3" ? leverages(fitB) : null;
    const resB = varianceResiduals(side, bw.rows, opt, predB, hiiB, kB);
    const rwB = weightedScores(fitB.basis, bw.w, mB, kB);
    const vB = sandwichDiag(fitB.invG, meat(rwB, kB, resB, s, side, bw.rows), kB, o + 1);
    bwReg = 3 * bConst * bConst * vB;
  }
  let sb = 0;
  for (let l = 0; l < s.length; l++) sb += s[l] * fitB.beta[l][o + 1];
  return {
    V: (2 * nu + 1) * hV ** (2 * nu + 1) * vV,
    B: Math.sqrt(2 * (o + 1 - nu)) * bConst * sb,
    R: scale * (2 * (o + 1 - nu)) * bwReg,
    rate: 1 / (2 * o + 3),
  };
}

/** Score rows R_i · w_i (m × k). */
export function weightedScores(basis: Float64Array, w: Float64Array, m: number, k: number): Float64Array {
  const out = new Float64Array(m * k);
  for (let i = 0; i < m; i++) for (let a = 0; a < k; a++) out[i * k + a] = basis[i * k + a] * w[i];
  return out;
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** The sorted running variable as units with counts (rows: all counts 1). */
export interface RddSortedX {
  readonly x: Float64Array;
  readonly n: Float64Array;
}

/** The value of the 0-based row r of sorted units (binary search over the cumulative counts). */
function valueAtRow(u: RddSortedX, cum: Float64Array, r: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cum[mid] > r) hi = mid;
    else lo = mid + 1;
  }
  return u.x[lo];
}

/** R's quantile(type = 2) of the rows: the average at discontinuities of the empirical CDF. */
function quantileType2(u: RddSortedX, cum: Float64Array, prob: number): number {
  const n = cum[cum.length - 1];
  const np = n * prob;
  const fuzz = 4 * 2.220446049250313e-16;
  const j = Math.floor(np + fuzz);
  const g = np - j;
  const lo = valueAtRow(u, cum, Math.max(0, Math.min(n - 1, j - 1)));
  const hi = valueAtRow(u, cum, Math.max(0, Math.min(n - 1, j)));
  return Math.abs(g) > fuzz ? hi : (lo + hi) / 2;
}

function sampleSd(u: RddSortedX, total: number): number {
  let mean = 0;
  for (let i = 0; i < u.x.length; i++) mean += u.n[i] * u.x[i];
  mean /= total;
  let ss = 0;
  for (let i = 0; i < u.x.length; i++) ss += u.n[i] * (u.x[i] - mean) ** 2;
  return Math.sqrt(ss / (total - 1));
}

/**
 * rdrobust's data-driven bandwidths (the selection block of `rdrobust()`, equal to `rdbwselect()`): a rule-of-thumb
 * pilot, a pilot for the order-(q+1) derivative, then the bias bandwidth b and the main bandwidth h, by the
 * chosen selector, each capped at the data range (`bwrestrict`) and floored by `bwcheck` where rdrobust does.
 * `xAll` is the whole sorted running variable as units with counts.
 *
 * @example
 * ```ts
 * // inside rdd(): selectBandwidths(sides.left, sides.right, x, { c: 0, p: 1, q: 2, bwselect: "mserd", … })
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014), Econometrica 82(6); Calonico, Cattaneo & Farrell (2020),
 *   Econometrics Journal 23(2); rdrobust's `rdbwselect`.
 */
export function selectBandwidths(
  left: RddSideData,
  right: RddSideData,
  xAll: RddSortedX,
  o: BwSelectOptions,
): BwSelection {
  const { c, p, q, deriv } = o;
  const nl = left.rows;
  const nr = right.rows;
  const n = nl + nr;
  const xMin = xAll.x[0];
  const xMax = xAll.x[xAll.x.length - 1];
  const rangeL = Math.abs(c - xMin);
  const rangeR = Math.abs(c - xMax);
  const cum = new Float64Array(xAll.x.length);
  for (let i = 0, acc = 0; i < cum.length; i++) cum[i] = acc += xAll.n[i];
  const total = cum[cum.length - 1];
  const iqr = quantileType2(xAll, cum, 0.75) - quantileType2(xAll, cum, 0.25);
  const bwp = Math.min(sampleSd(xAll, total), iqr / 1.349);
  const ml = distinctSorted(left.x);
  const mr = distinctSorted(right.x);
  const massShare: [number, number] = [1 - ml / nl, 1 - mr / nr];
  let bwcheck = o.bwcheck;
  if (o.masspoints !== "off" && (massShare[0] >= 0.1 || massShare[1] >= 0.1)) {
    if (bwcheck === null && o.masspoints === "adjust") bwcheck = 10;
  }
  const cc = RDD_KERNEL_CONSTANT[o.kernel];
  let cBw = cc * bwp * (o.masspoints === "adjust" ? ml + mr : n) ** (-1 / 5);
  const bwMaxL = rangeL;
  const bwMaxR = rangeR;
  const bwMax = Math.max(bwMaxL, bwMaxR);
  if (o.bwrestrict) cBw = Math.min(cBw, bwMax);
  let bwMinL = 0;
  let bwMinR = 0;
  if (bwcheck !== null) {
    const uniqL = uniqueDistances(left.x, c, true);
    const uniqR = uniqueDistances(right.x, c, false);
    bwMinL = uniqL[Math.min(bwcheck, uniqL.length) - 1] + 1e-8;
    bwMinR = uniqR[Math.min(bwcheck, uniqR.length) - 1] + 1e-8;
    cBw = Math.max(cBw, bwMinL, bwMinR);
  }
  const check = bwcheck !== null;
  const cap = (v: number, max: number) => (o.bwrestrict ? Math.min(v, max) : v);
  const reg = o.scaleregul;
  const bwC = (side: RddSideData, oo: number, nu: number, oB: number, hB: number, scale: number) =>
    bwConstants(side, o, oo, nu, oB, cBw, hB, scale);

  const dL = bwC(left, q + 1, q + 1, q + 2, rangeL, 0);
  const dR = bwC(right, q + 1, q + 1, q + 2, rangeR, 0);
  const sel = o.bwselect;
  const needTwo = sel === "msetwo" || sel === "certwo" || sel === "msecomb2" || sel === "cercomb2";
  const needSum = sel.endsWith("sum") || sel.includes("comb");
  const needRd = sel === "mserd" || sel === "cerrd" || sel.includes("comb");

  let two: { h: [number, number]; b: [number, number] } | null = null;
  if (needTwo) {
    let dl = (dL.V / dL.B ** 2) ** dL.rate;
    let dr = (dR.V / dR.B ** 2) ** dL.rate;
    dl = cap(dl, bwMaxL);
    dr = cap(dr, bwMaxR);
    if (check) {
      dl = Math.max(dl, bwMinL);
      dr = Math.max(dr, bwMinR);
    }
    const bL = bwC(left, q, p + 1, q + 1, dl, reg);
    const bR = bwC(right, q, p + 1, q + 1, dr, reg);
    const bl = cap((bL.V / (bL.B ** 2 + reg * bL.R)) ** bL.rate, bwMaxL);
    const br = cap((bR.V / (bR.B ** 2 + reg * bR.R)) ** bL.rate, bwMaxR);
    const hL = bwC(left, p, deriv, q, bl, reg);
    const hR = bwC(right, p, deriv, q, br, reg);
    const hl = cap((hL.V / (hL.B ** 2 + reg * hL.R)) ** hL.rate, bwMaxL);
    const hr = cap((hR.V / (hR.B ** 2 + reg * hR.R)) ** hL.rate, bwMaxR);
    two = { h: [hl, hr], b: [bl, br] };
  }
  const common = (combine: (l: number, r: number) => number): { h: number; b: number } => {
    let d = ((dL.V + dR.V) / combine(dR.B, dL.B) ** 2) ** dL.rate;
    d = cap(d, bwMax);
    if (check) d = Math.max(d, bwMinL, bwMinR);
    const bL = bwC(left, q, p + 1, q + 1, d, reg);
    const bR = bwC(right, q, p + 1, q + 1, d, reg);
    const b = cap(((bL.V + bR.V) / (combine(bR.B, bL.B) ** 2 + reg * (bR.R + bL.R))) ** bL.rate, bwMax);
    const hL = bwC(left, p, deriv, q, b, reg);
    const hR = bwC(right, p, deriv, q, b, reg);
    const h = cap(((hL.V + hR.V) / (combine(hR.B, hL.B) ** 2 + reg * (hR.R + hL.R))) ** hL.rate, bwMax);
    return { h, b };
  };
  const sum = needSum ? common((r, l) => r + l) : null;
  const rd = needRd ? common((r, l) => r - l) : null;

  let h: [number, number];
  let b: [number, number];
  const base = sel.replace(/^cer/, "mse");
  if (base === "mserd" && rd)
    [h, b] = [
      [rd.h, rd.h],
      [rd.b, rd.b],
    ];
  else if (base === "msetwo" && two) [h, b] = [two.h, two.b];
  else if (base === "msesum" && sum)
    [h, b] = [
      [sum.h, sum.h],
      [sum.b, sum.b],
    ];
  else if (base === "msecomb1" && rd && sum) {
    const hh = Math.min(rd.h, sum.h);
    const bb = Math.min(rd.b, sum.b);
    [h, b] = [
      [hh, hh],
      [bb, bb],
    ];
  } else if (base === "msecomb2" && rd && sum && two) {
    h = [median3(rd.h, sum.h, two.h[0]), median3(rd.h, sum.h, two.h[1])];
    b = [median3(rd.b, sum.b, two.b[0]), median3(rd.b, sum.b, two.b[1])];
  } else throw new Error(`unreachable bandwidth selector ${sel}`);
  if (sel.startsWith("cer")) {
    const cerH = (o.clusters ?? n) ** -(p / ((3 + p) * (3 + 2 * p)));
    h = [h[0] * cerH, h[1] * cerH];
  }
  for (const v of [...h, ...b]) {
    if (!(Number.isFinite(v) && v > 0)) {
      throw new TrueliftError(
        "E_RDD_TOO_FEW_OBS",
        "Not enough variation in the running variable to select a bandwidth (the pilot bias or variance constants degenerate).",
        {
          details: { h, b },
          hint: "Set the bandwidth by hand (`bandwidth`), or check the running variable for mass points.",
        },
      );
    }
  }
  return { h, b, pilot: cBw, massShare, bwcheck };
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/** Distinct |x − c| of one side, nearest to the cutoff first. */
function uniqueDistances(x: Float64Array, c: number, left: boolean): number[] {
  const out: number[] = [];
  if (left) {
    for (let i = x.length - 1; i >= 0; i--)
      if (i === x.length - 1 || x[i] !== x[i + 1]) out.push(Math.abs(x[i] - c));
  } else {
    for (let i = 0; i < x.length; i++) if (i === 0 || x[i] !== x[i - 1]) out.push(Math.abs(x[i] - c));
  }
  return out;
}
