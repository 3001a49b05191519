import type { CellFrame } from "./cells.js";
import { CELL_COLUMN_NAMES } from "./cells-compress.js";
import type { CompressedTable } from "./compress.js";
import { type ColumnInput, Frame } from "./frame.js";

/**
 * The {@link CellFrame} a design estimates from, built from an engine's {@link CompressedTable} (DuckDB,
 * PostgreSQL, ClickHouse, or a moments file): one row per group with the key columns, each measure's mean, the
 * count (`__n`), each measure's within-group Σ(x − x̄)² (`__ss:<m>`) and the co-moments (`__cp:<a>:<b>`) — the same
 * layout `compressFrameToCells` gives in memory, so a design cannot tell which engine computed its cells.
 *
 * @example
 * ```ts
 * import { cellFrameOfTable, compressFrame, Frame } from "truelift";
 * const t = compressFrame(Frame.fromObject({ g: ["a", "a", "b"], y: [1, 3, 5] }), { keys: ["g"], measures: ["y"] });
 * cellFrameOfTable(t).frame.numeric("__ss:y"); // [2, 0]
 * ```
 * @see Wong, Lewis & Wardrop (2021) (estimating from compressed groups).
 */
export function cellFrameOfTable(table: CompressedTable): CellFrame {
  const columns: Record<string, ColumnInput> = {};
  for (const key of table.keys) columns[key] = table.keyValues[key];
  for (const m of table.measures) columns[m] = table.mean[m];
  columns[CELL_COLUMN_NAMES.count] = table.n;
  const withinSS: Record<string, string> = {};
  for (const m of table.measures) {
    withinSS[m] = CELL_COLUMN_NAMES.withinSS(m);
    columns[withinSS[m]] = table.m2[m];
  }
  const comoment: Record<string, string> = {};
  for (const [pair, values] of Object.entries(table.comoment ?? {})) {
    const [a, b] = pair.split("\u0000");
    comoment[pair] = CELL_COLUMN_NAMES.comoment(a, b);
    columns[comoment[pair]] = values;
  }
  return {
    frame: Frame.fromObject(columns),
    count: CELL_COLUMN_NAMES.count,
    withinSS,
    comoment,
    rowsScanned: table.rowsScanned,
  };
}
