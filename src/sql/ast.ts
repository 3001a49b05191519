/**
 * Queries as data: a small typed syntax tree that {@link render} turns into SQL text for a dialect. Identifiers
 * are always quoted by the renderer and values are always bound parameters (or, where a dialect has no
 * parameters, escaped literals), so no user text is ever spliced into SQL.
 *
 * @example
 * ```ts
 * const q: Select = {
 *   type: "select",
 *   columns: [{ expr: { type: "agg", fn: "count", args: [] }, alias: "n" }],
 *   from: { type: "table", path: ["events"] },
 *   where: { type: "binary", op: ">", left: col("week"), right: param(10) },
 * };
 * ```
 * @see Mosaic SQL (uwdata/mosaic, `packages/sql`): queries as expression nodes rendered per dialect.
 */
export type Expr =
  | ColumnRef
  | Param
  | Literal
  | FunctionCall
  | Aggregate
  | BinaryOp
  | Cast
  | CaseExpr
  | IsNull
  | InList
  | Between;

/**
 * A bound value: numbers, text, booleans or NULL.
 *
 * @example
 * ```ts
 * const v: SqlValue = "it's";
 * ```
 */
export type SqlValue = number | string | boolean | null;

/**
 * A (quoted) column reference.
 *
 * @example
 * ```ts
 * const c: ColumnRef = { type: "column", name: "week" };
 * ```
 */
export interface ColumnRef {
  readonly type: "column";
  readonly name: string;
}
/**
 * A value bound as a query parameter (inlined with escaping only by `renderInline` or dialects without parameters).
 *
 * @example
 * ```ts
 * const p: Param = { type: "param", value: 10 };
 * ```
 */
export interface Param {
  readonly type: "param";
  readonly value: SqlValue;
}
/**
 * A small integer constant written into the SQL text (e.g. the 1 and 0 of a `CASE`); never user data.
 *
 * @example
 * ```ts
 * const one: Literal = { type: "literal", value: 1 };
 * ```
 */
export interface Literal {
  readonly type: "literal";
  readonly value: number;
}
/**
 * Scalar functions the renderer knows (each dialect names them).
 *
 * @example
 * ```ts
 * SCALAR_FUNCTIONS.includes("abs"); // true
 * ```
 */
export const SCALAR_FUNCTIONS = ["coalesce", "abs", "current_database"] as const;
/**
 * One of {@link SCALAR_FUNCTIONS}.
 *
 * @example
 * ```ts
 * const fn: ScalarFunction = "coalesce";
 * ```
 */
export type ScalarFunction = (typeof SCALAR_FUNCTIONS)[number];
/**
 * A scalar function call.
 *
 * @example
 * ```ts
 * const e: FunctionCall = { type: "call", fn: "abs", args: [col("y")] };
 * ```
 */
export interface FunctionCall {
  readonly type: "call";
  readonly fn: ScalarFunction;
  readonly args: readonly Expr[];
}
/**
 * Aggregates the renderer knows; `count` with no argument is `COUNT(*)`.
 *
 * @example
 * ```ts
 * AGGREGATES.includes("var_pop"); // true
 * ```
 */
export const AGGREGATES = ["count", "sum", "avg", "min", "max", "var_pop", "covar_pop"] as const;
/**
 * One of {@link AGGREGATES}.
 *
 * @example
 * ```ts
 * const fn: AggregateFunction = "covar_pop";
 * ```
 */
export type AggregateFunction = (typeof AGGREGATES)[number];
/**
 * An aggregate call.
 *
 * @example
 * ```ts
 * const e: Aggregate = { type: "agg", fn: "count", args: [] }; // COUNT(*)
 * ```
 */
export interface Aggregate {
  readonly type: "agg";
  readonly fn: AggregateFunction;
  readonly args: readonly Expr[];
}
/**
 * Binary operators (arithmetic, comparison, logic).
 *
 * @example
 * ```ts
 * const op: BinaryOperator = "<=";
 * ```
 */
export type BinaryOperator = "+" | "-" | "*" | "/" | "=" | "<>" | "<" | "<=" | ">" | ">=" | "AND" | "OR";
/**
 * `left op right`, always parenthesised by the renderer.
 *
 * @example
 * ```ts
 * const e: BinaryOp = { type: "binary", op: "*", left: col("a"), right: col("b") };
 * ```
 */
export interface BinaryOp {
  readonly type: "binary";
  readonly op: BinaryOperator;
  readonly left: Expr;
  readonly right: Expr;
}
/**
 * Portable target types of a {@link Cast}; each dialect names them (`DOUBLE`, `Float64`, `FLOAT64`, …).
 *
 * @example
 * ```ts
 * const t: CastType = "float";
 * ```
 */
export type CastType = "float" | "int" | "text";
/**
 * `CAST(expr AS type)`.
 *
 * @example
 * ```ts
 * const e: Cast = { type: "cast", expr: col("y"), to: "float" };
 * ```
 */
export interface Cast {
  readonly type: "cast";
  readonly expr: Expr;
  readonly to: CastType;
}
/**
 * `CASE WHEN … THEN … [ELSE …] END`.
 *
 * @example
 * ```ts
 * const e: CaseExpr = { type: "case", when: [{ cond: { type: "isNull", expr: col("y") }, result: { type: "literal", value: 1 } }], else: { type: "literal", value: 0 } };
 * ```
 */
export interface CaseExpr {
  readonly type: "case";
  readonly when: readonly { readonly cond: Expr; readonly result: Expr }[];
  readonly else?: Expr;
}
/**
 * `expr IS [NOT] NULL`.
 *
 * @example
 * ```ts
 * const e: IsNull = { type: "isNull", expr: col("y"), negate: true }; // "y" IS NOT NULL
 * ```
 */
export interface IsNull {
  readonly type: "isNull";
  readonly expr: Expr;
  readonly negate?: boolean;
}
/**
 * `expr IN (v1, v2, …)` (at least one value).
 *
 * @example
 * ```ts
 * const e: InList = { type: "in", expr: col("tier"), values: [param("light"), param("heavy")] };
 * ```
 */
export interface InList {
  readonly type: "in";
  readonly expr: Expr;
  readonly values: readonly Expr[];
}
/**
 * `expr BETWEEN low AND high` (inclusive).
 *
 * @example
 * ```ts
 * const e: Between = { type: "between", expr: col("week"), low: param(1), high: param(9) };
 * ```
 */
export interface Between {
  readonly type: "between";
  readonly expr: Expr;
  readonly low: Expr;
  readonly high: Expr;
}

/**
 * Where rows come from: a (possibly qualified) table name, a user's SQL query (wrapped as a subquery; checked
 * read-only by the engines), a file read by a table function (DuckDB only), or a nested select.
 *
 * @example
 * ```ts
 * const s: Source = { type: "table", path: ["analytics", "events"] };
 * ```
 */
export type Source =
  | { readonly type: "table"; readonly path: readonly string[] }
  | { readonly type: "sql"; readonly sql: string }
  | { readonly type: "file"; readonly format: "csv" | "parquet"; readonly path: string }
  | { readonly type: "subquery"; readonly query: Select };

/**
 * One output column of a {@link Select}.
 *
 * @example
 * ```ts
 * const item: SelectItem = { expr: agg("avg", col("y")), alias: "mean_y" };
 * ```
 */
export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string;
}

/**
 * `SELECT … FROM … [WHERE …] [GROUP BY …] [LIMIT …]`.
 *
 * @example
 * ```ts
 * const q: Select = { type: "select", columns: [], from: { type: "table", path: ["t"] }, limit: 0 };
 * ```
 */
export interface Select {
  readonly type: "select";
  /** Output columns; empty means `*`. */
  readonly columns: readonly SelectItem[];
  readonly from: Source;
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly limit?: number;
}

/** A column reference. @example col("week") // { type: "column", name: "week" } */
export function col(name: string): ColumnRef {
  return { type: "column", name };
}

/** A bound parameter. @example param(10) // { type: "param", value: 10 } */
export function param(value: SqlValue): Param {
  return { type: "param", value };
}

/** An aggregate. @example agg("avg", col("y")) // AVG("y") */
export function agg(fn: AggregateFunction, ...args: Expr[]): Aggregate {
  return { type: "agg", fn, args };
}

/** A cast. @example cast(col("y"), "float") // CAST("y" AS DOUBLE) on DuckDB */
export function cast(expr: Expr, to: CastType): Cast {
  return { type: "cast", expr, to };
}

/** `a AND b AND …` (undefined for no terms). @example and([a, b]) // (a AND b) */
export function and(terms: readonly Expr[]): Expr | undefined {
  if (terms.length === 0) return undefined;
  return terms.reduce((left, right) => ({ type: "binary", op: "AND", left, right }));
}

/** `a OR b OR …` (undefined for no terms). @example or([a, b]) // (a OR b) */
export function or(terms: readonly Expr[]): Expr | undefined {
  if (terms.length === 0) return undefined;
  return terms.reduce((left, right) => ({ type: "binary", op: "OR", left, right }));
}
