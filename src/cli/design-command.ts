import { resolve } from "node:path";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import { parseInteger, optionString as str, usage } from "../core/options.js";
import {
  assertWritable,
  hashFile,
  type LoadOptions,
  leftJoin,
  loadFrame,
  writeTextAtomic,
} from "../data/index.js";
import type { DesignAnalysis, DesignInputs, RegisteredDesign } from "../designs/shared/contract.js";
import { missingCounts, usedColumns } from "../designs/shared/missing.js";
import { summaryMarkdown, summaryText } from "../report/summary.js";
import {
  analyzeMoments,
  analyzeOnEngine,
  type ComputePath,
  compressibleFile,
  type EngineSource,
  emitCompressSql,
  loadEngineRows,
  readsDirectly,
} from "../run/compressed.js";
import { DIALECT_NAMES, type DialectName } from "../sql/dialects/base.js";
import type { ArgDef } from "./args.js";
import type { CommandDefinition } from "./command.js";
import { type CommandOutput, renderOutput } from "./output.js";
import { loopProgress } from "./progress.js";

/**
 * The `--print-spec` flag every design command accepts: print the canonical spec (defaults filled in by the
 * design's own parser) instead of running it, so a CLI run can be saved and re-run as a library or `run` spec.
 *
 * @example
 * ```ts
 * options: { printSpec: PRINT_SPEC_ARG }
 * ```
 */
export const PRINT_SPEC_ARG = {
  flags: "--print-spec",
  description: "print the canonical spec instead of running it",
} as const satisfies ArgDef;

const DATA_FILE = "data file (.csv, .csv.gz, .tsv, .parquet, .ndjson); omit with --db or --moments";

/**
 * Where the data live and how they are read, shared by every design command: a database (`--db` with `--table`
 * or `--sql`), the SQL a design would run (`--emit-sql <dialect>`, `--explain-sql`), a moments file computed
 * elsewhere (`--moments`), the row path (`--rows`) and a query time limit (`--timeout`).
 *
 * @example
 * ```ts
 * options: { ...design.cli.options, ...SOURCE_ARGS }
 * ```
 */
export const SOURCE_ARGS = {
  db: {
    flags: "--db <address>",
    description: "database: postgres://user@host/db, clickhouse://host:8123/db or duckdb:<file>",
  },
  table: { flags: "--table <name>", description: "table (or schema.table) in --db" },
  sql: { flags: "--sql <query>", description: "read-only SELECT in --db whose rows are analysed" },
  emitSql: {
    flags: "--emit-sql <dialect>",
    description: `print the compress query for a dialect (${DIALECT_NAMES.join(" | ")}) and stop`,
  },
  explainSql: {
    flags: "--explain-sql",
    description: "print the SQL run on the engine (stderr), then run it",
  },
  moments: {
    flags: "--moments <file>",
    description: "analyse the result of --emit-sql's query (CSV or Parquet)",
  },
  rows: { flags: "--rows", description: "load every row into memory instead of compressing in the engine" },
  timeout: { flags: "--timeout <seconds>", description: "cancel an engine query after this many seconds" },
} as const satisfies Record<string, ArgDef>;

/**
 * A design's analysis, the path that computed it and, on the row path, the rows with a missing value per used
 * column (`missingCounts`; only columns with some, and only when the design went on: one that refuses says so).
 */
interface Computed {
  readonly analysis: DesignAnalysis;
  readonly path: ComputePath;
  readonly missing?: Readonly<Record<string, number>>;
}

/** Whether this run needs the rows: `--rows`, no compression, `--join`, or a file option (e.g. `--edges`). */
function needsRows(design: RegisteredDesign, options: Readonly<Record<string, unknown>>): string | null {
  if (options.rows === true) return "--rows";
  if (design.compression === undefined) return `the ${design.name} design has no compressed path yet`;
  if (design.cli.join === true && options.join !== undefined) return "--join merges rows";
  const file = Object.entries(design.cli.options).find(
    ([k, o]) => o.file === true && options[k] !== undefined,
  );
  return file === undefined ? null : `${file[1].flags.split(" ")[0]} needs row detail`;
}

/** Runs the analysis on the path the options and the design allow, falling back to rows when a part needs them. */
async function compute(
  design: RegisteredDesign,
  spec: unknown,
  file: string | undefined,
  options: Readonly<Record<string, unknown>>,
  inputs: DesignInputs,
  cwd: string,
  explain: (sql: string) => void,
  na: LoadOptions["na"],
): Promise<Computed> {
  const db = str(options.db);
  const src: EngineSource = {
    ...(file === undefined ? {} : { file: resolve(cwd, file) }),
    ...(na === undefined ? {} : { na }),
    ...(db === undefined ? {} : { db }),
    ...(str(options.table) === undefined ? {} : { table: str(options.table) }),
    ...(str(options.sql) === undefined ? {} : { sql: str(options.sql) }),
  };
  if (db === undefined && (src.table !== undefined || src.sql !== undefined))
    throw usage(
      "--table and --sql name data in a database: add --db <address> (a data file is read directly).",
    );
  if (options.moments !== undefined)
    return analyzeMoments(design, spec, resolve(cwd, String(options.moments)), inputs);
  const rowsReason = needsRows(design, options);
  const timeout =
    options.timeout === undefined ? undefined : parseInteger("--timeout", options.timeout, { min: 1 });
  const direct = db === undefined && file !== undefined && readsDirectly(resolve(cwd, file));
  const canCompress =
    rowsReason === null && !direct && (db !== undefined || (file !== undefined && compressibleFile(file)));
  if (canCompress) {
    try {
      return await analyzeOnEngine(design, spec, src, inputs, {
        ...(options.explainSql === true ? { explain } : {}),
        ...(timeout === undefined ? {} : { timeoutMs: timeout * 1000 }),
      });
    } catch (e) {
      if (!(e instanceof TrueliftError)) throw e;
      if (e.code === "E_UNSUPPORTED_COMPRESSED")
        return onRows(design, spec, src, file, options, inputs, cwd, e.message);
      // A file with missing values: the design's own rules for them (refuse, drop, average what is there) need rows.
      if (e.code === "E_MISSING_VALUES" && e.details?.engineNulls === true && db === undefined)
        return onRows(design, spec, src, file, options, inputs, cwd, "the data have missing values");
      throw e;
    }
  }
  const reason =
    rowsReason ??
    (direct
      ? "a small text file is read straight into memory and compressed there"
      : file !== undefined
        ? "this file type is read into memory"
        : "the rows were requested");
  return onRows(design, spec, src, file, options, inputs, cwd, reason);
}

async function onRows(
  design: RegisteredDesign,
  spec: unknown,
  src: EngineSource,
  file: string | undefined,
  options: Readonly<Record<string, unknown>>,
  inputs: DesignInputs,
  cwd: string,
  reason: string,
): Promise<Computed> {
  const loaded =
    src.db !== undefined
      ? await loadEngineRows(src)
      : {
          frame: await loadMain(design, file as string, options, cwd, src.na),
          engine: "memory" as const,
        };
  const frame = loaded.frame;
  const analysis = await design.analyze(frame, spec, inputs);
  const missing = missingCounts(frame, usedColumns(design, spec, frame) ?? []);
  return {
    analysis,
    ...(Object.keys(missing).length > 0 ? { missing } : {}),
    path: {
      mode: "rows",
      engine: loaded.engine,
      rowsScanned: frame.nrows,
      cells: null,
      rowDetail: reason,
    },
  };
}

/**
 * The output of `--print-spec`: the canonical spec as JSON (text and Markdown render it pretty-printed).
 *
 * @example
 * ```ts
 * if (options.printSpec === true) return specOutput(parseDidSpec(spec));
 * ```
 */
export function specOutput(canonical: unknown): CommandOutput {
  const text = JSON.stringify(canonical, null, 2);
  return { data: canonical, text: () => text, markdown: () => `\`\`\`json\n${text}\n\`\`\`` };
}

/** Loads the data file, merging `--join <file>` on `--join-on <column>` when the design accepts it. */
async function loadMain(
  design: RegisteredDesign,
  file: string,
  options: Readonly<Record<string, unknown>>,
  cwd: string,
  na: LoadOptions["na"],
): Promise<Frame> {
  const load: LoadOptions = na === undefined ? {} : { na };
  const frame = await loadFrame(resolve(cwd, file), load);
  if (design.cli.join !== true || options.join === undefined) return frame;
  const key = str(options.joinOn);
  if (!key) throw usage("--join needs --join-on <column>.");
  const right = await loadFrame(resolve(cwd, String(options.join)), load);
  for (const [f, name] of [
    [frame, "data file"],
    [right, "--join file"],
  ] as const) {
    if (!f.has(key)) throw usage(`--join-on column '${key}' is not in the ${name}.`);
  }
  return leftJoin(frame, right, key);
}

/** Loads every option the design marks as a data file (e.g. cluster's `--edges`). */
async function loadExtraFrames(
  design: RegisteredDesign,
  options: Readonly<Record<string, unknown>>,
  cwd: string,
  na: LoadOptions["na"],
): Promise<Record<string, Frame>> {
  const frames: Record<string, Frame> = {};
  for (const [key, o] of Object.entries(design.cli.options)) {
    if (o.file === true && options[key] !== undefined)
      frames[key] = await loadFrame(resolve(cwd, String(options[key])), na === undefined ? {} : { na });
  }
  return frames;
}

/**
 * The CLI command of a registered design, built from its contract: help and examples from `design.cli`, the
 * data-file argument, the design's option table plus `--print-spec`, and a `run` that builds the spec
 * (`design.cli.toSpec`), loads the file (and `--join`, and file options), analyses, hashes the file for
 * provenance, and renders the design's summary as text / Markdown with the full result as JSON. The global
 * `--out <file>` is checked for writability before anything is loaded and receives the `--format json` document
 * (written atomically); the output carries the result's diagnostics for `--fail-on`.
 *
 * @example
 * ```ts
 * import { DESIGN_REGISTRY } from "truelift";
 * const did = designCommand(await DESIGN_REGISTRY[0].load());
 * did.meta.name; // "did"
 * ```
 */
export function designCommand(design: RegisteredDesign): CommandDefinition {
  return {
    meta: { name: design.name, description: design.cli.description, examples: design.cli.examples },
    positionals: [{ name: "file", description: design.cli.dataFile ?? DATA_FILE, required: false }],
    options: { ...design.cli.options, ...SOURCE_ARGS, printSpec: PRINT_SPEC_ARG },
    async run({ positionals, options, global, io }) {
      const spec = design.cli.toSpec(options, { seed: global.seed });
      if (options.printSpec === true) return specOutput(design.parse(spec));
      const file = positionals[0];
      if (options.emitSql !== undefined) return emitOutput(design, spec, file, options);
      if (file === undefined && options.db === undefined && options.moments === undefined)
        throw usage(`truelift ${design.name} needs a data file, --db with --table or --sql, or --moments.`);
      const threads =
        design.cli.threads === true && options.threads !== undefined
          ? parseInteger("--threads", options.threads, { min: 1, max: 64 })
          : 1;
      const outPath = global.out === undefined ? undefined : resolve(io.cwd, global.out);
      if (outPath !== undefined) assertWritable(outPath, "file");
      const frames = await loadExtraFrames(design, options, io.cwd, global.na);
      const progress = loopProgress(design.name, io);
      // The provenance hash reads the whole file: let it overlap the engine's scan instead of following it.
      const hashing = file === undefined ? null : hashFile(resolve(io.cwd, file));
      hashing?.catch(() => undefined);
      let computed: Computed;
      try {
        computed = await compute(
          design,
          spec,
          file,
          options,
          { frames, threads, ...(progress.onProgress ? { onProgress: progress.onProgress } : {}) },
          io.cwd,
          (sql) => io.stderr(`${sql}\n`),
          global.na,
        );
      } finally {
        progress.done();
      }
      const { analysis, path, missing } = computed;
      const sha256 = hashing === null ? null : await hashing;
      const source = file ?? (options.moments === undefined ? null : String(options.moments));
      const out: CommandOutput = {
        data: {
          command: design.name,
          source,
          sha256,
          path,
          ...(missing === undefined ? {} : { missing }),
          result: analysis.result,
        },
        text: () => `${summaryText(analysis.summary)}\n${pathLine(path)}${missingLine(missing)}\n`,
        markdown: () => `${summaryMarkdown(analysis.summary)}\n${pathLine(path)}${missingLine(missing)}\n`,
        diagnostics: analysis.result.diagnostics,
      };
      if (outPath !== undefined) writeTextAtomic(outPath, renderOutput(out, "json"));
      return out;
    },
  };
}

/** One line saying which path computed the numbers (engine, rows scanned, cells). */
function pathLine(path: ComputePath): string {
  const rows = path.rowsScanned.toLocaleString("en-US");
  if (path.mode === "rows") return `Computed from ${rows} rows in memory (${path.rowDetail ?? "rows"}).`;
  const cells = (path.cells ?? 0).toLocaleString("en-US");
  const line =
    path.mode === "moments"
      ? `Computed from ${cells} cells of a moments file (${rows} rows).`
      : `Computed from ${cells} cells summarising ${rows} rows, compressed in ${path.engine}.`;
  const parts = (path.rowParts ?? []).map((p) => `\n  Row detail — ${p.part}: ${p.reason}.`);
  return line + parts.join("");
}

/** A line counting the rows with a missing value per used column (empty when none). */
function missingLine(missing: Readonly<Record<string, number>> | undefined): string {
  if (missing === undefined) return "";
  const list = Object.entries(missing).map(
    ([c, n]) => `'${c}' ${n.toLocaleString("en-US")} ${n === 1 ? "row" : "rows"}`,
  );
  return `\nMissing values in the columns used (the design's rule for them applies; see its sample size): ${list.join(", ")}.`;
}

/** `--emit-sql <dialect>`: the compress query as text (stdout), nothing run. */
function emitOutput(
  design: RegisteredDesign,
  spec: unknown,
  file: string | undefined,
  options: Readonly<Record<string, unknown>>,
): CommandOutput {
  const dialect = String(options.emitSql);
  if (!(DIALECT_NAMES as readonly string[]).includes(dialect)) {
    throw usage(`--emit-sql takes a dialect: ${DIALECT_NAMES.join(", ")} (got '${dialect}').`);
  }
  const table = str(options.table);
  const query = str(options.sql);
  const src: EngineSource =
    table !== undefined
      ? { table }
      : query !== undefined
        ? { sql: query }
        : file !== undefined
          ? { file }
          : {};
  const sql = emitCompressSql(design, spec, src, dialect as DialectName);
  return {
    data: { command: design.name, dialect, sql },
    text: () => `${sql}\n`,
    markdown: () => `\`\`\`sql\n${sql}\n\`\`\``,
  };
}
