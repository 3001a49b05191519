import { TrueliftError } from "../../core/errors.js";
import type { AggregateFunction, CastType, ScalarFunction, Source } from "../ast.js";

/**
 * Names of the dialects truelift renders SQL for.
 *
 * @example
 * ```ts
 * DIALECT_NAMES.includes("clickhouse"); // true
 * ```
 */
export const DIALECT_NAMES = ["duckdb", "postgres", "clickhouse", "bigquery", "snowflake"] as const;
/**
 * One of {@link DIALECT_NAMES}.
 *
 * @example
 * ```ts
 * const d: DialectName = "bigquery";
 * ```
 */
export type DialectName = (typeof DIALECT_NAMES)[number];

/**
 * How one SQL dialect spells things. A dialect is {@link baseDialect} plus overrides (GrowthBook's
 * `{...baseDialect}` pattern): quoting, parameter placeholders, type and function names, and sources it can read.
 *
 * @example
 * ```ts
 * const myDialect: Dialect = { ...baseDialect, name: "duckdb", castType: (t) => (t === "float" ? "DOUBLE" : "BIGINT") };
 * ```
 * @see GrowthBook `packages/back-end/src/integrations/SqlIntegration.ts` (a base class with per-warehouse overrides).
 */
export interface Dialect {
  readonly name: DialectName;
  /** The identifier, quoted so that any character (quotes, `;`, `--`) is part of the name. */
  quoteIdent(name: string): string;
  /** A string literal with the dialect's escaping (used when inlining values). */
  quoteString(value: string): string;
  /** The placeholder of the i-th bound parameter (0-based), or null when the dialect has no parameters (inline). */
  placeholder(index: number): string | null;
  /** The type name of a portable cast target. */
  castType(to: CastType): string;
  /** The function name of an aggregate. */
  aggregateName(fn: AggregateFunction): string;
  /** The function name of a scalar function. */
  functionName(fn: ScalarFunction): string;
  /** SQL for reading a file source; throws `E_UNSUPPORTED_IN_DIALECT` where files cannot be read. */
  fileSource(source: Extract<Source, { type: "file" }>, bind: (value: string) => string): string;
  /** Boolean literal text. */
  booleanLiteral(value: boolean): string;
}

/**
 * Throws `E_UNSUPPORTED_IN_DIALECT` for a feature a dialect lacks (raised while generating SQL, never at run time).
 *
 * @example
 * ```ts
 * unsupported("postgres", "reading a Parquet file"); // throws
 * ```
 */
export function unsupported(dialect: DialectName, feature: string): never {
  throw new TrueliftError("E_UNSUPPORTED_IN_DIALECT", `The ${dialect} dialect does not support ${feature}.`, {
    details: { dialect, feature },
  });
}

/** ANSI double-quoted identifier with embedded `"` doubled. @example ansiIdent('a"b') // "a""b" */
export function ansiIdent(name: string): string {
  if (name.includes("\u0000")) unsupportedNul();
  return `"${name.replaceAll('"', '""')}"`;
}

/** ANSI string literal with embedded `'` doubled. @example ansiString("it's") // 'it''s' */
export function ansiString(value: string): string {
  if (value.includes("\u0000")) unsupportedNul();
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * Backslash-escaped quoting (ClickHouse, BigQuery): `\` and the quote character are escaped with `\`, and
 * control characters as `\n`, `\r`, `\t`, `\0`-free.
 *
 * @example
 * ```ts
 * backslashQuote("a`b", "`"); // `a\`b`
 * ```
 */
export function backslashQuote(value: string, quote: "'" | "`"): string {
  if (value.includes("\u0000")) unsupportedNul();
  const body = value
    .replaceAll("\\", "\\\\")
    .replaceAll(quote, `\\${quote}`)
    .replaceAll("\n", "\\n")
    .replaceAll("\r", "\\r")
    .replaceAll("\t", "\\t");
  return `${quote}${body}${quote}`;
}

function unsupportedNul(): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", "SQL names and values cannot contain NUL characters.");
}

/**
 * The ANSI base every dialect overrides: double-quoted identifiers, `$n` parameters, `DOUBLE PRECISION`,
 * `VAR_POP` / `COVAR_POP`, and no file sources.
 *
 * @example
 * ```ts
 * baseDialect.quoteIdent('x"; DROP TABLE t; --'); // "x""; DROP TABLE t; --"
 * ```
 */
export const baseDialect: Dialect = {
  name: "postgres",
  quoteIdent: ansiIdent,
  quoteString: ansiString,
  placeholder: (i) => `$${i + 1}`,
  castType: (to) => (to === "float" ? "DOUBLE PRECISION" : to === "int" ? "BIGINT" : "VARCHAR"),
  aggregateName: (fn) => fn.toUpperCase(),
  functionName: (fn) => (fn === "current_database" ? "CURRENT_DATABASE" : fn.toUpperCase()),
  fileSource(source) {
    return unsupported(this.name, `reading a ${source.format} file (load it into a table first)`);
  },
  booleanLiteral: (v) => (v ? "TRUE" : "FALSE"),
};
