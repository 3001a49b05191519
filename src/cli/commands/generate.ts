import { resolve } from "node:path";
import type { Json } from "../../core/result.js";
import {
  DATASET_DECIMALS,
  generateChunks,
  generatePanel,
  PANEL_SCENARIOS,
  type PanelScenario,
  SCENARIOS,
  type Scenario,
  type WriteSummary,
  writeDataset,
  writeFormatOf,
} from "../../data/index.js";
import { parseChoice, parseInteger, usage } from "../args.js";
import { defineCommand } from "../command.js";
import { type CommandOutput, markdownTable } from "../output.js";

/** Defaults that reproduce the tutorials' dataset size and seed. */
const DEFAULT_SEED = 42;
const DEFAULT_USERS = 50_000;
/** Every `--scenario` choice: the user-level dataset's, then the unit × period panels'. */
const ALL_SCENARIOS = [...SCENARIOS, ...PANEL_SCENARIOS] as const;
type AnyScenario = Scenario | PanelScenario;
const PANEL_FLAGS = { units: "--units", periods: "--periods", clusters: "--clusters" } as const;

function isPanelScenario(s: AnyScenario): s is PanelScenario {
  return (PANEL_SCENARIOS as readonly string[]).includes(s);
}

/**
 * `truelift generate`: writes the synthetic SaaS telemetry dataset (SPEC.md) to CSV / gzipped CSV / Parquet,
 * streamed in chunks (flat memory at any size) and atomically. Prints rows, columns, path, SHA-256 and seconds.
 * With a panel scenario (`staggered`, `trend-violation`, `two-wave`) it writes a unit × period panel from
 * `generatePanel` instead (`--units`, `--periods`, `--clusters`), and the JSON output adds the true overall ATT.
 *
 * @example
 * ```sh
 * truelift generate --seed 42 --users 50000 --out saas.csv
 * truelift generate --seed 7 --users 10000000 --out big.parquet --cluster --format json
 * ```
 */
export default defineCommand({
  meta: {
    name: "generate",
    description: "Write the synthetic SaaS telemetry dataset (16 columns, known ground truth).",
    examples: [
      "truelift generate --seed 42 --users 50000 --out saas.csv",
      "truelift generate --users 1000000 --out saas.parquet --cluster",
      "truelift generate --scenario staggered --seed 1 --units 500 --periods 24 --out panel.csv",
    ],
  },
  options: {
    users: { flags: "--users <n>", description: "number of users (rows)", default: String(DEFAULT_USERS) },
    scenario: {
      flags: "--scenario <name>",
      description: `dataset scenario: ${SCENARIOS.join(" | ")}; panel scenario: ${PANEL_SCENARIOS.join(" | ")}`,
      default: "tutorial",
    },
    cluster: { flags: "--cluster", description: "add session_minutes_obs (same as --scenario cluster)" },
    units: { flags: "--units <n>", description: "panel scenarios: number of units (default 1000)" },
    periods: {
      flags: "--periods <n>",
      description: "panel scenarios: number of periods (default 24; two-wave 52)",
    },
    clusters: {
      flags: "--clusters <n>",
      description: "panel scenarios: clusters units are nested in (default: units)",
    },
  },
  async run({ options, global, io }) {
    if (global.out === undefined) {
      throw usage(
        "generate needs an output file: --out <path>.",
        "Add --out data.csv (or .csv.gz, .parquet).",
      );
    }
    const path = resolve(io.cwd, global.out);
    writeFormatOf(path); // a bad extension is a usage error before any work
    const seed = global.seed ?? DEFAULT_SEED;
    const chosen = parseChoice<AnyScenario>("--scenario", options.scenario ?? "tutorial", ALL_SCENARIOS);
    if (isPanelScenario(chosen)) return runPanel(chosen, seed, path, options, global.out ?? "");
    for (const [key, flag] of Object.entries(PANEL_FLAGS)) {
      if (options[key] !== undefined) {
        throw usage(
          `${flag} applies to the panel scenarios only.`,
          `Add --scenario ${PANEL_SCENARIOS[0]} (or ${PANEL_SCENARIOS.slice(1).join(", ")}), or use --users for the user-level dataset.`,
        );
      }
    }
    const users = parseInteger("--users", options.users ?? DEFAULT_USERS, { min: 1, max: 2147483647 });
    let scenario: Scenario = chosen;
    if (options.cluster === true) scenario = "cluster";
    const started = performance.now();
    const written = await writeDataset(generateChunks({ seed, users, scenario }), path, {
      decimals: DATASET_DECIMALS,
    });
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    return writtenOutput(written, global.out ?? "", seconds, { seed, users, scenario });
  },
});

/** Writes a panel scenario with {@link generatePanel}. */
async function runPanel(
  scenario: PanelScenario,
  seed: number,
  path: string,
  options: Readonly<Record<string, string | boolean | undefined>>,
  out: string,
): Promise<CommandOutput> {
  if (options.cluster === true) {
    throw usage(
      "--cluster applies to the user-level dataset, not to panel scenarios.",
      "Use --clusters <n> to nest the panel's units in clusters.",
    );
  }
  const int = (key: keyof typeof PANEL_FLAGS): number | undefined => {
    const v = options[key];
    return v === undefined ? undefined : parseInteger(PANEL_FLAGS[key], v, { min: 1 });
  };
  const started = performance.now();
  const { frame, truth } = generatePanel({
    seed,
    scenario,
    units: int("units"),
    periods: int("periods"),
    clusters: int("clusters"),
  });
  const written: WriteSummary = await writeDataset(frame, path);
  const seconds = Math.round((performance.now() - started) / 10) / 100;
  return writtenOutput(written, out, seconds, {
    seed,
    scenario,
    units: truth.units,
    periods: truth.periods,
    clusters: truth.clusters,
    cohorts: truth.cohorts.map((c) => ({ firstTreat: c.firstTreat, units: c.units })),
    neverTreated: truth.neverTreated,
    trueOverallAtt: truth.overall,
  });
}

/** The command output for a written file: its summary plus the scenario's own fields (seed, scenario, truth…). */
function writtenOutput(
  written: WriteSummary,
  out: string,
  seconds: number,
  extra: { readonly seed: number; readonly scenario: string } & Readonly<Record<string, Json>>,
): CommandOutput {
  const data = {
    command: "generate",
    path: written.path,
    format: written.format,
    rows: written.rows,
    columns: [...written.columns],
    bytes: written.bytes,
    sha256: written.sha256,
    seconds,
    ...extra,
  };
  const truth = typeof extra.trueOverallAtt === "number" ? [extra.trueOverallAtt] : [];
  return {
    data,
    text: () =>
      `Wrote ${written.rows} rows × ${written.columns.length} columns to ${out} ` +
      `(${written.format}, ${written.bytes} bytes, sha256 ${written.sha256}) in ${seconds.toFixed(2)} s.`,
    markdown: () =>
      markdownTable(
        [
          "rows",
          "columns",
          "path",
          "format",
          "bytes",
          "sha256",
          "seconds",
          "seed",
          "scenario",
          ...(truth.length ? ["true ATT"] : []),
        ],
        [
          [
            written.rows,
            written.columns.length,
            out,
            written.format,
            written.bytes,
            written.sha256,
            seconds,
            extra.seed,
            extra.scenario,
            ...truth,
          ],
        ],
      ),
  };
}
