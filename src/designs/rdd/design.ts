import { compressFrameToCells } from "../../core/cells-compress.js";
import type { Design } from "../shared/contract.js";
import { rddCellRequest, rddCellsApply } from "./cells.js";
import { RDD_CLI } from "./cli.js";
import { rddFromCells } from "./from-cells.js";
import { type RddResult, rdd } from "./rdd.js";
import { rddCharts } from "./result-charts.js";
import { parseRddSpec, RDD_SPEC_SCHEMA, type RddSpec, type ValidRddSpec } from "./spec.js";
import { rddSummary } from "./summary.js";

/**
 * Regression discontinuity as one {@link Design}: its spec schema and validator, `rdd()`, the report adapter (summary,
 * naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`. `run` compresses first
 * (one cell per running value, {@link rddFromCells}) whenever that gives the row path's result
 * ({@link rddCellsApply}), and runs on the rows otherwise; `compression` is the engines' compress → estimate.
 *
 * @example
 * ```ts
 * import { rddDesign, registerDesign } from "truelift";
 * const analysis = await registerDesign(rddDesign).analyze(frame, spec);
 * analysis.summary.lines[0]; // the headline estimate line
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014); Cattaneo, Idrobo & Titiunik (2020).
 */
export const rddDesign: Design<RddSpec, ValidRddSpec, RddResult> = {
  name: "rdd",
  title: "Regression discontinuity",
  question: "What did the feature do to users just past the threshold that routed them to it?",
  schema: RDD_SPEC_SCHEMA,
  parse: parseRddSpec,
  run: (frame, spec, inputs) => {
    const options = inputs?.onProgress ? { onProgress: inputs.onProgress } : {};
    const s = parseRddSpec(spec);
    if (!rddCellsApply(frame, s)) return rdd(frame, spec, options);
    return rddFromCells(compressFrameToCells(frame, rddCellRequest(s, {})), s, options);
  },
  compression: {
    request: rddCellRequest,
    estimate: (cells, spec, inputs) =>
      rddFromCells(cells, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
    rowDetail: (r) => r.cells?.rowDetail ?? [],
  },
  report: {
    summary: rddSummary,
    naive: (r) => ({
      label:
        r.naive.treatment === null
          ? "Above vs below the cutoff (all rows)"
          : "Treated vs untreated rows (all rows)",
      estimate: (r.naive.treatment ?? r.naive.sides).estimate,
    }),
    charts: rddCharts,
  },
  cli: RDD_CLI,
};
