import { z } from "zod";
import { MAX_REPLICATES } from "../../core/options.js";
import { parseSpec } from "../../core/parse-spec.js";
import { CONFORMAL_MODELS } from "./conformal.js";
import { SDID_SPEC_SCHEMA } from "./sdid-spec.js";

const column = z.string().min(1);
const unitId = z.union([z.number(), z.string()]);

const predictor = z.strictObject({
  column,
  from: z.number().optional(),
  to: z.number().optional(),
  periods: z.array(z.number()).min(1).optional(),
});

/**
 * The zod schema behind {@link SynthSpec}; `z.toJSONSchema(SYNTH_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { SYNTH_SPEC_SCHEMA } from "truelift";
 * SYNTH_SPEC_SCHEMA.safeParse({
 *   outcome: "y", unit: "ws", time: "week", treated: [0], treatmentStart: 20,
 * }).success; // true
 * ```
 */
export const SYNTH_SPEC_SCHEMA = z.strictObject({
  outcome: column,
  unit: column,
  time: column,
  treated: z.array(unitId).min(1),
  donors: z.array(unitId).optional(),
  treatmentStart: z.number().finite(),
  window: z.strictObject({ from: z.number().optional(), to: z.number().optional() }).optional(),
  user: column.optional(),
  predictors: z.array(predictor).min(1).optional(),
  customV: z.array(z.number().nonnegative()).min(1).optional(),
  nonzeroThreshold: z.number().min(0).lt(1).default(0.001),
  placebo: z
    .union([z.literal(false), z.strictObject({ excludePreRmspeAbove: z.number().positive().optional() })])
    .optional(),
  inTimePlacebo: z
    .union([z.literal(false), z.strictObject({ start: z.number().finite().optional() })])
    .optional(),
  leaveOneOut: z.boolean().optional(),
  bootstrap: z
    .union([
      z.literal(false),
      z.strictObject({
        reps: z.number().int().min(2).max(MAX_REPLICATES).optional(),
        seed: z.number().int(),
      }),
    ])
    .optional(),
  sdid: z.union([z.literal(false), SDID_SPEC_SCHEMA]).optional(),
  augmented: z
    .union([
      z.literal(false),
      z.strictObject({ lambda: z.union([z.number().positive().finite(), z.literal("cv")]).optional() }),
    ])
    .optional(),
  conformal: z
    .union([
      z.literal(false),
      z.strictObject({
        model: z.enum(CONFORMAL_MODELS).optional(),
        q: z.number().positive().finite().optional(),
        alpha: z.number().gt(0).lt(1).optional(),
      }),
    ])
    .optional(),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/**
 * What {@link synth} analyses: a global rollout to the `treated` units at `treatmentStart`, with a synthetic
 * control built from the `donors`.
 *
 * - `outcome`, `unit`, `time`: the user-level (or unit × period) rows; the outcome is averaged per unit × period
 *   cell (`time` must be numeric).
 * - `treated`: unit ids of the treated unit(s). Several are pooled into one series, the equal-weight mean of
 *   their cell-mean series (as the tutorial pools wave 1).
 * - `donors`: unit ids of the donor pool. __Default value:__ every other unit with rows in the window.
 * - `treatmentStart`: first treated period; earlier periods are the pre-period the weights are fitted on.
 * - `window`: `{from, to}` inclusive period bounds. __Default value:__ the range of the data.
 * - `user`: a user id column whose rows the bootstrap resamples together. __Default value:__ each row is a user.
 * - `predictors`: ADH predictors — `{column}` is the mean over the pre-period (or `from`–`to`, or the listed
 *   `periods`) of the unit's cell means of `column`; with predictors the weights minimise the V-weighted
 *   predictor distance and V is chosen by the nested ADH procedure (see {@link adhWeights}).
 *   __Default value:__ none: the weights fit the pre-period outcome path directly.
 * - `customV`: fixed predictor weights (Synth's `custom.v`) instead of the nested optimisation.
 * - `nonzeroThreshold`: weight above which a donor counts as used (leave-one-out, counts).
 *   __Default value:__ 0.001.
 * - `placebo`: in-space placebo options; `excludePreRmspeAbove: k` drops placebos whose pre-RMSPE exceeds k ×
 *   the treated pre-RMSPE. __Default value:__ `{}` (every donor kept); `false` skips the placebos.
 * - `inTimePlacebo`: a fake treatment date inside the pre-period. __Default value:__ `{}` (the pre-period's
 *   middle period); `false` skips it.
 * - `leaveOneOut`: refit without each used donor. __Default value:__ true.
 * - `bootstrap`: the tutorial's user-level bootstrap that rebuilds the panel, `{reps, seed}`.
 *   __Default value:__ `false`; `reps` defaults to 500.
 * - `sdid`: synthetic DiD, SC and DiD on the same panel (synthdid conventions, see {@link sdid}).
 *   __Default value:__ `{ se: false }`; pass `{ se: { method: "jackknife" } }` (or placebo / bootstrap with a
 *   seed) for its standard error; `false` skips it.
 * - `augmented`: ridge-augmented SC (see {@link augmentedSc}). __Default value:__ `{}` (λ by cross-validation);
 *   `false` skips it.
 * - `conformal`: conformal inference on the treated mean (see {@link conformalInference}). __Default value:__
 *   `false`; `{}` runs it with its defaults.
 * - `alpha`: __Default value:__ 0.05.
 */
export type SynthSpec = z.input<typeof SYNTH_SPEC_SCHEMA>;

/** A {@link SynthSpec} that passed validation. */
export type ValidSynthSpec = z.output<typeof SYNTH_SPEC_SCHEMA>;

/** One ADH predictor of a {@link SynthSpec}. */
export type SynthPredictor = z.output<typeof predictor>;

/**
 * Validates a {@link SynthSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseSynthSpec } from "truelift";
 * parseSynthSpec({ outcome: "y", unit: "ws", time: "week", treated: [0], treatmentStart: 20 }).outcome; // "y"
 * ```
 */
export function parseSynthSpec(spec: unknown): ValidSynthSpec {
  return parseSpec(SYNTH_SPEC_SCHEMA, spec, { what: "synthetic-control" });
}
