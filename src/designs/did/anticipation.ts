import type { DeepReadonly, Term } from "../../core/result.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";
import { groupEffect } from "./regression.js";

/** Name of the indicator of the treated group's last pre-periods. */
export const LAST_PRE = "last_pre";

/**
 * Anticipation check: on untreated rows (`treated:post = 0`), `y ~ last_pre + covariates | group + period`,
 * where `last_pre` marks the treated group's last `periods` periods before its start. A non-zero
 * coefficient is a bump (or dip) just before launch relative to the earlier pre-period gap — users reacting to
 * an announcement or a soft launch — which biases a DiD that dates treatment at the nominal start.
 */
export interface AnticipationCheck {
  readonly periods: number;
  readonly term: Term;
}

/**
 * Fits the anticipation check with the last `periods` pre-periods (default 2, fewer when the pre-period is
 * short); null when there are not enough pre-periods.
 *
 * @example
 * ```ts
 * import { anticipationCheck } from "truelift";
 * anticipationCheck(layout, ctx)?.term.pValue;
 * ```
 * @see Malani & Reif (2015), "Interpreting pre-trends as anticipation", J. Public Economics.
 */
export function anticipationCheck(
  layout: DidLayout,
  ctx: DidFitContext,
  periods = 2,
): DeepReadonly<AnticipationCheck> | null {
  const rel = layout.frame.numeric(DID_COLUMNS.relTime);
  const treated = layout.frame.numeric(DID_COLUMNS.treated);
  const post = layout.frame.numeric(DID_COLUMNS.post);
  let eMin = 0;
  for (const e of rel) if (e < eMin) eMin = e;
  const k = Math.min(periods, -eMin - 1);
  if (k < 1) return null;
  const keep = new Uint8Array(rel.length);
  for (let i = 0; i < rel.length; i++) keep[i] = treated[i] === 1 && post[i] === 1 ? 0 : 1;
  const rows = layout.frame.filter(keep);
  const r = rows.numeric(DID_COLUMNS.relTime);
  const flag = new Float64Array(r.length);
  for (let i = 0; i < r.length; i++) flag[i] = r[i] >= -k && r[i] <= -1 ? 1 : 0;
  const fit = fitDid(
    rows.withColumn(LAST_PRE, flag),
    layout,
    [numericTerm(LAST_PRE)],
    [groupEffect(layout), layout.time],
    ctx,
  );
  return { periods: k, term: termOf(fit, LAST_PRE) };
}
