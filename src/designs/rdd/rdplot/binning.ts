import { tQuantile } from "../../../numeric/dist/index.js";
import type { RdPlotBin } from "./rdplot.js";

/**
 * R's `seq(from, to, by)`: from + (0…n)·by with n = ⌊(to − from)/by + 1e-10⌋, capped at `to` — rdplot's
 * evenly-spaced bin edges.
 *
 * @example
 * ```ts
 * import { rdplotEvenEdges } from "truelift";
 * rdplotEvenEdges(0, 1, 0.25); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function rdplotEvenEdges(from: number, to: number, by: number): number[] {
  const n = Math.floor((to - from) / by + 1e-10);
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(Math.min(from + i * by, to));
  return out;
}

/**
 * rdplot's `j` evenly-spaced bins on [from, to]: {@link rdplotEvenEdges} with step (to − from)/j, made to have
 * exactly j + 1 edges ending at `to`. R's `seq` can stop one step short or end an ulp below `to` (e.g. 0 +
 * 3·(0.894/3) < 0.894), which would leave the largest value, or a value just below a denormal cutoff, outside
 * every bin.
 *
 * @example
 * ```ts
 * import { rdplotEvenBinEdges } from "truelift";
 * rdplotEvenBinEdges(0, 0.894, 3).at(-1); // 0.894
 * ```
 */
export function rdplotEvenBinEdges(from: number, to: number, j: number): number[] {
  const edges = rdplotEvenEdges(from, to, (to - from) / j).slice(0, j + 1);
  while (edges.length < j + 1) edges.push(to);
  edges[j] = to;
  return edges;
}

/** (x, y) entries of rdplot with their row counts and within-entry Σ(y − ȳ)² (null: none), sorted by x. */
export interface RdPlotEntries {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: Float64Array;
  readonly ss: Float64Array | null;
  /** Σ n. */
  readonly rows: number;
}

/**
 * Type-7 sample quantiles of x at probabilities 0, 1/J, …, 1 (R's `quantile(x, seq(0, 1, 1/J))`, with R's
 * interpolation (1 − h)·x[lo] + h·x[hi]) — rdplot's quantile-spaced bin edges. `counts`: rows per value of x
 * (default 1 each).
 *
 * @example
 * ```ts
 * import { rdplotQuantileEdges } from "truelift";
 * rdplotQuantileEdges(Float64Array.of(1, 2, 3, 4, 5), 2); // [1, 3, 5]
 * ```
 */
export function rdplotQuantileEdges(
  x: Float64Array,
  j: number,
  counts: Float64Array | null = null,
): number[] {
  const idx = Array.from(x.keys()).sort((a, b) => x[a] - x[b]);
  const cum = new Float64Array(idx.length);
  for (let i = 0, acc = 0; i < idx.length; i++) cum[i] = acc += counts ? counts[idx[i]] : 1;
  const n = idx.length === 0 ? 0 : cum[idx.length - 1];
  // The r-th row (0-based) of the sorted rows.
  const at = (r: number): number => {
    let lo = 0;
    let hi = cum.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid] > r) hi = mid;
      else lo = mid + 1;
    }
    return x[idx[lo]];
  };
  const probs = rdplotEvenBinEdges(0, 1, j);
  return probs.map((pr) => {
    const index = (n - 1) * pr; // 0-based; R: 1 + (n − 1)·p
    const lo = Math.floor(index);
    const hi = Math.min(Math.ceil(index), n - 1);
    const a = at(lo);
    const b = at(hi);
    const h = index - lo;
    return index > lo && b !== a ? (1 - h) * a + h * b : a;
  });
}

/** R's `findInterval(v, edges, rightmost.closed = TRUE)`: 1-based interval index, 0 below, length above. */
function findInterval(v: number, edges: number[]): number {
  const m = edges.length;
  if (v < edges[0]) return 0;
  if (v >= edges[m - 1]) return v === edges[m - 1] ? m - 1 : m;
  let lo = 0;
  let hi = m - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] <= v) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

/**
 * Groups one side's observations into rdplot's bins (R's `findInterval(x, edges, rightmost.closed = TRUE)`, ids
 * −J … −1 on the left and 1 … J on the right) and summarises each non-empty bin: edges, midpoint, mean x, mean
 * y, n, sd(y)/√n and the t interval. With `counts` each (x, y) stands for that many rows with mean y and
 * within-entry Σ(y − ȳ)² `withinSS` (default: 1 row each, no spread).
 *
 * @example
 * ```ts
 * import { rdplotBinSide } from "truelift";
 * rdplotBinSide("right", x, y, [0, 0.5, 1], 2, 0.05); // up to two rows, bins 1 and 2
 * ```
 */
export function rdplotBinSide(
  side: "left" | "right",
  x: Float64Array,
  y: Float64Array,
  edges: number[],
  j: number,
  alpha: number,
  counts: Float64Array | null = null,
  withinSS: Float64Array | null = null,
): RdPlotBin[] {
  const groups = new Map<number, { n: number; sx: number; sy: number; ys: number[] }>();
  const last = edges.length - 1;
  for (let i = 0; i < x.length; i++) {
    // Clamped into 1 … J, so a value a rounding error outside [edges[0], edges[J]] joins the outermost bin.
    const idx = Math.min(Math.max(findInterval(x[i], edges), 1), last);
    const bin = side === "left" ? idx - j - 1 : idx;
    let g = groups.get(bin);
    if (g === undefined) {
      g = { n: 0, sx: 0, sy: 0, ys: [] };
      groups.set(bin, g);
    }
    const c = counts ? counts[i] : 1;
    g.n += c;
    g.sx += c === 1 ? x[i] : c * x[i];
    g.sy += c === 1 ? y[i] : c * y[i];
    g.ys.push(i);
  }
  const out: RdPlotBin[] = [];
  const quantiles = new Map<number, number>();
  for (const bin of [...groups.keys()].sort((a, b) => a - b)) {
    const g = groups.get(bin) as { n: number; sx: number; sy: number; ys: number[] };
    const k = side === "left" ? bin + j : bin - 1; // 0-based edge index of the bin's lower edge
    const lower = edges[k] ?? Number.NaN;
    const upper = edges[k + 1] ?? Number.NaN;
    const meanY = g.sy / g.n;
    // Σ(y − ȳ_bin)² over the bin's rows: each entry's spread plus its count × (its mean − the bin's)².
    let ss = 0;
    for (const i of g.ys) {
      const c = counts ? counts[i] : 1;
      ss += c === 1 ? (y[i] - meanY) ** 2 : c * (y[i] - meanY) ** 2;
      if (withinSS) ss += withinSS[i];
    }
    const sd = g.n > 1 ? Math.sqrt(ss / (g.n - 1)) : 0;
    const se = sd / Math.sqrt(g.n);
    const df = Math.max(g.n - 1, 1);
    let q = quantiles.get(df);
    if (q === undefined) {
      q = tQuantile(1 - alpha / 2, df);
      quantiles.set(df, q);
    }
    out.push({
      side,
      bin,
      lower,
      upper,
      mid: (lower + upper) / 2,
      meanX: g.sx / g.n,
      meanY,
      n: g.n,
      se,
      ciLower: meanY - q * se,
      ciUpper: meanY + q * se,
    });
  }
  return out;
}
