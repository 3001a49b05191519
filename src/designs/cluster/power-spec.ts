import { z } from "zod";
import { parseSpec } from "../../core/parse-spec.js";

/**
 * What {@link clusterPower} can solve for: the minimum detectable effect, the number of clusters, or the power.
 *
 * @example
 * ```ts
 * import { POWER_SOLVE_FOR } from "truelift";
 * POWER_SOLVE_FOR; // ["mde", "clusters", "power"]
 * ```
 */
export const POWER_SOLVE_FOR = ["mde", "clusters", "power"] as const;
/** One of {@link POWER_SOLVE_FOR}. */
export type PowerSolveFor = (typeof POWER_SOLVE_FOR)[number];

/**
 * Reference distributions for the planned test: `t` = noncentral t with K − 2 df (a cluster-level analysis,
 * like the size-weighted cluster-mean regression), `z` = normal (large-K approximation; statsmodels
 * `NormalIndPower` on the design-effect-adjusted n).
 *
 * @example
 * ```ts
 * import { POWER_TESTS } from "truelift";
 * POWER_TESTS; // ["t", "z"]
 * ```
 */
export const POWER_TESTS = ["t", "z"] as const;

const column = z.string().min(1);

/**
 * The zod schema behind {@link PowerSpec}; `z.toJSONSchema(POWER_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { POWER_SPEC_SCHEMA } from "truelift";
 * POWER_SPEC_SCHEMA.safeParse({ clusters: 50, clusterSize: 1000, icc: 0.05 }).success; // true
 * ```
 */
export const POWER_SPEC_SCHEMA = z.strictObject({
  solve: z.enum(POWER_SOLVE_FOR).optional(),
  clusters: z.number().int().min(4).optional(),
  clusterSize: z
    .union([
      z.number().positive(),
      z.strictObject({ mean: z.number().positive(), cv: z.number().min(0).optional() }),
      z.array(z.number().positive()).min(2),
    ])
    .optional(),
  icc: z.union([z.number().min(0).lt(1), z.literal("estimate")]).optional(),
  outcome: column.optional(),
  cluster: column.optional(),
  sd: z.number().positive().finite().optional(),
  effect: z
    .number()
    .finite()
    .refine((x) => x !== 0, "must be non-zero")
    .optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  power: z.number().gt(0).lt(1).optional(),
  treatedShare: z.number().gt(0).lt(1).optional(),
  test: z.enum(POWER_TESTS).optional(),
  maxClusters: z.number().int().min(4).optional(),
});

/**
 * What {@link clusterPower} computes. Give two of {effect, clusters, power} and it solves for the third
 * (`solve` picks explicitly; __Default value:__ `"mde"` without an effect, else `"clusters"` without a K, else
 * `"power"`).
 *
 * - `clusters`: K, the total number of clusters (≥ 4). With data: __Default value:__ the clusters in the data.
 * - `clusterSize`: users per cluster — a number (equal sizes), `{mean, cv}`, or a list of sizes (mean and CV
 *   taken from it). With data: __Default value:__ the observed sizes.
 * - `icc`: intra-cluster correlation in [0, 1), or `"estimate"` (one-way ANOVA on `outcome` by `cluster` in the
 *   data). __Default value:__ `"estimate"` when data are given.
 * - `sd`: the outcome's SD, so effects are in outcome units. __Default value:__ the data's SD, else 1 (effects
 *   in SD units).
 * - `effect`: the effect to detect (for `solve: "clusters" | "power"`).
 * - `alpha`: two-sided level. __Default value:__ 0.05. `power`: __Default value:__ 0.8.
 * - `treatedShare`: share of clusters treated (treated K = round(share · K)). __Default value:__ 0.5.
 * - `test`: `"t"` (t with K − 2 df) or `"z"`. __Default value:__ `"t"`.
 * - `maxClusters`: search cap when solving for K. __Default value:__ 100,000.
 */
export type PowerSpec = z.input<typeof POWER_SPEC_SCHEMA>;

/** A {@link PowerSpec} that passed validation. */
export type ValidPowerSpec = z.output<typeof POWER_SPEC_SCHEMA>;

/**
 * Validates a {@link PowerSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parsePowerSpec } from "truelift";
 * parsePowerSpec({ clusters: 8, clusterSize: 200, icc: 0.1 }).clusters; // 8
 * ```
 */
export function parsePowerSpec(spec: unknown): ValidPowerSpec {
  return parseSpec(POWER_SPEC_SCHEMA, spec, { what: "power" });
}
