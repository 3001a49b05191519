import type { DiagnosticContext } from "./template.js";

const signed = (x: number, digits = 4): string => (x >= 0 ? "+" : "−") + Math.abs(x).toFixed(digits);
const pText = (p: number | null): string =>
  p === null ? "p n/a" : p < 0.001 ? "p < 0.001" : `p = ${p.toFixed(3)}`;
const int = (x: number): string => Math.round(x).toLocaleString("en-US");
const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
const fixed3 = (x: number | null): string => (x === null ? "n/a" : x.toFixed(3));

/**
 * Message templates of the cluster-randomized experiment diagnostics (analysis, assignment, power) and of the
 * shared few-clusters rule, keyed by code: each writes the message a reader sees from the evidence (and, for a
 * few codes, display-only details such as the cluster column's name). The codes and summaries are in
 * `DIAGNOSTIC_CATALOGUE`.
 *
 * @example
 * ```ts
 * CLUSTER_MESSAGES.D_POWER_ICC_TRUNCATED({ iccRaw: -0.01 });
 * // "The ANOVA ICC estimate was negative (-0.0100) and was set to 0: …"
 * ```
 */
export const CLUSTER_MESSAGES = {
  D_FEW_CLUSTERS: (
    e:
      | { clusters: number; threshold: number }
      | { clusters: number; threshold: number; smallKAdded: boolean },
    c: DiagnosticContext,
    d: { column: string },
  ): string => {
    const { clusters, threshold } = e;
    if (!("smallKAdded" in e))
      return c.severity === "warn"
        ? `Only ${clusters} clusters of ${d.column}: CR1 standard errors are anti-conservative with fewer than ${threshold}; confirm with the wild cluster bootstrap.`
        : `${clusters} clusters of ${d.column}: enough for CR1 inference.`;
    return c.severity === "warn"
      ? `Only ${clusters} clusters of ${d.column}: with fewer than ${threshold}, cluster-robust t tests reject a true null too often (the SE is estimated from ${clusters} cluster totals). ${e.smallKAdded ? "The wild cluster bootstrap and randomization inference were added; trust them over CR1." : "Turn on the wild cluster bootstrap and randomization inference (inference.smallK)."}`
      : `${clusters} clusters of ${d.column}: enough for cluster-robust t inference (the rule of thumb is ${threshold}; it is a guide, not a guarantee — very unequal cluster sizes need more).`;
  },
  D_CLUSTER_UNEQUAL_SIZES: (
    e: { min: number; median: number; max: number; mean: number; cv: number; threshold: number },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `Cluster sizes range from ${int(e.min)} to ${int(e.max)} users (CV ${e.cv.toFixed(2)}): the big clusters dominate the estimate and CR1 is unreliable; read the CR2 (Bell–McCaffrey df) and wild-bootstrap results.`
      : `Cluster sizes are similar: ${int(e.min)}–${int(e.max)} users (median ${int(e.median)}, CV ${e.cv.toFixed(2)}).`,
  D_CLUSTER_ICC: (
    e:
      | { icc: null }
      | { icc: number | null; designEffect: number; effectiveUsers: number; meanSize: number; cv: number },
    _c: DiagnosticContext,
    d?: { users: number },
  ): string =>
    !("designEffect" in e) || d === undefined
      ? "Too few clusters or users to estimate the ICC."
      : `Users in the same cluster are alike (ICC ${e.icc === null ? "n/a" : e.icc.toFixed(3)}): with ${int(e.meanSize)} users per cluster the design effect is ${e.designEffect.toFixed(1)}, so the ${int(d.users)} users carry the information of about ${int(e.effectiveUsers)} independent ones.`,
  D_CLUSTER_SPILLOVER_PROVENANCE: (
    e: {
      source: "flag" | "edges";
      provenance: "proxy" | "observed";
      rule: string;
      treated: number;
      spillover: number;
      pureControl: number;
      share: number | null;
      edgesRead: number | null;
      edgesUnknown: number | null;
    },
    _c: DiagnosticContext,
    d: { column: string | null; skipped: string | null },
  ): string => {
    const counts = `${int(e.treated)} treated, ${int(e.spillover)} spillover-exposed, ${int(e.pureControl)} pure control`;
    if (d.skipped) return `${d.skipped} (${counts}).`;
    if (e.provenance === "proxy")
      return `Spillover exposure comes from a behavioural flag ('${d.column}'), a proxy for contact with treated users (${counts}). Users who chose that behaviour may differ from those who did not, so the spillover estimate can mix exposure with self-selection; an observed collaboration graph (edge list) is the safer basis.`;
    const unknown = e.edgesUnknown ?? 0;
    return e.source === "edges"
      ? `Spillover exposure comes from an observed collaboration graph (${int(e.edgesRead ?? 0)} edges, rule '${e.rule}'${e.edgesRead !== null && unknown > 0 ? `; ${int(unknown)} edges name users not in the data and were skipped` : ""}): ${counts}.`
      : `Spillover exposure comes from a flag declared as observed ('${d.column}'): ${counts}.`;
  },
  D_CLUSTER_NO_SPILLOVER: (_e: Record<string, never>): string =>
    "No exposure flag or edge list was given, so the effect is the total effect of treating a cluster; direct and spillover effects are not separated.",
  D_CLUSTER_NAIVE_SE: (e: {
    naiveSe: number | null;
    clusterSe: number | null;
    ratio: number | null;
  }): string =>
    e.ratio === null || e.naiveSe === null || e.clusterSe === null
      ? "The naive and cluster-level SEs could not both be computed."
      : e.ratio > 1.5
        ? `The naive user-level SE (${e.naiveSe.toFixed(4)}) is ${e.ratio.toFixed(1)}× too small: treatment was assigned to whole clusters, so users are not independent; report the cluster-level SE (${e.clusterSe.toFixed(4)}).`
        : `The naive user-level SE (${e.naiveSe.toFixed(4)}) is close to the cluster-level one (${e.clusterSe.toFixed(4)}): little clustering in this outcome.`,
  D_CLUSTER_SMALL_K_INFERENCE: (
    e: {
      wildPValue: number | null;
      wildLower: number | null;
      wildUpper: number | null;
      riPValue: number | null;
      riLower: number | null;
      riUpper: number | null;
      riMinPValue: number | null;
      cr1PValue: number | null;
    },
    c: DiagnosticContext,
    d: {
      estimate: number;
      wild: { weights: string; enumerated: boolean; reps: number } | null;
      randomization: { exact: boolean; assignments: number; reps: number } | null;
    },
  ): string => {
    const parts: string[] = [];
    const w = d.wild;
    const r = d.randomization;
    if (w)
      parts.push(
        `wild cluster bootstrap (${w.weights}, ${w.enumerated ? `all ${int(w.reps)} sign patterns` : `${int(w.reps)} reps`}) ${pText(e.wildPValue)}`,
      );
    if (r)
      parts.push(
        `randomization inference (${r.exact ? `all ${int(r.assignments)} assignments` : `${int(r.reps)} re-draws`}) ${pText(e.riPValue)}`,
      );
    parts.push(`CR1 ${pText(e.cr1PValue)}`);
    return `Small-K inference for the effect ${signed(d.estimate)}: ${parts.join("; ")}.${c.severity === "warn" ? ` With only ${int(r?.assignments ?? 0)} possible assignments no randomization p-value can fall below ${(e.riMinPValue ?? 0).toFixed(3)}.` : ""}`;
  },
  D_CLUSTER_TOO_FEW: (
    e: {
      clusters: number;
      minimum: number;
      riPValue: number | null;
      riMinPValue: number | null;
      riAssignments: number | null;
      alpha: number;
    },
    _c: DiagnosticContext,
    d: { column: string },
  ): string => {
    const why =
      e.clusters === 2
        ? "with an intercept and a treatment effect fitted, 2 cluster totals leave no degree of freedom for the variance: every cluster's score is exactly 0, so CR1/CR2/CR3 would show a standard error of 0, a zero-width interval and a spurious p < 0.001"
        : `with an intercept and a treatment effect fitted, ${e.clusters} cluster totals leave only ${e.clusters - 2} degree${e.clusters - 2 === 1 ? "" : "s"} of freedom for the variance, too few for any cluster-robust standard error or bootstrap to mean anything`;
    const ri =
      e.riPValue === null || e.riAssignments === null || e.riMinPValue === null
        ? "Randomization inference was switched off, so no valid p-value or interval is reported at all: the estimate stands without inference."
        : `Only randomization inference over all ${int(e.riAssignments)} possible assignments is reported (${pText(e.riPValue)})${e.riMinPValue >= e.alpha ? `, and it cannot give a ${Math.round(100 * (1 - e.alpha))}% interval: no p-value can fall below ${e.riMinPValue.toFixed(3)}` : ""}.`;
    return `Only ${e.clusters} clusters of ${d.column}: cluster-robust standard errors (CR1, CR2, CR3), the wild cluster bootstrap and the pairs cluster bootstrap are not reported — ${why}. ${ri} Randomize at least ${e.minimum} clusters (12 or more for reliable intervals).`;
  },
  D_CLUSTER_CI_UNBOUNDED: (
    e: { method: string; minPValue: number; alpha: number; clusters: number; patterns: number },
    _c: DiagnosticContext,
    d: { weights: string | null },
  ): string =>
    `No ${Math.round(100 * (1 - e.alpha))}% interval from the ${e.method}${d.weights ? ` (${d.weights} weights)` : ""}: with ${e.clusters} clusters and ${int(e.patterns)} ${e.method === "randomization inference" ? "possible assignments" : "weight patterns"} the smallest p-value any effect size can reach is ${e.minPValue.toFixed(3)} ≥ ${e.alpha}, so no value is rejected and the set is the whole line.${d.weights === "rademacher" ? " Use Webb's six-point weights (inference.wild.weights: 'webb'), whose 6^G patterns allow a far smaller p-value." : ""}`,
  D_ASSIGN_BALANCE: (
    e: { maxAbsSmd: number | null; worstCovariate: string; covariates: number },
    c: DiagnosticContext,
  ): string =>
    c.severity === "pass"
      ? `Cluster covariates are balanced: the largest standardized difference is ${fixed3(e.maxAbsSmd)} (${e.worstCovariate}).`
      : `Arms differ on ${e.worstCovariate} (standardized difference ${e.maxAbsSmd === null ? "unbounded" : fixed3(e.maxAbsSmd)}): adjust for it in the analysis, or stratify / re-randomize on it before launch.`,
  D_ASSIGN_RERANDOMIZED: (e: {
    criterion: string;
    threshold: number;
    draws: number;
    statistic: number | null;
  }): string =>
    `Re-randomized ${e.draws} time${e.draws === 1 ? "" : "s"} until ${e.criterion === "max-smd" ? "max |SMD|" : "the Mahalanobis distance"} ≤ ${e.threshold}; analyse with randomization inference that re-draws under this same rule (classical SEs are conservative here).`,
  D_ASSIGN_ODD_BLOCKS: (
    e: { blocks: number; realisedShare: number; targetShare: number },
    _c: DiagnosticContext,
    d: { treated: number; clusters: number },
  ): string =>
    `${e.blocks} block${e.blocks === 1 ? "" : "s"} could not be split exactly at ${e.targetShare}; ${d.treated} of ${d.clusters} clusters are treated (share ${fixed3(e.realisedShare)}).`,
  D_POWER_FEW_CLUSTERS: (
    e: { clusters: number; threshold: number; mdeT: number; mdeNormal: number; mdeInflation: number },
    c: DiagnosticContext,
  ): string =>
    c.severity === "warn"
      ? `Only ${e.clusters} clusters (fewer than ${e.threshold}): with so few independent units the normal approximation is too optimistic (the t(${e.clusters - 2}) MDE is ${pct(e.mdeInflation)} larger) and CR1 standard errors over-reject. Plan the analysis with the wild cluster bootstrap or randomization inference, and add clusters rather than users if you can.`
      : `${e.clusters} clusters: t and normal references give nearly the same MDE (${pct(e.mdeInflation)} apart), so large-sample cluster-robust inference is reasonable.`,
  D_POWER_ICC_SOURCE: (
    e: {
      icc: number;
      source: "given" | "estimated";
      msb: number | null;
      msw: number | null;
      n0: number | null;
    },
    _c: DiagnosticContext,
    d: { rows: number | undefined; clusters: number | undefined },
  ): string =>
    e.source === "given"
      ? `ICC ${e.icc} was given; the MDE grows roughly with √(1 + (m̄ − 1)·ICC), so check it against past data.`
      : `ICC ${e.icc.toFixed(4)} estimated by one-way ANOVA from ${d.rows} rows in ${d.clusters} clusters; estimate it on pre-experiment data, since an effect that differs by cluster inflates it.`,
  D_POWER_ICC_TRUNCATED: (e: { iccRaw: number }): string =>
    `The ANOVA ICC estimate was negative (${e.iccRaw.toFixed(4)}) and was set to 0: the design effect is 1 here, which is optimistic if clustering exists.`,
  D_POWER_UNEQUAL_SIZES: (e: { cv: number; designEffect: number; designEffectEqualSizes: number }): string =>
    `Cluster sizes vary (CV ${e.cv.toFixed(2)}): the design effect is ${e.designEffect.toFixed(2)} instead of ${e.designEffectEqualSizes.toFixed(2)} for equal sizes.`,
} as const;
