import type { Design } from "../shared/contract.js";
import { EXPERIMENT_CLI } from "./cli.js";
import {
  type ExperimentResult,
  experiment,
  experimentCellRequest,
  experimentFromCells,
} from "./experiment.js";
import { experimentCharts } from "./result-charts.js";
import {
  EXPERIMENT_SPEC_SCHEMA,
  type ExperimentSpec,
  parseExperimentSpec,
  type ValidExperimentSpec,
} from "./spec.js";
import { experimentSummary } from "./summary.js";

/**
 * Randomized A/B experiments as one {@link Design}: spec schema and validator, `experiment()`, the report
 * adapter and the CLI option table. Runs as compress → estimate: one `GROUP BY` treatment × cluster × covariates
 * with every metric's count, mean, within-cell SS and co-moments (`experimentCellRequest`), and the whole result
 * from those cells (`experimentFromCells`); in memory `run` compresses the frame first.
 *
 * @example
 * ```ts
 * import { experimentDesign, registerDesign } from "truelift";
 * const a = await registerDesign(experimentDesign).analyze(frame, { treatment: "prompt_variant", control: 0, metrics: ["task_completed"] });
 * a.summary.lines[0]; // the headline
 * ```
 * @see Kohavi, Tang & Xu (2020), Trustworthy Online Controlled Experiments; Deng et al. (2013, 2018); Lin (2013).
 */
export const experimentDesign: Design<ExperimentSpec, ValidExperimentSpec, ExperimentResult> = {
  name: "experiment",
  title: "Randomized experiment",
  question:
    "What did a randomized A/B (or A/B/n) test do to each metric, with honest intervals, variance reduction and a sample-ratio check?",
  schema: EXPERIMENT_SPEC_SCHEMA,
  parse: parseExperimentSpec,
  run: (frame, spec) => experiment(frame, spec),
  compression: {
    request: experimentCellRequest,
    estimate: (cells, spec) => experimentFromCells(cells, spec),
  },
  report: {
    summary: experimentSummary,
    naive: (r) => ({
      label:
        r.naive.estimate === r.estimate.estimate
          ? "Difference in means"
          : "Difference in means without adjustment",
      estimate: r.naive.estimate,
    }),
    charts: experimentCharts,
  },
  cli: EXPERIMENT_CLI,
};
