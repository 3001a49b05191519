import type { DeepReadonly, Term } from "../../core/result.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";

/** Name of the centred time column the placebo regression adds. */
export const PLACEBO_TIME = "time_centered";

/**
 * The pre-period placebo: on rows before the treatment start,
 * `y ~ treated * (time − center) + covariates`. `slopeDifference` is `treated:time_centered`, the treated
 * group's extra linear trend before treatment — zero under parallel trends.
 */
export interface DidPlacebo {
  readonly center: number;
  readonly slopeDifference: Term;
  readonly terms: readonly Term[];
  readonly n: { readonly obs: number; readonly clusters: number | null };
}

/**
 * Fits the differential pre-trend regression of the tutorial (two-group designs with at least two
 * pre-periods; null otherwise — the caller adds a diagnostic).
 *
 * @example
 * ```ts
 * import { placeboTrend } from "truelift";
 * placeboTrend(layout, ctx, undefined)?.slopeDifference; // −0.00095, p 0.44 on the tutorial data
 * ```
 * @see Angrist & Pischke (2009), §5.2.1 (checking for differential pre-trends).
 */
export function placeboTrend(
  layout: DidLayout,
  ctx: DidFitContext,
  center: number | undefined,
): DeepReadonly<DidPlacebo> | null {
  if (layout.kind !== "two-group" || layout.start === null) return null;
  const post = layout.frame.numeric(DID_COLUMNS.post);
  const mask = new Uint8Array(post.length);
  for (let i = 0; i < post.length; i++) mask[i] = post[i] === 0 ? 1 : 0;
  const pre = layout.frame.filter(mask);
  const time = pre.numeric(layout.time);
  const prePeriods = layout.periods.filter((t) => t < (layout.start as { effective: number }).effective);
  if (prePeriods.length < 2) return null;
  const c = center ?? Math.ceil((prePeriods[0] + prePeriods[prePeriods.length - 1]) / 2);
  const centered = new Float64Array(time.length);
  for (let i = 0; i < time.length; i++) centered[i] = time[i] - c;
  const frame = pre.withColumn(PLACEBO_TIME, centered);
  const fit = fitDid(
    frame,
    layout,
    [
      numericTerm(DID_COLUMNS.treated),
      numericTerm(PLACEBO_TIME),
      numericTerm(DID_COLUMNS.treated, PLACEBO_TIME),
    ],
    [],
    ctx,
  );
  return {
    center: c,
    slopeDifference: termOf(fit, `${DID_COLUMNS.treated}:${PLACEBO_TIME}`),
    terms: fit.terms,
    n: { obs: fit.n.obs, clusters: fit.n.clusters?.[0] ?? null },
  };
}
