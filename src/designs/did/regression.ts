import type { DeepReadonly, Term } from "../../core/result.js";
import type { TermSpec } from "../../models/formula.js";
import type { OlsResult } from "../../models/ols.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";

/** The name of the causal term in every DiD regression: the treated × post interaction (D_it). */
export const DID_TERM = `${DID_COLUMNS.treated}:${DID_COLUMNS.post}`;

/**
 * A DiD regression: every coefficient (for transparency), the causal one singled out, the fixed effects
 * absorbed, and the sample.
 */
export interface DidRegression {
  readonly formula: string;
  readonly absorb: readonly string[];
  readonly terms: readonly Term[];
  /** `treated:post` — the only coefficient with a causal reading. */
  readonly effect: Term;
  readonly n: { readonly obs: number; readonly clusters: number | null };
}

/**
 * Regression DiD `y ~ treated + post + treated:post + covariates` (two-group designs), with the analysis'
 * variance estimator (CR1 by cluster, t(G − 1), by default).
 *
 * @example
 * ```ts
 * import { regressionDid } from "truelift";
 * regressionDid(layout, ctx).effect; // treated:post +0.0541, SE 0.0109 on the tutorial data
 * ```
 * @see Angrist & Pischke (2009), Mostly Harmless Econometrics, §5.2; Bertrand, Duflo & Mullainathan (2004) on
 *   clustering DiD standard errors.
 */
export function regressionDid(layout: DidLayout, ctx: DidFitContext): DeepReadonly<DidRegression> {
  const terms = [
    numericTerm(DID_COLUMNS.treated),
    numericTerm(DID_COLUMNS.post),
    numericTerm(DID_COLUMNS.treated, DID_COLUMNS.post),
  ];
  return summarize(
    `${layout.outcome} ~ treated * post${covariateText(layout)}`,
    [],
    fitDid(layout.frame, layout, terms, [], ctx),
  );
}

/**
 * Two-way fixed effects `y ~ treated:post + covariates | group + period`: the group effect is the unit with
 * panel data, else the cluster (e.g. workspace), else the adoption cohort; periods are always absorbed. With
 * staggered timing this is a weighted average that includes "forbidden" comparisons (Goodman-Bacon 2021) —
 * {@link did} warns and reports Callaway–Sant'Anna alongside. Standard errors follow fixest: fixed effects
 * nested in the cluster do not count towards K.
 *
 * @example
 * ```ts
 * import { twfe } from "truelift";
 * twfe(layout, ctx).effect.estimate;
 * ```
 * @see Goodman-Bacon (2021), "Difference-in-differences with variation in treatment timing", J. Econometrics.
 */
export function twfe(layout: DidLayout, ctx: DidFitContext): DeepReadonly<DidRegression> {
  const group = groupEffect(layout);
  const absorb = [group, layout.time];
  const fit = fitDid(layout.frame, layout, [numericTerm(DID_COLUMNS.treated, DID_COLUMNS.post)], absorb, ctx);
  return summarize(
    `${layout.outcome} ~ treated:post${covariateText(layout)} | ${group} + ${layout.time}`,
    absorb,
    fit,
  );
}

/**
 * The column whose fixed effects stand for "group" in TWFE and the event study: the unit (panel), else the
 * cluster, else the cohort.
 *
 * @example
 * ```ts
 * import { groupEffect } from "truelift";
 * groupEffect(layout); // "workspace_id" for the tutorial spec
 * ```
 */
export function groupEffect(layout: DidLayout): string {
  return layout.unit ?? layout.cluster ?? DID_COLUMNS.cohort;
}

/**
 * The covariate part of a formula as text (for display only).
 *
 * @example
 * ```ts
 * import { covariateText } from "truelift";
 * covariateText(layout); // " + C(engagement_tier)"
 * ```
 */
export function covariateText(layout: Pick<DidLayout, "covariates">): string {
  return layout.covariates
    .map((f) => (f.kind === "numeric" ? ` + ${f.column}` : ` + C(${f.column})`))
    .join("");
}

function summarize(formula: string, absorb: readonly string[], fit: DeepReadonly<OlsResult>): DidRegression {
  return {
    formula,
    absorb,
    terms: fit.terms,
    effect: termOf(fit, DID_TERM),
    n: { obs: fit.n.obs, clusters: fit.n.clusters?.[0] ?? null },
  };
}

/** Re-exported for the event study: a term list builder shared by the design's regressions. */
export type { TermSpec };
