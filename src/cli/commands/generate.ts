import { resolve } from "node:path";
import {
  DATASET_DECIMALS,
  generateChunks,
  SCENARIOS,
  type Scenario,
  writeDataset,
  writeFormatOf,
} from "../../data/index.js";
import { parseChoice, parseInteger, usage } from "../args.js";
import { defineCommand } from "../command.js";
import { markdownTable } from "../output.js";

/** Defaults that reproduce the tutorials' dataset size and seed. */
const DEFAULT_SEED = 42;
const DEFAULT_USERS = 50_000;

/**
 * `truelift generate`: writes the synthetic SaaS telemetry dataset (SPEC.md) to CSV / gzipped CSV / Parquet,
 * streamed in chunks (flat memory at any size) and atomically. Prints rows, columns, path, SHA-256 and seconds.
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
    ],
  },
  options: {
    users: { flags: "--users <n>", description: "number of users (rows)", default: String(DEFAULT_USERS) },
    scenario: {
      flags: "--scenario <name>",
      description: `dataset scenario: ${SCENARIOS.join(" | ")}`,
      default: "tutorial",
    },
    cluster: { flags: "--cluster", description: "add session_minutes_obs (same as --scenario cluster)" },
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
    const users = parseInteger("--users", options.users ?? DEFAULT_USERS, { min: 1, max: 2147483647 });
    const seed = global.seed ?? DEFAULT_SEED;
    let scenario = parseChoice<Scenario>("--scenario", options.scenario ?? "tutorial", SCENARIOS);
    if (options.cluster === true) scenario = "cluster";
    const started = performance.now();
    const written = await writeDataset(generateChunks({ seed, users, scenario }), path, {
      decimals: DATASET_DECIMALS,
    });
    const seconds = Math.round((performance.now() - started) / 10) / 100;
    const data = {
      command: "generate",
      path: written.path,
      format: written.format,
      rows: written.rows,
      columns: [...written.columns],
      bytes: written.bytes,
      sha256: written.sha256,
      seconds,
      seed,
      users,
      scenario,
    };
    return {
      data,
      text: () =>
        `Wrote ${written.rows} rows × ${written.columns.length} columns to ${global.out} ` +
        `(${written.format}, ${written.bytes} bytes, sha256 ${written.sha256}) in ${seconds.toFixed(2)} s.`,
      markdown: () =>
        markdownTable(
          ["rows", "columns", "path", "format", "bytes", "sha256", "seconds", "seed", "scenario"],
          [
            [
              written.rows,
              written.columns.length,
              global.out ?? "",
              written.format,
              written.bytes,
              written.sha256,
              seconds,
              seed,
              scenario,
            ],
          ],
        ),
    };
  },
});
