import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import { validateCompressRequest } from "../../core/compress.js";
import { buildCompressedTable, type GroupRow, type KeyKind } from "../../core/compress-table.js";
import { TrueliftError } from "../../core/errors.js";
import type { Select, Source } from "../../sql/ast.js";
import {
  COMPRESS_ALIASES,
  compressCountQuery,
  compressQuery,
  nullCountQuery,
} from "../../sql/compress-query.js";
import { assertReadOnlySql } from "../../sql/read-only.js";
import type { ResultColumn, ResultTable } from "./engine.js";

/**
 * What {@link compressOnEngine} needs from an engine.
 *
 * @example
 * ```ts
 * const runner: QueryRunner = { run: (q) => engine.run(q) };
 * ```
 */
export interface QueryRunner {
  run(query: Select): Promise<ResultTable>;
}

/**
 * The shared body of every engine's `compress`: checks the request (and a user query is read-only), probes the
 * source's columns (`E_COLUMN_MISSING`, listing the available ones), runs the compress query with its NULL counts
 * in one scan (`compressCountQuery`; with `oneScan: false`, the compress query and a second scan counting them,
 * for an engine that cannot read NULLs in the moments' aggregates), and assembles the {@link CompressedTable} in
 * the same order and layout as `compressFrame`. Several result rows for one key (partial aggregates, e.g. one per
 * shard) are merged exactly.
 *
 * @example
 * ```ts
 * const table = await compressOnEngine(engine, { keys: ["g"], measures: ["y"] }, { type: "table", path: ["t"] });
 * ```
 */
export async function compressOnEngine(
  engine: QueryRunner,
  request: CompressRequest,
  source: Source,
  options: { readonly oneScan?: boolean } = {},
): Promise<CompressedTable> {
  validateCompressRequest(request);
  if (source.type === "sql") assertReadOnlySql(source.sql);
  const probe = await engine.run({ type: "select", columns: [], from: source, limit: 0 });
  const available = probe.columns.map((c) => c.name);
  const used = [...request.keys, ...request.measures, ...(request.where ?? []).map((f) => f.column)];
  for (const name of used) {
    if (!available.includes(name)) {
      throw new TrueliftError("E_COLUMN_MISSING", `Column '${name}' is not in the data.`, {
        details: { column: name, available: available.slice(0, 50) },
        hint: `Available columns: ${available.slice(0, 20).join(", ")}${available.length > 20 ? ", …" : ""}.`,
      });
    }
  }
  if (options.oneScan === false) {
    const result = await engine.run(compressQuery(request, source));
    return decodeCompressResult(request, result, await engine.run(nullCountQuery(request, source)));
  }
  const counted = await engine.run(compressCountQuery(request, source));
  const { groups, nulls } = splitCountedResult(request, counted);
  return decodeCompressResult(request, groups, nulls);
}

/**
 * Splits the rows of `compressCountQuery` into the compress query's groups (those with every key present and at
 * least one complete row) and the one-row result of `nullCountQuery`, added up over all groups: a key's NULLs are
 * the rows of the groups where it is NULL; a measure's, its own count (several measures) or the rows less the
 * complete rows (one measure); the rows with a NULL anywhere are the rows less the complete rows of the kept groups.
 */
function splitCountedResult(
  request: CompressRequest,
  counted: ResultTable,
): { readonly groups: ResultTable; readonly nulls: ResultTable } {
  const column = (alias: string): ResultColumn => {
    const c = counted.columns.find((x) => x.name === alias);
    if (c === undefined)
      throw new TrueliftError("E_QUERY_FAILED", `The engine returned no column '${alias}'.`);
    return c;
  };
  const value = (c: ResultColumn, r: number): number => (c.values[r] === null ? 0 : Number(c.values[r]));
  const sum = (rows: readonly number[], f: (r: number) => number): number =>
    rows.reduce((s, r) => s + f(r), 0);
  const keyCols = request.keys.map((_, i) => column(COMPRESS_ALIASES.key(i)));
  const n = column(COMPRESS_ALIASES.n);
  const rowsCol = column(COMPRESS_ALIASES.rows);
  const all = Array.from({ length: counted.rows }, (_, r) => r);
  const keep = all.filter((r) => keyCols.every((c) => c.values[r] !== null) && value(n, r) > 0);
  const countNames = new Set<string>([COMPRESS_ALIASES.rows]);
  const m = request.measures.length;
  const k = request.keys.length;
  for (let j = 0; j < m; j++) countNames.add(COMPRESS_ALIASES.nulls(k + j));
  const groups: ResultTable = {
    rows: keep.length,
    columns: counted.columns
      .filter((c) => !countNames.has(c.name))
      .map((c) => ({ ...c, values: keep.map((r) => c.values[r]) })),
  };
  const rows = sum(all, (r) => value(rowsCol, r));
  const counts: [string, number][] = [[COMPRESS_ALIASES.rows, rows]];
  keyCols.forEach((c, i) => {
    counts.push([COMPRESS_ALIASES.nulls(i), sum(all, (r) => (c.values[r] === null ? value(rowsCol, r) : 0))]);
  });
  for (let j = 0; j < m; j++) {
    const alias = COMPRESS_ALIASES.nulls(k + j);
    const own = m > 1 ? column(alias) : undefined;
    counts.push([alias, sum(all, (r) => (own ? value(own, r) : value(rowsCol, r) - value(n, r)))]);
  }
  counts.push([COMPRESS_ALIASES.anyNull, rows - sum(keep, (r) => value(n, r))]);
  const nulls: ResultTable = {
    rows: 1,
    columns: counts.map(([name, v]) => ({ name, kind: "number" as const, values: [v] })),
  };
  return { groups, nulls };
}

/**
 * Turns the rows of {@link compressQuery} (and, when available, of {@link nullCountQuery}) into a
 * {@link CompressedTable}: the engine's answer, a shard's partial answer, or a moments file the user computed in
 * their own warehouse from `--emit-sql`. Without `nulls` (a moments file) the rows scanned are the grouped rows
 * and no NULL counts are known. A missing column raises `E_MOMENTS_COLUMNS` naming it.
 *
 * @example
 * ```ts
 * const table = decodeCompressResult(request, await engine.run(compressQuery(request, source)));
 * table.groups; // number of groups
 * ```
 */
export function decodeCompressResult(
  request: CompressRequest,
  result: ResultTable,
  nulls?: ResultTable,
): CompressedTable {
  const get = (t: ResultTable, alias: string): ResultColumn => {
    const c = t.columns.find((x) => x.name === alias);
    if (!c) {
      throw new TrueliftError(
        "E_MOMENTS_COLUMNS",
        `The compressed statistics have no column '${alias}' (expected the columns of the compress query: ${expectedColumns(request).join(", ")}).`,
        {
          details: { missing: alias, expected: expectedColumns(request), got: t.columns.map((x) => x.name) },
        },
      );
    }
    return c;
  };
  const num = (c: ResultColumn, i: number): number => {
    const v = c.values[i];
    return v === null ? Number.NaN : Number(v);
  };
  const keyCols = request.keys.map((_, i) => get(result, COMPRESS_ALIASES.key(i)));
  const nCol = get(result, COMPRESS_ALIASES.n);
  const m = request.measures.length;
  const meanCols = request.measures.map((_, i) => get(result, COMPRESS_ALIASES.mean(i)));
  const m2Cols = request.measures.map((_, i) => get(result, COMPRESS_ALIASES.m2(i)));
  const coCols: ResultColumn[] = [];
  if (request.crossProducts === true)
    for (let i = 0; i < m; i++)
      for (let j = i + 1; j < m; j++) coCols.push(get(result, COMPRESS_ALIASES.comoment(i, j)));
  const rows: GroupRow[] = [];
  for (let r = 0; r < result.rows; r++) {
    const key = keyCols.map((c) => {
      const v = c.values[r];
      return c.kind === "number" ? Number(v) : String(v);
    });
    rows.push({
      key,
      n: num(nCol, r),
      mean: meanCols.map((c) => num(c, r)),
      // var_pop · n of a single row can come back as NULL on some engines: it is 0.
      m2: m2Cols.map((c) => Math.max(0, c.values[r] === null ? 0 : num(c, r))),
      ...(coCols.length > 0 ? { comoment: coCols.map((c) => (c.values[r] === null ? 0 : num(c, r))) } : {}),
    });
  }
  // One row, or one per shard when partial aggregates are not merged by the engine: add them up.
  const grouped = rows.reduce((s, r) => s + r.n, 0);
  const count = (alias: string): number =>
    nulls === undefined
      ? 0
      : get(nulls, alias).values.reduce<number>((s, v) => s + (v === null ? 0 : Number(v)), 0);
  const nullRows: Record<string, number> = {};
  [...request.keys, ...request.measures].forEach((c, i) => {
    nullRows[c] = count(COMPRESS_ALIASES.nulls(i));
  });
  const keyKinds: KeyKind[] = keyCols.map((c) => c.kind);
  return buildCompressedTable({
    keys: request.keys,
    keyKinds,
    measures: request.measures,
    crossProducts: request.crossProducts === true,
    rows,
    rowsScanned: nulls === undefined ? grouped : count(COMPRESS_ALIASES.rows),
    nullRows,
    droppedRows: count(COMPRESS_ALIASES.anyNull),
  });
}

/** The output columns of the compress query for a request, in order (the moments-file contract). */
function expectedColumns(request: CompressRequest): string[] {
  const names = request.keys.map((_, i) => COMPRESS_ALIASES.key(i));
  names.push(COMPRESS_ALIASES.n);
  request.measures.forEach((_, i) => {
    names.push(COMPRESS_ALIASES.mean(i), COMPRESS_ALIASES.m2(i));
  });
  if (request.crossProducts === true)
    for (let i = 0; i < request.measures.length; i++)
      for (let j = i + 1; j < request.measures.length; j++) names.push(COMPRESS_ALIASES.comoment(i, j));
  return names;
}

/**
 * Checks a moments file's columns against the compress query's (`E_MOMENTS_COLUMNS` for a missing or an extra
 * column), before decoding it.
 *
 * @example
 * ```ts
 * assertMomentsColumns(request, ["truelift_k0", "truelift_n", "truelift_mean_0", "truelift_m2_0"]);
 * ```
 */
export function assertMomentsColumns(request: CompressRequest, got: readonly string[]): void {
  const expected = expectedColumns(request);
  const missing = expected.filter((c) => !got.includes(c));
  const extra = got.filter((c) => !expected.includes(c));
  if (missing.length === 0 && extra.length === 0) return;
  throw new TrueliftError(
    "E_MOMENTS_COLUMNS",
    `The moments file does not match this analysis' compress query: ${[
      missing.length > 0 ? `missing ${missing.join(", ")}` : "",
      extra.length > 0 ? `unexpected ${extra.join(", ")}` : "",
    ]
      .filter((x) => x !== "")
      .join("; ")}.`,
    { details: { expected, got, missing, extra } },
  );
}
