import { z } from "zod";
import { MAX_REPLICATES } from "../../core/options.js";
import { parseSpec } from "../../core/parse-spec.js";
import { WILD_WEIGHTS } from "../../models/wild-bootstrap.js";

/**
 * How spillover exposure is built from a collaboration edge list: `any` — an untreated user is exposed when at
 * least one neighbour is in a treated cluster (a 0/1 regressor); `share` — the share of the user's neighbours in
 * treated clusters (0 without neighbours), whose coefficient is the effect of going from no treated neighbour to
 * all neighbours treated.
 *
 * @example
 * ```ts
 * import { EXPOSURE_RULES } from "truelift";
 * EXPOSURE_RULES; // ["any", "share"]
 * ```
 */
export const EXPOSURE_RULES = ["any", "share"] as const;

/**
 * Where a 0/1 exposure flag comes from: `proxy` — a behavioural signal (e.g. the user opted into a shared
 * feature), which may be self-selected, so the spillover estimate gets a warning; `observed` — an exposure that
 * was measured directly (e.g. the user viewed a treated colleague's AI summary).
 *
 * @example
 * ```ts
 * import { EXPOSURE_PROVENANCE } from "truelift";
 * EXPOSURE_PROVENANCE; // ["proxy", "observed"]
 * ```
 */
export const EXPOSURE_PROVENANCE = ["proxy", "observed"] as const;

/**
 * When the small-K inference (wild cluster bootstrap and randomization inference) runs: `auto` — when there are
 * fewer than 30 clusters or a method is configured explicitly; `always`; `never`.
 *
 * @example
 * ```ts
 * import { SMALL_K_MODES } from "truelift";
 * SMALL_K_MODES; // ["auto", "always", "never"]
 * ```
 */
export const SMALL_K_MODES = ["auto", "always", "never"] as const;

const column = z.string().min(1);

const exposure = z.union([
  z.strictObject({ column, provenance: z.enum(EXPOSURE_PROVENANCE).optional() }),
  z.strictObject({
    edges: z.strictObject({ from: column, to: column, directed: z.boolean().optional() }),
    user: column,
    rule: z.enum(EXPOSURE_RULES).optional(),
  }),
]);

/**
 * The two CR3 conventions the cluster design can report (see `CLUSTER_KINDS`): `"CR3"`, (K−1)/K times the cluster
 * jackknife (R sandwich `vcovCL(type = "HC3", cadjust = FALSE)`), and `"CR3-clubsandwich"`, the plain jackknife
 * (R clubSandwich `vcovCR(type = "CR3")`; Pustejovsky & Tipton 2018).
 *
 * @example
 * ```ts
 * import { CR3_KINDS } from "truelift";
 * CR3_KINDS; // ["CR3", "CR3-clubsandwich"]
 * ```
 */
export const CR3_KINDS = ["CR3", "CR3-clubsandwich"] as const;
/** One of {@link CR3_KINDS}. */
export type Cr3Kind = (typeof CR3_KINDS)[number];

/**
 * The zod schema behind {@link ClusterSpec}; `z.toJSONSchema(CLUSTER_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { CLUSTER_SPEC_SCHEMA } from "truelift";
 * CLUSTER_SPEC_SCHEMA.safeParse({ outcome: "y", treatment: "treated", cluster: "workspace_id" }).success; // true
 * ```
 */
export const CLUSTER_SPEC_SCHEMA = z.strictObject({
  outcome: column,
  treatment: z.union([
    column,
    z.strictObject({
      column,
      treatedValues: z
        .array(z.union([z.number(), z.string()]))
        .min(1)
        .optional(),
    }),
  ]),
  cluster: column,
  exposure: exposure.optional(),
  strata: column.optional(),
  rollout: z.strictObject({ spilloverShare: z.number().min(0).max(1).optional() }).optional(),
  inference: z
    .strictObject({
      seed: z.number().int().optional(),
      cr3: z.enum(CR3_KINDS).optional(),
      smallK: z.enum(SMALL_K_MODES).optional(),
      wild: z
        .union([
          z.literal(false),
          z.strictObject({
            reps: z.number().int().min(99).max(MAX_REPLICATES).optional(),
            weights: z.enum(WILD_WEIGHTS).optional(),
          }),
        ])
        .optional(),
      randomization: z
        .union([
          z.literal(false),
          z.strictObject({
            reps: z.number().int().min(99).max(MAX_REPLICATES).optional(),
            exact: z.union([z.boolean(), z.literal("auto")]).optional(),
            rerandomization: z
              .strictObject({
                covariates: z.array(column).min(1),
                threshold: z.union([z.number().min(0), z.literal("observed")]),
                maxDraws: z.number().int().min(1).optional(),
              })
              .optional(),
          }),
        ])
        .optional(),
      pairs: z
        .union([
          z.literal(false),
          z.strictObject({ reps: z.number().int().min(2).max(MAX_REPLICATES).optional() }),
        ])
        .optional(),
    })
    .optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/**
 * What {@link cluster} analyses: a cluster-randomized experiment at the user level.
 *
 * - `outcome`: numeric user-level outcome column.
 * - `treatment`: the cluster-level arm, a 0/1 column, or `{ column, treatedValues }` naming the treated values
 *   (e.g. `{ column: "wave", treatedValues: [1] }`). It must be constant within each cluster.
 * - `cluster`: the randomization unit (workspace, team, region).
 * - `exposure`: spillover exposure of users in control clusters, either a 0/1 flag column
 *   (`{ column, provenance }`; __Default value:__ provenance `"proxy"`, which adds a warning) — control-arm users
 *   with flag 1 are spillover-exposed — or a collaboration edge list passed as `options.edges`
 *   (`{ edges: { from, to, directed }, user, rule }`; `user` is the data's user id column; undirected unless
 *   `directed`, when `from` is exposed to `to`; __Default value:__ rule `"any"`). Without it the two-exposure model
 *   is skipped.
 * - `strata`: the cluster-level block the randomization was stratified on; randomization inference re-draws
 *   within it.
 * - `rollout.spilloverShare`: the share of users who would be untreated but exposed to spillover under the
 *   rollout, used for the projected total effect direct + share × spillover. __Default value:__ the share
 *   observed in the experiment (the mean of the spillover regressor over all users).
 * - `inference`: `seed` (no default: required as soon as the analysis draws random numbers — the pairs bootstrap,
 *   a sampled wild bootstrap or randomization inference — and then recorded in provenance; see `clusterSeed`),
 *   `cr3` (the CR3 convention, one of {@link CR3_KINDS}; __Default value:__ `"CR3"`),
 *   `smallK` (__Default value:__ `"auto"`: wild bootstrap and randomization inference run when K < 30; below 4
 *   clusters only randomization inference), `wild` (__Default value:__ 9999 reps, Webb weights below 12 clusters —
 *   all 6^K patterns enumerated when 6^K ≤ reps — and Rademacher from 12), `randomization` (__Default value:__ 9999 reps, exact
 *   enumeration when ≤ 100 000 assignments; `rerandomization: { covariates, threshold, maxDraws? }` when the
 *   clusters were assigned by re-randomization (Morgan & Rubin 2012): cluster-level numeric columns (constant
 *   within a cluster, `E_BALANCE_VARIES_IN_CLUSTER`) and the Mahalanobis acceptance bound, or `"observed"` — the
 *   test then uses the accepted assignments only and reports the acceptance rate; see `Rerandomization`), `pairs` (the pairs cluster bootstrap on cluster sufficient
 *   statistics; __Default value:__ 1999 reps; `false` skips it).
 * - `alpha`: __Default value:__ 0.05.
 */
export type ClusterSpec = z.input<typeof CLUSTER_SPEC_SCHEMA>;

/** A {@link ClusterSpec} that passed validation. */
export type ValidClusterSpec = z.output<typeof CLUSTER_SPEC_SCHEMA>;

/**
 * Validates a {@link ClusterSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseClusterSpec } from "truelift";
 * parseClusterSpec({ outcome: "y", treatment: "treated", cluster: "ws" }).cluster; // "ws"
 * ```
 */
export function parseClusterSpec(spec: unknown): ValidClusterSpec {
  return parseSpec(CLUSTER_SPEC_SCHEMA, spec, { what: "cluster" });
}
