import type { Term } from "../../core/result.js";
import { tryCheck } from "./checks.js";
import { type RddFitSettings, rddFit } from "./estimate.js";
import type { RddLayout } from "./layout.js";

/** One row of the bandwidth sensitivity table. */
export interface RddSweepRow {
  readonly bandwidth: number;
  /** Conventional estimate and interval at this bandwidth (b = h). */
  readonly conventional: Term | null;
  /** Robust bias-corrected row at this bandwidth (b = h). */
  readonly robust: Term | null;
  /** Rows with positive kernel weight, in total. */
  readonly n: number | null;
  /** Why the row could not be computed (e.g. `E_RDD_TOO_FEW_OBS`), else null. */
  readonly failure: { readonly code: string; readonly message: string } | null;
}

/** Default sweep: 0.5, 0.75, 1, 1.5 and 2 times the headline bandwidth. */
export const RDD_SWEEP_MULTIPLIERS = [0.5, 0.75, 1, 1.5, 2] as const;

/**
 * The bandwidth sensitivity table: the same local-polynomial fit (kernel, p, variance) at each bandwidth, with
 * b = h, as the tutorial's sweep over 0.05 / 0.10 / 0.15 / 0.20. Rows that cannot be fitted carry the failure.
 *
 * @example
 * ```ts
 * // bandwidthSweep(layout, settings, [0.05, 0.1, 0.15, 0.2]).map((r) => r.conventional?.estimate)
 * ```
 */
export function bandwidthSweep(
  layout: Pick<RddLayout, "left" | "right" | "x" | "n">,
  st: RddFitSettings,
  bandwidths: readonly number[],
): RddSweepRow[] {
  return bandwidths.map((bw) => {
    const r = tryCheck("bandwidth", bw, () => rddFit(layout, st, { h: [bw, bw], b: [bw, bw] }));
    return {
      bandwidth: bw,
      conventional: r.conventional,
      robust: r.robust,
      n: r.nEffective,
      failure: r.failure,
    };
  });
}
