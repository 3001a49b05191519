import { spdInverse } from "../../../numeric/linalg/index.js";

/** One histogram cell of McCrary's first step: its midpoint and its normalised height count/(n·b). */
export interface McCraryCell {
  readonly mid: number;
  readonly height: number;
}

/** What {@link mccraryDensity} computes (before inference). */
export interface McCraryFit {
  /** Histogram bin width b. */
  readonly binWidth: number;
  /** Local-linear smoothing bandwidth h. */
  readonly bandwidth: number;
  /** Smoothed density just below / at-or-above the cutoff; null when the fit is not positive. */
  readonly fLeft: number | null;
  readonly fRight: number | null;
  /** θ = ln f(c+) − ln f(c−) and its asymptotic SE √((1/(n·h))·(24/5)·(1/f₊ + 1/f₋)). */
  readonly theta: number | null;
  readonly se: number | null;
  /** Observations within h of the cutoff on each side. */
  readonly nLeft: number;
  readonly nRight: number;
  /** The histogram (cells between the data's extremes), for charts. */
  readonly cells: readonly McCraryCell[];
}

/**
 * McCrary's (2008) density test, as the R function `rdd::DCdensity` computes it: a histogram with bins of width
 * b aligned so the cutoff is a bin edge (default b = 2·sd(x)·n^(−1/2)), normalised to heights count/(n·b); a
 * bandwidth h from the rule of thumb 3.348·[σ̃²·(range)/Σ f̃''(m_j)²]^(1/5) per side (a quartic fit to the cell
 * heights, averaged over the sides) unless given; then triangular-kernel local-linear regressions of the cell
 * heights on the distance to the cutoff, separately each side (zero-height cells padded beyond the data, weights
 * normalised as Stata's aweights), whose intercepts are f(c−) and f(c+).
 *
 * @example
 * ```ts
 * import { mccraryDensity } from "truelift";
 * const m = mccraryDensity(x, 0.85, {});
 * m.theta; // log density jump at 0.85
 * ```
 * @see McCrary, J. (2008), "Manipulation of the running variable in the regression discontinuity design: A
 * density test", Journal of Econometrics 142(2), 698–714, https://doi.org/10.1016/j.jeconom.2007.05.005
 */
export function mccraryDensity(
  x: Float64Array,
  cutoff: number,
  opts: { readonly binWidth?: number; readonly bandwidth?: number },
): McCraryFit {
  const n = x.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v < min) min = v;
    if (v > max) max = v;
    mean += v;
  }
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - mean) ** 2;
  const sd = Math.sqrt(ss / (n - 1));
  const b = opts.binWidth ?? 2 * sd * n ** -0.5;

  // Cells: index k = floor((x − c)/b), midpoint c + (k + 1/2)·b; R's j = ⌊(max − min)/b⌋ + 2 cells from kMin.
  const kMin = Math.floor((min - cutoff) / b);
  const kMax = Math.floor((max - cutoff) / b);
  const j = Math.max(Math.floor((max - min) / b) + 2, kMax - kMin + 1);
  const counts = new Float64Array(j);
  for (let i = 0; i < n; i++) counts[Math.floor((x[i] - cutoff) / b) - kMin]++;
  const mids = new Float64Array(j);
  const heights = new Float64Array(j);
  for (let c = 0; c < j; c++) {
    mids[c] = (kMin + c) * b + b / 2 + cutoff;
    heights[c] = counts[c] / n / b;
  }
  const l = kMin * b + b / 2 + cutoff;
  const r = kMax * b + b / 2 + cutoff;

  let h = opts.bandwidth;
  if (h === undefined) {
    const hl = thumbBandwidth(mids, heights, (m) => m < cutoff, cutoff - l);
    const hr = thumbBandwidth(mids, heights, (m) => m >= cutoff, r - cutoff);
    h = 0.5 * (hl + hr);
  }

  let nLeft = 0;
  let nRight = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v > cutoff - h && v < cutoff) nLeft++;
    else if (v >= cutoff && v < cutoff + h) nRight++;
  }

  // Pad zero cells beyond the data on both sides (as DCdensity does) and fit each side.
  const pad = Math.max(0, Math.ceil(h / b));
  const cmp: number[] = [];
  const cval: number[] = [];
  for (let k = pad; k >= 1; k--) {
    cmp.push(l - k * b);
    cval.push(0);
  }
  for (let c = 0; c < j; c++) {
    cmp.push(mids[c]);
    cval.push(heights[c]);
  }
  for (let k = 1; k <= pad; k++) {
    cmp.push(r + k * b);
    cval.push(0);
  }
  const fLeftRaw = Number.isFinite(h) && h > 0 ? localLinearAtCutoff(cmp, cval, cutoff, h, true) : Number.NaN;
  const fRightRaw =
    Number.isFinite(h) && h > 0 ? localLinearAtCutoff(cmp, cval, cutoff, h, false) : Number.NaN;
  const fLeft = fLeftRaw > 0 ? fLeftRaw : null;
  const fRight = fRightRaw > 0 ? fRightRaw : null;
  const theta = fLeft !== null && fRight !== null ? Math.log(fRight) - Math.log(fLeft) : null;
  const se =
    fLeft !== null && fRight !== null ? Math.sqrt((1 / (n * h)) * (24 / 5) * (1 / fRight + 1 / fLeft)) : null;
  const cells: McCraryCell[] = [];
  for (let c = 0; c < j; c++) if (mids[c] <= max + b) cells.push({ mid: mids[c], height: heights[c] });
  return { binWidth: b, bandwidth: h, fLeft, fRight, theta, se, nLeft, nRight, cells };
}

/** DCdensity's rule-of-thumb bandwidth for one side: 3.348·(σ̃²·range / Σ f̃''²)^(1/5) from a quartic fit. */
function thumbBandwidth(
  mids: Float64Array,
  heights: Float64Array,
  keep: (m: number) => boolean,
  range: number,
): number {
  const xs: number[] = [];
  const ys: number[] = [];
  for (let c = 0; c < mids.length; c++) {
    if (keep(mids[c])) {
      xs.push(mids[c]);
      ys.push(heights[c]);
    }
  }
  const m = xs.length;
  if (m <= 5) return Number.NaN;
  // Quartic least squares on a centred, scaled basis (same fit as R's raw poly(…, 4)).
  let lo = xs[0];
  let hi = xs[0];
  for (const v of xs) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const center = (lo + hi) / 2;
  const scale = (hi - lo) / 2 || 1;
  const k = 5;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  const row = new Float64Array(k);
  for (let i = 0; i < m; i++) {
    const u = (xs[i] - center) / scale;
    let pw = 1;
    for (let a = 0; a < k; a++) {
      row[a] = pw;
      pw *= u;
    }
    for (let a = 0; a < k; a++) {
      xty[a] += row[a] * ys[i];
      for (let bb = 0; bb < k; bb++) xtx[a * k + bb] += row[a] * row[bb];
    }
  }
  const inv = spdInverse(xtx, k);
  if (inv === null) return Number.NaN;
  const beta = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    let acc = 0;
    for (let bb = 0; bb < k; bb++) acc += inv[a * k + bb] * xty[bb];
    beta[a] = acc;
  }
  let rss = 0;
  let sumFpp = 0;
  for (let i = 0; i < m; i++) {
    const u = (xs[i] - center) / scale;
    const fit = beta[0] + u * (beta[1] + u * (beta[2] + u * (beta[3] + u * beta[4])));
    rss += (ys[i] - fit) ** 2;
    const fpp = (2 * beta[2] + 6 * beta[3] * u + 12 * beta[4] * u * u) / (scale * scale);
    sumFpp += fpp * fpp;
  }
  const mse = rss / (m - k);
  return 3.348 * ((mse * range) / sumFpp) ** 0.2;
}

/** Triangular-kernel weighted local-linear intercept at the cutoff using the cells on one side. */
function localLinearAtCutoff(
  cmp: readonly number[],
  cval: readonly number[],
  cutoff: number,
  h: number,
  left: boolean,
): number {
  let sw = 0;
  let swx = 0;
  let swy = 0;
  let swxx = 0;
  let swxy = 0;
  for (let i = 0; i < cmp.length; i++) {
    const d = cmp[i] - cutoff;
    const onSide = left ? cmp[i] < cutoff : cmp[i] >= cutoff;
    const w = 1 - Math.abs(d / h);
    if (!(w > 0) || !onSide) continue;
    sw += w;
    swx += w * d;
    swy += w * cval[i];
    swxx += w * d * d;
    swxy += w * d * cval[i];
  }
  const det = sw * swxx - swx * swx;
  if (!(sw > 0) || !(Math.abs(det) > 0)) return Number.NaN;
  // Intercept of the weighted least-squares line (weight normalisation cancels).
  return (swxx * swy - swx * swxy) / det;
}
