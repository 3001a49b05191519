import { z } from "zod";
import { parseSpec } from "../../core/parse-spec.js";
import { SDID_ESTIMATORS } from "./sdid-estimate.js";
import { SDID_SE_METHODS } from "./sdid-se.js";

/**
 * The zod schema behind {@link SdidSpec}; `z.toJSONSchema(SDID_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { SDID_SPEC_SCHEMA } from "truelift";
 * SDID_SPEC_SCHEMA.safeParse({ estimator: "sdid", se: { method: "placebo", reps: 200, seed: 7 } }).success; // true
 * ```
 */
export const SDID_SPEC_SCHEMA = z.strictObject({
  estimator: z.enum(SDID_ESTIMATORS).optional(),
  se: z
    .union([
      z.literal(false),
      z.strictObject({
        method: z.enum(SDID_SE_METHODS).optional(),
        reps: z.number().int().min(2).optional(),
        seed: z.number().int().optional(),
      }),
    ])
    .optional(),
  alpha: z.number().gt(0).lt(1).optional(),
  tuning: z
    .strictObject({
      etaOmega: z.number().positive().finite().optional(),
      etaLambda: z.number().positive().finite().optional(),
      maxIter: z.number().int().min(1).optional(),
      minDecrease: z.number().positive().finite().optional(),
      sparsify: z.boolean().optional(),
    })
    .optional(),
});

/**
 * What {@link sdid} computes on a {@link SynthMatrix}:
 *
 * - `estimator`: the headline estimator, `"sdid"`, `"sc"` or `"did"`; the other two are always computed too, as
 *   contrasts. __Default value:__ `"sdid"`.
 * - `se`: `false` (no standard error) or `{ method, reps, seed }` — `method` one of `"placebo"`, `"jackknife"`,
 *   `"bootstrap"` (__Default value:__ `"placebo"`, the only one defined with a single treated unit), `reps`
 *   (__Default value:__ 200), `seed` (__Default value:__ 1). __Default value:__ `{ method: "placebo" }`.
 * - `alpha`: for the normal confidence interval est ± z·SE (synthdid's convention). __Default value:__ 0.05.
 * - `tuning`: overrides of synthdid's defaults — `etaOmega` (__Default value:__ (N1·T1)^(1/4), 1e-6 for SC),
 *   `etaLambda` (1e-6), `maxIter` (10000), `minDecrease` (1e-5·σ̂), `sparsify` (`true`).
 *
 * @example
 * ```ts
 * import type { SdidSpec } from "truelift";
 * const spec: SdidSpec = { estimator: "sdid", se: { method: "placebo", reps: 200, seed: 12345 } };
 * ```
 */
export type SdidSpec = z.input<typeof SDID_SPEC_SCHEMA>;

/** A {@link SdidSpec} that passed validation. */
export type ValidSdidSpec = z.output<typeof SDID_SPEC_SCHEMA>;

/**
 * Validates a {@link SdidSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseSdidSpec } from "truelift";
 * parseSdidSpec({ estimator: "sc" }).estimator; // "sc"
 * ```
 */
export function parseSdidSpec(spec: unknown): ValidSdidSpec {
  return parseSpec(SDID_SPEC_SCHEMA, spec ?? {}, { what: "synthetic DiD" });
}
