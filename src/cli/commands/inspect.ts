import { resolve } from "node:path";
import { describeFrame, hashFile, INPUT_FORMATS, type InputFormat, loadFrame } from "../../data/index.js";
import { parseChoice, parseList, usage } from "../args.js";
import { defineCommand } from "../command.js";
import { markdownTable } from "../output.js";

/**
 * `truelift inspect`: loads a file (CSV, TSV, Parquet, NDJSON; gzip allowed) or a SQL query through DuckDB and
 * prints each column's kind, missing values and range or levels, plus the row count and the file's SHA-256.
 * Exits 3 with a coded error for a missing file, an unsupported format, a malformed file or a missing column.
 *
 * @example
 * ```sh
 * truelift inspect saas.csv --columns task_completed,opt_in_agent_mode
 * truelift inspect --duckdb warehouse.duckdb --sql "SELECT * FROM events LIMIT 1000" --format json
 * ```
 */
export default defineCommand({
  meta: {
    name: "inspect",
    description: "Load a data file or a SQL query and summarise its columns.",
    examples: ["truelift inspect saas.csv", "truelift inspect --sql \"SELECT * FROM 'logs/*.parquet'\""],
  },
  positionals: [
    { name: "file", description: "data file (.csv, .csv.gz, .tsv, .parquet, .ndjson)", required: false },
  ],
  options: {
    columns: { flags: "--columns <names>", description: "comma-separated columns to load (default: all)" },
    sql: { flags: "--sql <query>", description: "load the result of a SQL query instead of a file" },
    duckdb: { flags: "--duckdb <path>", description: "DuckDB database file the --sql query runs against" },
    inputFormat: {
      flags: "--input-format <format>",
      description: `override the file format: ${INPUT_FORMATS.join(" | ")}`,
    },
  },
  async run({ positionals, options, global, io }) {
    const file = positionals[0];
    const sql = typeof options.sql === "string" ? options.sql : undefined;
    if ((file === undefined) === (sql === undefined)) {
      throw usage(
        "inspect needs either a file or --sql <query> (not both).",
        "Run `truelift inspect --help`.",
      );
    }
    if (options.duckdb !== undefined && sql === undefined) throw usage("--duckdb needs --sql <query>.");
    const columns = typeof options.columns === "string" ? parseList(options.columns) : undefined;
    const format =
      typeof options.inputFormat === "string"
        ? parseChoice<InputFormat>("--input-format", options.inputFormat, INPUT_FORMATS)
        : undefined;
    const source =
      sql !== undefined
        ? { sql, duckdb: typeof options.duckdb === "string" ? resolve(io.cwd, options.duckdb) : undefined }
        : resolve(io.cwd, file as string);
    const frame = await loadFrame(source, { columns, format, ...(global.na ? { na: global.na } : {}) });
    const sha256 = typeof source === "string" ? await hashFile(source) : null;
    const summary = describeFrame(frame);
    const fmt = (x: number | null) =>
      x === null
        ? ""
        : Math.abs(x) >= 1000
          ? String(Math.round(x * 10) / 10)
          : String(Number(x.toPrecision(4)));
    const rows = summary.map((c) => [
      c.name,
      c.kind,
      c.missing,
      c.kind === "str"
        ? `${c.levels} levels: ${c.examples.join(", ")}`
        : `${fmt(c.min)} … ${fmt(c.max)} (mean ${fmt(c.mean)})`,
    ]);
    const label = file ?? "query";
    return {
      data: {
        command: "inspect",
        source: label,
        rows: frame.nrows,
        sha256,
        columns: summary.map((c) => ({ ...c })),
      },
      text: () => {
        const width = Math.max(6, ...summary.map((c) => c.name.length));
        const lines = rows.map(
          (r) =>
            `  ${String(r[0]).padEnd(width)}  ${String(r[1]).padEnd(3)}  missing ${String(r[2]).padStart(6)}  ${r[3]}`,
        );
        return [
          `${label}: ${frame.nrows} rows × ${frame.names.length} columns${sha256 ? `, sha256 ${sha256}` : ""}`,
          ...lines,
        ].join("\n");
      },
      markdown: () =>
        `**${label}**: ${frame.nrows} rows × ${frame.names.length} columns\n\n${markdownTable(["column", "kind", "missing", "values"], rows)}`,
    };
  },
});
