import { simplexLeastSquares } from "../../numeric/optimize/index.js";

/**
 * A synthetic control fitted to one treated series: donor weights on the simplex, the synthetic series, the gaps
 * (treated − synthetic) per period, and the fit and effect summaries. RMSPEs are root mean squared gaps over the
 * pre-period and the post-period; `ratio` is post/pre RMSPE (null when the pre-fit is exact).
 */
export interface SynthFit {
  readonly weights: Float64Array;
  readonly synthetic: Float64Array;
  readonly gaps: Float64Array;
  readonly preRmspe: number;
  readonly postRmspe: number;
  /** Mean post-period gap: the effect estimate. */
  readonly meanGap: number;
  readonly ratio: number | null;
  /**
   * True when the solver certified a unique exact minimiser of the problem it solved (with predictors: the
   * V-weighted predictor fit). The weights stage of `synth` recomputes this from the KKT conditions with evidence.
   */
  readonly exact: boolean;
}

/**
 * Donor weights that minimise the pre-period squared distance between the treated series and the weighted donors,
 * on the simplex (w ≥ 0, Σw = 1), solved exactly as a quadratic programme by {@link simplexLeastSquares}
 * (Goldfarb–Idnani, then an active-set refinement that certifies the KKT conditions), and the resulting fit.
 * `donors` is T × J row-major; the first `fitPeriods` periods are fitted (by default the pre-period T0).
 *
 * @example
 * ```ts
 * import { fitOutcomeWeights } from "truelift";
 * const fit = fitOutcomeWeights(panel.treated, panel.donors, panel.nDonors, panel.preCount);
 * fit.preRmspe; // 0.0374 on the tutorial panel
 * fit.meanGap;  // +0.0829
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), "Synthetic control methods for comparative case studies", JASA 105.
 */
export function fitOutcomeWeights(
  treated: Float64Array,
  donors: Float64Array,
  nDonors: number,
  preCount: number,
  fitPeriods: number = preCount,
): SynthFit {
  const a = { rows: fitPeriods, cols: nDonors, data: donors.subarray(0, fitPeriods * nDonors) };
  const qp = simplexLeastSquares(a, treated.subarray(0, fitPeriods));
  return fitSummary(treated, donors, nDonors, preCount, qp.x, qp.exact);
}

/**
 * The fit of given donor weights: synthetic series, gaps, pre/post RMSPE, mean post gap and their ratio.
 *
 * @example
 * ```ts
 * import { fitSummary } from "truelift";
 * fitSummary(panel.treated, panel.donors, panel.nDonors, panel.preCount, weights).meanGap;
 * ```
 */
export function fitSummary(
  treated: Float64Array,
  donors: Float64Array,
  nDonors: number,
  preCount: number,
  weights: Float64Array,
  exact = true,
): SynthFit {
  const nPeriods = treated.length;
  const synthetic = new Float64Array(nPeriods);
  const gaps = new Float64Array(nPeriods);
  let pre = 0;
  let post = 0;
  let sumPost = 0;
  for (let t = 0; t < nPeriods; t++) {
    let s = 0;
    const off = t * nDonors;
    for (let j = 0; j < nDonors; j++) s += donors[off + j] * weights[j];
    synthetic[t] = s;
    const g = treated[t] - s;
    gaps[t] = g;
    if (t < preCount) pre += g * g;
    else {
      post += g * g;
      sumPost += g;
    }
  }
  const nPost = nPeriods - preCount;
  const preRmspe = Math.sqrt(pre / preCount);
  const postRmspe = Math.sqrt(post / nPost);
  return {
    weights,
    synthetic,
    gaps,
    preRmspe,
    postRmspe,
    meanGap: sumPost / nPost,
    ratio: preRmspe > 0 ? postRmspe / preRmspe : null,
    exact,
  };
}

/**
 * Removes donor columns from a T × J row-major matrix (the donor pool of a placebo or leave-one-out fit).
 *
 * @example
 * ```ts
 * import { dropDonors } from "truelift";
 * dropDonors(Float64Array.of(1, 2, 3, 4), 2, [0]); // [2, 4]
 * ```
 */
export function dropDonors(donors: Float64Array, nDonors: number, drop: readonly number[]): Float64Array {
  const keep: number[] = [];
  const dropSet = new Set(drop);
  for (let j = 0; j < nDonors; j++) if (!dropSet.has(j)) keep.push(j);
  const nPeriods = donors.length / nDonors;
  const out = new Float64Array(nPeriods * keep.length);
  for (let t = 0; t < nPeriods; t++) {
    for (let k = 0; k < keep.length; k++) out[t * keep.length + k] = donors[t * nDonors + keep[k]];
  }
  return out;
}

/**
 * Column j of a T × J row-major donor matrix, as a series.
 *
 * @example
 * ```ts
 * import { donorSeries } from "truelift";
 * donorSeries(Float64Array.of(1, 2, 3, 4), 2, 1); // [2, 4]
 * ```
 */
export function donorSeries(donors: Float64Array, nDonors: number, j: number): Float64Array {
  const nPeriods = donors.length / nDonors;
  const out = new Float64Array(nPeriods);
  for (let t = 0; t < nPeriods; t++) out[t] = donors[t * nDonors + j];
  return out;
}
