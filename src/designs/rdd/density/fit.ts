import { spdInverse } from "../../../numeric/linalg/index.js";
import { densityGMatrix, densityPlusEmbed, densityPsiMatrix, densitySMatrix } from "./matrices.js";
import type { DensityKernel, DensityVce } from "./types.js";

/** Unrestricted (separate CDF fits each side, rddensity's default) or restricted (shared higher derivatives). */
export type DensityFitSelect = "unrestricted" | "restricted";

/**
 * One row of rddensity's internal `rddensity_fV` table: the estimate, its jackknife and plug-in variances (null
 * when not computed or negative), and the s-th derivative coefficient used by the bandwidth selector.
 */
export interface DensityFitRow {
  readonly hat: number | null;
  readonly jackknife: number | null;
  readonly plugin: number | null;
  readonly s: number | null;
}

/** The four rows of `rddensity_fV`: left density, right density, their difference (right − left) and sum. */
export interface DensityFitTable {
  readonly left: DensityFitRow;
  readonly right: DensityFitRow;
  readonly diff: DensityFitRow;
  readonly sum: DensityFitRow;
}

/** Inputs of {@link densityFit}: the trimmed, centred, sorted sample and its empirical-CDF values. */
export interface DensityFitInput {
  /** x − c for the observations inside [−hl, hr], sorted ascending (left side first). */
  readonly x: Float64Array;
  /** The empirical CDF (i/(N − 1), 0-based rank i in the full sorted sample, mass-point adjusted) at each x. */
  readonly y: Float64Array;
  /**
   * Rows per entry of x (one distinct value's rows, which share the CDF value and — with mass points — the
   * jackknife score); __Default value:__ 1 each.
   */
  readonly count?: Float64Array | null;
  /** Entries with x < 0; __Default value:__ `nlh` (one entry per row). */
  readonly split?: number;
  /** Full-sample counts below / at-or-above the cutoff (N = nl + nr). */
  readonly nl: number;
  readonly nr: number;
  /** Trimmed counts on each side (x < 0 / x ≥ 0). */
  readonly nlh: number;
  readonly nrh: number;
  readonly hl: number;
  readonly hr: number;
  /** Polynomial order of the fit. */
  readonly p: number;
  /** Derivative reported in the `s` column (1 = the density). */
  readonly s: number;
  readonly kernel: DensityKernel;
  readonly fitselect: DensityFitSelect;
  readonly vce: DensityVce;
  readonly massPoints: boolean;
}

const NA_ROW: DensityFitRow = { hat: null, jackknife: null, plugin: null, s: null };
const NA_TABLE: DensityFitTable = { left: NA_ROW, right: NA_ROW, diff: NA_ROW, sum: NA_ROW };

/**
 * rddensity's `rddensity_fV`: the local-polynomial fit of the empirical CDF on each side of the cutoff
 * (Cattaneo, Jansson & Ma 2020), returning the density estimates on each side, their difference and sum, with
 * jackknife or plug-in variances, and the s-th derivative coefficient (for bandwidth selection).
 *
 * The design, weights, jackknife leave-one-out scores (the mass-point version groups tied values as rddensity
 * does) and the plug-in formulas follow the R source line by line. A singular fit returns all-null rows, as
 * rddensity returns NA.
 *
 * @example
 * ```ts
 * import { densityFit } from "truelift";
 * const t = densityFit({ x, y, nl, nr, nlh, nrh, hl: 0.6, hr: 0.6, p: 3, s: 1, kernel: "triangular",
 *   fitselect: "unrestricted", vce: "jackknife", massPoints: true });
 * t.diff.hat; // f(c+) − f(c−)
 * ```
 * @see Cattaneo, M. D., Jansson, M. and Ma, X. (2020), "Simple Local Polynomial Density Estimators", JASA
 * 115(531), 1449–1455, https://doi.org/10.1080/01621459.2019.1635480
 */
export function densityFit(inp: DensityFitInput): DensityFitTable {
  const { x, y, hl, hr, p, s, kernel, fitselect, vce } = inp;
  const nh = x.length;
  const nlh = inp.split ?? inp.nlh;
  const count = inp.count ?? new Float64Array(nh).fill(1);
  const n = inp.nl + inp.nr;
  const restricted = fitselect === "restricted";
  const k = restricted ? p + 2 : 2 * p + 2;
  if (nh === 0) return NA_TABLE;

  // Kernel weights.
  const w = new Float64Array(nh);
  for (let i = 0; i < nh; i++) {
    const left = i < nlh;
    const h = left ? hl : hr;
    const u = x[i] / h;
    if (kernel === "uniform") w[i] = 1 / (2 * h);
    else if (kernel === "triangular") w[i] = (left ? 1 + u : 1 - u) / h;
    else w[i] = (0.75 * (1 - u * u)) / h;
  }

  // Design (row-major nh × k) and the diagonal bandwidth scaling Hp.
  const xp = new Float64Array(nh * k);
  const hp = new Float64Array(k);
  if (restricted) {
    hp[0] = 1;
    hp[1] = hl;
    hp[2] = hl;
    for (let j = 3; j < k; j++) hp[j] = hl ** (j - 1);
    for (let i = 0; i < nh; i++) {
      const left = i < nlh;
      const u = x[i] / (left ? hl : hr);
      const row = i * k;
      xp[row] = 1;
      xp[row + 1] = left ? u : 0;
      xp[row + 2] = left ? 0 : u;
      for (let j = 3; j < k; j++) xp[row + j] = u ** (j - 1);
    }
  } else {
    for (let j = 0; j < k; j++) hp[j] = j % 2 === 0 ? hl ** (j / 2) : hr ** ((j - 1) / 2);
    for (let i = 0; i < nh; i++) {
      const left = i < nlh;
      const u = x[i] / (left ? hl : hr);
      const row = i * k;
      let pw = 1;
      for (let d = 0; d <= p; d++) {
        xp[row + 2 * d + (left ? 0 : 1)] = pw;
        pw *= u;
      }
    }
  }

  // X'WX and X'WY.
  const xwx = new Float64Array(k * k);
  const xwy = new Float64Array(k);
  const xpw = new Float64Array(nh * k);
  for (let i = 0; i < nh; i++) for (let a = 0; a < k; a++) xpw[i * k + a] = xp[i * k + a] * w[i];
  // Rows tied in x share their design row and weight: one update per tie group (count × row, Σ y).
  const runs = densityRuns(x, nlh);
  for (let g = 0; g + 1 < runs.length; g++) {
    const i = runs[g];
    let d = 0;
    let sy = 0;
    for (let j = i; j < runs[g + 1]; j++) {
      d += count[j];
      sy += count[j] * y[j];
    }
    const row = i * k;
    for (let a = 0; a < k; a++) {
      const va = xpw[row + a];
      if (va === 0) continue;
      xwy[a] += va * sy;
      const vd = va * d;
      for (let b = 0; b < k; b++) xwx[a * k + b] += vd * xp[row + b];
    }
  }
  const sinv = spdInverse(xwx, k);
  if (sinv === null) return NA_TABLE;
  const coef = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let acc = 0;
    for (let b = 0; b < k; b++) acc += sinv[a * k + b] * xwy[b];
    coef[a] = acc / hp[a];
  }

  const iL = restricted ? 1 : 2;
  const iR = restricted ? 2 : 3;
  const fl = coef[iL];
  const fr = coef[iR];
  let sl: number;
  let sr: number;
  if (restricted) {
    sl = coef[s + 1];
    sr = sl;
  } else {
    sl = coef[2 * s];
    sr = coef[2 * s + 1];
  }

  let jk: [number, number, number, number] | null = null;
  if (vce === "jackknife") {
    const lmat = jackknifeScores(x, xpw, count, k, n, inp.massPoints);
    // V = Hp⁻¹ Sinv (L'L) Sinv Hp⁻¹ — only the (iL, iR) block is needed.
    const ltl = new Float64Array(k * k);
    // With mass points a tie group shares its score row (rddensity's indexFirst rule): count × one outer product.
    const groups = inp.massPoints ? runs : null;
    const entries = groups ? groups.length - 1 : nh;
    for (let g = 0; g < entries; g++) {
      const i = groups ? groups[g] : g;
      let d = 0;
      for (let j = i; j < (groups ? groups[g + 1] : g + 1); j++) d += count[j];
      const row = i * k;
      for (let a = 0; a < k; a++) {
        const la = lmat[row + a] * d;
        if (la === 0) continue;
        for (let b = a; b < k; b++) ltl[a * k + b] += la * lmat[row + b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) ltl[a * k + b] = ltl[b * k + a];
    const v = (a: number, b: number): number => {
      let acc = 0;
      for (let r = 0; r < k; r++) {
        const sar = sinv[a * k + r];
        if (sar === 0) continue;
        for (let c = 0; c < k; c++) acc += sar * ltl[r * k + c] * sinv[c * k + b];
      }
      return acc / (hp[a] * hp[b]);
    };
    const vl = v(iL, iL);
    const vr = v(iR, iR);
    const vlr = v(iL, iR);
    jk = [vl, vr, vl + vr - 2 * vlr, vl + vr + 2 * vlr];
  }

  let pl: [number, number, number, number] | null = null;
  if (vce === "plugin") pl = pluginVariances(fl, fr, n, hl, hr, p, kernel, restricted);

  const clean = (v: number | undefined): number | null =>
    v === undefined || !Number.isFinite(v) || v < 0 ? null : v;
  const row = (hat: number, idx: number, sv: number): DensityFitRow => ({
    hat: Number.isFinite(hat) ? hat : null,
    jackknife: jk === null ? null : clean(jk[idx]),
    plugin: pl === null ? null : clean(pl[idx]),
    s: Number.isFinite(sv) ? sv : null,
  });
  const sDiff = restricted ? 0 : sr - sl;
  const sSum = restricted ? 2 * sl : sr + sl;
  return {
    left: row(fl, 0, sl),
    right: row(fr, 1, sr),
    diff: row(fr - fl, 2, sDiff),
    sum: row(fr + fl, 3, sSum),
  };
}

/** Start offsets of the runs of equal x (split at the side boundary `nlh`), ending with x.length. */
function densityRuns(x: Float64Array, nlh: number): Int32Array {
  const out = new Int32Array(x.length + 1);
  let g = 0;
  for (let i = 0; i < x.length; i++) if (i === 0 || i === nlh || x[i] !== x[i - 1]) out[g++] = i;
  out[g++] = x.length;
  return out.slice(0, g);
}

/**
 * Jackknife scores L (one row per entry, k columns): a row's score is Σ over the rows after it of XpW / (N − 1).
 * With mass points, every member of a group of tied x values gets the score of the group's first member
 * (rddensity's `indexFirst` rule): an entry of `count` tied rows scores its later count − 1 rows plus all later
 * entries. Without mass points every entry is one row.
 */
function jackknifeScores(
  x: Float64Array,
  xpw: Float64Array,
  count: Float64Array,
  k: number,
  n: number,
  massPoints: boolean,
): Float64Array {
  const nh = x.length;
  const l = new Float64Array(nh * k);
  const acc = new Float64Array(k);
  for (let i = nh - 1; i >= 0; i--) {
    const row = i * k;
    const later = count[i] - 1;
    for (let a = 0; a < k; a++) l[row + a] = (later > 0 ? acc[a] + later * xpw[row + a] : acc[a]) / (n - 1);
    for (let a = 0; a < k; a++) acc[a] += count[i] === 1 ? xpw[row + a] : count[i] * xpw[row + a];
  }
  if (massPoints) {
    let first = 0;
    for (let i = 1; i <= nh; i++) {
      if (i === nh || x[i] !== x[first]) {
        for (let j = first + 1; j < i; j++) for (let a = 0; a < k; a++) l[j * k + a] = l[first * k + a];
        first = i;
      }
    }
  }
  return l;
}

/** rddensity's plug-in (asymptotic) variances of the left, right, difference and sum rows. */
function pluginVariances(
  fl: number,
  fr: number,
  n: number,
  hl: number,
  hr: number,
  p: number,
  kernel: DensityKernel,
  restricted: boolean,
): [number, number, number, number] | null {
  const k1 = p + 1;
  const s = densitySMatrix(p, kernel);
  const g = densityGMatrix(p, kernel);
  if (!restricted) {
    const sinv = spdInverse(s, k1);
    if (sinv === null) return null;
    let v11 = 0;
    for (let a = 0; a < k1; a++)
      for (let b = 0; b < k1; b++) v11 += sinv[1 * k1 + a] * g[a * k1 + b] * sinv[b * k1 + 1];
    const vl = (fl * v11) / (n * hl);
    const vr = (fr * v11) / (n * hr);
    return [vl, vr, vl + vr, vl + vr];
  }
  const k = p + 2;
  const sp = densityPlusEmbed(s, p, 2);
  const gp = densityPlusEmbed(g, p, 2);
  const psi = densityPsiMatrix(p);
  const conj = (m: Float64Array): Float64Array => {
    const out = new Float64Array(k * k);
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        let acc = 0;
        for (let a = 0; a < k; a++) {
          const pia = psi[i * k + a];
          if (pia === 0) continue;
          for (let b = 0; b < k; b++) acc += pia * m[a * k + b] * psi[b * k + j];
        }
        out[i * k + j] = acc;
      }
    return out;
  };
  const sm = conj(sp);
  const gm = conj(gp);
  const a = new Float64Array(k * k);
  const mid = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) {
    a[i] = fl * sm[i] + fr * sp[i];
    mid[i] = fl ** 3 * gm[i] + fr ** 3 * gp[i];
  }
  const ainv = spdInverse(a, k);
  if (ainv === null) return null;
  const v = (i: number, j: number): number => {
    let acc = 0;
    for (let r = 0; r < k; r++)
      for (let c = 0; c < k; c++) acc += ainv[i * k + r] * mid[r * k + c] * ainv[c * k + j];
    return acc;
  };
  const v11 = v(1, 1);
  const v22 = v(2, 2);
  const v12 = v(1, 2);
  const nh = n * hl;
  return [v11 / nh, v22 / nh, (v11 + v22 - 2 * v12) / nh, (v11 + v22 + 2 * v12) / nh];
}
