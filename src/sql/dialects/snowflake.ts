import { ansiIdent, baseDialect, type Dialect } from "./base.js";

/**
 * Snowflake, for `--emit-sql`: `"…"` identifiers (case-sensitive when quoted), `?` positional parameters, `DOUBLE`.
 * Single-quoted strings treat backslash as an escape, so both `\` and `'` are escaped.
 *
 * @example
 * ```ts
 * snowflakeDialect.quoteString("a\\'b"); // "'a\\\\''b'"
 * ```
 * @see https://docs.snowflake.com/en/sql-reference/data-types-text#escape-sequences-in-single-quoted-string-constants
 */
export const snowflakeDialect: Dialect = {
  ...baseDialect,
  name: "snowflake",
  quoteIdent: ansiIdent,
  quoteString: (value) => {
    if (value.includes("\u0000")) return baseDialect.quoteString(value);
    return `'${value.replaceAll("\\", "\\\\").replaceAll("'", "''")}'`;
  },
  placeholder: () => "?",
  castType: (to) => (to === "float" ? "DOUBLE" : to === "int" ? "BIGINT" : "VARCHAR"),
};
