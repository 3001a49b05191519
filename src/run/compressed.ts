import { statSync } from "node:fs";
import { extname } from "node:path";
import type { ColumnKinds } from "../core/cells.js";
import { cellFrameOfTable } from "../core/cells-table.js";
import type { CompressedTable, CompressRequest } from "../core/compress.js";
import { TrueliftError } from "../core/errors.js";
import { type ColumnInput, Frame } from "../core/frame.js";
import { assertMomentsColumns, decodeCompressResult } from "../data/engines/compress-run.js";
import { duckdbEngine } from "../data/engines/duckdb.js";
import type { Engine, EngineDescription, EngineName, ResultTable } from "../data/engines/engine.js";
import { openEngine } from "../data/engines/open.js";
import { loadFailure } from "../data/load.js";
import { type ResolvedSource, resolveSource } from "../data/load-source.js";
import type {
  DesignAnalysis,
  DesignInputs,
  RegisteredDesign,
  RowDetailPart,
} from "../designs/shared/contract.js";
import type { Source } from "../sql/ast.js";
import { explainSql } from "../sql/compress-query.js";
import type { DialectName } from "../sql/dialects/base.js";
import { DIALECTS } from "../sql/dialects/index.js";
import { quoteLiteral } from "../sql/quote.js";

/**
 * Where a design's data live when it runs as compress → estimate: a data file read by DuckDB (`file`), or a
 * database (`db` address, see `openEngine`) with a `table` (dot-separated) or a read-only `sql` query.
 *
 * @example
 * ```ts
 * import type { EngineSource } from "truelift";
 * const s: EngineSource = { db: "postgres://analyst@127.0.0.1/prod", table: "public.events" };
 * ```
 */
export interface EngineSource {
  readonly file?: string;
  /** A CSV/TSV `file`'s missing-value markers, read as the loader reads them (`LoadOptions.na`). */
  readonly na?: readonly string[];
  readonly db?: string;
  readonly table?: string;
  readonly sql?: string;
}

/**
 * Which path computed a result, for the CLI output and provenance: the engine (with host, database, table, file
 * or query hash — never a password), the rows the engine scanned, the cells it sent back, and — when part of the
 * analysis needed the rows themselves — why.
 *
 * @example
 * ```ts
 * import type { ComputePath } from "truelift";
 * const p: ComputePath = { mode: "compressed", engine: "duckdb", rowsScanned: 50000, cells: 2574 };
 * ```
 */
export interface ComputePath extends Partial<Omit<EngineDescription, "engine">> {
  readonly mode: "compressed" | "rows" | "moments";
  readonly engine: EngineDescription["engine"] | "memory";
  readonly rowsScanned: number;
  readonly cells: number | null;
  readonly rowDetail?: string;
  /** On the compressed path: the parts of the analysis that needed more than the cells' sums, and why. */
  readonly rowParts?: readonly RowDetailPart[];
}

/** File types DuckDB compresses in place (the loader reads the rest, e.g. NDJSON, into memory). */
const COMPRESSIBLE = /\.(csv|csv\.gz|tsv|tsv\.gz|txt|parquet)$/i;

/**
 * Whether a data file can be compressed in place by DuckDB (CSV, TSV, gzipped CSV/TSV, Parquet).
 *
 * @example
 * ```ts
 * import { compressibleFile } from "truelift";
 * compressibleFile("logs.parquet"); // true
 * compressibleFile("logs.ndjson");  // false
 * ```
 */
export function compressibleFile(path: string): boolean {
  return COMPRESSIBLE.test(path);
}

/** Plain-text data files up to this size are read straight into memory rather than through an engine. */
const DIRECT_READ_BYTES = 32 * 1024 * 1024;

/**
 * Whether a data file is small plain text (CSV / TSV / TXT up to 32 MB) that the CLI reads straight into memory
 * instead of starting an engine: the loader parses such a file from its bytes in milliseconds, while starting
 * DuckDB and sniffing the file costs 0.1–0.2 s, and the designs compress the rows in memory with the same numbers
 * (the in-memory path is the same compression followed by the same estimator).
 *
 * @example
 * ```ts
 * import { readsDirectly } from "truelift";
 * readsDirectly("fixture.csv"); // true for a 3 MB file
 * readsDirectly("logs.parquet"); // false: an engine compresses it in place
 * ```
 */
export function readsDirectly(path: string): boolean {
  if (!/\.(csv|tsv|txt)$/i.test(path)) return false;
  try {
    return statSync(path).size <= DIRECT_READ_BYTES;
  } catch {
    return false; // a missing file: the engine path raises the loader's error
  }
}

/**
 * The SQL source of an {@link EngineSource}: a file, a table path or a query (`E_USAGE` when none or several are
 * given).
 *
 * @example
 * ```ts
 * import { sqlSourceOf } from "truelift";
 * sqlSourceOf({ db: "postgres://h/db", table: "public.events" }); // { type: "table", path: ["public", "events"] }
 * ```
 */
export function sqlSourceOf(src: EngineSource): Source {
  const given = [src.file, src.table, src.sql].filter((x) => x !== undefined);
  if (given.length !== 1) {
    throw new TrueliftError(
      "E_USAGE",
      given.length === 0
        ? "Say where the data are: a data file, or --db with --table or --sql."
        : "Give exactly one of a data file, --table or --sql.",
    );
  }
  if (src.file !== undefined) {
    const format = extname(src.file.replace(/\.gz$/i, "")).toLowerCase() === ".parquet" ? "parquet" : "csv";
    return { type: "file", format, path: src.file };
  }
  if (src.table !== undefined) return { type: "table", path: src.table.split(".") };
  return { type: "sql", sql: src.sql as string };
}

/** The column kinds of a source, from a `SELECT * … LIMIT 0` probe. */
async function columnKinds(engine: Engine, source: Source): Promise<ColumnKinds> {
  const probe = await engine.run({ type: "select", columns: [], from: source, limit: 0 });
  const kinds: Record<string, "numeric" | "text"> = {};
  for (const c of probe.columns) kinds[c.name] = c.kind === "number" ? "numeric" : "text";
  return kinds;
}

/** Rows excluded by the engine for a NULL in a used column make the analysis refuse, as missing values do on rows. */
function refuseNulls(table: CompressedTable): void {
  const columns = Object.entries(table.nullRows).filter(([, n]) => n > 0);
  if (columns.length === 0) return;
  throw new TrueliftError(
    "E_MISSING_VALUES",
    `The data have missing (NULL) values in ${columns.map(([c, n]) => `'${c}' (${n} rows)`).join(", ")}.`,
    {
      details: { columns: Object.fromEntries(columns), engineNulls: true },
      hint: "Filter them out (--sql 'SELECT … WHERE col IS NOT NULL') or impute them; a never-treated start is 0, not NULL.",
    },
  );
}

function needCompression(design: RegisteredDesign): NonNullable<RegisteredDesign["compression"]> {
  if (design.compression === undefined) {
    throw new TrueliftError(
      "E_UNSUPPORTED_COMPRESSED",
      `The ${design.name} design cannot yet run from compressed statistics.`,
    );
  }
  return design.compression;
}

/**
 * Runs a design as compress → estimate on an engine: opens the engine, probes the source's column kinds, asks
 * the design for its cells (`request`), optionally shows the SQL (`explain`), runs the one `GROUP BY` there,
 * refuses NULLs in used columns (`E_MISSING_VALUES`), and estimates from the cells. Only the cells leave the
 * engine. The engine is always closed.
 *
 * @example
 * ```ts
 * import { analyzeOnEngine, loadDesign } from "truelift";
 * const did = await loadDesign("did");
 * const { analysis, path } = await analyzeOnEngine(did, spec, { file: "logs.parquet" });
 * path.cells; // e.g. 2574 cells for 10,000,000 rows
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once"; GrowthBook (only aggregates leave the warehouse).
 */
export async function analyzeOnEngine(
  design: RegisteredDesign,
  spec: unknown,
  src: EngineSource,
  inputs: DesignInputs = {},
  hooks: { readonly explain?: (sql: string) => void; readonly timeoutMs?: number } = {},
): Promise<{ readonly analysis: DesignAnalysis; readonly path: ComputePath }> {
  const compression = needCompression(design);
  const file =
    src.file === undefined || src.db !== undefined
      ? undefined
      : resolveSource(src.file, src.na === undefined ? {} : { na: src.na });
  const source = file === undefined ? sqlSourceOf(src) : fileSource(file);
  // The engine's query progress goes to the same callback as the design's loops (the CLI's bar, on a terminal).
  const engine = await openEngine(src.db, {
    ...(hooks.timeoutMs === undefined ? {} : { timeoutMs: hooks.timeoutMs }),
    ...(inputs.onProgress === undefined ? {} : { onProgress: inputs.onProgress }),
  });
  try {
    const kinds = await columnKinds(engine, source);
    const request: CompressRequest = compression.request(spec, kinds);
    refuseTextMeasures(request, kinds);
    hooks.explain?.(explainSql(request, source, engine.dialect));
    const table = await engine.compress(request, source);
    refuseNulls(table);
    refuseNonFinite(table);
    const analysis = await compression.analyzeCells(cellFrameOfTable(table), spec, inputs);
    const { engine: name, ...where } = engine.describe(source);
    const place = src.file === undefined ? where : { file: src.file };
    return {
      analysis,
      path: {
        mode: "compressed",
        engine: name,
        ...place,
        rowsScanned: table.rowsScanned,
        cells: table.groups,
        ...(analysis.rowDetail.length > 0 ? { rowParts: analysis.rowDetail } : {}),
      },
    };
  } catch (e) {
    // A read error on a file: mapped as the loader maps it (the engine wrapped DuckDB's error as its cause).
    throw file !== undefined && e instanceof TrueliftError && e.code === "E_QUERY_FAILED"
      ? loadFailure(file, e.cause ?? e)
      : e;
  } finally {
    await engine.close();
  }
}

/**
 * A data file as an engine source read exactly as the loader reads it (same `read_csv` / `read_parquet` options,
 * the missing-value markers as `nullstr` included),
 * after the loader's cheap checks on the file (exists, not empty, format, header, delimiter, in `resolveSource`) —
 * so a bad file gets the same coded error whichever path reads it.
 */
function fileSource(resolved: ResolvedSource): Source {
  const sql =
    resolved.param === undefined ? resolved.sql : resolved.sql.replace("$1", quoteLiteral(resolved.param));
  return { type: "sql", sql };
}

/** A measure (outcome, take-up, …) must be numeric in the source. */
function refuseTextMeasures(request: CompressRequest, kinds: ColumnKinds): void {
  const text = request.measures.find((m) => kinds[m] === "text");
  if (text === undefined) return;
  throw new TrueliftError("E_COLUMN_TYPE", `Column '${text}' holds text; a numeric column is needed.`, {
    details: { column: text },
  });
}

/** ±Infinity (or NaN stored as a value) in a measure shows in its group's mean: refuse as the loader does. */
function refuseNonFinite(table: CompressedTable): void {
  for (const m of table.measures) {
    const mean = table.mean[m];
    for (let g = 0; g < mean.length; g++) {
      if (!Number.isFinite(mean[g])) {
        throw new TrueliftError(
          "E_NONFINITE_VALUES",
          `Column '${m}' holds a value that is not a finite number.`,
          {
            details: { column: m },
          },
        );
      }
    }
  }
}

/**
 * The compress query a design would run, as SQL text for a dialect, with values inlined — for `--emit-sql`: run
 * it where the data live and pass its result back with `--moments`. The request is built from the spec alone
 * (no column kinds), so the same options always give the same query.
 *
 * @example
 * ```ts
 * import { emitCompressSql, loadDesign } from "truelift";
 * emitCompressSql(await loadDesign("did"), spec, { table: "analytics.events" }, "bigquery");
 * ```
 */
export function emitCompressSql(
  design: RegisteredDesign,
  spec: unknown,
  src: EngineSource,
  dialect: DialectName,
): string {
  const request = needCompression(design).request(spec, {});
  return explainSql(request, sqlSourceOf(src), DIALECTS[dialect]);
}

/**
 * Runs a design from a moments file: the result of `--emit-sql`'s query computed elsewhere and saved as CSV or
 * Parquet. Its columns must be exactly the query's (`E_MOMENTS_COLUMNS` names a missing or extra one).
 *
 * @example
 * ```ts
 * import { analyzeMoments, loadDesign } from "truelift";
 * const { path } = await analyzeMoments(await loadDesign("did"), spec, "moments.csv");
 * path.mode; // "moments"
 * ```
 */
export async function analyzeMoments(
  design: RegisteredDesign,
  spec: unknown,
  file: string,
  inputs: DesignInputs = {},
): Promise<{ readonly analysis: DesignAnalysis; readonly path: ComputePath }> {
  const compression = needCompression(design);
  const request = compression.request(spec, {});
  const engine = await duckdbEngine();
  let result: ResultTable;
  try {
    result = await engine.run({ type: "select", columns: [], from: sqlSourceOf({ file }) });
  } finally {
    await engine.close();
  }
  assertMomentsColumns(
    request,
    result.columns.map((c) => c.name),
  );
  const table = decodeCompressResult(request, result);
  const analysis = await compression.analyzeCells(cellFrameOfTable(table), spec, inputs);
  return {
    analysis,
    path: {
      mode: "moments",
      engine: "memory",
      file,
      rowsScanned: table.rowsScanned,
      cells: table.groups,
      ...(analysis.rowDetail.length > 0 ? { rowParts: analysis.rowDetail } : {}),
    },
  };
}

/**
 * The rows of a database source as a {@link Frame} (with the engine that sent them), for designs or options that
 * need row detail: every column of the table or query crosses the wire — the result says so.
 *
 * @example
 * ```ts
 * import { loadEngineRows } from "truelift";
 * const { frame, engine } = await loadEngineRows({ db: "postgres://127.0.0.1/prod", table: "events" });
 * ```
 */
export async function loadEngineRows(
  src: EngineSource,
): Promise<{ readonly frame: Frame; readonly engine: EngineName }> {
  const source = sqlSourceOf(src);
  const engine = await openEngine(src.db);
  try {
    const result = await engine.run({ type: "select", columns: [], from: source });
    const columns: Record<string, ColumnInput> = {};
    for (const c of result.columns) {
      columns[c.name] =
        c.kind === "number"
          ? Float64Array.from(c.values, (v) => (v === null ? Number.NaN : Number(v)))
          : c.values.map((v) => (v === null ? null : String(v)));
    }
    return { frame: Frame.fromObject(columns), engine: engine.name };
  } finally {
    await engine.close();
  }
}
