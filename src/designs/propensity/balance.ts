import { TrueliftError } from "../../core/errors.js";
import type { CovariateColumn } from "./covariates.js";

/** Balance of one covariate column (or dummy level): the tidy rows behind the love plot. */
export interface BalanceRow {
  readonly covariate: string;
  readonly source: string;
  readonly level: string | null;
  readonly binary: boolean;
  readonly meanTreated: number;
  readonly meanControl: number;
  /** Control mean under ATE weights and under ATT weights; treated mean under ATE weights. */
  readonly weightedMeanTreatedAte: number;
  readonly weightedMeanControlAte: number;
  readonly weightedMeanControlAtt: number;
  /** The SMD denominator (see {@link BalanceTable.denominator}); null when it is 0. */
  readonly sd: number | null;
  readonly smdRaw: number | null;
  readonly smdAte: number | null;
  readonly smdAtt: number | null;
  /** Treated / control variance ratio (continuous columns only; null for binary ones, as cobalt). */
  readonly varianceRatioRaw: number | null;
  readonly varianceRatioAte: number | null;
  readonly varianceRatioAtt: number | null;
  /**
   * Matched sample (the `matched` weights of {@link balanceTable}; all null when none were given): the
   * matching-weighted treated and control means, the SMD over the same unmatched-sample denominator `sd`, and the
   * treated / control ratio of matching-weighted variances (null for 0/1 columns).
   */
  readonly meanTreatedMatched: number | null;
  readonly meanControlMatched: number | null;
  readonly smdMatched: number | null;
  readonly varianceRatioMatched: number | null;
  /** |SMD| under the headline estimand's weights below the threshold. */
  readonly pass: boolean;
}

/** Covariate balance before and after weighting. */
export interface BalanceTable {
  readonly threshold: number;
  readonly estimand: "ATE" | "ATT";
  /**
   * The SMD denominator, stated: `pooled` = √((s²₁ + s²₀)/2) of the unweighted treated and control groups,
   * `treated` = s₁; s² = p(1 − p) for 0/1 columns and the sample variance (n − 1) otherwise (cobalt / MatchIt).
   */
  readonly denominator: "pooled" | "treated";
  readonly rows: readonly BalanceRow[];
  /** Largest |SMD| before weighting and after (headline estimand). */
  readonly maxAbsSmdRaw: number;
  readonly maxAbsSmdWeighted: number;
  /** Largest |SMD| in the matched sample; null when no matching weights were given. */
  readonly maxAbsSmdMatched: number | null;
  readonly failing: readonly string[];
}

interface Moments {
  mean: number;
  variance: number;
}

/** Moments of one arm under per-row weights `w` (null = 1), each entry standing for `count` identical rows. */
function moments(
  x: Float64Array,
  t: Float64Array,
  arm: number,
  w: Float64Array | null,
  binary: boolean,
  count: Float64Array | null,
): Moments {
  let sw = 0;
  let sww = 0;
  let sx = 0;
  for (let i = 0; i < x.length; i++) {
    if (t[i] !== arm) continue;
    const wi = w ? w[i] : 1;
    const ci = count ? count[i] : 1;
    sw += ci * wi;
    sww += ci * wi * wi;
    sx += ci * wi * x[i];
  }
  const mean = sx / sw;
  if (!(sw > 0)) return { mean: Number.NaN, variance: Number.NaN };
  if (binary) return { mean, variance: mean * (1 - mean) };
  let ss = 0;
  for (let i = 0; i < x.length; i++) {
    if (t[i] !== arm) continue;
    ss += (count ? count[i] : 1) * (w ? w[i] : 1) * (x[i] - mean) ** 2;
  }
  // Unbiased for reliability weights (cobalt's col_w_var): Σw(x − x̄)² / (Σw − Σw²/Σw); n − 1 when unweighted.
  return { mean, variance: ss / (sw - sww / sw) };
}

/**
 * Standardized mean differences (raw, ATE-weighted, ATT-weighted) and variance ratios for every covariate column
 * and every level of every categorical, with cobalt's conventions: the denominator is computed once from the
 * unweighted groups (so weighting changes only the numerator), 0/1 columns use p(1 − p) as the variance and
 * have no variance ratio, weighted variances use the reliability-weights correction. A row passes when the
 * headline estimand's weighted |SMD| is below `threshold`.
 *
 * Matched-sample balance: pass the matching weights (`matchWeights`) as `options.matched` and every row also
 * gets `meanTreatedMatched`, `meanControlMatched`, `smdMatched` and `varianceRatioMatched` (both arms weighted by
 * the matching weights, unmatched rows weight 0), with the same denominator from the unmatched sample as cobalt
 * and MatchIt's `summary(m, standardize = TRUE)` — so matching changes only the numerator. `pass` and `failing`
 * stay about the weighting estimand; the matched columns are reported beside them.
 *
 * Compressed cells: pass `options.count` (rows per entry) and every entry is a unit of that many identical rows
 * (the weights are per row): the table of the rows.
 *
 * @example
 * ```ts
 * import { balanceTable } from "truelift";
 * const b = balanceTable(layout.balance, t, wAte, wAtt, { threshold: 0.1, estimand: "ATE", denominator: "pooled" });
 * b.rows.find((r) => r.level === "heavy")?.smdRaw; // +0.742 on the tutorial data
 * const m = balanceTable(layout.balance, t, wAte, wAtt, {
 *   threshold: 0.1, estimand: "ATT", denominator: "treated", matched: matchWeights(nearestNeighbourMatch(ps, treated, y)),
 * });
 * m.maxAbsSmdMatched; // largest |SMD| after 1-NN matching
 * ```
 * @see Austin (2009), "Balance diagnostics for comparing the distribution of baseline covariates between treatment
 *   groups in propensity-score matched samples", Statistics in Medicine 28, 3083–3107.
 * @see Greifer, cobalt: Covariate Balance Tables and Plots (R package), `bal.tab` and `col_w_smd`.
 */
export function balanceTable(
  columns: readonly CovariateColumn[],
  t: Float64Array,
  wAte: Float64Array,
  wAtt: Float64Array,
  options: {
    threshold: number;
    estimand: "ATE" | "ATT";
    denominator: "pooled" | "treated";
    /** Matching weights per row (0 = unmatched), e.g. `matchWeights`; adds the matched columns. */
    matched?: Float64Array | null;
    /** Rows per entry (frequency counts); one row each when absent. */
    count?: Float64Array | null;
  },
): BalanceTable {
  const mw = options.matched ?? null;
  const cnt = options.count ?? null;
  if (mw && mw.length !== t.length) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `The matching weights have ${mw.length} entries for ${t.length} rows.`,
      { details: { weights: mw.length, rows: t.length } },
    );
  }
  const rows: BalanceRow[] = columns.map((c) => {
    const bin = c.binary;
    const m = (arm: number, w: Float64Array | null) => moments(c.values, t, arm, w, bin, cnt);
    const r1 = m(1, null);
    const r0 = m(0, null);
    const a1 = m(1, wAte);
    const a0 = m(0, wAte);
    const t0 = m(0, wAtt);
    const m1 = mw ? m(1, mw) : null;
    const m0 = mw ? m(0, mw) : null;
    const sdv =
      options.denominator === "pooled" ? Math.sqrt((r1.variance + r0.variance) / 2) : Math.sqrt(r1.variance);
    const sd = sdv > 0 && Number.isFinite(sdv) ? sdv : null;
    const smd = (d: number) => (sd === null || !Number.isFinite(d) ? null : d / sd);
    const finite = (x: number | undefined) => (x !== undefined && Number.isFinite(x) ? x : null);
    // A control variance that is denormal-small (e.g. one value of 1e-162) overflows the ratio: null, as for 0.
    const vr = (v1: number, v0: number) => (bin || !(v0 > 0) ? null : finite(v1 / v0));
    const smdAte = smd(a1.mean - a0.mean);
    const smdAtt = smd(r1.mean - t0.mean);
    const head = options.estimand === "ATE" ? smdAte : smdAtt;
    return {
      covariate: c.name,
      source: c.source,
      level: c.level,
      binary: bin,
      meanTreated: r1.mean,
      meanControl: r0.mean,
      weightedMeanTreatedAte: a1.mean,
      weightedMeanControlAte: a0.mean,
      weightedMeanControlAtt: t0.mean,
      sd,
      smdRaw: smd(r1.mean - r0.mean),
      smdAte,
      smdAtt,
      varianceRatioRaw: vr(r1.variance, r0.variance),
      varianceRatioAte: vr(a1.variance, a0.variance),
      varianceRatioAtt: vr(r1.variance, t0.variance),
      meanTreatedMatched: finite(m1?.mean),
      meanControlMatched: finite(m0?.mean),
      smdMatched: m1 && m0 ? smd(m1.mean - m0.mean) : null,
      varianceRatioMatched: m1 && m0 ? vr(m1.variance, m0.variance) : null,
      pass: head === null || Math.abs(head) < options.threshold,
    };
  });
  const maxAbs = (f: (r: BalanceRow) => number | null) =>
    rows.reduce((m, r) => Math.max(m, Math.abs(f(r) ?? 0)), 0);
  return {
    threshold: options.threshold,
    estimand: options.estimand,
    denominator: options.denominator,
    rows,
    maxAbsSmdRaw: maxAbs((r) => r.smdRaw),
    maxAbsSmdWeighted: maxAbs((r) => (options.estimand === "ATE" ? r.smdAte : r.smdAtt)),
    maxAbsSmdMatched: mw ? maxAbs((r) => r.smdMatched) : null,
    failing: rows.filter((r) => !r.pass).map((r) => r.covariate),
  };
}
