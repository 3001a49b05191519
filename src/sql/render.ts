import { TrueliftError } from "../core/errors.js";
import type { Expr, Select, Source, SqlValue } from "./ast.js";
import type { Dialect } from "./dialects/base.js";

/**
 * Rendered SQL: the text with placeholders, and the values bound to them in order.
 *
 * @example
 * ```ts
 * const r: RenderedQuery = { text: 'SELECT * FROM "t" WHERE ("y" > $1)', params: [0] };
 * ```
 */
export interface RenderedQuery {
  readonly text: string;
  readonly params: readonly SqlValue[];
}

/**
 * Renders a {@link Select} for a dialect, in one visitor: identifiers quoted, values bound as parameters (in
 * text order), or inlined with the dialect's escaping where it has no parameters (ClickHouse 18.16).
 *
 * @example
 * ```ts
 * render({ type: "select", columns: [{ expr: col("y"), alias: "y" }], from: { type: "table", path: ["t"] },
 *          where: { type: "binary", op: ">", left: col("y"), right: param(1) } }, duckdbDialect);
 * // { text: 'SELECT "y" AS "y"\nFROM "t"\nWHERE ("y" > $1)', params: [1] }
 * ```
 * @see Mosaic SQL's `toString()` visitor (uwdata/mosaic).
 */
export function render(query: Select, dialect: Dialect): RenderedQuery {
  const params: SqlValue[] = [];
  const bind = (value: SqlValue): string => {
    const ph = dialect.placeholder(params.length);
    if (ph === null) return inlineValue(value, dialect);
    params.push(value);
    return ph;
  };
  return { text: renderSelect(query, dialect, bind), params };
}

/**
 * Renders a {@link Select} with every value written as a safe literal (the dialect's escaping), for `--emit-sql`:
 * the user runs the text in their warehouse, where truelift cannot bind parameters.
 *
 * @example
 * ```ts
 * renderInline(query, postgresDialect); // '… WHERE ("tier" IN (\'light\', \'it\'\'s\'))'
 * ```
 */
export function renderInline(query: Select, dialect: Dialect): string {
  return renderSelect(query, dialect, (v) => inlineValue(v, dialect));
}

type Bind = (value: SqlValue) => string;

function renderSelect(q: Select, d: Dialect, bind: Bind): string {
  const cols =
    q.columns.length === 0
      ? "*"
      : q.columns.map((c) => `${renderExpr(c.expr, d, bind)} AS ${d.quoteIdent(c.alias)}`).join(",\n  ");
  let text = `SELECT ${cols}\nFROM ${renderSource(q.from, d, bind)}`;
  if (q.where) text += `\nWHERE ${renderExpr(q.where, d, bind)}`;
  if (q.groupBy && q.groupBy.length > 0)
    text += `\nGROUP BY ${q.groupBy.map((e) => renderExpr(e, d, bind)).join(", ")}`;
  if (q.limit !== undefined) {
    if (!Number.isInteger(q.limit) || q.limit < 0)
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `A query limit must be a non-negative integer; got ${q.limit}.`,
      );
    text += `\nLIMIT ${q.limit}`;
  }
  return text;
}

function renderSource(s: Source, d: Dialect, bind: Bind): string {
  switch (s.type) {
    case "table":
      return s.path.map((p) => d.quoteIdent(p)).join(".");
    case "sql":
      // A trailing ';' (as pasted from a console) would end the statement inside the parentheses.
      return `(\n${s.sql.replace(/[\s;]+$/, "")}\n) AS ${d.quoteIdent("truelift_source")}`;
    case "file":
      return `${d.fileSource(s, bind)} AS ${d.quoteIdent("truelift_source")}`;
    case "subquery":
      return `(\n${renderSelect(s.query, d, bind)}\n) AS ${d.quoteIdent("truelift_sub")}`;
  }
}

function renderExpr(e: Expr, d: Dialect, bind: Bind): string {
  const r = (x: Expr) => renderExpr(x, d, bind);
  switch (e.type) {
    case "column":
      return d.quoteIdent(e.name);
    case "param":
      return bind(e.value);
    case "literal":
      if (!Number.isSafeInteger(e.value))
        throw new TrueliftError("E_INVALID_ARGUMENT", `A SQL literal must be an integer; got ${e.value}.`);
      return e.value < 0 ? `(${e.value})` : String(e.value);
    case "call":
      return `${d.functionName(e.fn)}(${e.args.map(r).join(", ")})`;
    case "agg":
      return `${d.aggregateName(e.fn)}(${e.fn === "count" && e.args.length === 0 ? "*" : e.args.map(r).join(", ")})`;
    case "binary":
      return `(${r(e.left)} ${e.op} ${r(e.right)})`;
    case "cast":
      return `CAST(${r(e.expr)} AS ${d.castType(e.to)})`;
    case "case": {
      const whens = e.when.map((w) => `WHEN ${r(w.cond)} THEN ${r(w.result)}`).join(" ");
      return `CASE ${whens}${e.else === undefined ? "" : ` ELSE ${r(e.else)}`} END`;
    }
    case "isNull":
      return `(${r(e.expr)} IS ${e.negate ? "NOT " : ""}NULL)`;
    case "in":
      if (e.values.length === 0)
        throw new TrueliftError("E_INVALID_ARGUMENT", "An IN list needs at least one value.");
      return `(${r(e.expr)} IN (${e.values.map(r).join(", ")}))`;
    case "between":
      return `(${r(e.expr)} BETWEEN ${r(e.low)} AND ${r(e.high)})`;
  }
}

/**
 * A value as a literal in the dialect's syntax: finite numbers as written by JavaScript (negative ones in
 * parentheses), text with the dialect's escaping, booleans and NULL as keywords.
 *
 * @example
 * ```ts
 * inlineValue("it's", postgresDialect); // "'it''s'"
 * inlineValue(-2.5, clickhouseDialect);  // "(-2.5)"
 * ```
 */
export function inlineValue(value: SqlValue, d: Dialect): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return d.booleanLiteral(value);
  if (typeof value === "string") return d.quoteString(value);
  if (!Number.isFinite(value))
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `Only finite numbers can be written into SQL; got ${value}.`,
    );
  const text = String(value);
  return value < 0 || Object.is(value, -0) ? `(${text})` : text;
}
