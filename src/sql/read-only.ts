import { TrueliftError } from "../core/errors.js";
import type { Select } from "./ast.js";

/**
 * Words that make a statement that starts with SELECT or WITH write (`WITH d AS (DELETE … RETURNING *) SELECT`,
 * `SELECT … INTO new_table`) or change the database. Kept short on purpose: common column names (`cluster`,
 * `load`, `system`, `export`) must stay usable unquoted; the engines' own guards (READ ONLY transaction,
 * `readonly=2`, read-only database files) catch what a text check cannot (e.g. `nextval()`).
 */
const WRITE_KEYWORDS = [
  "INSERT",
  "UPDATE",
  "DELETE",
  "MERGE",
  "UPSERT",
  "INTO",
  "CREATE",
  "DROP",
  "ALTER",
  "TRUNCATE",
  "RENAME",
  "GRANT",
  "REVOKE",
  "COPY",
  "ATTACH",
  "DETACH",
  "INSTALL",
  "PRAGMA",
  "VACUUM",
  "CHECKPOINT",
  "OPTIMIZE",
];

/**
 * Refuses a user `--sql` query that is not one read-only `SELECT`: after removing comments, string literals and
 * quoted names, it must be a single statement starting with `SELECT` or `WITH` and contain no writing or
 * database-changing keyword (INSERT, UPDATE, DELETE, INTO, COPY, CREATE, DROP, …). Throws `E_SQL_NOT_READ_ONLY`. This is the
 * first guard; engines add their own (PostgreSQL runs it in a READ ONLY transaction, ClickHouse with
 * `readonly=1`, DuckDB database files open read-only).
 *
 * @example
 * ```ts
 * assertReadOnlySql("SELECT * FROM events WHERE note = 'DROP TABLE'"); // fine
 * assertReadOnlySql("DELETE FROM events");                             // throws E_SQL_NOT_READ_ONLY
 * ```
 */
export function assertReadOnlySql(sql: string): void {
  const code = stripSql(sql).trim().replace(/;\s*$/, "");
  const refuse = (why: string): never => {
    throw new TrueliftError("E_SQL_NOT_READ_ONLY", `The SQL query is not a read-only SELECT: ${why}.`, {
      details: { sql },
    });
  };
  if (code.length === 0) refuse("it is empty");
  if (code.includes(";")) refuse("it holds more than one statement");
  if (!/^\(*\s*(SELECT|WITH)\b/i.test(code)) refuse("it does not start with SELECT or WITH");
  const words = new Set(code.toUpperCase().match(/[A-Z_]+/g) ?? []);
  const found = WRITE_KEYWORDS.filter((w) => words.has(w));
  if (found.length > 0) refuse(`it contains ${found.join(", ")}`);
}

/**
 * Applies {@link assertReadOnlySql} to every user query a {@link Select} reads from (its source, and the sources of
 * nested selects). Engines call it before running anything.
 *
 * @example
 * ```ts
 * assertReadOnlyQuery({ type: "select", columns: [], from: { type: "sql", sql: "DROP TABLE t" } }); // throws
 * ```
 */
export function assertReadOnlyQuery(query: Select): void {
  const from = query.from;
  if (from.type === "sql") assertReadOnlySql(from.sql);
  else if (from.type === "subquery") assertReadOnlyQuery(from.query);
}

/** The SQL with comments removed and every string literal and quoted name replaced by a blank placeholder. */
function stripSql(sql: string): string {
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
      out += " ";
    } else if (c === "'" || c === '"' || c === "`") {
      let j = i + 1;
      while (j < sql.length) {
        // Backslash is not treated as an escape (ANSI): in a backslash dialect that can only make the check
        // stricter (a refused query), never hide a statement.
        if (sql[j] === c && sql[j + 1] === c) j += 2;
        else if (sql[j] === c) break;
        else j++;
      }
      out += " x ";
      i = j + 1;
    } else if (c === "$" && /[A-Za-z_]*\$/.test(sql.slice(i + 1, i + 40))) {
      // PostgreSQL dollar quoting: $tag$ … $tag$
      const tag = sql.slice(i).match(/^\$[A-Za-z_]*\$/)?.[0];
      if (tag === undefined) {
        out += c;
        i++;
      } else {
        const end = sql.indexOf(tag, i + tag.length);
        out += " x ";
        i = end < 0 ? sql.length : end + tag.length;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
