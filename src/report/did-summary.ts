import type { DeepReadonly, Term } from "../core/result.js";
import type { DidResult } from "../designs/did/did.js";
import { fixed, intervalText, pValueText, signed } from "./format.js";

/** One line of a design summary: a label and its value. */
export interface SummaryLine {
  readonly label: string;
  readonly value: string;
}

/** The summary of a DiD result as labelled lines (the headline first) and its diagnostics. */
export interface DidSummary {
  readonly title: string;
  readonly lines: readonly SummaryLine[];
  readonly diagnostics: readonly {
    readonly severity: string;
    readonly code: string;
    readonly message: string;
  }[];
}

function termText(t: Term, level: number): string {
  const ref = t.df === null ? "normal" : `t(${Math.round(t.df * 10) / 10})`;
  const digits = Math.abs(t.estimate) < 0.01 ? 5 : 4;
  return `${signed(t.estimate, digits)}  SE ${fixed(t.se, digits)}  ${level}% CI ${intervalText(t.ci, digits)}  p ${pValueText(t.pValue)}  ${ref}`;
}

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
  lines.push({ label: `Effect (${source})`, value: termText(res.estimate, level) });
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
    lines.push({ label: "2×2 DiD", value: termText(res.twoByTwo.term, level) });
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
          value: termText(agg.overall, level),
        });
    }
  }
  lines.push({ label: `TWFE (${res.twfe.absorb.join(" + ")})`, value: termText(res.twfe.effect, level) });
  if (res.staggered?.bacon) {
    lines.push({
      label: "Bacon decomposition",
      value: `TWFE = Σ weight × 2×2 over ${res.staggered.bacon.comparisons} comparisons; ${(100 * res.staggered.bacon.forbiddenWeight).toFixed(1)}% of the weight on already-treated controls`,
    });
  }
  if (res.placebo) {
    lines.push({ label: "Placebo pre-trend slope", value: termText(res.placebo.slopeDifference, level) });
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
    diagnostics: res.diagnostics.map((d) => ({ severity: d.severity, code: d.code, message: d.message })),
  };
}

/**
 * Plain-text rendering of a {@link DidSummary} (one screen).
 *
 * @example
 * ```ts
 * import { didSummary, summaryText } from "truelift";
 * console.log(summaryText(didSummary(result)));
 * ```
 */
export function summaryText(s: DidSummary): string {
  const width = Math.max(...s.lines.map((l) => l.label.length));
  return [
    s.title,
    ...s.lines.map((l) => `  ${l.label.padEnd(width)}  ${l.value}`),
    "Diagnostics",
    ...s.diagnostics.map((d) => `  [${d.severity}] ${d.message}`),
  ].join("\n");
}

/**
 * Markdown rendering of a {@link DidSummary}.
 *
 * @example
 * ```ts
 * import { didSummary, summaryMarkdown } from "truelift";
 * summaryMarkdown(didSummary(result)).startsWith("### "); // true
 * ```
 */
export function summaryMarkdown(s: DidSummary): string {
  const esc = (v: string) => v.replaceAll("|", "\\|");
  return [
    `### ${esc(s.title)}`,
    "",
    "| quantity | value |",
    "|---|---|",
    ...s.lines.map((l) => `| ${esc(l.label)} | ${esc(l.value)} |`),
    "",
    ...s.diagnostics.map((d) => `- **${d.severity}** \`${d.code}\`: ${esc(d.message)}`),
  ].join("\n");
}
