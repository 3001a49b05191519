import { backslashQuote, baseDialect, type Dialect, unsupported } from "./base.js";

/**
 * BigQuery (GoogleSQL), for `--emit-sql`: backquoted identifiers and backslash-escaped strings, named `@pN`
 * parameters, `FLOAT64` / `INT64` / `STRING`. Qualified names (`project.dataset.table`) are quoted per part.
 *
 * @example
 * ```ts
 * bigqueryDialect.placeholder(0); // "@p1"
 * ```
 * @see https://cloud.google.com/bigquery/docs/reference/standard-sql/lexical
 */
export const bigqueryDialect: Dialect = {
  ...baseDialect,
  name: "bigquery",
  quoteIdent: (name) => backslashQuote(name, "`"),
  quoteString: (value) => backslashQuote(value, "'"),
  placeholder: (i) => `@p${i + 1}`,
  castType: (to) => (to === "float" ? "FLOAT64" : to === "int" ? "INT64" : "STRING"),
  functionName: (fn) =>
    fn === "current_database" ? unsupported("bigquery", "current_database()") : fn.toUpperCase(),
};
