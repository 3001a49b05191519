import { fixed, intervalText, pValueText, signed } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics, termText } from "../shared/summary.js";
import type { ClusterResult } from "./cluster.js";

/** Cluster terms: four decimals and the reference distribution. */
const FOUR_DIGITS = { reference: true, adaptive: false } as const;

/** The summary of a cluster-randomized analysis (see {@link DesignSummary}). */
export type ClusterSummary = DesignSummary;

/**
 * Tidy summary of a {@link ClusterResult}: the headline estimate (labelled with its inference: cluster-mean
 * WLS, wild cluster bootstrap, randomization inference or none), the same effect under CR1 / CR2 /
 * CR3, the naive user-level answer for contrast, the two-exposure model and projected total with its assumption,
 * the small-K inference and the pairs bootstrap, then every diagnostic — the lines the CLI prints.
 *
 * With 4–11 clusters the headline is the CR2 term with Bell–McCaffrey df, labelled so.
 *
 * @example
 * ```ts
 * import { cluster, clusterSummary } from "truelift";
 * clusterSummary(cluster(frame, spec)).lines[0];
 * // { label: "Effect (cluster-mean WLS)", value: "+0.6723  SE 0.0652  95% CI [+0.5412, +0.8035]  p < 0.001  t(48)" }
 * ```
 */
export function clusterSummary(res: DeepReadonly<ClusterResult>): ClusterSummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const e = res.estimators;
  const headlineLabel = {
    t: "Effect (cluster-mean WLS)",
    "cr2-satterthwaite": "Effect (user-level OLS, CR2 SE, Bell–McCaffrey df)",
    "wild-bootstrap": `Effect (wild cluster bootstrap${res.smallK?.wild ? `, ${res.smallK.wild.treatment.weights}` : ""}; SE cluster-mean WLS)`,
    randomization: "Effect (randomization inference)",
    none: "Effect (no valid inference: too few clusters)",
  }[res.headlineInference];
  lines.push({ label: headlineLabel, value: termText(res.estimate, level, FOUR_DIGITS) });
  lines.push({
    label: "Design",
    value: `${res.n.obs.toLocaleString("en-US")} users in ${res.n.clusters} clusters (${res.n.treatedClusters} treated, ${res.n.controlClusters} control${res.n.strata ? `; ${res.n.strata} strata` : ""})`,
  });
  lines.push({ label: "User-level OLS, CR1", value: termText(e.cr1, level, FOUR_DIGITS) });
  lines.push({ label: "User-level OLS, CR2", value: termText(e.cr2, level, FOUR_DIGITS) });
  const cr3Label = e.cr3.name.endsWith("(clubSandwich)")
    ? "User-level OLS, CR3 (clubSandwich)"
    : "User-level OLS, CR3";
  lines.push({ label: cr3Label, value: termText(e.cr3, level, FOUR_DIGITS) });
  lines.push({
    label: "Naive user-level OLS",
    value: `${signed(e.naive.estimate)}  SE ${fixed(e.naive.se)}${res.naive.seRatio ? `  (${res.naive.seRatio.toFixed(1)}× too small: users treated as independent)` : ""}`,
  });
  const c = res.exposureCounts;
  if (res.twoExposure) {
    const t = res.twoExposure;
    lines.push({
      label: "Exposure groups",
      value: `${c.treated.toLocaleString("en-US")} treated / ${c.spillover.toLocaleString("en-US")} spillover / ${c.pureControl.toLocaleString("en-US")} pure control`,
    });
    lines.push({ label: "Direct effect (CR1)", value: termText(t.direct, level, FOUR_DIGITS) });
    lines.push({ label: "Spillover effect (CR1)", value: termText(t.spillover, level, FOUR_DIGITS) });
    lines.push({
      label: "Projected total",
      value: `${termText(t.projected.term, level, FOUR_DIGITS)}  (spillover share ${t.projected.spilloverShare.toFixed(4)}, ${t.projected.shareSource})`,
    });
  }
  const s = res.smallK;
  if (s?.wild) {
    const w = s.wild.treatment;
    lines.push({
      label: `Wild cluster bootstrap (${w.weights})`,
      value: `p ${pValueText(w.pValue)}  ${level}% CI ${intervalText(w.ci)}  (${w.enumerated ? `all ${w.reps} sign patterns` : `${w.reps} reps`}, restricted, test inversion)`,
    });
  }
  if (s?.randomization) {
    const r = s.randomization;
    lines.push({
      label: "Randomization inference",
      value: `p ${pValueText(r.pValue)}  ${level}% CI ${intervalText(r.ci)}  (${r.exact ? `all ${r.assignments.toLocaleString("en-US")} assignments` : `${r.reps} re-draws`})`,
    });
    const rr = r.rerandomization;
    if (rr) {
      lines.push({
        label: "Re-randomization",
        value: `balance on ${rr.covariates.join(", ")}: Mahalanobis distance ≤ ${rr.threshold.toPrecision(4)} (observed ${rr.observedDistance.toPrecision(4)}); ${rr.accepted.toLocaleString("en-US")} of ${rr.drawn.toLocaleString("en-US")} assignments accepted (${(100 * rr.acceptanceRate).toFixed(1)}%), p over the accepted only`,
      });
    }
  }
  if (res.bootstrap) {
    const b = res.bootstrap;
    const text = b.estimates.map((x) => `${x.name} ${intervalText(x.ci)}`).join("; ");
    lines.push({ label: `Pairs cluster bootstrap (${b.reps} reps)`, value: text });
  }
  return {
    title: `Cluster-randomized experiment on ${res.outcome}`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
