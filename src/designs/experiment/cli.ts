import {
  optionNumber as number,
  parseChoice,
  parseList,
  optionString as str,
  usage,
} from "../../core/options.js";
import { ALPHA_OPTION } from "../shared/cli-options.js";
import type { DesignCli } from "../shared/contract.js";
import { EXPERIMENT_ADJUSTMENTS, EXPERIMENT_VCOVS, type ExperimentSpec } from "./spec.js";

/**
 * `truelift experiment`: a randomized A/B/n test on a data file — per metric and variant the difference and the
 * relative lift with intervals (Welch, HC2, or CR1/CR2 by the randomization unit), ratio metrics by the delta
 * method, CUPED or Lin's regression adjustment, the sample-ratio mismatch check, Holm/BH adjustment and
 * guardrails.
 *
 * @example
 * ```sh
 * truelift experiment saas.csv --treatment prompt_variant --control 0 --metrics task_completed,thumbs_up \
 *   --ratio cost_usd/task_completed --cuped session_minutes --guardrail retained_7d:-0.01
 * ```
 */
export const EXPERIMENT_CLI = {
  description: "Randomized A/B tests: lifts with honest intervals, CUPED, ratio metrics, SRM, guardrails.",
  examples: [
    "truelift experiment saas.csv --treatment prompt_variant --control 0 --metrics task_completed,thumbs_up --ratio cost_usd/task_completed --guardrail retained_7d:-0.01",
    "truelift experiment saas.csv --treatment wave --control 2 --metrics task_completed --cluster workspace_id --covariates signup_week,opt_in_agent_mode",
  ],
  options: {
    treatment: { flags: "--treatment <column>", description: "the arm of each row (required)" },
    control: { flags: "--control <level>", description: "the control arm's level (required)" },
    metrics: { flags: "--metrics <columns>", description: "comma-separated numeric mean metrics" },
    ratio: {
      flags: "--ratio <num/den>",
      description: "ratio metrics Σnum/Σden, comma-separated (delta method at the randomization unit)",
    },
    guardrail: {
      flags: "--guardrail <metric:margin>",
      description: "guardrails, comma-separated; margin = worst acceptable change (e.g. retained_7d:-0.01)",
    },
    cluster: { flags: "--cluster <column>", description: "randomization unit when coarser than a row" },
    cuped: { flags: "--cuped <column>", description: "pre-period covariate for CUPED (θ pooled)" },
    covariates: {
      flags: "--covariates <columns>",
      description: "numeric covariates for Lin's interacted regression adjustment (HC2 / CR2)",
    },
    plannedSplit: {
      flags: "--planned-split <shares>",
      description: "planned traffic shares, control first then variants sorted (default equal, e.g. 50/50)",
    },
    vcov: {
      flags: "--vcov <kind>",
      description: `${EXPERIMENT_VCOVS.join(" | ")} (default welch; CR2 with --cluster)`,
    },
    adjust: {
      flags: "--adjust <method>",
      description: `${EXPERIMENT_ADJUSTMENTS.join(" | ")} (default holm)`,
    },
    alpha: ALPHA_OPTION,
  },
  toSpec: (options) => buildSpec(options),
} satisfies DesignCli<ExperimentSpec>;

function buildSpec(o: Readonly<Record<string, unknown>>): ExperimentSpec {
  const treatment = str(o.treatment);
  const control = str(o.control);
  if (!treatment || control === undefined) {
    throw usage("experiment needs --treatment and --control.", "Run `truelift experiment --help`.");
  }
  const metrics = o.metrics === undefined ? [] : parseList(o.metrics);
  const ratios = (o.ratio === undefined ? [] : parseList(o.ratio)).map((r) => {
    const [numerator, denominator, extra] = r.split("/").map((s) => s.trim());
    if (!numerator || !denominator || extra !== undefined)
      throw usage(`--ratio '${r}' must be numerator/denominator (e.g. tasks/sessions).`);
    return { numerator, denominator };
  });
  const guardrails = (o.guardrail === undefined ? [] : parseList(o.guardrail)).map((g) => {
    const i = g.lastIndexOf(":");
    const margin = i > 0 ? Number(g.slice(i + 1)) : Number.NaN;
    if (!(Number.isFinite(margin) && margin !== 0))
      throw usage(
        `--guardrail '${g}' must be metric:margin with a non-zero margin (e.g. retained_7d:-0.01).`,
      );
    return { metric: g.slice(0, i), margin };
  });
  if (metrics.length + ratios.length + guardrails.length === 0)
    throw usage("experiment needs --metrics, --ratio or --guardrail.");
  const spec: Record<string, unknown> = {
    treatment,
    control: control.trim() !== "" && Number.isFinite(Number(control)) ? Number(control) : control,
    metrics,
    ratios,
    guardrails,
  };
  if (o.cluster !== undefined) spec.cluster = str(o.cluster);
  if (o.cuped !== undefined) spec.cuped = str(o.cuped);
  if (o.covariates !== undefined) spec.covariates = parseList(o.covariates);
  if (o.plannedSplit !== undefined) {
    const parts = String(o.plannedSplit).split(/[/:,]/).map(Number);
    if (parts.length < 2 || parts.some((p) => !(Number.isFinite(p) && p > 0)))
      throw usage(
        `--planned-split '${String(o.plannedSplit)}' must be positive shares such as 50/50 or 50/25/25.`,
      );
    spec.plannedSplit = parts;
  }
  if (o.vcov !== undefined) spec.vcov = parseChoice("--vcov", o.vcov, EXPERIMENT_VCOVS);
  if (o.adjust !== undefined) spec.adjust = parseChoice("--adjust", o.adjust, EXPERIMENT_ADJUSTMENTS);
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  return spec as ExperimentSpec;
}
