/**
 * SQL identifier and literal quoting — the one place it lives (design.md §6). The loader uses it only for the
 * fragments DuckDB cannot take as bound parameters (identifiers, and file paths in `COPY … TO` targets).
 *
 * @example
 * ```ts
 * import { quoteIdent, quoteLiteral } from "../sql/quote.js";
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
