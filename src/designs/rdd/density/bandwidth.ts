import { normalPdf } from "../../../numeric/dist/index.js";
import { spdInverse } from "../../../numeric/linalg/index.js";
import { type DensityFitSelect, type DensityFitTable, densityFit } from "./fit.js";
import {
  densityCVector,
  densityPlusEmbed,
  densityPsiMatrix,
  densitySMatrix,
  hermitePoly,
} from "./matrices.js";
import type { DensityBandwidthRow, DensityKernel, DensityVce } from "./types.js";

/**
 * The running variable prepared once for the density test: sorted, centred at the cutoff, with the empirical
 * CDF values rddensity regresses on and the distinct-value bookkeeping its mass-point rules need. With mass points
 * (or no ties) each entry is one distinct value with its row count — every member of a tie shares the CDF value
 * and the jackknife score — so the test reads O(distinct values); without, each entry is one row.
 */
export interface DensitySample {
  /** x − c per entry, ascending. */
  readonly x: Float64Array;
  /** Empirical CDF i/(N − 1) at each entry; with mass points, every tie takes its group's last rank. */
  readonly y: Float64Array;
  /** Rows per entry. */
  readonly count: Float64Array;
  /** Rows in all (N). */
  readonly n: number;
  /** Observations with x < c / x ≥ c. */
  readonly nl: number;
  readonly nr: number;
  /** Entries with x < c. */
  readonly split: number;
  /** Distinct values of x − c, ascending. */
  readonly unique: Float64Array;
  /** Whether any value repeats. */
  readonly hasTies: boolean;
}

/**
 * Sorts and centres x and builds the empirical CDF as rddensity does (`Y = (0:(N−1))/(N−1)`, replaced for tied
 * values by the value at the last member of each tie group when `massPoints`).
 *
 * @example
 * ```ts
 * import { prepareDensitySample } from "truelift";
 * const s = prepareDensitySample(Float64Array.of(0.2, -0.1, 0.2), 0, true);
 * s.y; // [0, 1]: -0.1 once, then 0.2 with count 2
 * ```
 */
export function prepareDensitySample(raw: Float64Array, cutoff: number, massPoints: boolean): DensitySample {
  const sorted = Float64Array.from(raw).sort();
  return prepareDensityUnits(sorted, new Float64Array(sorted.length).fill(1), cutoff, massPoints);
}

/**
 * {@link prepareDensitySample} from sorted values with row counts (compressed data: each value stands for
 * `count` rows). Equal values may repeat (they are merged).
 *
 * @example
 * ```ts
 * import { prepareDensityUnits } from "truelift";
 * prepareDensityUnits(Float64Array.of(-0.1, 0.2), Float64Array.of(1, 2), 0, true).n; // 3
 * ```
 */
export function prepareDensityUnits(
  sorted: Float64Array,
  count: Float64Array,
  cutoff: number,
  massPoints: boolean,
): DensitySample {
  const vals: number[] = [];
  const cnts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i > 0 && sorted[i] === sorted[i - 1]) cnts[cnts.length - 1] += count[i];
    else {
      vals.push(sorted[i]);
      cnts.push(count[i]);
    }
  }
  let n = 0;
  for (const c of cnts) n += c;
  const hasTies = cnts.some((c) => c > 1);
  const unique = Float64Array.from(vals, (v) => v - cutoff);
  let nl = 0;
  let split = 0;
  while (split < vals.length && vals[split] < cutoff) nl += cnts[split++];
  if (massPoints || !hasTies) {
    // One entry per distinct value: its rows share the last rank of the tie (i/(N − 1) for a single row).
    const y = new Float64Array(vals.length);
    let r = 0;
    for (let g = 0; g < vals.length; g++) {
      r += cnts[g];
      y[g] = (r - 1) / (n - 1);
    }
    return { x: unique, y, count: Float64Array.from(cnts), n, nl, nr: n - nl, split, unique, hasTies };
  }
  // Without the mass-point rule tied rows get distinct CDF values: one entry per row.
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let g = 0, i = 0; g < vals.length; g++) {
    for (let k = 0; k < cnts[g]; k++, i++) {
      x[i] = unique[g];
      y[i] = i / (n - 1);
    }
  }
  return { x, y, count: new Float64Array(n).fill(1), n, nl, nr: n - nl, split: nl, unique, hasTies };
}

/**
 * The observations with lo ≤ x − c ≤ hi (rddensity's `X >= -hl & X <= hr` trimming), with their CDF values,
 * counts, the rows on each side (x − c < 0 / ≥ 0) and the entries below 0 (`split`).
 *
 * @example
 * ```ts
 * import { prepareDensitySample, trimDensitySample } from "truelift";
 * const t = trimDensitySample(prepareDensitySample(x, 0.85, true), -0.05, 0.05);
 * t.nlh; // observations in [0.80, 0.85)
 * ```
 */
export function trimDensitySample(
  s: DensitySample,
  lo: number,
  hi: number,
): { x: Float64Array; y: Float64Array; count: Float64Array; nlh: number; nrh: number; split: number } {
  const m = s.x.length;
  let a = 0;
  while (a < m && s.x[a] < lo) a++;
  let b = a;
  while (b < m && s.x[b] <= hi) b++;
  const x = s.x.slice(a, b);
  const y = s.y.slice(a, b);
  const count = s.count.slice(a, b);
  let split = 0;
  let nlh = 0;
  let nrh = 0;
  while (split < x.length && x[split] < 0) nlh += count[split++];
  for (let i = split; i < x.length; i++) nrh += count[i];
  return { x, y, count, nlh, nrh, split };
}

/** Options of {@link densityBandwidths} (resolved; see `DensityTestOptions`). */
export interface DensityBandwidthOptions {
  readonly p: number;
  readonly kernel: DensityKernel;
  readonly fitselect: DensityFitSelect;
  readonly vce: DensityVce;
  readonly massPoints: boolean;
  readonly regularize: boolean;
  readonly nLocalMin: number;
  readonly nUniqueMin: number;
}

// rdbwdensity's reference constants (uniform kernel) for the preliminary bandwidths, p = 1 … 7, as the doubles
// R parses its 20-digit literals to (written at their shortest round-trip form).
const CB = [
  25884.44444449415, 3430865.455123618, 845007948.042626, 330631733667.0381, 187774809656037.3,
  145729502641999260, 146013502974449880000,
];
const CC = [
  4.800000000000025, 548.5714285715546, 100800.0000002042, 29558225.45810061, 12896196859.612621,
  7890871468221.609, 6467911284037581,
];

/** The k-th smallest (1-based, clamped to the rows) of the absolute values of xs, each counted `count` times. */
function kthAbs(xs: readonly number[] | Float64Array, k: number, count: Float64Array | null = null): number {
  const idx = Array.from({ length: xs.length }, (_, i) => i).sort(
    (a, b) => Math.abs(xs[a]) - Math.abs(xs[b]),
  );
  if (idx.length === 0) return Number.NaN;
  let acc = 0;
  for (const i of idx) {
    acc += count ? count[i] : 1;
    if (acc >= k) return Math.abs(xs[i]);
  }
  return Math.abs(xs[idx[idx.length - 1]]);
}

/**
 * rdbwdensity: MSE-optimal bandwidths for the left density, the right density, their difference and their sum
 * (Cattaneo, Jansson & Ma 2020, 2018 Stata Journal), with rddensity's regularisation. Preliminary bandwidths
 * come from a normal reference rule (Hermite-polynomial density derivatives at the standardised mean); the
 * variance constant from the order-p fit at bandwidth cn and the bias constant from the order-(p+2) fit at bn.
 *
 * Follows the R source of rdbwdensity (rddensity 2.x) step by step, including its sample-size floors
 * (20 + p + 3 observations for bn, 20 + p + 1 for cn) and the final `nLocalMin` / `nUniqueMin` floors.
 *
 * @example
 * ```ts
 * import { densityBandwidths, prepareDensitySample } from "truelift";
 * const rows = densityBandwidths(prepareDensitySample(x, 0, true), { p: 2, kernel: "triangular",
 *   fitselect: "unrestricted", vce: "jackknife", massPoints: true, regularize: true, nLocalMin: 23, nUniqueMin: 23 });
 * rows[2].h; // the bandwidth for the difference of densities
 * ```
 * @see Cattaneo, M. D., Jansson, M. and Ma, X. (2018), "Manipulation Testing Based on Density Discontinuity",
 * Stata Journal 18(1), 234–261, https://doi.org/10.1177/1536867X1801800115
 */
export function densityBandwidths(s: DensitySample, o: DensityBandwidthOptions): DensityBandwidthRow[] {
  const { p, kernel, fitselect, vce } = o;
  const { n, nl, nr, x, unique, count } = s;
  let mu = 0;
  for (let i = 0; i < x.length; i++) mu += count[i] * x[i];
  mu /= n;
  let ss = 0;
  for (let i = 0; i < x.length; i++) ss += count[i] * (x[i] - mu) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const z = mu / sd;
  const fhatb = 1 / (hermitePoly(z, p + 2) ** 2 * normalPdf(z));
  const fhatc = 1 / (hermitePoly(z, p) ** 2 * normalPdf(z));
  let bn = ((((2 * p + 1) / 4) * fhatb * CB[p - 1]) / n) ** (1 / (2 * p + 5)) * sd;
  let cn = (((1 / (2 * p)) * fhatc * CC[p - 1]) / n) ** (1 / (2 * p + 1)) * sd;

  const left = x.subarray(0, s.split);
  const right = x.subarray(s.split);
  const cLeft = count.subarray(0, s.split);
  const cRight = count.subarray(s.split);
  const uLeft: number[] = [];
  const uRight: number[] = [];
  for (const u of unique) (u < 0 ? uLeft : uRight).push(u);
  if (o.regularize) {
    let maxAbs = 0;
    for (const u of unique) maxAbs = Math.max(maxAbs, Math.abs(u));
    bn = Math.min(bn, maxAbs);
    cn = Math.min(cn, maxAbs);
    if (o.nLocalMin > 0) {
      bn = Math.max(bn, kthAbs(left, 20 + p + 3, cLeft), kthAbs(right, 20 + p + 3, cRight));
      cn = Math.max(cn, kthAbs(left, 20 + p + 1, cLeft), kthAbs(right, 20 + p + 1, cRight));
    }
    if (o.nUniqueMin > 0) {
      bn = Math.max(bn, kthAbs(uLeft, 20 + p + 3), kthAbs(uRight, 20 + p + 3));
      cn = Math.max(cn, kthAbs(uLeft, 20 + p + 1), kthAbs(uRight, 20 + p + 1));
    }
  }

  const fitAt = (h: number, order: number, deriv: number): DensityFitTable => {
    const t = trimDensitySample(s, -h, h);
    return densityFit({
      x: t.x,
      y: t.y,
      count: t.count,
      split: t.split,
      nl,
      nr,
      nlh: t.nlh,
      nrh: t.nrh,
      hl: h,
      hr: h,
      p: order,
      s: deriv,
      kernel,
      fitselect,
      vce,
      massPoints: o.massPoints,
    });
  };
  const fb = fitAt(bn, p + 2, p + 1);
  const fc = fitAt(cn, p, 1);
  const targets = ["left", "right", "diff", "sum"] as const;
  const variance = targets.map((t) => {
    const v = vce === "plugin" ? fc[t].plugin : fc[t].jackknife;
    return v === null ? null : n * cn * v;
  });

  const bias = biasConstants(fb, fc, p, kernel, fitselect);
  const biasSq = bias.map((b) => (b === null ? null : b * b));
  const h = targets.map((_, i) => {
    const v = variance[i];
    const b2 = biasSq[i];
    if (v === null || b2 === null) return 0;
    const val = (((1 / (2 * p)) * v) / b2 / n) ** (1 / (2 * p + 1));
    return Number.isFinite(val) ? val : 0;
  });

  if (o.regularize) {
    const lo = Math.abs(unique[0]);
    const hi = unique[unique.length - 1];
    h[0] = Math.min(h[0], lo);
    h[1] = Math.min(h[1], hi);
    h[2] = Math.min(h[2], Math.max(lo, hi));
    h[3] = Math.min(h[3], Math.max(lo, hi));
    const floor = (lMin: number, rMin: number): void => {
      h[0] = Math.max(h[0], lMin);
      h[1] = Math.max(h[1], rMin);
      h[2] = Math.max(h[2], lMin, rMin);
      h[3] = Math.max(h[3], lMin, rMin);
    };
    if (o.nLocalMin > 0) floor(kthAbs(left, o.nLocalMin, cLeft), kthAbs(right, o.nLocalMin, cRight));
    if (o.nUniqueMin > 0) floor(kthAbs(uLeft, o.nUniqueMin), kthAbs(uRight, o.nUniqueMin));
  }
  return targets.map((target, i) => ({ target, h: h[i], variance: variance[i], biasSq: biasSq[i] }));
}

/** The leading-bias constants of the four targets (before squaring), as rdbwdensity computes them. */
function biasConstants(
  fb: DensityFitTable,
  fc: DensityFitTable,
  p: number,
  kernel: DensityKernel,
  fitselect: DensityFitSelect,
): (number | null)[] {
  const k1 = p + 1;
  const sm = densitySMatrix(p, kernel);
  const cv = densityCVector(p + 1, p, kernel);
  if (fitselect === "unrestricted") {
    const sinv = spdInverse(sm, k1);
    const bl = fb.left.s;
    const br = fb.right.s;
    if (sinv === null || bl === null || br === null) return [null, null, null, null];
    let sc = 0;
    for (let j = 0; j < k1; j++) sc += sinv[1 * k1 + j] * cv[j];
    const l = bl * sc * (-1) ** p;
    const r = br * sc;
    return [l, r, r - l, r + l];
  }
  const k = p + 2;
  const splus = densityPlusEmbed(sm, p, 2);
  const cplus = densityPlusEmbed(cv, p, 1);
  const psi = densityPsiMatrix(p);
  const fl = fc.left.hat;
  const fr = fc.right.hat;
  const d = fb.left.s;
  if (fl === null || fr === null || d === null) return [null, null, null, null];
  const a = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let acc = 0;
      for (let u = 0; u < k; u++)
        for (let v = 0; v < k; v++) acc += psi[i * k + u] * splus[u * k + v] * psi[v * k + j];
      a[i * k + j] = fr * splus[i * k + j] + fl * acc;
    }
  const ainv = spdInverse(a, k);
  if (ainv === null) return [null, null, null, null];
  const c = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let pc = 0;
    for (let u = 0; u < k; u++) pc += psi[i * k + u] * cplus[u];
    c[i] = d * (fr * cplus[i] + (-1) ** (p + 1) * fl * pc);
  }
  const t = (i: number): number => {
    let acc = 0;
    for (let j = 0; j < k; j++) acc += ainv[i * k + j] * c[j];
    return acc;
  };
  const l = t(1);
  const r = t(2);
  return [l, r, r - l, r + l];
}
