import type { DuckDBConnection, DuckDBMaterializedResult, DuckDBPreparedStatement } from "@duckdb/node-api";
import { TrueliftError } from "../core/errors.js";
import { type Column, Frame } from "../core/frame.js";
import { quoteIdent } from "../sql/quote.js";
import { duckdbApi, duckdbMessage, withDuckDB } from "./duckdb-session.js";
import { fastCsvFrame } from "./load-csv-file.js";
import { type ReadPlan, readColumns } from "./load-read.js";
import {
  gzipProblem,
  type InputFormat,
  type LoadSource,
  type ResolvedSource,
  resolveSource,
} from "./load-source.js";

/** Options for {@link loadFrame}. */
export interface LoadOptions {
  /**
   * Load only these columns, in this order (the rest are never converted). A name that is not in the data
   * raises `E_COLUMN_MISSING`. __Default value:__ all columns.
   */
  readonly columns?: readonly string[];
  /** Override the format implied by the file extension. __Default value:__ from the extension. */
  readonly format?: InputFormat;
  /** CSV field delimiter. __Default value:__ `","` (`"\t"` for `.tsv`). */
  readonly delimiter?: string;
  /**
   * CSV/TSV missing-value markers: a field whose whole text is one of them is missing (NaN in a numeric column,
   * code −1 in a text one), on every load path; the empty field is always missing. Stata's `.` or a sentinel
   * such as `-99` must be listed: `{ na: ["NA", ".", "-99"] }`. __Default value:__ {@link DEFAULT_NA}
   * (`["", "NA", "NaN"]`: readr's `na = c("", "NA")` plus `NaN`; pandas' `read_csv` also treats these three as
   * missing by default).
   */
  readonly na?: readonly string[];
}

/**
 * Loads a table into a {@link Frame} through DuckDB (embedded, in-process).
 *
 * ```
 * source ─ resolveSource ─▶ SQL (read_csv / read_parquet / read_json / your query)
 *        ─ run with LIMIT 0 ─▶ column names + DuckDB types ─ check `columns` ─▶ projection with casts
 *        ─ run (materialized, parallel scan) ─▶ chunk-by-chunk copy into preallocated typed arrays ─▶ Frame
 * ```
 *
 * A plain, uncompressed CSV/TSV whose DuckDB reading is unambiguous (ASCII, unquoted, integer / decimal / word
 * columns: see {@link fastCsvColumns}) is parsed straight from its bytes instead, with the same result and
 * without starting DuckDB; any other file takes the DuckDB path.
 *
 * **Type mapping** (DuckDB type → Frame column):
 * | DuckDB | Frame |
 * |---|---|
 * | DOUBLE, FLOAT, DECIMAL | `f64` (NULL → NaN) |
 * | BIGINT, HUGEINT, UBIGINT, UHUGEINT, UINTEGER | `i32` when every value is non-null and fits in int32, else `f64` (NULL → NaN; exact below 2^53) |
 * | INTEGER, SMALLINT, TINYINT, USMALLINT, UTINYINT, BOOLEAN (true → 1) | `i32`; `f64` with NaN if the column has a NULL |
 * | VARCHAR, ENUM | `str`, dictionary-encoded, levels in order of first appearance, NULL → code −1 |
 * | DATE | `f64` days since 1970-01-01 |
 * | TIMESTAMP (any precision), TIMESTAMP WITH TIME ZONE | `f64` seconds since 1970-01-01 00:00:00 UTC (fractional) |
 * | NULL-typed (all-null) column | `f64`, all NaN |
 * | anything else (TIME, INTERVAL, UUID, BLOB, LIST, STRUCT, …) | `str` of DuckDB's text rendering |
 *
 * CSV integer columns arrive as BIGINT from DuckDB's sniffer, so a CSV of 0/1 flags or ids loads as `i32`.
 *
 * **Errors** (all before any analysis runs): `E_FILE_NOT_FOUND` (path or DuckDB file does not exist),
 * `E_UNSUPPORTED_FORMAT` (unknown extension, or content that contradicts it — e.g. an Excel workbook named
 * `.csv`), `E_READ_FAILED` (DuckDB could not parse the file; DuckDB's reason is in the message),
 * `E_QUERY_FAILED` (a SQL source failed; `details.sql` holds the query), `E_COLUMN_MISSING` (a requested column
 * is absent; `details.available` lists what is there).
 *
 * @example
 * ```ts
 * import { loadFrame } from "truelift";
 * const logs = await loadFrame("saas_llm_logs.csv.gz", { columns: ["task_completed", "opt_in_agent_mode"] });
 * const byQuery = await loadFrame({ duckdb: "warehouse.duckdb", sql: "SELECT * FROM events WHERE week < 30" });
 * const inMemory = await loadFrame({ sql: "SELECT * FROM 'logs/*.parquet'" });
 * ```
 */
export async function loadFrame(source: LoadSource, options: LoadOptions = {}): Promise<Frame> {
  const resolved = resolveSource(source, options);
  // A gzip file is checked end to end alongside the read: DuckDB may read a truncated stream's good prefix
  // silently, or report a corrupt one as a type error.
  const gz =
    resolved.gzip && resolved.param !== undefined ? gzipProblem(resolved.label, resolved.param) : null;
  const fast = gz === null ? fastCsvFrame(resolved, options) : null;
  if (fast !== null) return fast;
  let frame: Frame;
  try {
    frame = await readFrame(resolved, options);
  } catch (e) {
    const problem = gz === null ? null : await gz;
    throw problem ?? e;
  }
  const problem = gz === null ? null : await gz;
  if (problem !== null) throw problem;
  return frame;
}

async function readFrame(resolved: ResolvedSource, options: LoadOptions): Promise<Frame> {
  return withDuckDB({ dbPath: resolved.dbPath }, async (conn) => {
    // Column names and types: run the source with LIMIT 0 (types are only known once the path is bound).
    const probe = await prepare(conn, resolved, `${resolved.sql} LIMIT 0`);
    let available: string[];
    let typeIds: number[];
    try {
      const empty = await probe.run();
      available = empty.columnNames();
      typeIds = empty.columnTypes().map((t) => t.typeId);
    } catch (e) {
      throw loadFailure(resolved, e);
    }
    const wanted = options.columns ?? dedupe(available);
    checkColumns(wanted, available, resolved);
    const plans: ReadPlan[] = [];
    const exprs: string[] = [];
    const { DuckDBTypeId } = await duckdbApi();
    for (const name of wanted) {
      const t = typeIds[available.indexOf(name)];
      const { expr, plan } = castFor(DuckDBTypeId, t, quoteIdent(name));
      plans.push({ name, ...plan });
      exprs.push(`${expr} AS ${quoteIdent(name)}`);
    }
    if (exprs.length === 0) return Frame.fromColumns({});
    const sql = `SELECT ${exprs.join(", ")} FROM (${resolved.sql}) AS truelift_base`;
    const prepared = await prepare(conn, resolved, sql);
    let result: DuckDBMaterializedResult;
    try {
      result = await prepared.run();
    } catch (e) {
      throw loadFailure(resolved, e);
    }
    if (resolved.kind === "file" && Number(result.rowCount) === 0) {
      const text = resolved.format === "csv" || resolved.format === "tsv";
      throw new TrueliftError(
        "E_EMPTY_DATA",
        `'${resolved.label}' ${text ? "has a header but no rows" : "has no rows"}.`,
        {
          details: { path: resolved.label, columns: available.slice(0, 200) },
          hint: "The file holds column names only: check that it was exported completely (or point at the file with the data).",
        },
      );
    }
    const columns = await readColumns(result, plans);
    for (const p of plans) {
      const col = columns.get(p.name);
      if (col?.kind === "str") {
        const parsed = numbersWithInfinities(col.codes, col.levels);
        if (parsed !== null) columns.set(p.name, parsed);
      }
    }
    return Frame.fromColumns(columns);
  });
}

async function prepare(
  conn: DuckDBConnection,
  src: ResolvedSource,
  sql: string,
): Promise<DuckDBPreparedStatement> {
  try {
    const prepared = await conn.prepare(sql);
    if (src.param !== undefined) prepared.bindVarchar(1, src.param);
    return prepared;
  } catch (e) {
    throw loadFailure(src, e);
  }
}

/**
 * A DuckDB error while reading a source, as the user should see it: a query's failure (`E_QUERY_FAILED`), an
 * infinite value in a file (`E_NONFINITE_VALUES`, naming column and line), or an unreadable file (`E_READ_FAILED`,
 * with a delimiter hint when DuckDB's sniffer failed). The loader and the compressed engine path share it.
 *
 * @example
 * ```ts
 * try { await conn.run(resolved.sql); } catch (e) { throw loadFailure(resolved, e); }
 * ```
 */
export function loadFailure(src: ResolvedSource, e: unknown): TrueliftError {
  const reason = duckdbMessage(e);
  if (src.kind === "query") {
    return new TrueliftError("E_QUERY_FAILED", `The SQL query failed: ${reason}`, {
      details: { sql: src.label, duckdb: e instanceof Error ? e.message : String(e) },
      cause: e,
    });
  }
  const inf =
    /Error when converting column "([^"]*)"\. Could not convert string "([+-]?(?:inf|infinity))" to/i.exec(
      reason,
    );
  if (inf !== null) {
    return new TrueliftError(
      "E_NONFINITE_VALUES",
      `Column '${inf[1]}' of '${src.label}' holds an infinite value ('${inf[2]}'${/on line: (\d+)/i.test(reason) ? ` on line ${/on line: (\d+)/i.exec(reason)?.[1]}` : ""}).`,
      { details: { path: src.label, column: inf[1], value: inf[2] }, cause: e },
    );
  }
  const sniff = reason.includes("sniffing file");
  return new TrueliftError("E_READ_FAILED", `Could not read '${src.label}': ${reason}`, {
    details: { path: src.label, duckdb: e instanceof Error ? e.message : String(e) },
    cause: e,
    hint: sniff
      ? "Check that every row has as many fields as the header and that fields are separated by the delimiter " +
        "(',' for .csv, tab for .tsv; pass another with the delimiter option)."
      : undefined,
  });
}

function checkColumns(wanted: readonly string[], available: readonly string[], src: ResolvedSource): void {
  const missing = wanted.filter((n) => !available.includes(n));
  if (missing.length > 0) {
    const list = missing.map((m) => `'${m}'`).join(", ");
    const near = missing
      .map((m) => available.find((a) => a.toLowerCase() === m.toLowerCase()))
      .filter(Boolean);
    throw new TrueliftError(
      "E_COLUMN_MISSING",
      `${missing.length === 1 ? "Column" : "Columns"} ${list} ${missing.length === 1 ? "is" : "are"} not in ${src.kind === "file" ? `'${src.label}'` : "the query result"}.`,
      {
        details: { missing, available: available.slice(0, 200) },
        hint:
          near.length > 0
            ? `Names are case-sensitive: did you mean ${near.map((n) => `'${n}'`).join(", ")}?`
            : `Available columns: ${available.slice(0, 20).join(", ")}${available.length > 20 ? ", …" : ""}.`,
      },
    );
  }
  const seen = new Set<string>();
  for (const n of wanted) {
    if (seen.has(n)) {
      throw new TrueliftError("E_INVALID_ARGUMENT", `Column '${n}' is requested twice.`, {
        details: { column: n },
      });
    }
    seen.add(n);
  }
}

function dedupe(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const n of names) {
    if (seen.has(n)) {
      throw new TrueliftError("E_DUPLICATE_COLUMN", `The data has two columns named '${n}'.`, {
        details: { column: n },
        hint: "Rename one of them (in SQL: SELECT a AS a1, …).",
      });
    }
    seen.add(n);
    out.push(n);
  }
  return out;
}

type TypeIds = Awaited<ReturnType<typeof duckdbApi>>["DuckDBTypeId"];

/** The SQL expression that brings a DuckDB column to a readable vector type, and how to read it. */
function castFor(T: TypeIds, typeId: number, col: string): { expr: string; plan: Omit<ReadPlan, "name"> } {
  switch (typeId) {
    case T.DOUBLE:
      return { expr: col, plan: { kind: "f64", narrow: false } };
    case T.FLOAT:
    case T.DECIMAL:
    case T.SQLNULL:
      return { expr: `CAST(${col} AS DOUBLE)`, plan: { kind: "f64", narrow: false } };
    case T.BIGINT:
      return { expr: col, plan: { kind: "i64", narrow: false } };
    case T.HUGEINT:
    case T.UBIGINT:
    case T.UHUGEINT:
    case T.UINTEGER:
      return { expr: `CAST(${col} AS DOUBLE)`, plan: { kind: "f64", narrow: true } };
    case T.INTEGER:
      return { expr: col, plan: { kind: "i32", narrow: false } };
    case T.SMALLINT:
    case T.TINYINT:
    case T.USMALLINT:
    case T.UTINYINT:
    case T.BOOLEAN:
      return { expr: `CAST(${col} AS INTEGER)`, plan: { kind: "i32", narrow: false } };
    case T.VARCHAR:
      return { expr: col, plan: { kind: "str", narrow: false } };
    case T.DATE:
      // DuckDB's sniffer types a column of `inf` / `-inf` / `infinity` as DATE (infinite dates): keep them ±Infinity
      // so validation reports them, instead of the day numbers ±2147483647.
      return {
        expr:
          `CASE WHEN isinf(${col}) THEN (CASE WHEN ${col} > DATE '1970-01-01' THEN 'inf' ELSE '-inf' END)::DOUBLE ` +
          `ELSE CAST(${col} - DATE '1970-01-01' AS DOUBLE) END`,
        plan: { kind: "f64", narrow: false },
      };
    case T.TIMESTAMP:
    case T.TIMESTAMP_S:
    case T.TIMESTAMP_MS:
    case T.TIMESTAMP_NS:
    case T.TIMESTAMP_TZ:
      return { expr: `CAST(epoch(${col}) AS DOUBLE)`, plan: { kind: "f64", narrow: false } };
    default:
      return { expr: `CAST(${col} AS VARCHAR)`, plan: { kind: "str", narrow: false } };
  }
}

const INFINITY = /^\s*([+-]?)(?:inf|infinity)\s*$/i;
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;

/**
 * A text column that is numbers plus `inf` / `-inf` / `Infinity` tokens (which DuckDB's sniffer may leave as
 * text), read as `f64` with ±Infinity (empty → NaN) so that validation names the infinite values; null when the
 * column is genuinely text or has no infinity token.
 */
function numbersWithInfinities(codes: Int32Array, levels: readonly string[]): Column | null {
  const value = new Float64Array(levels.length);
  let infinite = false;
  for (let k = 0; k < levels.length; k++) {
    const l = levels[k];
    const m = INFINITY.exec(l);
    if (m !== null) {
      value[k] = m[1] === "-" ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
      infinite = true;
    } else if (NUMBER.test(l)) value[k] = Number(l);
    else if (l.trim() === "") value[k] = Number.NaN;
    else return null;
  }
  if (!infinite) return null;
  const out = new Float64Array(codes.length);
  for (let r = 0; r < codes.length; r++) out[r] = codes[r] < 0 ? Number.NaN : value[codes[r]];
  return { kind: "f64", values: out };
}
