import type { CompressFilter, CompressRequest } from "../core/compress.js";
import { validateCompressRequest } from "../core/compress.js";
import {
  agg,
  and,
  cast,
  col,
  type Expr,
  or,
  param,
  type Select,
  type SelectItem,
  type Source,
} from "./ast.js";
import type { Dialect } from "./dialects/base.js";
import { renderInline } from "./render.js";

/**
 * Output column names of {@link compressQuery} and {@link nullCountQuery}. They are prefixed so that they cannot
 * shadow a source column (ClickHouse resolves aliases anywhere in a query).
 *
 * @example
 * ```ts
 * COMPRESS_ALIASES.mean(0); // "truelift_mean_0"
 * ```
 */
export const COMPRESS_ALIASES = {
  key: (i: number) => `truelift_k${i}`,
  n: "truelift_n",
  mean: (i: number) => `truelift_mean_${i}`,
  m2: (i: number) => `truelift_m2_${i}`,
  comoment: (i: number, j: number) => `truelift_co_${i}_${j}`,
  rows: "truelift_rows",
  nulls: (i: number) => `truelift_null_${i}`,
  anyNull: "truelift_null_any",
} as const;

/**
 * The `GROUP BY` query that computes a {@link CompressRequest}: per group of the keys, `n`, `AVG(x)`,
 * `VAR_POP(x)·n` and (with `crossProducts`) `COVAR_POP(a, b)·n` — stable centred moments, never Σx². Measures are
 * cast to the dialect's float type; rows with a NULL key or measure, and rows failing a filter, are left out.
 * The tree is the same for every dialect; pass `dialect` to have what it cannot express (e.g. a file source outside
 * DuckDB) raise `E_UNSUPPORTED_IN_DIALECT` here rather than when the query is rendered.
 *
 * @example
 * ```ts
 * const q = compressQuery({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["t"] });
 * render(q, duckdbDialect).text;
 * // SELECT "g" AS "truelift_k0",
 * //   CAST(COUNT(*) AS DOUBLE) AS "truelift_n", AVG(CAST("y" AS DOUBLE)) AS "truelift_mean_0", …
 * ```
 * @see Wong, Lewis & Wardrop (2021); duckreg (compress with GROUP BY, then weighted least squares).
 */
export function compressQuery(request: CompressRequest, source: Source, dialect?: Dialect): Select {
  validateCompressRequest(request);
  const { keys, measures } = request;
  const x = measures.map((m) => cast(col(m), "float"));
  const count: Expr = cast(agg("count"), "float");
  const columns = momentColumns(keys, x, count, request.crossProducts === true);
  const notNull: Expr[] = [...keys, ...measures].map((c) => ({ type: "isNull", expr: col(c), negate: true }));
  const query: Select = {
    type: "select",
    columns,
    from: source,
    where: and([...filterExprs(request.where ?? []), ...notNull]),
    groupBy: keys.map((k) => col(k)),
  };
  if (dialect !== undefined) renderInline(query, dialect); // throws E_UNSUPPORTED_IN_DIALECT now, not at run time
  return query;
}

/**
 * {@link compressQuery} and {@link nullCountQuery} in one scan, for engines: grouped by the keys over the rows that
 * pass the filters (NULL keys make groups of their own), each group has the compress columns over its rows with no
 * NULL measure, plus its row count (`truelift_rows`) and, with several measures, each measure's NULL count
 * (`COUNT(*) - COUNT(col)`, `truelift_null_i`). The caller drops the groups with a NULL key or no complete row and
 * adds the counts up (a key's NULLs are the rows of its NULL groups; a single measure's, the rows less `n`). With
 * one measure the moments need no `CASE` (the aggregates skip NULLs themselves), so the query costs the compress
 * query's scan and one `COUNT(*)`; the separate null count was a second full scan.
 *
 * @example
 * ```ts
 * render(compressCountQuery({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["t"] }), postgresDialect).text;
 * // SELECT "g" AS "truelift_k0", CAST(COUNT(CAST("y" AS DOUBLE PRECISION)) AS DOUBLE PRECISION) AS "truelift_n", …
 * ```
 */
export function compressCountQuery(request: CompressRequest, source: Source, dialect?: Dialect): Select {
  validateCompressRequest(request);
  const { keys, measures } = request;
  const complete = and(measures.map((c): Expr => ({ type: "isNull", expr: col(c), negate: true })));
  // A measure's value on the group's complete rows (all measures present), NULL elsewhere.
  const x = measures.map((m): Expr => {
    const v = cast(col(m), "float");
    return measures.length === 1 || complete === undefined
      ? v
      : { type: "case", when: [{ cond: complete, result: v }] };
  });
  // Complete rows: those where the (first) measure is present on complete rows only; every row without measures.
  const count: Expr = cast(x.length === 0 ? agg("count") : agg("count", x[0]), "float");
  const columns = momentColumns(keys, x, count, request.crossProducts === true);
  columns.push({ expr: cast(agg("count"), "float"), alias: COMPRESS_ALIASES.rows });
  // A key's NULLs are the rows of the groups where it is NULL, and a single measure's are the rows less `n`: only
  // several measures need their own counts.
  if (measures.length > 1)
    measures.forEach((c, j) => {
      columns.push({
        expr: cast({ type: "binary", op: "-", left: agg("count"), right: agg("count", col(c)) }, "float"),
        alias: COMPRESS_ALIASES.nulls(keys.length + j),
      });
    });
  const query: Select = {
    type: "select",
    columns,
    from: source,
    where: and(filterExprs(request.where ?? [])),
    groupBy: keys.map((k) => col(k)),
  };
  if (dialect !== undefined) renderInline(query, dialect);
  return query;
}

/**
 * The companion query counting, among the rows that pass the filters, all rows and those with a NULL in each key
 * and measure (and in any of them), so the caller can raise its coded missing-values error.
 *
 * @example
 * ```ts
 * render(nullCountQuery({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["t"] }), duckdbDialect).text;
 * // SELECT CAST(COUNT(*) AS DOUBLE) AS "truelift_rows", CAST(SUM(CASE WHEN ("g" IS NULL) THEN 1 ELSE 0 END) …
 * ```
 */
export function nullCountQuery(request: CompressRequest, source: Source): Select {
  validateCompressRequest(request);
  const cols = [...request.keys, ...request.measures];
  const isNull = (c: string): Expr => ({ type: "isNull", expr: col(c) });
  const countIf = (cond: Expr): Expr =>
    cast(
      agg("sum", {
        type: "case",
        when: [{ cond, result: { type: "literal", value: 1 } }],
        else: { type: "literal", value: 0 },
      }),
      "float",
    );
  const columns: SelectItem[] = [{ expr: cast(agg("count"), "float"), alias: COMPRESS_ALIASES.rows }];
  cols.forEach((c, i) => {
    columns.push({ expr: countIf(isNull(c)), alias: COMPRESS_ALIASES.nulls(i) });
  });
  const any = or(cols.map(isNull));
  if (any) columns.push({ expr: countIf(any), alias: COMPRESS_ALIASES.anyNull });
  return { type: "select", columns, from: source, where: and(filterExprs(request.where ?? [])) };
}

/**
 * The SQL text of {@link compressQuery} for a dialect with every value inlined as an escaped literal, for
 * `--emit-sql` (run it in the warehouse, then feed the result back).
 *
 * @example
 * ```ts
 * explainSql({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["analytics", "events"] }, bigqueryDialect);
 * // "SELECT `g` AS `truelift_k0`, … FROM `analytics`.`events` WHERE … GROUP BY `g`"
 * ```
 */
export function explainSql(request: CompressRequest, source: Source, dialect: Dialect): string {
  return renderInline(compressQuery(request, source, dialect), dialect);
}

function times(left: Expr, right: Expr): Expr {
  return { type: "binary", op: "*", left, right };
}

function filterExprs(filters: readonly CompressFilter[]): Expr[] {
  return filters.map((f) =>
    f.op === "between"
      ? { type: "between", expr: col(f.column), low: param(f.low), high: param(f.high) }
      : { type: "in", expr: col(f.column), values: f.values.map((v) => param(v)) },
  );
}

/** The key columns, the count and each measure's mean and Σ(x − x̄)² (and cross-products) of a compress query. */
function momentColumns(
  keys: readonly string[],
  x: readonly Expr[],
  count: Expr,
  crossProducts: boolean,
): SelectItem[] {
  const columns: SelectItem[] = keys.map((k, i) => ({ expr: col(k), alias: COMPRESS_ALIASES.key(i) }));
  columns.push({ expr: count, alias: COMPRESS_ALIASES.n });
  x.forEach((e, i) => {
    columns.push({ expr: agg("avg", e), alias: COMPRESS_ALIASES.mean(i) });
    columns.push({ expr: times(agg("var_pop", e), count), alias: COMPRESS_ALIASES.m2(i) });
  });
  if (crossProducts) {
    for (let i = 0; i < x.length; i++)
      for (let j = i + 1; j < x.length; j++)
        columns.push({
          expr: times(agg("covar_pop", x[i], x[j]), count),
          alias: COMPRESS_ALIASES.comoment(i, j),
        });
  }
  return columns;
}
