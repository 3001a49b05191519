/**
 * Quoting for the few SQL fragments the loader has to splice into text (identifiers, and file paths in `COPY …
 * TO` targets, which DuckDB cannot take as bound parameters). Values are bound wherever DuckDB allows it.
 *
 * @example
 * ```ts
 * import { quoteIdent, quoteLiteral } from "./sql-quote.js"; // internal to the data layer
 * quoteIdent('my "col"');  // "my ""col"""
 * quoteLiteral("it's.csv"); // 'it''s.csv'
 * ```
 */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A single-quoted SQL string literal, with embedded quotes doubled. See {@link quoteIdent}.
 * @example
 * ```ts
 * quoteLiteral("it's.csv"); // "'it''s.csv'"
 * ```
 */
export function quoteLiteral(value: string): string {
  if (value.includes("\u0000")) throw new RangeError("SQL string literals cannot contain NUL characters");
  return `'${value.replaceAll("'", "''")}'`;
}
