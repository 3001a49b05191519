import { z } from "zod";
import { MAX_REPLICATES } from "../../core/options.js";
import { parseSpec } from "../../core/parse-spec.js";

/**
 * Inference reference distributions for cluster-robust tests: `t` uses t(G − 1) (fixest, Stata), `normal` the
 * standard normal (statsmodels' `cov_type="cluster"` default, which the tutorial prints).
 *
 * @example
 * ```ts
 * import { DID_INFERENCE } from "truelift";
 * DID_INFERENCE; // ["t", "normal"]
 * ```
 */
export const DID_INFERENCE = ["t", "normal"] as const;

/**
 * Control groups for staggered adoption (Callaway & Sant'Anna): units never treated, or units not yet treated
 * at the period compared.
 *
 * @example
 * ```ts
 * import { DID_CONTROL_GROUPS } from "truelift";
 * DID_CONTROL_GROUPS; // ["never", "notYet"]
 * ```
 */
export const DID_CONTROL_GROUPS = ["never", "notYet"] as const;

/**
 * Staggered-adoption estimators per (g, t) cell (Callaway & Sant'Anna 2021 via Sant'Anna & Zhao 2020):
 * outcome regression, normalised inverse probability weighting, doubly robust.
 *
 * @example
 * ```ts
 * import { DID_EST_METHODS } from "truelift";
 * DID_EST_METHODS; // ["reg", "ipw", "dr"]
 * ```
 */
export const DID_EST_METHODS = ["reg", "ipw", "dr"] as const;

const column = z.string().min(1);
const covariate = z.union([
  column,
  z.strictObject({ column, kind: z.enum(["numeric", "categorical"]), reference: z.string().optional() }),
]);

const treatment = z.union([
  z.strictObject({
    column,
    start: z.number().finite(),
    treatedValues: z
      .array(z.union([z.number(), z.string()]))
      .min(1)
      .optional(),
  }),
  z.strictObject({ startColumn: column }),
]);

/**
 * The zod schema behind {@link DidSpec}; `z.toJSONSchema(DID_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { DID_SPEC_SCHEMA } from "truelift";
 * DID_SPEC_SCHEMA.safeParse({ outcome: "y", time: "week", treatment: { startColumn: "start" } }).success; // true
 * ```
 */
export const DID_SPEC_SCHEMA = z.strictObject({
  outcome: column,
  time: column,
  treatment,
  unit: column.optional(),
  cluster: z.union([column, z.null()]).optional(),
  covariates: z.array(covariate).optional(),
  window: z.strictObject({ from: z.number().optional(), to: z.number().optional() }).optional(),
  anticipation: z.number().int().min(0).default(0),
  eventStudy: z
    .strictObject({ leads: z.number().int().min(1).optional(), lags: z.number().int().min(0).optional() })
    .optional(),
  placeboCenter: z.number().finite().optional(),
  inference: z.enum(DID_INFERENCE).default("t"),
  alpha: z.number().gt(0).lt(1).default(0.05),
  staggered: z
    .strictObject({
      control: z.enum(DID_CONTROL_GROUPS).optional(),
      estMethod: z.enum(DID_EST_METHODS).optional(),
      bootstrap: z
        .union([
          z.literal(false),
          z.strictObject({
            reps: z.number().int().min(2).max(MAX_REPLICATES).optional(),
            seed: z.number().int(),
          }),
        ])
        .optional(),
    })
    .optional(),
});

/**
 * What {@link did} analyses. Treatment is given one of two ways:
 *
 * - `treatment: { column, start, treatedValues? }` — a group column (0/1, or any values with `treatedValues`
 *   naming the treated ones) and the period `start` at which the treated group gets the feature;
 * - `treatment: { startColumn }` — each row's own first-treatment period (0 or missing = never treated). Two
 *   cohorts without never-treated units (the tutorial's waves at weeks 20 and 30) give a two-group design whose
 *   window stops before the later cohort starts; one cohort plus never-treated units give a two-group design over
 *   all periods; anything more is **staggered adoption**.
 *
 * Other fields:
 * - `time`: numeric period column (e.g. `signup_week`).
 * - `unit`: the panel's unit id. With it the data are a unit × period panel (TWFE absorbs unit and period;
 *   Callaway–Sant'Anna and the Bacon decomposition need it); without it rows are repeated cross-sections.
 * - `cluster`: cluster column for CR1 variances. __Default value:__ `unit`; `null` → heteroskedasticity-robust
 *   HC1 with a warning that rows are assumed independent.
 * - `covariates`: column names (numeric columns enter linearly, text columns as dummies with the first sorted
 *   level as reference) or `{column, kind, reference}`.
 * - `window`: `{from, to}` inclusive period bounds. __Default value:__ all periods, except that with a
 *   not-yet-treated control group the window ends before that group's own (anticipation-shifted) start.
 * - `anticipation`: k ≥ 0 — treatment effectively starts k periods early. __Default value:__ 0.
 * - `eventStudy`: relative-time dummies from −`leads` to +`lags`; the end points bin everything beyond them.
 *   __Default value:__ 5 leads and every lag (`EVENT_STUDY_DEFAULTS`), capped by the relative periods present.
 * - `placeboCenter`: the period subtracted from time in the pre-period trend test. __Default value:__ the
 *   midpoint of the pre-period, rounded up (the tutorial's week 10 for weeks 0–19).
 * - `inference`: reference distribution of cluster-robust tests. __Default value:__ `"t"` (t(G − 1)).
 * - `alpha`: __Default value:__ 0.05.
 * - `staggered`: Callaway–Sant'Anna options — `control` (__Default value:__ `"never"` when never-treated
 *   units exist, else `"notYet"`), `estMethod` (__Default value:__ `"dr"`), `bootstrap` (__Default value:__
 *   `false`, analytic influence-function SEs).
 */
export type DidSpec = z.input<typeof DID_SPEC_SCHEMA>;

/** A {@link DidSpec} that passed validation. */
export type ValidDidSpec = z.output<typeof DID_SPEC_SCHEMA>;

/**
 * Validates a {@link DidSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseDidSpec } from "truelift";
 * parseDidSpec({ outcome: "y", time: "week", treatment: { column: "wave1", start: 20 } }).outcome; // "y"
 * ```
 */
export function parseDidSpec(spec: unknown): ValidDidSpec {
  return parseSpec(DID_SPEC_SCHEMA, spec, { what: "DiD" });
}
