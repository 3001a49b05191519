import type { Design } from "../shared/contract.js";
import { DID_CLI } from "./cli.js";
import { didCellRequest } from "./compression.js";
import { type DidResult, did, didFromCells } from "./did.js";
import { didCharts } from "./result-charts.js";
import { DID_SPEC_SCHEMA, type DidSpec, parseDidSpec, type ValidDidSpec } from "./spec.js";
import { didSummary } from "./summary.js";

/**
 * Difference-in-differences as one {@link Design}: its spec schema and validator, `did()` (which compresses the
 * rows to cells first), the compress → estimate pair (`compression`: {@link didCellRequest}, {@link didFromCells}),
 * the report adapter (summary, naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`.
 *
 * @example
 * ```ts
 * import { didDesign, registerDesign } from "truelift";
 * const analysis = await registerDesign(didDesign).analyze(frame, spec);
 * analysis.summary.lines[0]; // the headline estimate line
 * ```
 * @see Angrist & Pischke (2009), ch. 5; Callaway & Sant'Anna (2021); Goodman-Bacon (2021).
 */
export const didDesign: Design<DidSpec, ValidDidSpec, DidResult> = {
  name: "did",
  title: "Difference-in-differences",
  question:
    "What did a staged rollout (waves, or staggered adoption) do to the outcome, against groups not yet treated?",
  schema: DID_SPEC_SCHEMA,
  parse: parseDidSpec,
  run: (frame, spec, inputs) => did(frame, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
  compression: {
    request: didCellRequest,
    estimate: (cells, spec, inputs) =>
      didFromCells(cells, spec, inputs?.onProgress ? { onProgress: inputs.onProgress } : {}),
  },
  report: {
    summary: didSummary,
    naive: (r) => ({ label: "Treated group before vs after launch", estimate: r.naive.beforeAfter.estimate }),
    charts: didCharts,
  },
  cli: DID_CLI,
};
