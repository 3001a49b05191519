import { backslashQuote, baseDialect, type Dialect } from "./base.js";

/**
 * ClickHouse: backquoted identifiers and single-quoted strings, both backslash-escaped; `Float64` / `Int64` /
 * `String`; the numerically stable `varPopStable` / `covarPopStable` (plain `varPop` may use Σx² in some
 * versions). ClickHouse 18.16 (Debian's package) has no HTTP query parameters (`{name:Type}` came in 19.x), so
 * this dialect has no placeholders: the renderer inlines every value with {@link backslashQuote} escaping. That is
 * the one place values are written into SQL text, and the escaping is tested with injection payloads.
 *
 * @example
 * ```ts
 * clickhouseDialect.quoteIdent("a`b"); // "`a\\`b`"
 * clickhouseDialect.aggregateName("var_pop"); // "varPopStable"
 * ```
 * @see https://clickhouse.com/docs/en/sql-reference/syntax (identifiers and string literals)
 */
export const clickhouseDialect: Dialect = {
  ...baseDialect,
  name: "clickhouse",
  quoteIdent: (name) => backslashQuote(name, "`"),
  quoteString: (value) => backslashQuote(value, "'"),
  placeholder: () => null,
  castType: (to) => (to === "float" ? "Float64" : to === "int" ? "Int64" : "String"),
  aggregateName: (fn) => CLICKHOUSE_AGGREGATES[fn],
  functionName: (fn) => CLICKHOUSE_FUNCTIONS[fn],
  booleanLiteral: (v) => (v ? "1" : "0"),
};

const CLICKHOUSE_FUNCTIONS = {
  coalesce: "coalesce",
  abs: "abs",
  current_database: "currentDatabase",
} as const;

const CLICKHOUSE_AGGREGATES = {
  count: "count",
  sum: "sum",
  avg: "avg",
  min: "min",
  max: "max",
  var_pop: "varPopStable",
  covar_pop: "covarPopStable",
} as const;
