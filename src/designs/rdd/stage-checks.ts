import {
  covariateChecks,
  defaultPlaceboCutoffs,
  donutChecks,
  placeboChecks,
  polynomialChecks,
  type RddCheckRow,
} from "./checks.js";
import type { RddHeadlineStage } from "./stage-headline.js";
import { bandwidthSweep, RDD_SWEEP_MULTIPLIERS, type RddSweepRow } from "./sweep.js";

/** The validity re-estimates of {@link rdd}: bandwidth sweep, polynomial order, covariates, placebos, donuts. */
export interface RddChecksStage {
  /** The sweep's bandwidths (given, or multiples of the headline bandwidth). */
  readonly sweepBandwidths: readonly number[];
  readonly sweep: readonly RddSweepRow[];
  readonly polynomial: readonly RddCheckRow[];
  readonly covariates: readonly RddCheckRow[];
  readonly placebo: readonly RddCheckRow[];
  readonly donut: readonly RddCheckRow[];
}

/**
 * Re-estimates the discontinuity around the headline fit: across bandwidths, at polynomial orders p and p + 1,
 * on pre-determined covariates, at placebo cutoffs and without the rows nearest the cutoff (donuts). A check
 * that cannot be computed keeps its row with a `failure`.
 *
 * @example
 * ```ts
 * const checks = rddChecks(rddHeadline(frame, spec));
 * checks.polynomial.map((r) => r.value); // [1, 2]
 * ```
 */
export function rddChecks(head: RddHeadlineStage): RddChecksStage {
  const { spec: s, layout, fitLayout, settings: st, bandwidth: bw, hMid } = head;
  const sweepBandwidths =
    s.sweep ?? RDD_SWEEP_MULTIPLIERS.map((m) => (m === 1 ? hMid : Number((m * hMid).toPrecision(3))));
  const sweep = bandwidthSweep(fitLayout, st, sweepBandwidths);
  const polynomial = polynomialChecks(fitLayout, st, bw.h);
  const covariates = covariateChecks(layout, layout.covariates, { ...st }, bw);
  const placebo =
    s.placebo === false ? [] : placeboChecks(layout, s.placebo ?? defaultPlaceboCutoffs(layout), st, bw);
  const donut =
    s.donut === false
      ? []
      : donutChecks(
          fitLayout,
          s.donut ?? [0.1 * hMid, 0.25 * hMid].map((r) => Number(r.toPrecision(2))),
          st,
          bw,
        );
  return { sweepBandwidths, sweep, polynomial, covariates, placebo, donut };
}
