import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import type { Select, Source } from "../../sql/ast.js";
import type { Dialect } from "../../sql/dialects/base.js";

/**
 * Names of the engines truelift runs SQL on.
 *
 * @example
 * ```ts
 * const name: EngineName = "clickhouse";
 * ```
 */
export type EngineName = "duckdb" | "postgres" | "clickhouse";

/**
 * One column of a query result: numbers (numeric SQL types, NULL as null) or text.
 *
 * @example
 * ```ts
 * const c: ResultColumn = { name: "n", kind: "number", values: [3, 5] };
 * ```
 */
export interface ResultColumn {
  readonly name: string;
  /** `number` for integer, float, decimal and boolean SQL types; `string` for everything else. */
  readonly kind: "number" | "string";
  readonly values: readonly (number | string | null)[];
}

/**
 * A query result, column by column.
 *
 * @example
 * ```ts
 * const t: ResultTable = { rows: 1, columns: [{ name: "n", kind: "number", values: [3] }] };
 * ```
 */
export interface ResultTable {
  readonly rows: number;
  readonly columns: readonly ResultColumn[];
}

/**
 * Where the statistics came from, for a result's provenance: never a password.
 *
 * @example
 * ```ts
 * const d: EngineDescription = { engine: "postgres", host: "db.internal:5432", database: "prod", user: "analyst",
 *   table: "public.events" };
 * ```
 */
export interface EngineDescription {
  readonly engine: EngineName;
  /** `host:port` (servers only). */
  readonly host?: string;
  readonly database?: string;
  readonly user?: string;
  /** The table name (dot-joined), when the source is a table. */
  readonly table?: string;
  /** The file path, when the source is a file. */
  readonly file?: string;
  /** sha256 of the user's SQL text, when the source is a query. */
  readonly sqlSha256?: string;
}

/**
 * A place SQL runs: DuckDB embedded (the default), PostgreSQL or ClickHouse. Engines take queries as syntax trees
 * ({@link Select}), render them in their dialect, bind values, and map failures to catalogued error codes
 * (`E_DB_CONNECTION`, `E_DB_AUTH`, `E_DB_UNKNOWN_TABLE`, `E_COLUMN_MISSING`, `E_DB_PERMISSION`, `E_DB_TIMEOUT`,
 * `E_SQL_NOT_READ_ONLY`, otherwise `E_QUERY_FAILED` with the SQL attached).
 *
 * @example
 * ```ts
 * const engine = await duckdbEngine();
 * try {
 *   const t = await engine.compress({ keys: ["tier"], measures: ["minutes"] }, { type: "file", format: "csv", path: "logs.csv" });
 * } finally {
 *   await engine.close();
 * }
 * ```
 */
export interface Engine {
  readonly name: EngineName;
  readonly dialect: Dialect;
  /** Runs a query and returns its rows column by column. */
  run(query: Select): Promise<ResultTable>;
  /** Computes a {@link CompressRequest} over a source in the engine; equal to `compressFrame` on the same rows. */
  compress(request: CompressRequest, source: Source): Promise<CompressedTable>;
  /** Provenance for a source read through this engine (no password). */
  describe(source: Source): EngineDescription;
  /** Releases the connection; safe to call twice. */
  close(): Promise<void>;
}
