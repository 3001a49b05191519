import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import { validateCompressRequest } from "../../core/compress.js";
import { buildCompressedTable, type GroupRow, type KeyKind } from "../../core/compress-table.js";
import { TrueliftError } from "../../core/errors.js";
import type { Select, Source } from "../../sql/ast.js";
import { COMPRESS_ALIASES, compressQuery, nullCountQuery } from "../../sql/compress-query.js";
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
 * source's columns (`E_COLUMN_MISSING`, listing the available ones), runs the compress and the null-count
 * queries, and assembles the {@link CompressedTable} in the same order and layout as `compressFrame`. Several
 * result rows for one key (partial aggregates, e.g. one per shard) are merged exactly.
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
  const result = await engine.run(compressQuery(request, source));
  const nulls = await engine.run(nullCountQuery(request, source));
  const get = (t: ResultTable, alias: string): ResultColumn => {
    const c = t.columns.find((x) => x.name === alias);
    if (!c) throw new TrueliftError("E_QUERY_FAILED", `The engine's result has no column '${alias}'.`);
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
  const count = (alias: string): number =>
    get(nulls, alias).values.reduce<number>((s, v) => s + (v === null ? 0 : Number(v)), 0);
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
    rowsScanned: count(COMPRESS_ALIASES.rows),
    nullRows,
    droppedRows: count(COMPRESS_ALIASES.anyNull),
  });
}
