import type { Design } from "../shared/contract.js";
import { SYNTH_CLI } from "./cli.js";
import { synthCellRequest, synthFromCells } from "./compressed.js";
import { synthCharts } from "./result-charts.js";
import { parseSynthSpec, SYNTH_SPEC_SCHEMA, type SynthSpec, type ValidSynthSpec } from "./spec.js";
import { synthSummary } from "./summary.js";
import { type SynthResult, synth } from "./synth.js";

/**
 * Synthetic control as one {@link Design}: its spec schema and validator, `synth()` (compress → estimate
 * whenever the cells reproduce the rows), its compression (`synthCellRequest` → `synthFromCells`), the report
 * adapter (summary, naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`.
 *
 * @example
 * ```ts
 * import { synthDesign, registerDesign } from "truelift";
 * const analysis = await registerDesign(synthDesign).analyze(frame, spec);
 * analysis.summary.lines[0]; // the headline estimate line
 * ```
 * @see Abadie, Diamond & Hainmueller (2010); Arkhangelsky et al. (2021).
 */
export const synthDesign: Design<SynthSpec, ValidSynthSpec, SynthResult> = {
  name: "synth",
  title: "Synthetic control",
  question:
    "What did a global rollout (no holdout) do to the treated unit, against a weighted blend of untreated donors?",
  schema: SYNTH_SPEC_SCHEMA,
  parse: parseSynthSpec,
  run: (frame, spec, inputs) =>
    synth(frame, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
  compression: {
    request: synthCellRequest,
    estimate: (cells, spec, inputs) =>
      synthFromCells(cells, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
    rowDetail: (r) => r.compressed?.rowDetail ?? [],
  },
  report: {
    summary: synthSummary,
    naive: (r) => ({ label: "Treated unit before vs after launch", estimate: r.naive.beforeAfter }),
    charts: synthCharts,
  },
  cli: SYNTH_CLI,
};
