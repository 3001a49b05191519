import { fixed, pValueText, signed } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics, termText } from "../shared/summary.js";
import type { DidResult } from "./did.js";

/** DiD terms show their reference distribution (t with cluster df, or normal). */
const REF = { reference: true } as const;

/** The summary of a DiD result (see {@link DesignSummary}). */
export type DidSummary = DesignSummary;

/**
 * Tidy summary of a {@link DidResult}: the headline estimate with CI, the 2×2 table or the staggered estimates,
 * TWFE, the event-study leads test, the naive contrasts, and every diagnostic — the rows the CLI prints and
 * the report renders.
 *
 * @example
 * ```ts
 * import { did, didSummary } from "truelift";
 * didSummary(did(frame, spec)).lines[0]; // { label: "Effect (treated:post, regression)", value: "+0.0541  SE 0.0109 …" }
 * ```
 */
export function didSummary(res: DeepReadonly<DidResult>): DidSummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const vcov =
    res.vcov.type === "cluster"
      ? `CR1 by ${res.vcov.by.join(", ")} (${res.n.clusters} clusters)`
      : res.vcov.type === "hc"
        ? res.vcov.kind
        : "iid";
  const source = {
    regression: "regression DiD",
    "callaway-santanna": "Callaway–Sant'Anna overall ATT",
    twfe: "TWFE",
  }[res.estimateSource];
  lines.push({ label: `Effect (${source})`, value: termText(res.estimate, level, REF) });
  lines.push({ label: "Variance", value: vcov });
  const w = res.layout.window;
  lines.push({
    label: "Sample",
    value: `${res.n.obs.toLocaleString("en-US")} rows, periods ${w.from}–${w.to}${w.rowsOutside > 0 ? ` (${w.rowsOutside.toLocaleString("en-US")} rows outside the window)` : ""}`,
  });
  if (res.twoByTwo) {
    const c = res.twoByTwo.cells;
    const cell = (i: number) => `${fixed(c[i].mean)} (n ${c[i].n.toLocaleString("en-US")})`;
    lines.push({
      label: "Treated pre → post",
      value: `${cell(2)} → ${cell(3)}  change ${signed(res.twoByTwo.treatedChange)}`,
    });
    lines.push({
      label: "Comparison pre → post",
      value: `${cell(0)} → ${cell(1)}  change ${signed(res.twoByTwo.controlChange)}`,
    });
    lines.push({ label: "2×2 DiD", value: termText(res.twoByTwo.term, level, REF) });
  }
  if (res.staggered?.callawaySantAnna) {
    const cs = res.staggered.callawaySantAnna;
    for (const agg of [
      cs.aggregations.simple,
      cs.aggregations.dynamic,
      cs.aggregations.group,
      cs.aggregations.calendar,
    ]) {
      if (agg)
        lines.push({
          label: `CS ${agg.type} (${cs.estMethod}, ${cs.control} controls)`,
          value: termText(agg.overall, level, REF),
        });
    }
  }
  lines.push({
    label: `TWFE (${res.twfe.absorb.join(" + ")})`,
    value: termText(res.twfe.effect, level, REF),
  });
  if (res.staggered?.bacon) {
    lines.push({
      label: "Bacon decomposition",
      value: `TWFE = Σ weight × 2×2 over ${res.staggered.bacon.comparisons} comparisons; ${(100 * res.staggered.bacon.forbiddenWeight).toFixed(1)}% of the weight on already-treated controls`,
    });
  }
  if (res.placebo) {
    lines.push({
      label: "Placebo pre-trend slope",
      value: termText(res.placebo.slopeDifference, level, REF),
    });
  }
  if (res.eventStudy) {
    const t = res.eventStudy.leadsTest;
    const ref = t.df2 === null ? `χ²(${t.df1})` : `F(${t.df1}, ${t.df2})`;
    lines.push({
      label: "Event-study leads = 0",
      value: `${ref} = ${fixed(t.statistic, 3)}, p ${pValueText(t.pValue)}`,
    });
  }
  lines.push({
    label: "Naive post-period gap",
    value: `${signed(res.naive.postGap.estimate)} (treated vs comparison after launch)`,
  });
  lines.push({
    label: "Naive before/after",
    value: `${signed(res.naive.beforeAfter.estimate)} (treated group only)`,
  });
  return {
    title: `Difference-in-differences (${res.design}) on ${res.outcome}`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
