import { z } from "zod";
import { TrueliftError } from "../../core/errors.js";
import { parseSpec } from "../../core/parse-spec.js";

/**
 * How the p-values of the primary comparisons (every variant × primary metric) are adjusted for multiplicity:
 * `holm` — Holm (1979) step-down, controls the family-wise error rate; `bh` — Benjamini & Hochberg (1995)
 * step-up, controls the false discovery rate; `none`.
 *
 * @example
 * ```ts
 * import { EXPERIMENT_ADJUSTMENTS } from "truelift";
 * EXPERIMENT_ADJUSTMENTS; // ["holm", "bh", "none"]
 * ```
 */
export const EXPERIMENT_ADJUSTMENTS = ["holm", "bh", "none"] as const;

/**
 * The variance estimator of mean metrics: `welch` — unequal-variance two-sample t (user-level default, no
 * covariates); `HC2` — OLS on arm dummies (and Lin's interacted covariates) with HC2 errors and t(N − K);
 * `CR1` / `CR2` — the same regression clustered by `cluster` (CR2: Bell–McCaffrey with Satterthwaite df, the
 * default with a cluster; CR1: Stata's small-sample factor, t(G − 1)).
 *
 * @example
 * ```ts
 * import { EXPERIMENT_VCOVS } from "truelift";
 * EXPERIMENT_VCOVS; // ["welch", "HC2", "CR1", "CR2"]
 * ```
 */
export const EXPERIMENT_VCOVS = ["welch", "HC2", "CR1", "CR2"] as const;

const column = z.string().min(1);
const level = z.union([z.string().min(1), z.number()]);

const ratio = z.strictObject({
  numerator: column,
  denominator: column,
  name: z.string().min(1).optional(),
});

/**
 * The zod schema behind {@link ExperimentSpec}; `z.toJSONSchema(EXPERIMENT_SPEC_SCHEMA)` publishes it.
 *
 * @example
 * ```ts
 * import { EXPERIMENT_SPEC_SCHEMA } from "truelift";
 * EXPERIMENT_SPEC_SCHEMA.safeParse({ treatment: "prompt_variant", control: 0, metrics: ["task_completed"] }).success; // true
 * ```
 */
export const EXPERIMENT_SPEC_SCHEMA = z.strictObject({
  treatment: column,
  control: level,
  metrics: z.array(column).default([]),
  ratios: z.array(ratio).default([]),
  guardrails: z
    .array(z.strictObject({ metric: column, margin: z.number().refine((m) => m !== 0) }))
    .default([]),
  cluster: column.optional(),
  cuped: column.optional(),
  covariates: z.array(column).default([]),
  plannedSplit: z.array(z.number().positive()).min(2).optional(),
  vcov: z.enum(EXPERIMENT_VCOVS).optional(),
  adjust: z.enum(EXPERIMENT_ADJUSTMENTS).default("holm"),
  alpha: z.number().gt(0).lt(1).default(0.05),
});

/**
 * What {@link experiment} analyses: a randomized A/B (or A/B/n) test, one or more variants against a control.
 *
 * - `treatment`: the column holding each row's arm; `control`: its control level (compared as text, so `0` and
 *   `"0"` match). Every other level is a variant, compared with the control, in sorted order.
 * - `metrics`: numeric mean metrics (per row), e.g. `task_completed`.
 * - `ratios`: ratio metrics Σnumerator / Σdenominator per arm (tasks per session, cost per completed task), with
 *   delta-method variance at the randomization unit (the row, or the cluster). `name` __Default value:__
 *   `"<numerator>/<denominator>"`.
 * - `guardrails`: mean metrics that must not get worse: `margin` is the worst acceptable change of the variant
 *   minus control difference, signed — `-0.01` "may not drop by more than 0.01", `+0.002` "may not rise by more
 *   than 0.002". A one-sided non-inferiority test at `alpha`; guardrails stay out of the multiplicity family.
 * - `cluster`: the randomization unit when it is coarser than a row (rows = analysis units). The treatment must
 *   be constant within it; mean metrics get cluster-robust SEs, ratio metrics and the SRM check use clusters.
 * - `cuped`: a pre-period covariate for CUPED (θ pooled across arms). `covariates`: numeric covariates for Lin's
 *   fully interacted regression adjustment (with `cuped` too, the pre-period column joins them).
 * - `plannedSplit`: the planned traffic shares, control first then the variants in sorted order.
 *   __Default value:__ equal shares.
 * - `vcov`: see {@link EXPERIMENT_VCOVS}. __Default value:__ `CR2` with a cluster, `HC2` with covariates,
 *   otherwise `welch`.
 * - `adjust`: __Default value:__ `holm`. `alpha`: __Default value:__ 0.05.
 */
export type ExperimentSpec = z.input<typeof EXPERIMENT_SPEC_SCHEMA>;

/** An {@link ExperimentSpec} that passed validation, defaults filled. */
export type ValidExperimentSpec = z.output<typeof EXPERIMENT_SPEC_SCHEMA>;

/**
 * Validates an {@link ExperimentSpec}: schema violations and inconsistent choices (no metric; a cluster vcov
 * without a cluster; Welch with covariates; a metric used twice) throw `E_INVALID_SPEC` naming the field.
 *
 * @example
 * ```ts
 * import { parseExperimentSpec } from "truelift";
 * parseExperimentSpec({ treatment: "prompt_variant", control: 0, metrics: ["task_completed"] }).adjust; // "holm"
 * ```
 */
export function parseExperimentSpec(spec: unknown): ValidExperimentSpec {
  const s = parseSpec(EXPERIMENT_SPEC_SCHEMA, spec, { what: "experiment" });
  const bad = (field: string, message: string): never => {
    throw new TrueliftError("E_INVALID_SPEC", `Invalid experiment spec: spec.${field}: ${message}.`, {
      details: { path: field },
    });
  };
  if (s.metrics.length + s.ratios.length + s.guardrails.length === 0)
    bad("metrics", "name at least one metric, ratio or guardrail");
  const clustered = s.vcov === "CR1" || s.vcov === "CR2";
  if (clustered && s.cluster === undefined) bad("vcov", `${s.vcov} needs a cluster column`);
  if (!clustered && s.vcov !== undefined && s.cluster !== undefined)
    bad("vcov", "with a cluster, use CR1 or CR2");
  if (s.vcov === "welch" && s.covariates.length > 0)
    bad("vcov", "Lin's covariate adjustment is a regression: use HC2");
  if (s.cuped !== undefined && s.covariates.length > 0)
    bad(
      "cuped",
      "with covariates, list the pre-period column among the covariates instead (Lin's adjustment subsumes CUPED)",
    );
  const names = [...s.metrics, ...s.guardrails.map((g) => g.metric)];
  const dup = names.find((m, i) => names.indexOf(m) !== i);
  if (dup !== undefined) bad("metrics", `'${dup}' is listed twice`);
  const keys = [s.treatment, ...(s.cluster === undefined ? [] : [s.cluster]), ...s.covariates];
  const measures = [
    ...names,
    ...s.ratios.flatMap((r) => [r.numerator, r.denominator]),
    ...(s.cuped === undefined ? [] : [s.cuped]),
  ];
  const clash = keys.find((k) => measures.includes(k));
  if (clash !== undefined)
    bad("covariates", `'${clash}' cannot be both a metric and the treatment, cluster or a covariate`);
  return s;
}
