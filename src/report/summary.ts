import type { DesignSummary } from "../designs/shared/summary.js";

/**
 * Plain-text rendering of a {@link DesignSummary} (one screen).
 *
 * @example
 * ```ts
 * import { didSummary, summaryText } from "truelift";
 * console.log(summaryText(didSummary(result)));
 * ```
 */
export function summaryText(s: DesignSummary): string {
  const width = Math.max(...s.lines.map((l) => l.label.length));
  return [
    s.title,
    ...s.lines.map((l) => `  ${l.label.padEnd(width)}  ${l.value}`),
    "Diagnostics",
    ...s.diagnostics.map((d) => `  [${d.severity}] ${d.message}`),
  ].join("\n");
}

/**
 * Markdown rendering of a {@link DesignSummary}.
 *
 * @example
 * ```ts
 * import { didSummary, summaryMarkdown } from "truelift";
 * summaryMarkdown(didSummary(result)).startsWith("### "); // true
 * ```
 */
export function summaryMarkdown(s: DesignSummary): string {
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
