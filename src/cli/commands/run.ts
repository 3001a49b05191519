import { availableParallelism } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { assertWritable } from "../../data/index.js";
import { chartRenderer } from "../../report/chart-renderer.js";
import { renderReport, writeReport } from "../../report/report.js";
import { REPORT_FILES, type ReportAnalysis } from "../../report/report-types.js";
import { estimateWithCi, reportView } from "../../report/report-view.js";
import { executeRunSpec, readRunSpec, runSpecBaseDir } from "../../run/execute.js";
import { packageVersion, reportTimestamp } from "../build-info.js";
import { defineCommand } from "../command.js";
import { markdownTable } from "../output.js";

interface RunRow {
  readonly id: string;
  readonly design: string;
  readonly naive: string;
  readonly estimate: string;
  readonly truth: string;
  readonly checks: string;
}

function rows(analyses: readonly ReportAnalysis[]): RunRow[] {
  return analyses.map((a) => {
    const v = reportView(a);
    const n = (k: string) => v.numbers.find((x) => x.key === k)?.text ?? "—";
    return {
      id: a.id,
      design: a.design,
      naive: n("naive"),
      estimate: estimateWithCi(v),
      truth: n("truth"),
      checks: `${v.verdict} (${v.counts.pass} pass, ${v.counts.warn} warn, ${v.counts.fail} fail)`,
    };
  });
}

const HEADER = ["analysis", "design", "naive", "truelift [CI]", "truth", "checks"];

function textTable(r: readonly RunRow[]): string {
  const cells = [HEADER, ...r.map((x) => [x.id, x.design, x.naive, x.estimate, x.truth, x.checks])];
  const widths = HEADER.map((_, j) => Math.max(...cells.map((c) => c[j].length)));
  return cells
    .map((c) =>
      c
        .map((v, j) => v.padEnd(widths[j]))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

/**
 * `truelift run spec.json|yaml`: runs a declarative analysis spec (named data sources, several analyses of any
 * design, report options; schema in docs/spec.schema.json) and writes the report — `index.html`, `report.md`,
 * `results.json` — to `report.out` (relative to the spec file) or `--out`. `--check` only validates the spec;
 * `--print-spec` prints the validated spec with every default filled in.
 *
 * @example
 * ```sh
 * truelift run analysis.yaml
 * truelift run analysis.json --out review-2026-11 --format json
 * truelift run analysis.yaml --check
 * ```
 */
export default defineCommand({
  meta: {
    name: "run",
    description:
      "Run a declarative analysis spec (JSON or YAML) and write the HTML / Markdown / JSON report.",
    examples: [
      "truelift run analysis.yaml",
      "truelift run analysis.json --out review",
      "truelift run analysis.yaml --check",
    ],
  },
  positionals: [
    {
      name: "spec",
      description: "run spec (.json, .yaml or .yml); schema: docs/spec.schema.json",
      required: true,
    },
  ],
  options: {
    check: { flags: "--check", description: "validate the spec (and its design specs) without running it" },
    title: { flags: "--title <text>", description: "report title (overrides report.title)" },
    printSpec: { flags: "--print-spec", description: "print the validated spec with defaults filled in" },
  },
  async run({ positionals, options, global, io }) {
    const specPath = resolve(io.cwd, positionals[0] as string);
    const spec = readRunSpec(specPath);
    if (options.printSpec === true || options.check === true) {
      const json = JSON.stringify(spec, null, 2);
      const ok = `Run spec ${positionals[0]} is valid: ${spec.analyses.length} analys${spec.analyses.length === 1 ? "is" : "es"} on ${Object.keys(spec.data).length} data source(s).`;
      return {
        data: options.printSpec === true ? spec : { command: "run", valid: true, spec },
        text: () => (options.printSpec === true ? json : ok),
        markdown: () => (options.printSpec === true ? `\`\`\`json\n${json}\n\`\`\`` : ok),
      };
    }
    const baseDir = runSpecBaseDir(specPath);
    const outDir =
      global.out !== undefined
        ? resolve(io.cwd, global.out)
        : isAbsolute(spec.report.out)
          ? spec.report.out
          : resolve(baseDir, spec.report.out);
    assertWritable(outDir, "dir");
    const progress = io.stderrIsTTY ? (m: string) => io.stderr(`${m}…\n`) : undefined;
    const analyses = await executeRunSpec(spec, { baseDir, ...(progress ? { onProgress: progress } : {}) });
    progress?.("Rendering the report");
    // Many charts render on two worker threads at once (each loads Vega, so a few render on this thread).
    const chartCount = analyses.reduce((n, a) => n + a.charts.length, 0);
    const renderer = chartRenderer({ threads: chartCount >= 6 ? Math.min(2, availableParallelism()) : 0 });
    let rendered: Awaited<ReturnType<typeof renderReport>>;
    try {
      rendered = await renderReport(
        analyses,
        {
          title: typeof options.title === "string" ? options.title : spec.report.title,
          generatedAt: reportTimestamp(io.env),
          version: packageVersion(),
          source: relative(io.cwd, specPath) || specPath,
        },
        { renderer },
      );
    } finally {
      await renderer.close();
    }
    await writeReport(outDir, rendered, { formats: spec.report.format });
    const files = spec.report.format.map((f) => join(outDir, REPORT_FILES[f]));
    const shown = files.map((f) => relative(io.cwd, f) || f);
    const table = rows(analyses);
    return {
      data: {
        command: "run",
        spec: relative(io.cwd, specPath) || specPath,
        out: outDir,
        files,
        analyses: table,
      },
      text: () => `${textTable(table)}\n\nWrote ${shown.join(", ")}`,
      markdown: () =>
        `${markdownTable(
          HEADER,
          table.map((x) => [x.id, x.design, x.naive, x.estimate, x.truth, x.checks]),
        )}\n\nWrote ${shown.map((s) => `\`${s}\``).join(", ")}`,
      diagnostics: analyses.flatMap((a) => a.diagnostics),
    };
  },
});
