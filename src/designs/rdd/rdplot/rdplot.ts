import { type Diagnostic, diagnostic } from "../../../core/diagnostics.js";
import { TrueliftError } from "../../../core/errors.js";
import { type DeepReadonly, deepFreeze } from "../../../core/result.js";
import { spdInverse } from "../../../numeric/linalg/index.js";
import {
  RDPLOT_BINSELECT,
  RDPLOT_BINSELECT_LABELS,
  type RdPlotBinSelect,
  rdplotBinNumbersOf,
} from "./bin-numbers.js";
import { type RdPlotEntries, rdplotBinSide, rdplotEvenBinEdges, rdplotQuantileEdges } from "./binning.js";

/**
 * Kernels for rdplot's global polynomial fit (its default is `uniform`, an unweighted fit over the bandwidth).
 *
 * @example
 * ```ts
 * import { RDPLOT_KERNELS } from "truelift";
 * RDPLOT_KERNELS[0]; // "uniform"
 * ```
 */
export const RDPLOT_KERNELS = ["uniform", "triangular", "epanechnikov"] as const;
/** One of {@link RDPLOT_KERNELS}. */
export type RdPlotKernel = (typeof RDPLOT_KERNELS)[number];

/** Options of {@link rdplot}; only `cutoff` is required and the defaults are rdplot's (R rdrobust 2.x/3.x). */
export interface RdPlotOptions {
  /** The threshold c, strictly inside the range of x. Left side: x < c; right side: x ≥ c. */
  readonly cutoff: number;
  /** Order of the global polynomial fitted on each side. __Default value:__ 4. */
  readonly p?: number;
  /** Fixed number of evenly-spaced bins (one for both sides, or `[left, right]`); overrides `binselect`. */
  readonly nbins?: number | readonly [number, number];
  /** __Default value:__ `"esmv"` (mimicking variance, evenly spaced). */
  readonly binselect?: RdPlotBinSelect;
  /** Multiplies the selected number of bins (one or `[left, right]`). __Default value:__ 1. */
  readonly scale?: number | readonly [number, number];
  /** Kernel of the polynomial fit. __Default value:__ `"uniform"`. */
  readonly kernel?: RdPlotKernel;
  /** Bandwidth of the polynomial fit (one or `[left, right]`). __Default value:__ the range of x on each side. */
  readonly h?: number | readonly [number, number];
  /** Widens the support [min, max] used for evenly-spaced bins. __Default value:__ the data's range. */
  readonly support?: readonly [number, number];
  /**
   * `"adjust"` switches to the polynomial-regression variants of `binselect` when ≥ 20% of a side's values are
   * repeats (rdplot's rule); `"check"` only reports it; `"off"` ignores it. __Default value:__ `"adjust"`.
   */
  readonly masspoints?: "adjust" | "check" | "off";
  /** 1 − confidence level of the per-bin intervals. __Default value:__ 0.05. */
  readonly alpha?: number;
  /** Points per side on the fitted curve. __Default value:__ 500 (as rdplot). */
  readonly gridPoints?: number;
  /**
   * Rows each (x, y) entry stands for (compressed data: y is then the entry's mean outcome); the plot reads
   * O(entries). __Default value:__ 1 each.
   */
  readonly counts?: Float64Array;
  /**
   * Within-entry Σ(y − ȳ)² of entries with counts (null or absent: the rows of an entry share one y).
   * rdplot's spacings estimators read the outcomes of consecutive rows; within an entry with spread they are
   * taken as the entry's mean (the estimators of the `es`/`espr`/`esmv` methods only difference rows at
   * distinct x, so they are unaffected).
   */
  readonly withinSS?: Float64Array | null;
}

/** One bin of the RD plot (only non-empty bins are listed, as rdplot's `vars_bins`). */
export interface RdPlotBin {
  readonly side: "left" | "right";
  /** rdplot's bin id: −J … −1 on the left (−1 next to the cutoff), 1 … J on the right. */
  readonly bin: number;
  readonly lower: number;
  readonly upper: number;
  /** Midpoint of the bin (rdplot_mean_bin), where the dot is drawn. */
  readonly mid: number;
  readonly meanX: number;
  readonly meanY: number;
  readonly n: number;
  /** sd(y)/√n in the bin (0 for a single observation, as rdplot). */
  readonly se: number;
  /** meanY ∓ t(1 − α/2, max(n − 1, 1))·se. */
  readonly ciLower: number;
  readonly ciUpper: number;
}

/** One point of the fitted global polynomial. */
export interface RdPlotCurvePoint {
  readonly side: "left" | "right";
  readonly x: number;
  readonly y: number;
}

/** Result of {@link rdplot}: plain, deeply frozen data (tidy rows for charts plus rdplot's summary numbers). */
export interface RdPlotResult {
  readonly cutoff: number;
  readonly p: number;
  readonly kernel: RdPlotKernel;
  /** The method in force (after the mass-point adjustment), or `"manual"` when `nbins` was given. */
  readonly binselect: RdPlotBinSelect | "manual";
  /** rdplot's description of the method. */
  readonly binselectLabel: string;
  /** Numbers of bins used, [left, right]. */
  readonly bins: readonly [number, number];
  /** IMSE-optimal and mimicking-variance numbers of the chosen spacing, [left, right] (null when undefined). */
  readonly binsImse: readonly [number | null, number | null];
  readonly binsMv: readonly [number | null, number | null];
  readonly scale: readonly [number, number];
  /** J / J_IMSE per side (rdplot's implied scale). */
  readonly rscale: readonly [number | null, number | null];
  /** Mean and median bin length per side. */
  readonly binLengthMean: readonly [number, number];
  readonly binLengthMedian: readonly [number, number];
  readonly h: readonly [number, number];
  readonly n: readonly [number, number];
  /** Observations with positive kernel weight in the polynomial fit. */
  readonly nEffective: readonly [number, number];
  /** Polynomial coefficients on (x − c)^0 … (x − c)^p, per side. */
  readonly coefficients: { readonly left: readonly number[]; readonly right: readonly number[] };
  readonly binRows: readonly RdPlotBin[];
  readonly curve: readonly RdPlotCurvePoint[];
  readonly alpha: number;
  readonly diagnostics: readonly Diagnostic[];
}

function bad(option: string, message: string): TrueliftError {
  return new TrueliftError("E_INVALID_ARGUMENT", message, { details: { option } });
}

function pairOf(v: number | readonly [number, number], option: string, integer: boolean): [number, number] {
  const arr = typeof v === "number" ? [v, v] : v;
  if (
    !Array.isArray(arr) ||
    arr.length !== 2 ||
    !arr.every(
      (a) => typeof a === "number" && Number.isFinite(a) && a > 0 && (!integer || Number.isInteger(a)),
    )
  )
    throw bad(
      option,
      `${option} must be ${integer ? "a positive integer" : "a positive number"} or two of them [left, right], got ${JSON.stringify(v)}.`,
    );
  return [arr[0], arr[1]];
}

/**
 * The regression-discontinuity plot as rdplot draws it: binned means of y on each side of the cutoff, with a
 * data-driven number of bins (Calonico, Cattaneo & Titiunik 2015; `esmv` by default — evenly spaced, mimicking
 * the variance of the raw data — or `es`, `qs`, `qsmv` and their polynomial-regression variants) and global
 * polynomial fits of order p (4 by default) on each side. Returns tidy rows for charts: `binRows` (one per
 * non-empty bin, with mean, n and a t interval) and `curve` (the fitted polynomials on a grid), plus rdplot's
 * summary numbers (J, J_IMSE, J_MV, coefficients).
 *
 * Follows rdplot's R source (rdrobust package): evenly-spaced edges from min(x) to c and c to max(x),
 * quantile-spaced edges at type-7 sample quantiles, the same binning rule (`findInterval`, right-most edge
 * closed) and the mass-point switch. Errors: `E_LENGTH_MISMATCH`, `E_MISSING_VALUES`, `E_NONFINITE_VALUES`,
 * `E_RDD_CUTOFF_OUT_OF_RANGE`, `E_RDD_TOO_FEW_OBS` (fewer than 20 observations, or fewer distinct x on a side
 * than the polynomial has coefficients), `E_INVALID_ARGUMENT`.
 *
 * @example
 * ```ts
 * import { rdplot } from "truelift";
 * const plot = rdplot(frame.numeric("task_completed"), frame.numeric("query_confidence"), { cutoff: 0.85 });
 * plot.bins;          // [J left, J right]
 * plot.binRows[0];    // { side: "left", bin: -J, mid, meanY, n, ciLower, ciUpper, … }
 * plot.curve.length;  // 1000 (500 per side)
 * ```
 * @see Calonico, S., Cattaneo, M. D. and Titiunik, R. (2015), "Optimal Data-Driven Regression Discontinuity
 * Plots", Journal of the American Statistical Association 110(512), 1753–1769,
 * https://doi.org/10.1080/01621459.2015.1017578
 */
export function rdplot(y: Float64Array, x: Float64Array, options: RdPlotOptions): DeepReadonly<RdPlotResult> {
  const o = resolve(options);
  validate(y, x, o.cutoff, o.p, o.counts, o.withinSS);
  const c = o.cutoff;
  // Entries sorted by x (stable): rows from a frame, or sorted units that stay as they are.
  const e = sortEntries(x, y, o.counts, o.withinSS);
  let xMin = e.x[0];
  let xMax = e.x[e.x.length - 1];
  let split = 0;
  while (split < e.x.length && e.x[split] < c) split++;
  if (o.support !== null) {
    xMin = Math.min(xMin, o.support[0]);
    xMax = Math.max(xMax, o.support[1]);
  }
  const L = sliceEntries(e, 0, split);
  const R = sliceEntries(e, split, e.x.length);
  const xl = L.x;
  const xr = R.x;
  const nl = L.rows;
  const nr = R.rows;
  const rangeL = c - xMin;
  const rangeR = xMax - c;
  const [hl, hr] = o.h ?? [rangeL, rangeR];
  const diagnostics: Diagnostic[] = [];

  // Global polynomial fits.
  const fitL = polyFit(L, c, hl, o.p, o.kernel);
  const fitR = polyFit(R, c, hr, o.p, o.kernel);
  if (fitL === null || fitR === null)
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `The order-${o.p} polynomial fit is singular on the ${fitL === null ? "left" : "right"} side of the cutoff.`,
      {
        details: { p: o.p },
      },
    );
  const curve: RdPlotCurvePoint[] = [];
  const grid = (side: "left" | "right", from: number, to: number, coef: number[]) => {
    const m = o.gridPoints;
    const by = (to - from) / (m - 1);
    for (let i = 0; i < m; i++) {
      const gx = i === m - 1 ? to : from + i * by;
      let v = 0;
      for (let a = coef.length - 1; a >= 0; a--) v = v * (gx - c) + coef[a];
      curve.push({ side, x: gx, y: v });
    }
  };
  grid("left", c - hl, c, fitL.coef);
  grid("right", c, c + hr, fitR.coef);

  // Mass points.
  let method: RdPlotBinSelect = o.binselect;
  if (o.masspoints !== "off") {
    const massL = 1 - distinctCount(xl) / nl;
    const massR = 1 - distinctCount(xr) / nr;
    if (massL >= 0.2 || massR >= 0.2) {
      if (o.masspoints === "adjust" && !method.endsWith("pr")) method = `${method}pr` as RdPlotBinSelect;
      diagnostics.push(
        diagnostic("D_RDPLOT_MASS_POINTS", "info", {
          repeatedShareLeft: massL,
          repeatedShareRight: massR,
          adjusted: o.masspoints === "adjust",
        }),
      );
    }
  }

  // Number of bins.
  const js = rdplotBinNumbersOf(L, R, c, xMin, xMax);
  const pick: Record<RdPlotBinSelect, [keyof typeof js, keyof typeof js]> = {
    es: ["esHat", "esHatMv"],
    espr: ["esChk", "esChkMv"],
    esmv: ["esHatMv", "esHat"],
    esmvpr: ["esChkMv", "esChk"],
    qs: ["qsHat", "qsHatMv"],
    qspr: ["qsChk", "qsChkMv"],
    qsmv: ["qsHatMv", "qsHat"],
    qsmvpr: ["qsChkMv", "qsChk"],
  };
  const [starKey, otherKey] = pick[method];
  const isMv = method.includes("mv");
  const imse = (isMv ? js[otherKey] : js[starKey]) as readonly [number, number];
  const mvj = (isMv ? js[starKey] : js[otherKey]) as readonly [number, number];
  const star = js[starKey] as readonly [number, number];
  let jl = o.nbins !== null ? o.nbins[0] : o.scale[0] * star[0];
  let jr = o.nbins !== null ? o.nbins[1] : o.scale[1] * star[1];
  const quantile = o.nbins === null && method.startsWith("qs");
  const varL = js.varY[0];
  const varR = js.varY[1];
  if (!(varL > 0)) jl = 1;
  if (!(varR > 0)) jr = 1;
  if (!(varL > 0) || !(varR > 0))
    diagnostics.push(
      diagnostic("D_RDPLOT_NO_VARIATION", "warn", { varianceLeft: varL, varianceRight: varR }),
    );
  if (!(Number.isFinite(jl) && jl >= 1) || !(Number.isFinite(jr) && jr >= 1))
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      "The number of bins could not be selected (too little variation in x or y); pass nbins.",
      {
        details: { binsLeft: jl, binsRight: jr },
      },
    );
  jl = Math.ceil(jl - 1e-9);
  jr = Math.ceil(jr - 1e-9);

  const edgesL = quantile ? rdplotQuantileEdges(xl, jl, L.n) : rdplotEvenBinEdges(xMin, c, jl);
  const edgesR = quantile ? rdplotQuantileEdges(xr, jr, R.n) : rdplotEvenBinEdges(c, xMax, jr);
  const binRows = [
    ...rdplotBinSide("left", xl, L.y, edgesL, jl, o.alpha, L.n, L.ss),
    ...rdplotBinSide("right", xr, R.y, edgesR, jr, o.alpha, R.n, R.ss),
  ];
  const lengths = (e: number[], j: number): number[] => {
    const out: number[] = [];
    for (let i = 0; i < j; i++) out.push((e[i + 1] ?? Number.NaN) - e[i]);
    return out;
  };
  const lenL = lengths(edgesL, jl);
  const lenR = lengths(edgesR, jr);
  const num = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return deepFreeze({
    cutoff: c,
    p: o.p,
    kernel: o.kernel,
    binselect: o.nbins !== null ? ("manual" as const) : method,
    binselectLabel: o.nbins !== null ? "manually evenly spaced" : RDPLOT_BINSELECT_LABELS[method],
    bins: [jl, jr] as const,
    binsImse: [num(imse[0]), num(imse[1])] as const,
    binsMv: [num(mvj[0]), num(mvj[1])] as const,
    scale: o.scale,
    rscale: [num(jl / imse[0]), num(jr / imse[1])] as const,
    binLengthMean: [mean(lenL), mean(lenR)] as const,
    binLengthMedian: [median(lenL), median(lenR)] as const,
    h: [hl, hr] as const,
    n: [nl, nr] as const,
    nEffective: [fitL.nEff, fitR.nEff] as const,
    coefficients: { left: fitL.coef, right: fitR.coef },
    binRows,
    curve,
    alpha: o.alpha,
    diagnostics,
  });
}

function resolve(opt: RdPlotOptions) {
  if (
    opt === null ||
    typeof opt !== "object" ||
    typeof opt.cutoff !== "number" ||
    !Number.isFinite(opt.cutoff)
  )
    throw bad("cutoff", "rdplot needs a finite cutoff.");
  const p = opt.p ?? 4;
  if (!Number.isInteger(p) || p < 0 || p > 10) throw bad("p", `p must be an integer from 0 to 10, got ${p}.`);
  const binselect = opt.binselect ?? "esmv";
  if (!RDPLOT_BINSELECT.includes(binselect))
    throw new TrueliftError("E_INVALID_ARGUMENT", `Unknown binselect '${String(binselect)}'.`, {
      details: { option: "binselect" },
      hint: `Use one of: ${RDPLOT_BINSELECT.join(", ")}.`,
    });
  const kernel = opt.kernel ?? "uniform";
  if (!RDPLOT_KERNELS.includes(kernel)) throw bad("kernel", `Unknown kernel '${String(kernel)}'.`);
  const masspoints = opt.masspoints ?? "adjust";
  if (!["adjust", "check", "off"].includes(masspoints))
    throw bad("masspoints", `Unknown masspoints '${String(masspoints)}'.`);
  const alpha = opt.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw bad("alpha", `alpha must be in (0, 1), got ${alpha}.`);
  const gridPoints = opt.gridPoints ?? 500;
  if (!Number.isInteger(gridPoints) || gridPoints < 2)
    throw bad("gridPoints", `gridPoints must be an integer ≥ 2, got ${gridPoints}.`);
  let support: [number, number] | null = null;
  if (opt.support !== undefined) {
    const s = opt.support;
    if (!Array.isArray(s) || s.length !== 2 || !s.every((v) => Number.isFinite(v)) || !(s[0] < s[1]))
      throw bad("support", `support must be [low, high] with low < high, got ${JSON.stringify(s)}.`);
    support = [s[0], s[1]];
  }
  return {
    cutoff: opt.cutoff,
    p,
    binselect,
    kernel,
    masspoints,
    alpha,
    gridPoints,
    support,
    nbins: opt.nbins === undefined ? null : pairOf(opt.nbins, "nbins", true),
    scale: opt.scale === undefined ? ([1, 1] as [number, number]) : pairOf(opt.scale, "scale", false),
    h: opt.h === undefined ? null : pairOf(opt.h, "h", false),
    counts: opt.counts ?? null,
    withinSS: opt.withinSS ?? null,
  };
}

function sortEntries(
  x: Float64Array,
  y: Float64Array,
  counts: Float64Array | null,
  ss: Float64Array | null,
): RdPlotEntries {
  let sorted = true;
  for (let i = 1; i < x.length && sorted; i++) sorted = x[i - 1] <= x[i];
  const n = counts ?? new Float64Array(x.length).fill(1);
  const idx = sorted ? null : Array.from(x.keys()).sort((a, b) => x[a] - x[b] || a - b);
  const take = (v: Float64Array) => (idx ? Float64Array.from(idx, (i) => v[i]) : v);
  let rows = 0;
  for (let i = 0; i < n.length; i++) rows += n[i];
  return { x: take(x), y: take(y), n: take(n), ss: ss ? take(ss) : null, rows };
}

function sliceEntries(e: RdPlotEntries, from: number, to: number): RdPlotEntries {
  const n = e.n.subarray(from, to);
  let rows = 0;
  for (let i = 0; i < n.length; i++) rows += n[i];
  return {
    x: e.x.subarray(from, to),
    y: e.y.subarray(from, to),
    n,
    ss: e.ss ? e.ss.subarray(from, to) : null,
    rows,
  };
}

function validate(
  y: Float64Array,
  x: Float64Array,
  c: number,
  p: number,
  counts: Float64Array | null,
  ss: Float64Array | null,
): void {
  if (!(y instanceof Float64Array) || !(x instanceof Float64Array))
    throw bad("x", "rdplot expects y and x as Float64Arrays.");
  if (y.length !== x.length)
    throw new TrueliftError("E_LENGTH_MISMATCH", `y has ${y.length} values but x has ${x.length}.`, {
      details: { y: y.length, x: x.length },
    });
  for (const [name, a] of [
    ["y", y],
    ["x", x],
  ] as const) {
    for (let i = 0; i < a.length; i++) {
      if (Number.isNaN(a[i]))
        throw new TrueliftError("E_MISSING_VALUES", `${name} has a missing value (row ${i + 1}).`, {
          details: { column: name, rows: [i + 1] },
        });
      if (!Number.isFinite(a[i]))
        throw new TrueliftError("E_NONFINITE_VALUES", `${name} has an infinite value (row ${i + 1}).`, {
          details: { column: name, rows: [i + 1] },
        });
    }
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    min = Math.min(min, x[i]);
    max = Math.max(max, x[i]);
  }
  if (!(c > min && c < max))
    throw new TrueliftError(
      "E_RDD_CUTOFF_OUT_OF_RANGE",
      `The cutoff ${c} is not inside the range of the running variable [${min}, ${max}].`,
      {
        details: { cutoff: c, min, max },
      },
    );
  let rows = x.length;
  if (counts) {
    if (!(counts instanceof Float64Array) || counts.length !== x.length || (ss && ss.length !== x.length))
      throw bad("counts", "counts (and withinSS) must be Float64Arrays with one entry per value of x.");
    rows = 0;
    for (let i = 0; i < counts.length; i++) {
      if (!(Number.isInteger(counts[i]) && counts[i] > 0))
        throw bad("counts", `counts must be positive integers, got ${counts[i]} at ${i + 1}.`);
      rows += counts[i];
    }
  }
  if (rows < 20)
    throw new TrueliftError("E_RDD_TOO_FEW_OBS", `rdplot needs at least 20 observations, got ${rows}.`, {
      details: { n: rows },
    });
  const dl = new Set<number>();
  const dr = new Set<number>();
  for (let i = 0; i < x.length; i++) (x[i] < c ? dl : dr).add(x[i]);
  if (dl.size < p + 1 || dr.size < p + 1)
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `An order-${p} polynomial needs at least ${p + 1} distinct x values on each side; found ${dl.size} below and ${dr.size} at or above the cutoff.`,
      { details: { distinctLeft: dl.size, distinctRight: dr.size, p } },
    );
}

/** Kernel-weighted polynomial fit of y on (x − c)^0…p within h (rdplot's `rdrobust_kweight` weights), rows counted. */
function polyFit(
  e: RdPlotEntries,
  c: number,
  h: number,
  p: number,
  kernel: RdPlotKernel,
): { coef: number[]; nEff: number } | null {
  const { x, y, n } = e;
  const m = p + 1;
  let s = 0;
  for (let i = 0; i < x.length; i++) s = Math.max(s, Math.abs(x[i] - c));
  s = s || 1;
  const xtx = new Float64Array(m * m);
  const xty = new Float64Array(m);
  const row = new Float64Array(m);
  let nEff = 0;
  for (let i = 0; i < x.length; i++) {
    const u = (x[i] - c) / h;
    const au = Math.abs(u);
    let w = 0;
    if (au <= 1)
      w = kernel === "uniform" ? 0.5 / h : kernel === "triangular" ? (1 - au) / h : (0.75 * (1 - u * u)) / h;
    if (!(w > 0)) continue;
    nEff += n[i];
    const v = (x[i] - c) / s;
    let pw = 1;
    for (let a = 0; a < m; a++) {
      row[a] = pw;
      pw *= v;
    }
    const wn = n[i] === 1 ? w : w * n[i];
    for (let a = 0; a < m; a++) {
      xty[a] += wn * row[a] * y[i];
      for (let b = a; b < m; b++) xtx[a * m + b] += wn * row[a] * row[b];
    }
  }
  for (let a = 0; a < m; a++) for (let b = 0; b < a; b++) xtx[a * m + b] = xtx[b * m + a];
  const inv = spdInverse(xtx, m);
  if (inv === null) return null;
  const coef: number[] = [];
  for (let a = 0; a < m; a++) {
    let acc = 0;
    for (let b = 0; b < m; b++) acc += inv[a * m + b] * xty[b];
    coef.push(acc / s ** a);
  }
  return { coef, nEff };
}

function mean(a: number[]): number {
  let s = 0;
  for (const v of a) s += v;
  return a.length > 0 ? s / a.length : Number.NaN;
}

function median(a: number[]): number {
  const s = [...a].sort((u, v) => u - v);
  const m = s.length;
  if (m === 0) return Number.NaN;
  return m % 2 === 1 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}

/** Number of distinct values (as a `Set` counts them); a sorted array is counted by its runs. */
function distinctCount(v: Float64Array): number {
  let runs = v.length > 0 ? 1 : 0;
  for (let i = 1; i < v.length; i++) {
    if (!(v[i - 1] <= v[i])) return new Set(v).size;
    if (v[i] !== v[i - 1]) runs++;
  }
  return runs;
}
