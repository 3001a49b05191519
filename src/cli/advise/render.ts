import type { Advice } from "./recommend.js";

/**
 * The advisor's answer as terminal text: the design and why, the columns (✓ given, · placeholder), the
 * assumptions with their checks, the steps (A/B) and the command to run.
 *
 * @example
 * ```ts
 * adviceText(recommend({ rollout: "waves" })).split("\n")[0]; // "Design: difference-in-differences"
 * ```
 */
export function adviceText(a: Advice): string {
  const lines = [`Design: ${a.designName}`, "", a.why, ""];
  if (a.columns.length > 0) {
    lines.push("Columns it needs:");
    for (const c of a.columns) lines.push(`  ${c.given ? "✓" : "·"} ${c.role}: ${c.name} — ${c.description}`);
    lines.push("");
  }
  if (a.assumptions.length > 0) {
    lines.push("Assumptions to check:");
    for (const s of a.assumptions) {
      lines.push(`  - ${s.assumption}`, `    check: ${s.check}${s.diagnostic ? ` (${s.diagnostic})` : ""}`);
    }
    lines.push("");
  }
  if (a.steps.length > 0) {
    lines.push("How to analyse it:");
    a.steps.forEach((s, i) => {
      lines.push(`  ${i + 1}. ${s}`);
    });
    lines.push("");
  }
  if (a.command !== "") {
    lines.push("Run:", ...a.command.split("\n").map((l) => `  ${l}`), "");
  }
  for (const n of a.notes) lines.push(`Note: ${n}`);
  return lines.join("\n").trimEnd();
}

/**
 * The advisor's answer as Markdown (`--format md`).
 *
 * @example
 * ```ts
 * adviceMarkdown(recommend({ rollout: "toggle" })).startsWith("## Design: propensity"); // true
 * ```
 */
export function adviceMarkdown(a: Advice): string {
  const cell = (s: string) => s.replace(/\|/g, "\\|");
  const lines = [`## Design: ${a.designName}`, "", a.why, ""];
  if (a.columns.length > 0) {
    lines.push("| role | column | given | what |", "|---|---|---|---|");
    for (const c of a.columns) {
      lines.push(
        `| ${cell(c.role)} | \`${cell(c.name)}\` | ${c.given ? "yes" : "no"} | ${cell(c.description)} |`,
      );
    }
    lines.push("");
  }
  if (a.assumptions.length > 0) {
    lines.push("### Assumptions to check", "");
    for (const s of a.assumptions) {
      lines.push(`- **${s.assumption}** — ${s.check}${s.diagnostic ? ` (\`${s.diagnostic}\`)` : ""}`);
    }
    lines.push("");
  }
  if (a.steps.length > 0) {
    lines.push("### How to analyse it", "");
    a.steps.forEach((s, i) => {
      lines.push(`${i + 1}. ${s}`);
    });
    lines.push("");
  }
  if (a.command !== "") {
    lines.push("```sh", a.command, "```", "");
  }
  for (const n of a.notes) lines.push(`> ${n}`);
  return lines.join("\n").trimEnd();
}
