import { baseDialect, type Dialect } from "./base.js";

/**
 * DuckDB (embedded, the default engine): ANSI quoting, `$n` parameters, `DOUBLE`, and files read with
 * `read_csv` / `read_parquet` (the path bound as a parameter).
 *
 * @example
 * ```ts
 * duckdbDialect.castType("float"); // "DOUBLE"
 * ```
 * @see https://duckdb.org/docs/sql/functions/aggregates
 */
export const duckdbDialect: Dialect = {
  ...baseDialect,
  name: "duckdb",
  castType: (to) => (to === "float" ? "DOUBLE" : to === "int" ? "BIGINT" : "VARCHAR"),
  fileSource: (source, bind) =>
    source.format === "parquet"
      ? `read_parquet(${bind(source.path)})`
      : `read_csv(${bind(source.path)}, header = true, delim = ',', quote = '"', escape = '"', skip = 0)`,
};
