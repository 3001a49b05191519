import { spdInverse } from "../../../numeric/linalg/index.js";
import type { RdPlotEntries } from "./binning.js";

/**
 * rdplot's bin-selection methods: `es` / `qs` are the IMSE-optimal evenly- / quantile-spaced numbers of bins,
 * `esmv` / `qsmv` the mimicking-variance numbers (rdplot's default is `esmv`); each uses spacings estimators of
 * the variance, and the `pr` variants (`espr`, `esmvpr`, `qspr`, `qsmvpr`) use polynomial-regression estimators
 * instead (chosen automatically for mass points, as rdplot's `masspoints = "adjust"` does).
 *
 * @example
 * ```ts
 * import { RDPLOT_BINSELECT } from "truelift";
 * RDPLOT_BINSELECT[0]; // "esmv"
 * ```
 */
export const RDPLOT_BINSELECT = ["esmv", "es", "espr", "esmvpr", "qs", "qspr", "qsmv", "qsmvpr"] as const;
/** One of {@link RDPLOT_BINSELECT}. */
export type RdPlotBinSelect = (typeof RDPLOT_BINSELECT)[number];

/**
 * rdplot's description of each method (its `binselect` output).
 *
 * @example
 * ```ts
 * import { RDPLOT_BINSELECT_LABELS } from "truelift";
 * RDPLOT_BINSELECT_LABELS.qs; // "IMSE-optimal quantile-spaced method using spacings estimators"
 * ```
 */
export const RDPLOT_BINSELECT_LABELS: Readonly<Record<RdPlotBinSelect, string>> = Object.freeze({
  es: "IMSE-optimal evenly-spaced method using spacings estimators",
  espr: "IMSE-optimal evenly-spaced method using polynomial regression",
  esmv: "mimicking variance evenly-spaced method using spacings estimators",
  esmvpr: "mimicking variance evenly-spaced method using polynomial regression",
  qs: "IMSE-optimal quantile-spaced method using spacings estimators",
  qspr: "IMSE-optimal quantile-spaced method using polynomial regression",
  qsmv: "mimicking variance quantile-spaced method using spacings estimators",
  qsmvpr: "mimicking variance quantile-spaced method using polynomial regression",
});

/** The candidate numbers of bins per side (left, right) for every method, as rdplot computes them. */
export interface RdPlotBinNumbers {
  readonly esHat: readonly [number, number];
  readonly esChk: readonly [number, number];
  readonly qsHat: readonly [number, number];
  readonly qsChk: readonly [number, number];
  readonly esHatMv: readonly [number, number];
  readonly esChkMv: readonly [number, number];
  readonly qsHatMv: readonly [number, number];
  readonly qsChkMv: readonly [number, number];
  /** Order of the global polynomial used (4, lowered to 3 or 2 when singular). */
  readonly k: number;
  /** Sample variance of y on each side. */
  readonly varY: readonly [number, number];
}

/** Fitted order-k polynomial of y and y² in x on one side: values, first derivative, at the data and midpoints. */
interface SideFit {
  readonly mu0: Float64Array;
  readonly mu2: Float64Array;
  readonly mu1: Float64Array;
  readonly mu0Bar: Float64Array;
  readonly mu2Bar: Float64Array;
  readonly mu1Bar: Float64Array;
}

/**
 * Least-squares fits of y and y² on 1, x, …, x^k over one side (rdplot regresses on raw powers of x; the fitted
 * values and slopes are the same in any basis of that space, so a centred and scaled basis is used here for
 * numerical stability), evaluated at the data and at the midpoints of consecutive sorted x.
 */
/** Global polynomial fits of y and y² of one side's sorted entries, rows counted (Σy² from the means and spreads). */
function sideFit(e: RdPlotEntries, k: number): SideFit | null {
  const { x, y, n: cnt, ss } = e;
  const n = x.length;
  const lo = x[0];
  const hi = x[n - 1];
  const center = (lo + hi) / 2;
  const scale = (hi - lo) / 2 || 1;
  const m = k + 1;
  const xtx = new Float64Array(m * m);
  const xty = new Float64Array(m);
  const xty2 = new Float64Array(m);
  const row = new Float64Array(m);
  for (let i = 0; i < n; i++) {
    const u = (x[i] - center) / scale;
    let pw = 1;
    for (let a = 0; a < m; a++) {
      row[a] = pw;
      pw *= u;
    }
    const c = cnt[i];
    const yi = y[i];
    const sy = c === 1 ? yi : c * yi;
    const sy2 = c === 1 ? yi * yi : c * yi * yi + (ss ? ss[i] : 0);
    for (let a = 0; a < m; a++) {
      xty[a] += row[a] * sy;
      xty2[a] += row[a] * sy2;
      for (let b = a; b < m; b++) xtx[a * m + b] += c === 1 ? row[a] * row[b] : c * row[a] * row[b];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) xtx[a * m + b] = xtx[b * m + a];
  const inv = spdInverse(xtx, m);
  if (inv === null) return null;
  const g1 = new Float64Array(m);
  const g2 = new Float64Array(m);
  for (let a = 0; a < m; a++)
    for (let b = 0; b < m; b++) {
      g1[a] += inv[a * m + b] * xty[b];
      g2[a] += inv[a * m + b] * xty2[b];
    }
  const value = (g: Float64Array, v: number): number => {
    const u = (v - center) / scale;
    let s = 0;
    for (let a = m - 1; a >= 0; a--) s = s * u + g[a];
    return s;
  };
  const slope = (g: Float64Array, v: number): number => {
    const u = (v - center) / scale;
    let s = 0;
    for (let a = m - 1; a >= 1; a--) s = s * u + a * g[a];
    return s / scale;
  };
  const mu0 = new Float64Array(n);
  const mu2 = new Float64Array(n);
  const mu1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (i > 0 && x[i] === x[i - 1]) {
      // A tied value's fits are its predecessor's.
      mu0[i] = mu0[i - 1];
      mu2[i] = mu2[i - 1];
      mu1[i] = mu1[i - 1];
      continue;
    }
    mu0[i] = value(g1, x[i]);
    mu2[i] = value(g2, x[i]);
    mu1[i] = slope(g1, x[i]);
  }
  // Between consecutive entries (within an entry the rows share x: their midpoints are x itself).
  const nb = Math.max(0, n - 1);
  const mu0Bar = new Float64Array(nb);
  const mu2Bar = new Float64Array(nb);
  const mu1Bar = new Float64Array(nb);
  for (let i = 0; i < nb; i++) {
    const xb = (x[i + 1] + x[i]) / 2;
    mu0Bar[i] = value(g1, xb);
    mu2Bar[i] = value(g2, xb);
    mu1Bar[i] = slope(g1, xb);
  }
  return { mu0, mu2, mu1, mu0Bar, mu2Bar, mu1Bar };
}

/** Sample variance of the rows of sorted entries. */
function sampleVariance(e: RdPlotEntries): number {
  const n = e.rows;
  let mean = 0;
  for (let i = 0; i < e.y.length; i++) mean += e.n[i] === 1 ? e.y[i] : e.n[i] * e.y[i];
  mean /= n;
  let ss = 0;
  for (let i = 0; i < e.y.length; i++) {
    ss += e.n[i] === 1 ? (e.y[i] - mean) ** 2 : e.n[i] * (e.y[i] - mean) ** 2;
    if (e.ss) ss += e.ss[i];
  }
  return n > 1 ? ss / (n - 1) : Number.NaN;
}

/** rdrobust's `J.fun`: ⌈(2·B/V·n)^(1/3)⌉. */
function jFun(b: number, v: number, n: number): number {
  return Math.ceil((((2 * b) / v) * n) ** (1 / 3));
}

/**
 * The data-driven numbers of bins of rdplot (Calonico, Cattaneo & Titiunik 2015), per side: IMSE-optimal
 * (`J = ⌈(2B/V·n)^(1/3)⌉` with the bias constant B from the derivative of a global quartic fit and the variance
 * constant V from spacings or from the quartic fits of y and y²) and mimicking-variance
 * (`J = ⌈var(y)/V · n/ln(n)²⌉`), for evenly- and quantile-spaced bins. Mirrors rdplot's R source; the
 * support [xMin, xMax] defaults to the data's range.
 *
 * @example
 * ```ts
 * import { rdplotBinNumbers } from "truelift";
 * const j = rdplotBinNumbers(xl, yl, xr, yr, 0, -1, 1);
 * j.esHatMv; // rdplot's default (esmv) numbers of bins, [left, right]
 * ```
 * @see Calonico, S., Cattaneo, M. D. and Titiunik, R. (2015), "Optimal Data-Driven Regression Discontinuity
 * Plots", Journal of the American Statistical Association 110(512), 1753–1769,
 * https://doi.org/10.1080/01621459.2015.1017578
 */
export function rdplotBinNumbers(
  xl: Float64Array,
  yl: Float64Array,
  xr: Float64Array,
  yr: Float64Array,
  cutoff: number,
  xMin: number,
  xMax: number,
): RdPlotBinNumbers {
  const entries = (x: Float64Array, y: Float64Array): RdPlotEntries => {
    // Rows sorted by x (stable); the RD layout hands the sides over sorted, the sort is then the identity.
    let sorted = true;
    for (let i = 1; i < x.length && sorted; i++) sorted = x[i - 1] <= x[i];
    const idx = sorted ? null : Array.from(x.keys()).sort((a, b) => x[a] - x[b] || a - b);
    return {
      x: idx ? Float64Array.from(idx, (i) => x[i]) : x,
      y: idx ? Float64Array.from(idx, (i) => y[i]) : y,
      n: new Float64Array(x.length).fill(1),
      ss: null,
      rows: x.length,
    };
  };
  return rdplotBinNumbersOf(entries(xl, yl), entries(xr, yr), cutoff, xMin, xMax);
}

/**
 * {@link rdplotBinNumbers} from each side's entries sorted by x with row counts (compressed data): every
 * constant is a count-weighted sum over entries; the spacings estimators difference consecutive entries (the rows
 * inside an entry share x and, without spread, y).
 *
 * @example
 * ```ts
 * import { rdplotBinNumbersOf } from "truelift";
 * const one = (x: Float64Array, y: Float64Array) => ({ x, y, n: new Float64Array(x.length).fill(1), ss: null, rows: x.length });
 * rdplotBinNumbersOf(one(xl, yl), one(xr, yr), 0, -1, 1).esHat; // = rdplotBinNumbers(xl, yl, xr, yr, 0, -1, 1).esHat
 * ```
 * @see Calonico, Cattaneo & Titiunik (2015), JASA 110(512), 1753–1769.
 */
export function rdplotBinNumbersOf(
  left: RdPlotEntries,
  right: RdPlotEntries,
  cutoff: number,
  xMin: number,
  xMax: number,
): RdPlotBinNumbers {
  const nl = left.rows;
  const nr = right.rows;
  const n = nl + nr;
  let k = 4;
  let fl: SideFit | null = null;
  let fr: SideFit | null = null;
  for (; k >= 2; k--) {
    fl = sideFit(left, k);
    fr = sideFit(right, k);
    if (fl !== null && fr !== null) break;
  }
  const varL = sampleVariance(left);
  const varR = sampleVariance(right);
  const nan2 = [Number.NaN, Number.NaN] as const;
  if (fl === null || fr === null) {
    return {
      esHat: nan2,
      esChk: nan2,
      qsHat: nan2,
      qsChk: nan2,
      esHatMv: nan2,
      esChkMv: nan2,
      qsHatMv: nan2,
      qsChkMv: nan2,
      k: 0,
      varY: [varL, varR],
    };
  }
  const spacing = (s: RdPlotEntries) => {
    const m = s.x.length - 1;
    const dx = new Float64Array(Math.max(0, m));
    const dy = new Float64Array(Math.max(0, m));
    for (let i = 0; i < m; i++) {
      dx[i] = s.x[i + 1] - s.x[i];
      dy[i] = s.y[i + 1] - s.y[i];
    }
    return { dx, dy };
  };
  const sl = spacing(left);
  const sr = spacing(right);
  const sigma2 = (mu2: Float64Array, mu0: Float64Array, v: number): Float64Array => {
    const out = new Float64Array(mu2.length);
    for (let i = 0; i < mu2.length; i++) {
      const s = mu2[i] - mu0[i] * mu0[i];
      out[i] = s < 0 ? v : s;
    }
    return out;
  };
  const s2BarL = sigma2(fl.mu2Bar, fl.mu0Bar, varL);
  const s2BarR = sigma2(fr.mu2Bar, fr.mu0Bar, varR);
  const s2L = sigma2(fl.mu2, fl.mu0, varL);
  const s2R = sigma2(fr.mu2, fr.mu0, varR);
  const sum = (a: Float64Array, f: (v: number, i: number) => number): number => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += f(a[i], i);
    return s;
  };
  const rangeL = cutoff - xMin;
  const rangeR = xMax - cutoff;
  const bEs = [
    (rangeL ** 2 / (12 * n)) * sum(fl.mu1, (v, i) => (left.n[i] === 1 ? v * v : left.n[i] * v * v)),
    (rangeR ** 2 / (12 * n)) * sum(fr.mu1, (v, i) => (right.n[i] === 1 ? v * v : right.n[i] * v * v)),
  ];
  const vEsHat = [
    (0.5 / rangeL) * sum(sl.dx, (d, i) => d * sl.dy[i] ** 2),
    (0.5 / rangeR) * sum(sr.dx, (d, i) => d * sr.dy[i] ** 2),
  ];
  const vEsChk = [
    (1 / rangeL) * sum(sl.dx, (d, i) => d * s2BarL[i]),
    (1 / rangeR) * sum(sr.dx, (d, i) => d * s2BarR[i]),
  ];
  const bQs = [
    ((nl * nl) / (24 * n)) * sum(sl.dx, (d, i) => d * d * fl.mu1Bar[i] ** 2),
    ((nr * nr) / (24 * n)) * sum(sr.dx, (d, i) => d * d * fr.mu1Bar[i] ** 2),
  ];
  const vQsHat = [(1 / (2 * nl)) * sum(sl.dy, (d) => d * d), (1 / (2 * nr)) * sum(sr.dy, (d) => d * d)];
  const vQsChk = [
    (1 / nl) * sum(s2L, (v, i) => (left.n[i] === 1 ? v : left.n[i] * v)),
    (1 / nr) * sum(s2R, (v, i) => (right.n[i] === 1 ? v : right.n[i] * v)),
  ];
  const pair = (f: (side: 0 | 1) => number): readonly [number, number] => [f(0), f(1)];
  const varY = [varL, varR];
  const mv = (v: number[]) => pair((s) => Math.ceil((varY[s] / v[s]) * (n / Math.log(n) ** 2)));
  return {
    esHat: pair((s) => jFun(bEs[s], vEsHat[s], n)),
    esChk: pair((s) => jFun(bEs[s], vEsChk[s], n)),
    qsHat: pair((s) => jFun(bQs[s], vQsHat[s], n)),
    qsChk: pair((s) => jFun(bQs[s], vQsChk[s], n)),
    esHatMv: mv(vEsHat),
    esChkMv: mv(vEsChk),
    qsHatMv: mv(vQsHat),
    qsChkMv: mv(vQsChk),
    k,
    varY: [varL, varR],
  };
}
