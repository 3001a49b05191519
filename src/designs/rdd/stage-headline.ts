import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import {
  type FixedBandwidth,
  fitSettings,
  fixedBandwidth,
  type RddFit,
  type RddFitSettings,
  rddFit,
} from "./estimate.js";
import { layoutRdd, type RddLayout } from "./layout.js";
import type { RddSideData } from "./side.js";
import { parseRddSpec, type RddSpec, type ValidRddSpec } from "./spec.js";

/** The first stage of {@link rdd}: the validated spec, the data split at the cutoff and the headline fit. */
export interface RddHeadlineStage {
  readonly spec: ValidRddSpec;
  readonly layout: RddLayout;
  /** The layout the effect is fitted on: sharp designs drop the take-up column. */
  readonly fitLayout: RddLayout;
  readonly settings: RddFitSettings;
  readonly fuzzy: boolean;
  /** The bandwidth set by hand, or null when a selector chose it. */
  readonly fixed: FixedBandwidth | null;
  readonly fit: RddFit;
  /** The headline bandwidths (h below, h above) and the bias bandwidths the checks reuse. */
  readonly bandwidth: FixedBandwidth;
  /** Mean of the two headline bandwidths: the scale of the default sweep and donut radii. */
  readonly hMid: number;
}

const stripTakeUp = (s: RddSideData): RddSideData => ({ ...s, t: null });

/**
 * Parses the spec, lays the data out around the cutoff (validation, missing rows, sides) and fits the headline
 * local polynomial with its bandwidths: fixed by hand or chosen by rdrobust's selectors.
 *
 * @example
 * ```ts
 * const head = rddHeadline(frame, { outcome: "y", running: "x", cutoff: 0, bandwidth: 0.5 });
 * head.fit.nEffective; // { below: …, above: … }
 * ```
 */
export function rddHeadline(data: Frame, spec: RddSpec): RddHeadlineStage {
  const s = parseRddSpec(spec);
  return rddHeadlineFromLayout(s, layoutRdd(data, s));
}

/**
 * {@link rddHeadline} on a layout already built (from rows, or from compressed cells: `layoutRddCells`).
 *
 * @example
 * ```ts
 * const s = parseRddSpec({ outcome: "y", running: "x", cutoff: 0, bandwidth: 0.5 });
 * rddHeadlineFromLayout(s, layoutRdd(frame, s)).fit.h; // { below: 0.5, above: 0.5 }
 * ```
 */
export function rddHeadlineFromLayout(s: ValidRddSpec, layout: RddLayout): RddHeadlineStage {
  const settings = fitSettings(s, layout.clusters);
  const fuzzy = s.fuzzy === true;
  const fitLayout = fuzzy
    ? layout
    : { ...layout, left: stripTakeUp(layout.left), right: stripTakeUp(layout.right) };
  if (fuzzy) checkFirstStage(layout.left, layout.right);
  const fixed = fixedBandwidth(s.bandwidth);
  const fit = rddFit(fitLayout, settings, fixed);
  return {
    spec: s,
    layout,
    fitLayout,
    settings,
    fuzzy,
    fixed,
    fit,
    bandwidth: { h: [fit.h.below, fit.h.above], b: [fit.b.below, fit.b.above] },
    hMid: (fit.h.below + fit.h.above) / 2,
  };
}

function checkFirstStage(left: RddSideData, right: RddSideData): void {
  const tl = left.t as Float64Array;
  const tr = right.t as Float64Array;
  const constant = (v: Float64Array) => v.every((a) => a === v[0]);
  if (constant(tl) && constant(tr) && tl[0] === tr[0]) {
    throw new TrueliftError(
      "E_RDD_NO_FIRST_STAGE",
      `Take-up is ${tl[0]} on both sides of the cutoff: there is no first stage to divide by.`,
      { details: { below: tl[0], above: tr[0] } },
    );
  }
}
