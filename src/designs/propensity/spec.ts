import { z } from "zod";
import { MAX_REPLICATES } from "../../core/options.js";
import { parseSpec } from "../../core/parse-spec.js";

/**
 * Estimands a propensity analysis reports: the average effect over everyone (`ATE`) or over the users who opted
 * in (`ATT`).
 *
 * @example
 * ```ts
 * import { PS_ESTIMANDS } from "truelift";
 * PS_ESTIMANDS; // ["ATE", "ATT"]
 * ```
 */
export const PS_ESTIMANDS = ["ATE", "ATT"] as const;

/**
 * Estimators of the headline effect: normalised inverse probability weighting, regression adjustment, and the
 * doubly robust augmented IPW.
 *
 * @example
 * ```ts
 * import { PS_ESTIMATORS } from "truelift";
 * PS_ESTIMATORS; // ["ipw", "ra", "aipw"]
 * ```
 */
export const PS_ESTIMATORS = ["ipw", "ra", "aipw"] as const;

/**
 * Which model the double-robustness demonstration replaces by an intercept-only one (`none` = no
 * demonstration).
 *
 * @example
 * ```ts
 * import { PS_MISSPECIFY } from "truelift";
 * PS_MISSPECIFY; // ["none", "propensity", "outcome"]
 * ```
 */
export const PS_MISSPECIFY = ["none", "propensity", "outcome"] as const;

/**
 * Denominators of standardized mean differences: `pooled` √((s²₁ + s²₀)/2) of the unweighted groups (cobalt's
 * default for the ATE), or `treated` s₁ (cobalt's and MatchIt's default for the ATT).
 *
 * @example
 * ```ts
 * import { PS_SMD_DENOMINATORS } from "truelift";
 * PS_SMD_DENOMINATORS; // ["pooled", "treated"]
 * ```
 */
export const PS_SMD_DENOMINATORS = ["pooled", "treated"] as const;

const column = z.string().min(1);

const covariate = z.union([
  column,
  z.strictObject({ column, kind: z.enum(["numeric", "categorical"]), reference: z.string().optional() }),
  z.strictObject({ interaction: z.tuple([column, column]) }),
  z.strictObject({
    spline: column,
    type: z.enum(["natural", "b"]).optional(),
    df: z.number().int().min(1).max(20).optional(),
  }),
]);

const trim = z.union([
  z.strictObject({ rule: z.literal("none") }),
  z
    .strictObject({
      rule: z.literal("bounds"),
      lower: z.number().gt(0).lt(0.5),
      upper: z.number().gt(0.5).lt(1),
    })
    .refine((t) => t.lower < t.upper, { message: "lower must be below upper" }),
  z.strictObject({ rule: z.literal("crump") }),
]);

/**
 * The zod schema behind {@link PropensitySpec}; `z.toJSONSchema(PROPENSITY_SPEC_SCHEMA)` publishes it as JSON
 * Schema.
 *
 * @example
 * ```ts
 * import { PROPENSITY_SPEC_SCHEMA } from "truelift";
 * PROPENSITY_SPEC_SCHEMA.safeParse({ treatment: "d", outcome: "y", covariates: ["x"] }).success; // true
 * ```
 */
export const PROPENSITY_SPEC_SCHEMA = z.strictObject({
  treatment: column,
  outcome: column,
  covariates: z.array(covariate).min(1),
  model: z
    .strictObject({
      family: z.literal("logit").optional(),
      penalty: z
        .union([
          z.strictObject({ type: z.literal("none") }),
          z.strictObject({ type: z.literal("l2"), C: z.number().positive() }),
        ])
        .optional(),
      maxIter: z.number().int().min(1).optional(),
    })
    .optional(),
  estimand: z.enum(PS_ESTIMANDS).default("ATE"),
  estimator: z.enum(PS_ESTIMATORS).default("aipw"),
  trim: trim.optional(),
  outcomeCovariates: z.array(covariate).min(1).optional(),
  balance: z
    .strictObject({
      threshold: z.number().positive().optional(),
      denominator: z.enum(PS_SMD_DENOMINATORS).optional(),
      extra: z.array(covariate).optional(),
    })
    .optional(),
  misspecify: z.enum(PS_MISSPECIFY).default("none"),
  bootstrap: z
    .union([
      z.literal(false),
      z.strictObject({
        reps: z.number().int().min(2).max(MAX_REPLICATES).optional(),
        seed: z.number().int(),
      }),
    ])
    .optional(),
  matching: z
    .strictObject({
      distance: z.enum(["ps", "logit"]).optional(),
      k: z.number().int().min(1).optional(),
      replace: z.boolean().optional(),
      caliper: z.number().positive().optional(),
      ties: z.enum(["all", "first"]).optional(),
      estimand: z.enum(PS_ESTIMANDS).optional(),
    })
    .refine((m) => !(m.estimand === "ATE" && m.replace === false), {
      message: "matching for the ATE needs replace: true (every row is matched within the other arm)",
    })
    .optional(),
  sensitivity: z
    .strictObject({
      // z.number() already rejects ±Infinity and NaN.
      gammas: z.array(z.number().min(1)).min(1).optional(),
    })
    .optional(),
  overlapBins: z.number().int().min(2).max(200).default(20),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/**
 * What {@link propensity} analyses.
 *
 * - `treatment`: the 0/1 opt-in column; `outcome`: a numeric (often 0/1) outcome.
 * - `covariates`: the propensity model's terms — a column name (text columns become dummies with the first sorted
 *   level as reference, numeric columns enter linearly), `{column, kind, reference}`,
 *   `{interaction: [a, b]}` (the product of the two columns' codings), or `{spline: x, type, df}` (a natural
 *   cubic spline, `type: "natural"`, default, or a cubic B-spline, `"b"`, with df columns, __Default value:__ 3,
 *   as R's `ns(x, df)` / `bs(x, df)`, knots at quantiles of x in the analysed rows; bootstrap replicates keep
 *   these knots).
 * - `matching`: the nearest-neighbour matching — `distance` (`"ps"` or `"logit"`), `k`, `replace`, `caliper` (SDs
 *   of the distance), `ties` (`"all"` or `"first"`), `estimand` (`"ATT"` or `"ATE"`, which needs replacement).
 *   __Default value:__ 1-NN on the score for the ATT, with replacement, all ties, no caliper.
 * - `model`: `family` (__Default value:__ `"logit"`), `penalty` (__Default value:__ `{type: "none"}`, the
 *   maximum-likelihood fit; `{type: "l2", C}` is scikit-learn's convention), `maxIter`.
 * - `estimand` (__Default value:__ `"ATE"`) and `estimator` (__Default value:__ `"aipw"`) pick the headline.
 * - `trim`: `{rule: "bounds", lower, upper}` drops rows whose score is outside [lower, upper], `{rule: "crump"}`
 *   applies the Crump et al. (2009) rule; the model is refitted on the rows kept. __Default value:__ none.
 * - `outcomeCovariates`: terms of the outcome regressions (one per arm). __Default value:__ `covariates`.
 * - `balance`: `threshold` (__Default value:__ 0.1), `denominator` of the SMD (__Default value:__ `"pooled"`),
 *   `extra` terms to check besides the propensity and outcome terms.
 * - `misspecify`: double-robustness demonstration. __Default value:__ `"none"`.
 * - `bootstrap`: `{reps, seed}` refits the propensity model in every replicate (__Default value:__ `false`;
 *   `reps` defaults to 500).
 * - `sensitivity`: `gammas`, the Γ sweep of the Rosenbaum bounds on the 1-NN matched sets (finite, ≥ 1, at least
 *   one). __Default value:__ `[1, 1.1, …, 2]`.
 * - `overlapBins`: histogram bins of the overlap rows. __Default value:__ 20.
 * - `alpha`: __Default value:__ 0.05.
 */
export type PropensitySpec = z.input<typeof PROPENSITY_SPEC_SCHEMA>;

/** A {@link PropensitySpec} that passed validation. */
export type ValidPropensitySpec = z.output<typeof PROPENSITY_SPEC_SCHEMA>;

/** One covariate term of a {@link PropensitySpec}. */
export type PropensityCovariate = ValidPropensitySpec["covariates"][number];

/**
 * Validates a {@link PropensitySpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parsePropensitySpec } from "truelift";
 * parsePropensitySpec({ treatment: "d", outcome: "y", covariates: ["x"] }).treatment; // "d"
 * ```
 */
export function parsePropensitySpec(spec: unknown): ValidPropensitySpec {
  return parseSpec(PROPENSITY_SPEC_SCHEMA, spec, { what: "propensity" });
}
