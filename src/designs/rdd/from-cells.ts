import type { CellFrame } from "../../core/cells.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { rddCellsToRows } from "./cells.js";
import { type RddResult, rdd } from "./rdd.js";
import { parseRddSpec, type RddSpec } from "./spec.js";

/**
 * {@link rdd} from compressed cells (one per running value × take-up × cluster: {@link rddCellRequest}), equal to
 * `rdd` on the rows, inference included. The cells' counts, means and within-cell sums of squares are all any RD
 * statistic reads within one running value, so the rows are rebuilt from them ({@link rddCellsToRows}) and the one
 * row-level pipeline runs; `result.cells` records the cells, the rows and how each measure was rebuilt. A 0/1
 * outcome's rows are its rows (the result is the row path's, bootstrap included); other outcomes' rebuilt rows
 * share every sufficient statistic but round differently (agreement to ~1e-10, as the row path with its tied rows
 * reordered).
 *
 * Errors: those of `rdd`, and `E_UNSUPPORTED_COMPRESSED` for a bootstrap of an outcome that is not 0/1, or a cell
 * holding a missing outcome or covariate.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, parseRddSpec, rddCellRequest, rddFromCells } from "truelift";
 * const spec = parseRddSpec({ outcome: "task_completed", running: "query_confidence", cutoff: 0.85, treated: "below" });
 * const res = rddFromCells(compressFrameToCells(frame, rddCellRequest(spec, {})), spec);
 * res.cells?.cells; // distinct values of query_confidence
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once"; Calonico, Cattaneo & Titiunik (2014).
 */
export function rddFromCells(
  cells: CellFrame,
  spec: RddSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<RddResult> {
  const { frame, info } = rddCellsToRows(cells, parseRddSpec(spec));
  return deepFreeze({ ...rdd(frame, spec, options), cells: info });
}
