import type { CellFrame } from "../../core/cells.js";
import type { ProgressCallback } from "../../core/options.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { layoutRddCells } from "./layout-cells.js";
import { type RddResult, rddFromHeadline } from "./rdd.js";
import { parseRddSpec, type RddSpec } from "./spec.js";
import { rddHeadlineFromLayout } from "./stage-headline.js";

/**
 * {@link rdd} from compressed cells (one per running value × take-up × cluster: {@link rddCellRequest}), equal to
 * `rdd` on the rows (to ~1e-10 relative: the sums round in another order), inference included. The cells' counts,
 * means and within-cell sums of squares are all any RD statistic reads within one running value, so the one RD
 * pipeline runs on the cells as frequency-weighted units ({@link layoutRddCells}): memory O(cells), no row is
 * rebuilt. `result.cells` records the cells, the rows and what each measure's cells carry. A 0/1 outcome's
 * bootstrap draws the row path's rows (each drawn row index mapped to its cell through cumulative counts).
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
  const s = parseRddSpec(spec);
  const { layout, info } = layoutRddCells(cells, s);
  return deepFreeze({ ...rddFromHeadline(rddHeadlineFromLayout(s, layout), options), cells: info });
}
