import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import { TrueliftError } from "../../core/errors.js";
import type { ErrorCode } from "../../core/messages.js";
import type { ProgressCallback } from "../../core/options.js";
import type { Select, Source } from "../../sql/ast.js";
import { duckdbDialect } from "../../sql/dialects/duckdb.js";
import { assertReadOnlyQuery } from "../../sql/read-only.js";
import { render } from "../../sql/render.js";
import { duckdbApi, duckdbMessage } from "../duckdb-session.js";
import { trackQuery } from "./cancel.js";
import { compressOnEngine } from "./compress-run.js";
import { describeSource } from "./describe-source.js";
import type { Engine, EngineDescription, ResultColumn, ResultTable } from "./engine.js";
import { engineError } from "./errors.js";

/**
 * Options of {@link duckdbEngine}.
 *
 * @example
 * ```ts
 * const o: DuckDBEngineOptions = { database: "warehouse.duckdb", timeoutMs: 60_000 };
 * ```
 */
export interface DuckDBEngineOptions {
  /** A DuckDB database file, opened read-only (for `--table` / `--sql`); omit for an in-memory database. */
  readonly database?: string;
  /** Interrupt a query after this many milliseconds (`E_DB_TIMEOUT`). Default: no limit. */
  readonly timeoutMs?: number;
  /**
   * Called with a running query's progress (the percent of the scan DuckDB estimates, `total` 100) four times a
   * second once DuckDB knows it. For a terminal's progress bar: it never changes a result.
   */
  readonly onProgress?: ProgressCallback;
}

/**
 * The default engine: DuckDB embedded, over files (CSV / Parquet sources read with `read_csv` / `read_parquet`) or
 * a DuckDB database file opened read-only (table or query sources).
 *
 * @example
 * ```ts
 * const engine = await duckdbEngine();
 * const t = await engine.compress({ keys: ["tier"], measures: ["minutes"] }, { type: "file", format: "csv", path: "logs.csv" });
 * await engine.close();
 * ```
 * @see https://duckdb.org/docs/api/node_neo/overview
 */
export async function duckdbEngine(options: DuckDBEngineOptions = {}): Promise<Engine> {
  const api = await duckdbApi();
  let instance: DuckDBInstance;
  if (options.database === undefined) instance = await api.DuckDBInstance.create(":memory:");
  else {
    const path = resolve(options.database);
    checkFile(path, options.database);
    try {
      instance = await api.DuckDBInstance.create(path, { access_mode: "READ_ONLY" });
    } catch (e) {
      throw new TrueliftError(
        "E_READ_FAILED",
        `Could not open the DuckDB database '${options.database}': ${duckdbMessage(e)}`,
        {
          details: { path: options.database },
          cause: e,
        },
      );
    }
  }
  const conn = await instance.connect();
  // Progress is tracked only when asked for (DuckDB's own bar printing stays off).
  if (options.onProgress !== undefined)
    await conn.run("SET enable_progress_bar = true; SET enable_progress_bar_print = false");
  return new DuckDBEngine(instance, conn, options);
}

class DuckDBEngine implements Engine {
  readonly name = "duckdb" as const;
  readonly dialect = duckdbDialect;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    private readonly conn: DuckDBConnection,
    private readonly options: DuckDBEngineOptions,
  ) {}

  async run(query: Select): Promise<ResultTable> {
    if (query.from.type === "file") checkFile(resolve(query.from.path), query.from.path);
    assertReadOnlyQuery(query);
    const { text, params } = render(query, this.dialect);
    const timer =
      this.options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => this.conn.interrupt(), this.options.timeoutMs);
    const stopProgress = this.reportProgress();
    try {
      const reader = await trackQuery(
        () => this.conn.runAndReadAll(text, [...params]),
        async () => this.conn.interrupt(),
      );
      const names = reader.columnNames();
      const types = reader.columnTypes().map((t) => t.toString());
      const data = reader.getColumnsJS();
      const columns: ResultColumn[] = names.map((name, j) => {
        const kind = NUMERIC.test(types[j]) ? "number" : "string";
        return { name, kind, values: (data[j] ?? []).map((v) => normalise(v, kind)) };
      });
      return { rows: reader.currentRowCount, columns };
    } catch (e) {
      throw mapDuckDBError(e, text);
    } finally {
      if (timer) clearTimeout(timer);
      stopProgress();
    }
  }

  /** Polls the connection's query progress for `onProgress` every 250 ms (once known); returns the stop. */
  private reportProgress(): () => void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return () => undefined;
    let last = -1;
    const poll = setInterval(() => {
      const { percentage } = this.conn.progress;
      const done = Math.floor(percentage);
      if (done < 0 || done === last) return;
      last = done;
      onProgress({ label: "of the scan (duckdb)", done: Math.min(100, done), total: 100 });
    }, 250);
    return () => clearInterval(poll);
  }

  compress(request: CompressRequest, source: Source): Promise<CompressedTable> {
    return compressOnEngine(this, request, source);
  }

  describe(source: Source): EngineDescription {
    return {
      engine: "duckdb",
      ...(this.options.database === undefined ? {} : { database: this.options.database }),
      ...describeSource(source),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.conn.closeSync();
    this.instance.closeSync();
  }
}

const NUMERIC =
  /^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL)/;

function normalise(v: unknown, kind: "number" | "string"): number | string | null {
  if (v === null || v === undefined) return null;
  if (kind === "number") return typeof v === "boolean" ? Number(v) : Number(v);
  return typeof v === "string" ? v : String(v);
}

function checkFile(path: string, label: string): void {
  try {
    statSync(path);
  } catch {
    throw new TrueliftError("E_FILE_NOT_FOUND", `No such file: '${label}'.`, {
      details: { path: label, resolved: path },
    });
  }
}

/** DuckDB's message → a catalogued code (unknown table or column, interrupted by the time limit, a write). */
function mapDuckDBError(e: unknown, sql: string): TrueliftError {
  const reason = duckdbMessage(e);
  let code: ErrorCode = "E_QUERY_FAILED";
  if (/^Catalog Error: Table.*does not exist/i.test(reason)) code = "E_DB_UNKNOWN_TABLE";
  else if (/^Binder Error: Referenced column/i.test(reason)) code = "E_DB_UNKNOWN_COLUMN";
  else if (/^INTERRUPT Error|Interrupted/i.test(reason)) code = "E_DB_TIMEOUT";
  else if (/read-only mode|read only mode/i.test(reason)) code = "E_SQL_NOT_READ_ONLY";
  return engineError(code, "duckdb", reason, sql, e);
}
