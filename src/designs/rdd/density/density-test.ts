import { TrueliftError } from "../../../core/errors.js";
import { type DeepReadonly, deepFreeze, type Term } from "../../../core/result.js";
import { waldTerm } from "../../../models/wald-term.js";
import {
  type DensitySample,
  densityBandwidths,
  prepareDensitySample,
  prepareDensityUnits,
  trimDensitySample,
} from "./bandwidth.js";
import { densityBinomialTests } from "./binomial.js";
import { cjmDiagnostics, densityFewObsDiagnostics, densityVerdict } from "./diagnostics.js";
import { type DensityFitRow, densityFit } from "./fit.js";
import { mccraryDensity } from "./mccrary.js";
import {
  DENSITY_BWSELECT,
  DENSITY_KERNELS,
  DENSITY_METHODS,
  DENSITY_VCE,
  type DensityBandwidthRow,
  type DensityTestOptions,
  type DensityTestResult,
} from "./types.js";

/**
 * Manipulation (density discontinuity) test of a regression-discontinuity running variable: is there a jump in
 * the density of x at the cutoff, as there would be if units sorted themselves to one side of the threshold?
 *
 * **`cjm`** (default) is the Cattaneo, Jansson & Ma (2020) local-polynomial density test exactly as rddensity
 * (R, version 2.x) runs it: the empirical CDF is fitted by a kernel-weighted polynomial of order q = p + 1 on
 * each side within the bandwidth (triangular kernel by default), the slope at the cutoff estimates the density
 * on that side, and the robust bias-corrected statistic T = (f̂₊ − f̂₋)/SE uses the jackknife (default) or
 * plug-in variance; bandwidths come from rdbwdensity's MSE-optimal selectors (`comb` by default: per side the
 * median of the `each`, `diff` and `sum` bandwidths) with its regularisation, unless `h` is given. Repeated
 * values are handled with rddensity's mass-point adjustment. `conventional` is the order-p test (rddensity's
 * `all = TRUE` row), not valid with an MSE-optimal bandwidth.
 *
 * **`mccrary`** is McCrary's (2008) test as `rdd::DCdensity` computes it (see `mccraryDensity`); its estimate is
 * θ = ln f(c+) − ln f(c−).
 *
 * Observations with x < cutoff are the left side and x ≥ cutoff the right side. Errors (thrown before any
 * computation): `E_MISSING_VALUES` / `E_NONFINITE_VALUES` for NaN / ±Infinity in x, `E_RDD_CUTOFF_OUT_OF_RANGE`
 * when the cutoff is not strictly inside the data, `E_INVALID_ARGUMENT` for bad options, `E_RDD_NO_OBS_SIDE`
 * when a side has no observations within the bandwidth and `E_RDD_TOO_FEW_OBS` when a side has fewer distinct
 * values within the bandwidth than the polynomial has coefficients.
 *
 * @example
 * ```ts
 * import { densityTest } from "truelift";
 * const t = densityTest(frame.numeric("query_confidence"), { cutoff: 0.85 });
 * t.estimate.pValue;          // robust bias-corrected p-value of the density jump
 * t.left.estimate;            // f(0.85−)
 * t.diagnostics[0].severity;  // "pass" when there is no evidence of sorting
 * ```
 * @see Cattaneo, M. D., Jansson, M. and Ma, X. (2020), "Simple Local Polynomial Density Estimators", Journal of
 * the American Statistical Association 115(531), 1449–1455, https://doi.org/10.1080/01621459.2019.1635480
 * @see McCrary, J. (2008), "Manipulation of the running variable in the regression discontinuity design: A
 * density test", Journal of Econometrics 142(2), 698–714, https://doi.org/10.1016/j.jeconom.2007.05.005
 */
export function densityTest(x: Float64Array, options: DensityTestOptions): DeepReadonly<DensityTestResult> {
  const o = resolveOptions(options);
  const counts = validateSample(x, o.cutoff, options.counts ?? null);
  if (o.method === "mccrary") return deepFreeze(runMcCrary(counts ? expand(x, counts) : x, o));
  return deepFreeze(runCjm(x, counts, o));
}

type Resolved = ReturnType<typeof resolveOptions>;

function badOption(option: string, message: string, hint?: string): TrueliftError {
  return new TrueliftError("E_INVALID_ARGUMENT", message, {
    details: { option },
    ...(hint === undefined ? {} : { hint }),
  });
}

function resolveOptions(opt: DensityTestOptions) {
  if (opt === null || typeof opt !== "object") throw badOption("cutoff", "densityTest needs { cutoff }.");
  const cutoff = opt.cutoff;
  if (typeof cutoff !== "number" || !Number.isFinite(cutoff))
    throw badOption("cutoff", `cutoff must be a finite number, got ${String(cutoff)}.`);
  const method = opt.method ?? "cjm";
  if (!DENSITY_METHODS.includes(method))
    throw badOption(
      "method",
      `Unknown method '${String(method)}'.`,
      `Use one of: ${DENSITY_METHODS.join(", ")}.`,
    );
  const alpha = opt.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw badOption("alpha", `alpha must be in (0, 1), got ${alpha}.`);
  const p = opt.p ?? 2;
  if (!Number.isInteger(p) || p < 1 || p > 7)
    throw badOption("p", `p must be an integer from 1 to 7, got ${p}.`, "rddensity supports p = 1 … 7.");
  const q = opt.q ?? p + 1;
  if (!Number.isInteger(q) || q < p || q > 7)
    throw badOption("q", `q must be an integer from p (${p}) to 7, got ${q}.`);
  const kernel = opt.kernel ?? "triangular";
  if (!DENSITY_KERNELS.includes(kernel))
    throw badOption(
      "kernel",
      `Unknown kernel '${String(kernel)}'.`,
      `Use one of: ${DENSITY_KERNELS.join(", ")}.`,
    );
  const bwselect = opt.bwselect ?? "comb";
  if (!DENSITY_BWSELECT.includes(bwselect))
    throw badOption(
      "bwselect",
      `Unknown bwselect '${String(bwselect)}'.`,
      `Use one of: ${DENSITY_BWSELECT.join(", ")}.`,
    );
  const fitselect = opt.fitselect ?? "unrestricted";
  if (fitselect !== "unrestricted" && fitselect !== "restricted")
    throw badOption(
      "fitselect",
      `Unknown fitselect '${String(fitselect)}'.`,
      "Use unrestricted or restricted.",
    );
  if (fitselect === "restricted" && bwselect === "each")
    throw badOption(
      "bwselect",
      "bwselect 'each' is not available with the restricted model.",
      "Use comb, diff or sum.",
    );
  const vce = opt.vce ?? "jackknife";
  if (!DENSITY_VCE.includes(vce))
    throw badOption("vce", `Unknown vce '${String(vce)}'.`, `Use one of: ${DENSITY_VCE.join(", ")}.`);
  let h: [number, number] | null = null;
  if (opt.h !== undefined) {
    const hv = typeof opt.h === "number" ? [opt.h, opt.h] : opt.h;
    if (
      !Array.isArray(hv) ||
      hv.length !== 2 ||
      !hv.every((v) => typeof v === "number" && v > 0 && Number.isFinite(v))
    )
      throw badOption(
        "h",
        `h must be a positive number or two positive numbers [left, right], got ${JSON.stringify(opt.h)}.`,
      );
    if (method === "mccrary" && hv[0] !== hv[1])
      throw badOption("h", "McCrary's test uses one bandwidth for both sides.");
    h = [hv[0], hv[1]];
    if (fitselect === "restricted" && h[0] !== h[1])
      throw badOption("h", "The restricted model needs one bandwidth for both sides.");
  }
  const count = (name: string, v: number | undefined): number => {
    const val = v ?? 20 + p + 1;
    if (!(Number.isFinite(val) && val >= 0))
      throw badOption(name, `${name} must be a non-negative number, got ${val}.`);
    return Math.ceil(val);
  };
  const nLocalMin = count("nLocalMin", opt.nLocalMin);
  const nUniqueMin = count("nUniqueMin", opt.nUniqueMin);
  const binWidth = opt.binWidth ?? null;
  if (binWidth !== null && !(binWidth > 0 && Number.isFinite(binWidth)))
    throw badOption("binWidth", `binWidth must be a positive number, got ${binWidth}.`);
  return {
    cutoff,
    method,
    alpha,
    p,
    q,
    kernel,
    fitselect,
    bwselect,
    vce,
    h,
    massPoints: opt.massPoints ?? true,
    binomial: opt.binomial ?? true,
    regularize: opt.regularize ?? true,
    nLocalMin,
    nUniqueMin,
    binWidth,
  };
}

/** The rows of values with counts, in the values' order. */
function expand(x: Float64Array, counts: Float64Array): Float64Array {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i];
  const out = new Float64Array(n);
  for (let i = 0, r = 0; i < x.length; r += counts[i], i++) out.fill(x[i], r, r + counts[i]);
  return out;
}

function validateSample(x: Float64Array, cutoff: number, counts: Float64Array | null): Float64Array | null {
  if (!(x instanceof Float64Array))
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      "densityTest expects the running variable as a Float64Array.",
      {
        details: { option: "x" },
      },
    );
  let rows = x.length;
  if (counts) {
    if (!(counts instanceof Float64Array) || counts.length !== x.length)
      throw badOption("counts", "counts must be a Float64Array with one count per value of x.");
    rows = 0;
    for (let i = 0; i < counts.length; i++) {
      if (!(Number.isInteger(counts[i]) && counts[i] > 0))
        throw badOption("counts", `counts must be positive integers, got ${counts[i]} at ${i + 1}.`);
      rows += counts[i];
    }
  }
  if (rows < 2) throw new TrueliftError("E_EMPTY_DATA", `The running variable has ${rows} value(s).`);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (Number.isNaN(v))
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `The running variable has a missing value (row ${i + 1}).`,
        {
          details: { rows: [i + 1] },
        },
      );
    if (!Number.isFinite(v))
      throw new TrueliftError(
        "E_NONFINITE_VALUES",
        `The running variable has an infinite value (row ${i + 1}).`,
        {
          details: { rows: [i + 1] },
        },
      );
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(cutoff > min && cutoff < max))
    throw new TrueliftError(
      "E_RDD_CUTOFF_OUT_OF_RANGE",
      `The cutoff ${cutoff} is not inside the range of the running variable [${min}, ${max}].`,
      { details: { cutoff, min, max } },
    );
  return counts;
}

/** A normal-reference term from an estimate and its variance. */
function term(name: string, estimate: number, v: number | null, alpha: number): Term {
  return waldTerm(name, estimate, v !== null && v > 0 ? Math.sqrt(v) : null, alpha);
}

const JUMP_NAME = "density jump f(c+) − f(c−)";

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

function runCjm(x: Float64Array, counts: Float64Array | null, o: Resolved): DensityTestResult {
  let s: DensitySample;
  if (counts === null) s = prepareDensitySample(x, o.cutoff, o.massPoints);
  else {
    const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a] - x[b]);
    s = prepareDensityUnits(
      Float64Array.from(idx, (i) => x[i]),
      Float64Array.from(idx, (i) => counts[i]),
      o.cutoff,
      o.massPoints,
    );
  }
  let bandwidths: DensityBandwidthRow[] = [];
  let hl: number;
  let hr: number;
  if (o.h !== null) {
    [hl, hr] = o.h;
  } else {
    bandwidths = densityBandwidths(s, {
      p: o.p,
      kernel: o.kernel,
      fitselect: o.fitselect,
      vce: o.vce,
      massPoints: o.massPoints,
      regularize: o.regularize,
      nLocalMin: o.nLocalMin,
      nUniqueMin: o.nUniqueMin,
    });
    const [bl, br, bd, bs] = bandwidths.map((r) => r.h);
    if (o.bwselect === "each") [hl, hr] = [bl, br];
    else if (o.bwselect === "diff") [hl, hr] = [bd, bd];
    else if (o.bwselect === "sum") [hl, hr] = [bs, bs];
    else if (o.fitselect === "restricted") hl = hr = Math.min(bd, bs);
    else [hl, hr] = [median3(bl, bd, bs), median3(br, bd, bs)];
  }
  const t = trimDensitySample(s, -hl, hr);
  checkSides(t.x, t.split, t.nlh, t.nrh, o.q, hl, hr);
  const fitOrder = (order: number) =>
    densityFit({
      x: t.x,
      y: t.y,
      count: t.count,
      split: t.split,
      nl: s.nl,
      nr: s.nr,
      nlh: t.nlh,
      nrh: t.nrh,
      hl,
      hr,
      p: order,
      s: 1,
      kernel: o.kernel,
      fitselect: o.fitselect,
      vce: o.vce,
      massPoints: o.massPoints,
    });
  const fq = fitOrder(o.q);
  const fp = fitOrder(o.p);
  const varOf = (r: DensityFitRow): number | null => (o.vce === "jackknife" ? r.jackknife : r.plugin);
  const estimate = fq.diff.hat === null ? null : term(JUMP_NAME, fq.diff.hat, varOf(fq.diff), o.alpha);
  const conventional = fp.diff.hat === null ? null : term(JUMP_NAME, fp.diff.hat, varOf(fp.diff), o.alpha);
  const side = (r: DensityFitRow, nEff: number, h: number) => {
    const v = varOf(r);
    return { estimate: r.hat, se: v === null ? null : Math.sqrt(v), nEffective: nEff, h };
  };
  const left = side(fq.left, t.nlh, hl);
  const right = side(fq.right, t.nrh, hr);
  const minX = s.x[0];
  const maxX = s.x[s.x.length - 1];
  const diagnostics = cjmDiagnostics(
    o,
    estimate,
    left,
    right,
    s.hasTies && o.massPoints ? { distinct: s.unique.length, n: s.n } : null,
    hl > -minX || hr > maxX,
  );
  return {
    method: "cjm",
    cutoff: o.cutoff,
    alpha: o.alpha,
    estimate,
    conventional,
    left,
    right,
    bandwidthMethod: o.h === null ? o.bwselect : "manual",
    bandwidths,
    binomial: o.binomial ? densityBinomialTests(s.x, s.nl, hl, hr, 10, 20, s.count) : [],
    n: { total: s.n, left: s.nl, right: s.nr, effectiveLeft: t.nlh, effectiveRight: t.nrh },
    massPoints: s.hasTies,
    options: {
      fitselect: o.fitselect,
      p: o.p,
      q: o.q,
      kernel: o.kernel,
      vce: o.vce,
      bwselect: o.bwselect,
      massPoints: o.massPoints,
      regularize: o.regularize,
      nLocalMin: o.nLocalMin,
      nUniqueMin: o.nUniqueMin,
      binWidth: null,
    },
    diagnostics,
  };
}

function checkSides(
  x: Float64Array,
  split: number,
  nlh: number,
  nrh: number,
  order: number,
  hl: number,
  hr: number,
): void {
  if (nlh === 0 || nrh === 0) {
    const side = nlh === 0 ? "below" : "at or above";
    throw new TrueliftError(
      "E_RDD_NO_OBS_SIDE",
      `No observations ${side} the cutoff within the bandwidth (left ${hl}, right ${hr}).`,
      { details: { effectiveLeft: nlh, effectiveRight: nrh, hLeft: hl, hRight: hr } },
    );
  }
  const distinct = (from: number, to: number): number => {
    let d = 0;
    for (let i = from; i < to; i++) if (i === from || x[i] !== x[i - 1]) d++;
    return d;
  };
  const dl = distinct(0, split);
  const dr = distinct(split, x.length);
  const need = order + 1;
  if (dl < need || dr < need) {
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `An order-${order} density fit needs at least ${need} distinct values on each side within the bandwidth; found ${dl} below and ${dr} at or above the cutoff.`,
      { details: { distinctLeft: dl, distinctRight: dr, order } },
    );
  }
}

function runMcCrary(x: Float64Array, o: Resolved): DensityTestResult {
  const m = mccraryDensity(x, o.cutoff, {
    ...(o.binWidth === null ? {} : { binWidth: o.binWidth }),
    ...(o.h === null ? {} : { bandwidth: o.h[0] }),
  });
  if (!(m.bandwidth > 0) || !Number.isFinite(m.bandwidth))
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      "McCrary's rule-of-thumb bandwidth could not be computed (too few histogram cells on one side); pass h.",
      { details: { binWidth: m.binWidth } },
    );
  if (m.nLeft === 0 || m.nRight === 0)
    throw new TrueliftError(
      "E_RDD_NO_OBS_SIDE",
      `No observations ${m.nLeft === 0 ? "below" : "at or above"} the cutoff within the bandwidth ${m.bandwidth}.`,
      { details: { effectiveLeft: m.nLeft, effectiveRight: m.nRight, h: m.bandwidth } },
    );
  const theta = m.theta;
  const estimate =
    theta === null || m.se === null
      ? null
      : term("log density jump ln f(c+) − ln f(c−)", theta, m.se * m.se, o.alpha);
  const left = { estimate: m.fLeft, se: null, nEffective: m.nLeft, h: m.bandwidth };
  const right = { estimate: m.fRight, se: null, nEffective: m.nRight, h: m.bandwidth };
  const diagnostics = [densityVerdict(o, estimate, left, right, "mccrary")];
  densityFewObsDiagnostics(diagnostics, left, right);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (x[i] < o.cutoff) n++;
  return {
    method: "mccrary",
    cutoff: o.cutoff,
    alpha: o.alpha,
    estimate,
    conventional: null,
    left,
    right,
    bandwidthMethod: o.h === null ? "mccrary" : "manual",
    bandwidths: [],
    binomial: [],
    n: { total: x.length, left: n, right: x.length - n, effectiveLeft: m.nLeft, effectiveRight: m.nRight },
    massPoints: false,
    options: {
      fitselect: "unrestricted",
      p: 1,
      q: 1,
      kernel: "triangular",
      vce: "plugin",
      bwselect: o.bwselect,
      massPoints: false,
      regularize: false,
      nLocalMin: 0,
      nUniqueMin: 0,
      binWidth: m.binWidth,
    },
    diagnostics,
  };
}
