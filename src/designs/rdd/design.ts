import type { Design } from "../shared/contract.js";
import { RDD_CLI } from "./cli.js";
import { type RddResult, rdd } from "./rdd.js";
import { rddCharts } from "./result-charts.js";
import { parseRddSpec, RDD_SPEC_SCHEMA, type RddSpec, type ValidRddSpec } from "./spec.js";
import { rddSummary } from "./summary.js";

/**
 * Regression discontinuity as one {@link Design}: its spec schema and validator, `rdd()`, the report adapter (summary,
 * naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`.
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
  run: (frame, spec, inputs) => rdd(frame, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
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
