import { escapeMarkdown as esc } from "./escape.js";
import type { ReportMeta } from "./report-types.js";
import { estimateWithCi, evidenceItems, type ReportView } from "./report-view.js";

/**
 * Renders the Markdown report from the same section views as the HTML: an overview table, then per analysis the
 * question, the estimate in words, the headline numbers, each check with its severity and evidence, "what to do
 * next", the chart titles (the charts themselves are in index.html), the summary lines and provenance.
 * User-provided strings are escaped for Markdown (and raw HTML is neutralised).
 *
 * @example
 * ```ts
 * import { renderMarkdown, reportView } from "truelift";
 * renderMarkdown([reportView(analysis)], meta).startsWith("# "); // true
 * ```
 */
export function renderMarkdown(views: readonly ReportView[], meta: ReportMeta): string {
  const out: string[] = [];
  out.push(`# ${esc(meta.title)}`, "");
  out.push(
    `Generated ${esc(meta.generatedAt)} by truelift ${esc(meta.version)}${meta.source ? ` from ${esc(meta.source)}` : ""}.`,
    "",
  );
  if (meta.intro) out.push(esc(meta.intro), "");
  out.push("| Analysis | Design | Naive | truelift (CI) | Truth | Checks |", "|---|---|---|---|---|---|");
  for (const v of views) {
    const a = v.analysis;
    const naive = v.numbers.find((n) => n.key === "naive")?.text ?? "—";
    const truth = v.numbers.find((n) => n.key === "truth")?.text ?? "—";
    out.push(
      `| ${esc(a.title)} | ${a.design} | ${naive} | ${estimateWithCi(v)} | ${truth} | ${v.verdict.toUpperCase()} |`,
    );
  }
  out.push("");
  for (const v of views) {
    const a = v.analysis;
    out.push(`## ${esc(a.title)}`, "", `*${esc(a.question)}*`, "", esc(v.sentence), "");
    out.push("| Quantity | Value |", "|---|---|");
    for (const n of v.numbers) out.push(`| ${esc(n.label)} | ${n.text} |`);
    out.push("", `### Checks (${v.counts.pass} pass, ${v.counts.warn} warn, ${v.counts.fail} fail)`, "");
    for (const d of a.diagnostics) {
      const ev = evidenceItems(d.evidence);
      out.push(
        `- **${d.severity.toUpperCase()}** ${esc(d.message)} (\`${d.code.replaceAll("`", "")}\`)${ev.length > 0 ? ` — ${ev.map(esc).join("; ")}` : ""}`,
      );
    }
    if (a.diagnostics.length === 0) out.push("- No checks reported.");
    out.push("");
    if (v.nextSteps.length > 0) {
      out.push("### What to do next", "");
      for (const s of v.nextSteps) out.push(`- ${esc(s)}`);
      out.push("");
    }
    if (a.charts.length > 0) {
      out.push("### Charts (in index.html)", "");
      for (const c of a.charts) out.push(`- ${esc(c.title)}`);
      out.push("");
    }
    if (a.lines.length > 0) {
      out.push("### Details", "", "| Quantity | Value |", "|---|---|");
      for (const l of a.lines) out.push(`| ${esc(l.label)} | ${esc(l.value)} |`);
      out.push("");
    }
    const p = a.provenance;
    out.push("### Provenance", "");
    out.push(`- Data SHA-256: ${p.inputHash === null ? "n/a" : `\`${esc(p.inputHash)}\``}`);
    out.push(`- Seed: ${p.seed === null ? "none" : String(p.seed)}`);
    out.push(`- truelift ${esc(p.version)}, engine ${esc(p.engine)}`);
    out.push(
      "",
      "```json",
      JSON.stringify(p.spec, null, 2)
        .replaceAll("<", "\\u003c")
        .replaceAll(">", "\\u003e")
        .replaceAll("`", "\\u0060"),
      "```",
      "",
    );
  }
  return out.join("\n");
}
