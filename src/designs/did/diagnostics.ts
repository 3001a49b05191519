import { type Diagnostic, diagnostic, type Severity } from "../../core/diagnostics.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import type { AnticipationCheck } from "./anticipation.js";
import type { CovariateShift } from "./covariate-check.js";
import type { EventStudy } from "./event-study.js";
import { DID_COLUMNS, type DidLayout, rowWeights } from "./layout.js";
import type { DidPlacebo } from "./placebo.js";

/** Below this many clusters CR1 is anti-conservative (Cameron, Gelbach & Miller 2008). */
export const FEW_CLUSTERS = 30;

/** Significance levels of the pass / warn / fail verdicts of pre-trend checks. */
const FAIL_P = 0.05;
const WARN_P = 0.1;

function verdict(p: number | null): Severity {
  if (p === null) return "info";
  return p < FAIL_P ? "fail" : p < WARN_P ? "warn" : "pass";
}

/**
 * The parallel-trends verdict from the placebo slope and the event-study leads: fail when either rejects at
 * 5 %, warn at 10 %, pass otherwise — with the evidence and a sentence.
 *
 * @example
 * ```ts
 * import { parallelTrendsDiagnostic } from "truelift";
 * parallelTrendsDiagnostic(placebo, eventStudy, "signup_week").message;
 * // "Pre-trend slope difference −0.0010 per signup_week (p = 0.447); … no evidence against parallel trends."
 * ```
 * @see Roth (2022), "Pretest with caution: event-study estimates after testing for parallel trends", AER:
 *   Insights — a pass is not proof; low power is common.
 */
export function parallelTrendsDiagnostic(
  placebo: DeepReadonly<DidPlacebo> | null,
  events: DeepReadonly<EventStudy> | null,
  timeName: string,
): Diagnostic {
  const slope = placebo?.slopeDifference ?? null;
  const wald = events?.leadsTest ?? null;
  const ps = [slope?.pValue ?? null, wald?.pValue ?? null].filter((p): p is number => p !== null);
  const worst = ps.length === 0 ? null : Math.min(...ps);
  const severity = verdict(worst);
  return diagnostic(
    "D_DID_PARALLEL_TRENDS",
    severity,
    {
      slopeDifference: slope?.estimate ?? null,
      slopePValue: slope?.pValue ?? null,
      leadsStatistic: wald?.statistic ?? null,
      leadsDf1: wald?.df1 ?? null,
      leadsDf2: wald?.df2 ?? null,
      leadsPValue: wald?.pValue ?? null,
    },
    { time: timeName },
  );
}

/**
 * The anticipation verdict: warn when the treated group's last pre-periods already differ (p < 0.05).
 *
 * @example
 * ```ts
 * import { anticipationDiagnostic } from "truelift";
 * anticipationDiagnostic(check).severity; // "pass" | "warn" | "info"
 * ```
 * @see Malani & Reif (2015), "Interpreting pre-trends as anticipation".
 */
export function anticipationDiagnostic(check: DeepReadonly<AnticipationCheck> | null): Diagnostic {
  if (check === null) {
    return diagnostic("D_DID_ANTICIPATION", "info", {});
  }
  const p = check.term.pValue;
  const bump = p !== null && p < FAIL_P;
  return diagnostic("D_DID_ANTICIPATION", bump ? "warn" : "pass", {
    periods: check.periods,
    estimate: check.term.estimate,
    pValue: p,
  });
}

/**
 * Design-shape diagnostics: too few clusters, no cluster column, group-size imbalance.
 *
 * @example
 * ```ts
 * import { designDiagnostics } from "truelift";
 * designDiagnostics(layout, 50).map((d) => d.code);
 * ```
 * @see Cameron, Gelbach & Miller (2008), "Bootstrap-based improvements for inference with clustered errors".
 */
export function designDiagnostics(layout: DidLayout, clusters: number | null): Diagnostic[] {
  const out: Diagnostic[] = [];
  if (layout.cluster === null) {
    out.push(diagnostic("D_DID_NO_CLUSTER", "warn", {}));
  } else if (clusters !== null && clusters < FEW_CLUSTERS) {
    out.push(
      diagnostic("D_FEW_CLUSTERS", "warn", { clusters, threshold: FEW_CLUSTERS }, { column: layout.cluster }),
    );
  } else if (clusters !== null) {
    out.push(
      diagnostic("D_FEW_CLUSTERS", "pass", { clusters, threshold: FEW_CLUSTERS }, { column: layout.cluster }),
    );
  }
  const treated = layout.frame.numeric(DID_COLUMNS.treated);
  const w = rowWeights(layout.frame, layout.frequency);
  let nt = 0;
  let rows = 0;
  for (let i = 0; i < treated.length; i++) {
    nt += w[i] * treated[i];
    rows += w[i];
  }
  const share = nt / rows;
  const imbalanced = share < 0.1 || share > 0.9;
  out.push(
    diagnostic("D_DID_GROUP_IMBALANCE", imbalanced ? "warn" : "pass", {
      treatedRows: nt,
      comparisonRows: rows - nt,
      treatedShare: share,
    }),
  );
  return out;
}

/**
 * Warns about covariates that shift with treatment (their own DiD p < 0.05) or vary within units over time.
 *
 * @example
 * ```ts
 * import { covariateDiagnostic } from "truelift";
 * covariateDiagnostic(shifts)?.severity;
 * ```
 */
export function covariateDiagnostic(shifts: readonly DeepReadonly<CovariateShift>[]): Diagnostic | null {
  if (shifts.length === 0) return null;
  const bad = shifts.filter((s) => (s.pValue !== null && s.pValue < FAIL_P) || s.timeVarying === true);
  const label = (s: DeepReadonly<CovariateShift>) =>
    s.level === null ? s.covariate : `${s.covariate}=${s.level}`;
  return diagnostic("D_DID_TIME_VARYING_COVARIATE", bad.length > 0 ? "warn" : "pass", {
    flagged: bad.map(label),
    tested: shifts.map(label),
    pValues: shifts.map((s) => s.pValue),
  });
}

/**
 * Warns that TWFE with staggered timing is a weighted average that includes already-treated units as controls.
 *
 * @example
 * ```ts
 * import { staggeredTwfeDiagnostic } from "truelift";
 * staggeredTwfeDiagnostic(twfeTerm, 0.23).severity; // "warn"
 * ```
 * @see Goodman-Bacon (2021); Callaway & Sant'Anna (2021); de Chaisemartin & D'Haultfœuille (2020).
 */
export function staggeredTwfeDiagnostic(twfe: Term, forbiddenWeight: number | null): Diagnostic {
  return diagnostic("D_DID_STAGGERED_TWFE", "warn", { twfe: twfe.estimate, forbiddenWeight });
}
