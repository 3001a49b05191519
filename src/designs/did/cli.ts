import {
  optionalNumber as number,
  parseChoice,
  parseInteger,
  parseList,
  parseReplicates,
  optionString as str,
  usage,
} from "../../core/options.js";
import { ALPHA_OPTION } from "../shared/cli-options.js";
import type { DesignCli } from "../shared/contract.js";
import { DID_CONTROL_GROUPS, DID_EST_METHODS, DID_INFERENCE, type DidSpec } from "./spec.js";

/**
 * `truelift did`: difference-in-differences on a data file — 2×2 table, regression DiD with CR1 SEs, TWFE,
 * placebo pre-trend and event study, or Callaway–Sant'Anna and the Bacon decomposition for staggered adoption.
 * Prints the estimate, its CI, the parallel-trends verdict and the naive contrasts; `--format json` returns the
 * full result; `--print-spec` prints the canonical spec it ran (re-runnable as a library spec).
 *
 * @example
 * ```sh
 * truelift did saas.csv --outcome task_completed --time signup_week --start-column treatment_week \
 *   --cluster workspace_id --covariates engagement_tier
 * truelift did panel.csv --outcome y --time period --start-column first_treat --unit unit --format json
 * ```
 */
export const DID_CLI = {
  description: "Difference-in-differences for staged rollouts (two waves or staggered adoption).",
  examples: [
    "truelift did saas.csv --outcome task_completed --time signup_week --start-column treatment_week --cluster workspace_id --covariates engagement_tier",
    "truelift did saas.csv --outcome task_completed --time signup_week --group wave --treated-values 1 --start 20 --window 0:29 --cluster workspace_id",
    "truelift did panel.csv --outcome y --time period --start-column first_treat --unit unit",
  ],
  options: {
    outcome: { flags: "--outcome <column>", description: "outcome column (required)" },
    time: { flags: "--time <column>", description: "numeric period column (required)" },
    startColumn: {
      flags: "--start-column <column>",
      description: "each row's first treatment period (0 or empty = never treated)",
    },
    group: {
      flags: "--group <column>",
      description: "treated-group column (0/1, or see --treated-values); needs --start",
    },
    treatedValues: {
      flags: "--treated-values <values>",
      description: "comma-separated values of --group that mark the treated group",
    },
    start: { flags: "--start <period>", description: "period at which the --group treated group starts" },
    unit: { flags: "--unit <column>", description: "panel unit id (unit x period data)" },
    cluster: {
      flags: "--cluster <column>",
      description: "cluster column for CR1 SEs (default: --unit; 'none' for HC1)",
    },
    covariates: {
      flags: "--covariates <columns>",
      description: "comma-separated covariates (text columns become dummies)",
    },
    window: {
      flags: "--window <from:to>",
      description: "inclusive period window, e.g. 0:29 (either side may be empty)",
    },
    anticipation: {
      flags: "--anticipation <k>",
      description: "treatment effectively starts k periods early (default 0)",
    },
    leads: { flags: "--leads <n>", description: "event-study leads; earlier periods are binned (default 5)" },
    lags: {
      flags: "--lags <n>",
      description: "event-study lags; later periods are binned (default: all, no binning)",
    },
    inference: {
      flags: "--inference <dist>",
      description: `reference distribution: ${DID_INFERENCE.join(" | ")} (default t)`,
    },
    alpha: ALPHA_OPTION,
    control: {
      flags: "--control <group>",
      description: `staggered control group: ${DID_CONTROL_GROUPS.join(" | ")}`,
    },
    estMethod: {
      flags: "--est-method <m>",
      description: `staggered estimator: ${DID_EST_METHODS.join(" | ")} (default dr)`,
    },
    bootstrap: {
      flags: "--bootstrap <reps>",
      description: "staggered: multiplier-bootstrap replicates (uses --seed)",
    },
  },
  toSpec: (options, context) => buildSpec(options, context.seed),
} satisfies DesignCli<DidSpec>;

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): DidSpec {
  const outcome = str(o.outcome);
  const time = str(o.time);
  if (!outcome || !time)
    throw usage("did needs --outcome <column> and --time <column>.", "Run `truelift did --help`.");
  const startColumn = str(o.startColumn);
  const group = str(o.group);
  if ((startColumn === undefined) === (group === undefined)) {
    throw usage("did needs exactly one of --start-column <column> or --group <column> --start <period>.");
  }
  let treatment: DidSpec["treatment"];
  if (startColumn !== undefined) {
    treatment = { startColumn };
  } else {
    const start = number("--start", o.start);
    if (start === undefined) throw usage("--group needs --start <period>.");
    const values =
      o.treatedValues === undefined
        ? undefined
        : parseList(o.treatedValues).map((v) => (Number.isFinite(Number(v)) ? Number(v) : v));
    treatment = { column: group as string, start, ...(values ? { treatedValues: values } : {}) };
  }
  const spec: Record<string, unknown> = { outcome, time, treatment };
  if (o.unit !== undefined) spec.unit = str(o.unit);
  if (o.cluster !== undefined) spec.cluster = o.cluster === "none" ? null : str(o.cluster);
  if (o.covariates !== undefined) spec.covariates = parseList(o.covariates);
  if (o.window !== undefined) {
    const m = /^\s*(-?[\d.]*)\s*:\s*(-?[\d.]*)\s*$/.exec(String(o.window));
    if (!m) throw usage(`--window must look like from:to (e.g. 0:29), got '${String(o.window)}'.`);
    spec.window = { ...(m[1] ? { from: Number(m[1]) } : {}), ...(m[2] ? { to: Number(m[2]) } : {}) };
  }
  if (o.anticipation !== undefined)
    spec.anticipation = parseInteger("--anticipation", o.anticipation, { min: 0 });
  if (o.leads !== undefined || o.lags !== undefined) {
    spec.eventStudy = {
      ...(o.leads !== undefined ? { leads: parseInteger("--leads", o.leads, { min: 1 }) } : {}),
      ...(o.lags !== undefined ? { lags: parseInteger("--lags", o.lags, { min: 0 }) } : {}),
    };
  }
  if (o.inference !== undefined) spec.inference = parseChoice("--inference", o.inference, DID_INFERENCE);
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  const staggered: Record<string, unknown> = {};
  if (o.control !== undefined) staggered.control = parseChoice("--control", o.control, DID_CONTROL_GROUPS);
  if (o.estMethod !== undefined)
    staggered.estMethod = parseChoice("--est-method", o.estMethod, DID_EST_METHODS);
  if (o.bootstrap !== undefined) {
    if (seed === undefined) throw usage("--bootstrap needs --seed <n> so the result can be reproduced.");
    staggered.bootstrap = { reps: parseReplicates("--bootstrap", o.bootstrap), seed };
  }
  if (Object.keys(staggered).length > 0) spec.staggered = staggered;
  return spec as DidSpec;
}
