import { resolve } from "node:path";
import { assertWritable } from "../../data/index.js";
import { chartRenderer } from "../../report/chart-renderer.js";
import { renderReport, writeReport } from "../../report/report.js";
import type { ReportMeta } from "../../report/report-types.js";
import { parseInteger } from "../args.js";
import { packageVersion, reportTimestamp } from "../build-info.js";
import { defineCommand } from "../command.js";
import { demoData } from "../demo/data.js";
import { demoProgress } from "../demo/progress.js";
import { runDemo } from "../demo/run.js";
import { demoSummaryMarkdown, demoSummaryText } from "../demo/summary.js";
import { DEMO_REPLICATES, demoSpecs } from "../demo/tutorial.js";

const INTRO =
  "Five AI features, five rollouts that were not clean A/B tests, one synthetic SaaS dataset with known ground " +
  "truth. For each: the number a naive comparison gives, the number truelift gives with an honest interval, " +
  "and the evidence for each assumption that number rests on.";

/**
 * `truelift demo`: generates the tutorial dataset (seeded; 50,000 users by default, with the cluster scenario's
 * `session_minutes_obs`) or loads `--data` (plus `--cluster-outcome` joined on user_id), runs the five designs
 * with the tutorials' specifications (500 bootstrap replicates; `--quick` 50), prints a one-screen summary —
 * naive vs truelift vs ground truth with each design's verdict (the report's) and key check — and writes the
 * report (`index.html`, `report.md`, `results.json`) to `--out` (default `truelift-report/`). A progress bar
 * shows on a terminal.
 *
 * @example
 * ```sh
 * truelift demo
 * truelift demo --quick --out /tmp/report
 * truelift demo --data test/fixtures/saas_llm_logs_seed42.csv.gz --cluster-outcome test/fixtures/cluster_outcome_seed42.csv.gz
 * ```
 */
export default defineCommand({
  meta: {
    name: "demo",
    description:
      "Run all five designs on the tutorial dataset: naive vs truelift vs ground truth, and an HTML report.",
    examples: [
      "truelift demo",
      "truelift demo --quick --out /tmp/truelift-report",
      "truelift demo --users 200000 --seed 7 --format json",
      "truelift demo --data saas_llm_logs_seed42.csv --cluster-outcome cluster_outcome_seed42.csv",
    ],
  },
  options: {
    users: { flags: "--users <n>", description: "users to generate (default 50000)", default: "50000" },
    data: { flags: "--data <path>", description: "use this dataset (the tutorial's 16 columns) instead" },
    clusterOutcome: {
      flags: "--cluster-outcome <path>",
      description: "user_id, session_minutes_obs file joined to --data on user_id",
    },
    quick: {
      flags: "--quick",
      description: `${DEMO_REPLICATES.quick} bootstrap replicates instead of ${DEMO_REPLICATES.full}`,
    },
    reps: { flags: "--reps <n>", description: "bootstrap replicates (overrides --quick)" },
  },
  async run({ options, global, io }) {
    const t0 = performance.now();
    const seed = global.seed ?? 42;
    const users = parseInteger("--users", options.users ?? "50000", { min: 1000, max: 2147483647 });
    const reps =
      options.reps !== undefined
        ? parseInteger("--reps", options.reps, { min: 2, max: 100000 })
        : options.quick === true
          ? DEMO_REPLICATES.quick
          : DEMO_REPLICATES.full;
    const outDir = resolve(io.cwd, global.out ?? "truelift-report");
    assertWritable(outDir, "dir");
    const progress = demoProgress(7, io.stderrIsTTY && io.env.CI === undefined);
    await progress.step("loading data");
    let run: Awaited<ReturnType<typeof runDemo>>;
    let source: string;
    let inputHash: string;
    let nrows: number;
    const version = packageVersion();
    // Each design's charts render on a worker thread (loading Vega meanwhile) while the next design computes. One
    // worker: the designs run on this thread, so on two cores a second worker would slow them more than it helps.
    const renderer = chartRenderer({ warm: true });
    let tData = t0;
    let tDesigns = t0;
    try {
      const data = await demoData({
        cwd: io.cwd,
        seed,
        users,
        data: typeof options.data === "string" ? options.data : undefined,
        clusterOutcome: typeof options.clusterOutcome === "string" ? options.clusterOutcome : undefined,
      });
      tData = performance.now();
      source = data.source;
      inputHash = data.inputHash;
      nrows = data.frame.nrows;
      run = await runDemo(data.frame, demoSpecs(reps, seed), { seed, inputHash, progress, renderer });
      tDesigns = performance.now();
      await progress.step("rendering the report");
      const meta: ReportMeta = {
        title: "truelift demo: five rollouts, five designs",
        generatedAt: reportTimestamp(io.env),
        version,
        source: `truelift demo — ${source}, seed ${seed}, ${reps} bootstrap replicates`,
        intro: INTRO,
      };
      await writeReport(outDir, await renderReport(run.analyses, meta, { renderer }));
    } finally {
      progress.done();
      await renderer.close();
    }
    const tEnd = performance.now();
    const seconds = (tEnd - t0) / 1000;
    const data = {
      command: "demo",
      version,
      seed,
      replicates: reps,
      source,
      inputHash,
      users: nrows,
      report: { dir: outDir, files: ["index.html", "report.md", "results.json"] },
      rows: run.rows.map((r) => ({ ...r, ci: r.ci ? [...r.ci] : null })),
      // data: generate or load; designs: by design; report: what is left of chart rendering, and writing.
      seconds: {
        total: seconds,
        data: (tData - t0) / 1000,
        ...run.seconds,
        report: (tEnd - tDesigns) / 1000,
      },
    };
    return {
      data,
      text: () =>
        demoSummaryText(run.rows, {
          source,
          replicates: reps,
          outDir: global.out ?? "truelift-report",
          seconds,
        }),
      markdown: () => demoSummaryMarkdown(run.rows),
      diagnostics: run.analyses.flatMap((a) => a.diagnostics),
    };
  },
});
