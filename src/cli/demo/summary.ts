import { intervalText, signed } from "../../core/format.js";
import { markdownTable } from "../output.js";
import type { DemoRow } from "./run.js";

/** Column headers of the one-screen summary. */
const HEADER = ["design", "naive", "truelift", "95% CI", "truth", "checks (key check)"] as const;

const DESIGN_NAMES: Record<DemoRow["design"], string> = {
  did: "DiD",
  propensity: "propensity",
  rdd: "RD",
  synth: "synth control",
  cluster: "cluster",
};

function cells(r: DemoRow): string[] {
  const covers = r.ciCoversTruth === null ? "" : r.ciCoversTruth ? " ✓" : " ✗";
  return [
    `${r.rollout} → ${DESIGN_NAMES[r.design]}`,
    signed(r.naive),
    signed(r.estimate),
    `${intervalText(r.ci)}${covers}`,
    signed(r.truth, 2),
    // The verdict over all checks is the report table's (one source); the key check is named beside it.
    `${r.verdict} (${r.keyCheck.label}: ${r.keyCheck.severity ?? "n/a"})`,
  ];
}

/** What the summary needs besides the rows. */
export interface DemoSummaryContext {
  readonly source: string;
  readonly replicates: number;
  readonly outDir: string;
  readonly seconds: number;
}

/**
 * The demo's one-screen text summary: one row per design (naive number, truelift's estimate, its 95% interval
 * with ✓ when it covers the ground truth, the truth, and the verdict over all checks — the report table's, from
 * `reportView` — with the design's key check beside it), a line of notes per design, a line saying why a headline
 * differs from its design command's (cluster), and where the report was written.
 *
 * @example
 * ```ts
 * console.log(demoSummaryText(run.rows, { source: "generated", replicates: 500, outDir: "truelift-report", seconds: 21 }));
 * ```
 */
export function demoSummaryText(rows: readonly DemoRow[], ctx: DemoSummaryContext): string {
  const table = rows.map(cells);
  const widths = HEADER.map((h, j) => Math.max(h.length, ...table.map((c) => c[j].length)));
  const line = (c: readonly string[]) =>
    c
      .map((v, j) => (j === 0 || j === c.length - 1 ? v.padEnd(widths[j]) : v.padStart(widths[j])))
      .join("  ")
      .trimEnd();
  return [
    `truelift demo — five rollouts that were not A/B tests (${ctx.source}, ${ctx.replicates} bootstrap replicates)`,
    "",
    line(HEADER),
    ...table.map(line),
    "",
    ...rows.map(
      (r) =>
        `  ${DESIGN_NAMES[r.design]}: naive = ${r.naiveLabel.toLowerCase()}; CI ${r.ciSource}; ${r.note}`,
    ),
    ...rows.flatMap((r) => (r.headlineNote ? [`  ${DESIGN_NAMES[r.design]}: ${r.headlineNote}`] : [])),
    "",
    "✓ = the 95% interval covers the effect the generator built in.",
    `Report: ${ctx.outDir}/index.html (also report.md, results.json) — ${ctx.seconds.toFixed(1)} s.`,
  ].join("\n");
}

/**
 * The summary as a Markdown table (`--format md`).
 *
 * @example
 * ```ts
 * demoSummaryMarkdown(run.rows).split("\n")[0]; // "| design | naive | truelift | 95% CI | truth | checks (key check) |"
 * ```
 */
export function demoSummaryMarkdown(rows: readonly DemoRow[]): string {
  return markdownTable([...HEADER], rows.map(cells));
}
