import type { ColumnKinds } from "../../core/cells.js";
import { compressFrameToCells } from "../../core/cells-compress.js";
import type { Frame } from "../../core/frame.js";
import type { Design } from "../shared/contract.js";
import { propensityCellKeys, propensityCellsUnsupported } from "./cell-keys.js";
import { PROPENSITY_CLI } from "./cli.js";
import { propensityCellRequest, propensityFromCells } from "./compressed.js";
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
 * `run` compresses first: the frame is compressed to its (treatment, outcome, covariates) cells
 * ({@link propensityCellRequest}) and the result estimated from them ({@link propensityFromCells}; equal to the
 * row analysis, `result.compression` says how), except for the matching options that depend on the row order
 * (`ties: "first"`, `replace: false`) and data missing a spec column, which run on the rows.
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
  run: (frame, spec, inputs) => {
    const valid = parsePropensitySpec(spec);
    if (compressible(frame, valid)) {
      const cells = compressFrameToCells(frame, propensityCellRequest(valid, columnKinds(frame)));
      return propensityFromCells(cells, valid, inputs);
    }
    return (inputs?.threads ?? 1) > 1
      ? propensityParallel(frame, spec, {
          threads: inputs?.threads,
          ...(inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
        })
      : propensity(frame, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {});
  },
  report: {
    summary: propensitySummary,
    naive: (r) => ({
      label: "Treated minus untreated (raw difference)",
      estimate: r.naive.difference.estimate,
    }),
    charts: (r) => ({ ...propensityCharts(r), estimates: propensityEstimatesChart(r) }),
  },
  compression: {
    request: propensityCellRequest,
    estimate: propensityFromCells,
    rowDetail: (r) => r.compression?.rowDetail ?? [],
  },
  cli: PROPENSITY_CLI,
};

/** The cells path runs when the spec allows it and every key column exists (else the rows raise the error). */
function compressible(frame: Frame, spec: ValidPropensitySpec): boolean {
  const names = new Set(frame.names);
  return propensityCellsUnsupported(spec) === null && propensityCellKeys(spec).every((k) => names.has(k));
}

function columnKinds(frame: Frame): ColumnKinds {
  const kinds: Record<string, "numeric" | "text"> = {};
  for (const name of frame.names) kinds[name] = frame.column(name).kind === "str" ? "text" : "numeric";
  return kinds;
}
