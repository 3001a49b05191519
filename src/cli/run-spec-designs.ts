import type { z } from "zod";
import type { Frame } from "../core/frame.js";
import { CLUSTER_SPEC_SCHEMA, cluster } from "../designs/cluster/index.js";
import { DID_SPEC_SCHEMA, did } from "../designs/did/index.js";
import { PROPENSITY_SPEC_SCHEMA, propensity } from "../designs/propensity/index.js";
import { RDD_SPEC_SCHEMA, rdd } from "../designs/rdd/index.js";
import { SYNTH_SPEC_SCHEMA, synth } from "../designs/synth/index.js";
import { type ReportAnalysisOptions, reportAnalysis } from "../report/report-analysis.js";
import type { ReportAnalysis } from "../report/report-types.js";

/**
 * One design a run spec can name: its zod spec schema (composed into the run-spec schema) and how to run it on
 * a frame and turn the result into a report section.
 *
 * @example
 * ```ts
 * import { RUN_DESIGNS } from "truelift";
 * RUN_DESIGNS.did.schema.safeParse({ outcome: "y", time: "t", treatment: { startColumn: "s" } }).success; // true
 * ```
 */
export interface RunDesign {
  readonly schema: z.ZodType;
  readonly summary: string;
  run(frame: Frame, spec: unknown, options: ReportAnalysisOptions): ReportAnalysis;
}

/**
 * Every design `truelift run` knows, keyed by the `design` value of an analysis. To add a design, add an entry
 * here: the run-spec schema (`RUN_SPEC_SCHEMA`), the published JSON Schema and the runner all follow.
 *
 * @example
 * ```ts
 * import { RUN_DESIGNS } from "truelift";
 * Object.keys(RUN_DESIGNS); // ["did", "propensity", "rdd", "synth", "cluster"]
 * ```
 */
export const RUN_DESIGNS = {
  did: {
    schema: DID_SPEC_SCHEMA,
    summary: "Difference-in-differences for staged rollouts (see `truelift did`).",
    run: (frame, spec, o) => reportAnalysis("did", did(frame, spec as never), o),
  },
  propensity: {
    schema: PROPENSITY_SPEC_SCHEMA,
    summary: "Propensity-score weighting for opt-in features (see `truelift propensity`).",
    run: (frame, spec, o) => reportAnalysis("propensity", propensity(frame, spec as never), o),
  },
  rdd: {
    schema: RDD_SPEC_SCHEMA,
    summary: "Regression discontinuity at a threshold (see `truelift rdd`).",
    run: (frame, spec, o) => reportAnalysis("rdd", rdd(frame, spec as never), o),
  },
  synth: {
    schema: SYNTH_SPEC_SCHEMA,
    summary: "Synthetic control for a global rollout (see `truelift synth`).",
    run: (frame, spec, o) => reportAnalysis("synth", synth(frame, spec as never), o),
  },
  cluster: {
    schema: CLUSTER_SPEC_SCHEMA,
    summary: "Cluster-randomized experiments (see `truelift cluster`).",
    run: (frame, spec, o) => reportAnalysis("cluster", cluster(frame, spec as never), o),
  },
} as const satisfies Record<string, RunDesign>;

/** A design name `truelift run` accepts (a key of {@link RUN_DESIGNS}). */
export type RunDesignName = keyof typeof RUN_DESIGNS;
