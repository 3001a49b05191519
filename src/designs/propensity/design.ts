import type { Design } from "../shared/contract.js";
import { PROPENSITY_CLI } from "./cli.js";
import { propensityEstimatesChart } from "./estimates-chart.js";
import { type PropensityResult, propensity, propensityParallel } from "./propensity.js";
import { propensityCharts } from "./result-charts.js";
import {
  PROPENSITY_SPEC_SCHEMA,
  type PropensitySpec,
  parsePropensitySpec,
  type ValidPropensitySpec,
} from "./spec.js";
import { propensitySummary } from "./summary.js";

/**
 * Propensity scores as one {@link Design}: its spec schema and validator, `propensity()`, the report adapter (summary,
 * naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`.
 *
 * @example
 * ```ts
 * import { propensityDesign, registerDesign } from "truelift";
 * const analysis = await registerDesign(propensityDesign).analyze(frame, spec);
 * analysis.summary.lines[0]; // the headline estimate line
 * ```
 * @see Rosenbaum & Rubin (1983); Robins, Rotnitzky & Zhao (1994); Austin & Stuart (2015).
 */
export const propensityDesign: Design<PropensitySpec, ValidPropensitySpec, PropensityResult> = {
  name: "propensity",
  title: "Propensity scores",
  question:
    "What did an opt-in feature do to the users who turned it on, once the differences that drove opting in are balanced?",
  schema: PROPENSITY_SPEC_SCHEMA,
  parse: parsePropensitySpec,
  run: (frame, spec, inputs) =>
    (inputs?.threads ?? 1) > 1
      ? propensityParallel(frame, spec, {
          threads: inputs?.threads,
          ...(inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
        })
      : propensity(frame, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
  report: {
    summary: propensitySummary,
    naive: (r) => ({
      label: "Treated minus untreated (raw difference)",
      estimate: r.naive.difference.estimate,
    }),
    charts: (r) => ({ ...propensityCharts(r), estimates: propensityEstimatesChart(r) }),
  },
  cli: PROPENSITY_CLI,
};
