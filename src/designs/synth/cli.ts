import {
  optionalNumber as number,
  parseList,
  parseReplicates,
  optionString as str,
  usage,
} from "../../core/options.js";
import { ALPHA_OPTION } from "../shared/cli-options.js";
import type { DesignCli } from "../shared/contract.js";
import type { SynthSpec } from "./spec.js";

/**
 * `truelift synth`: synthetic control for a global rollout on a data file — unit × period panel from user-level
 * rows, exact simplex weights (or the nested ADH V search with `--predictors`), in-space placebos with the
 * pseudo p-value, in-time placebo, leave-one-out, and the optional user-level bootstrap. `--format json` returns
 * the full result; `--print-spec` prints the canonical spec it ran.
 *
 * @example
 * ```sh
 * truelift synth saas.csv --outcome task_completed --unit workspace_id --time signup_week \
 *   --treated-units 0-24 --donors 25-49 --treatment-start 20 --window 0:29
 * truelift synth saas.csv --outcome task_completed --unit workspace_id --time signup_week \
 *   --treated-units 0-24 --donors 25-49 --treatment-start 20 --window 0:29 --bootstrap 500 --seed 7
 * ```
 */
export const SYNTH_CLI = {
  description: "Synthetic control for a global rollout (no holdout): donor weights, placebos, robustness.",
  examples: [
    "truelift synth saas.csv --outcome task_completed --unit workspace_id --time signup_week --treated-units 0-24 --donors 25-49 --treatment-start 20 --window 0:29",
    "truelift synth saas.csv --outcome task_completed --unit workspace_id --time signup_week --treated-units 0-24 --donors 25-49 --treatment-start 20 --window 0:29 --bootstrap 500 --seed 7",
    "truelift synth panel.csv --outcome y --unit state --time year --treated-units California --treatment-start 1989 --predictors income,beer",
  ],
  options: {
    outcome: {
      flags: "--outcome <column>",
      description: "outcome column, averaged per unit × period (required)",
    },
    unit: { flags: "--unit <column>", description: "unit id column, e.g. workspace_id (required)" },
    time: { flags: "--time <column>", description: "numeric period column (required)" },
    treatedUnits: {
      flags: "--treated-units <ids>",
      description: "treated unit ids: comma list and ranges, e.g. 0-24 or CA (several are pooled)",
    },
    donors: { flags: "--donors <ids>", description: "donor unit ids (default: every other unit)" },
    treatmentStart: { flags: "--treatment-start <period>", description: "first treated period (required)" },
    window: { flags: "--window <from:to>", description: "inclusive period window, e.g. 0:29" },
    user: { flags: "--user <column>", description: "user id column the bootstrap resamples (default: rows)" },
    predictors: {
      flags: "--predictors <columns>",
      description: "ADH predictors: columns averaged over the pre-period (nested V search)",
    },
    excludePlacebos: {
      flags: "--exclude-placebos <k>",
      description: "drop placebos whose pre-RMSPE exceeds k × the treated unit's",
    },
    inTimeStart: {
      flags: "--in-time-start <period>",
      description: "fake treatment date of the in-time placebo",
    },
    bootstrap: { flags: "--bootstrap <reps>", description: "user-level bootstrap replicates (uses --seed)" },
    alpha: ALPHA_OPTION,
  },
  toSpec: (options, context) => buildSpec(options, context.seed),
} satisfies DesignCli<SynthSpec>;

/**
 * Unit ids from a comma list with integer ranges: "0-24" → 0…24, "3,7,10-12", "CA,NY". Numeric ids become
 * numbers (matched as text against the unit column either way).
 */
function parseIds(option: string, v: unknown): (number | string)[] {
  const out: (number | string)[] = [];
  for (const part of parseList(v)) {
    const m = /^(-?\d+)\s*-\s*(-?\d+)$/.exec(part);
    if (m) {
      const a = Number(m[1]);
      const b = Number(m[2]);
      if (b < a) throw usage(`${option}: range '${part}' runs backwards.`);
      for (let i = a; i <= b; i++) out.push(i);
    } else {
      out.push(Number.isFinite(Number(part)) && part.trim() !== "" ? Number(part) : part);
    }
  }
  if (out.length === 0) throw usage(`${option} needs at least one unit id.`);
  return out;
}

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): SynthSpec {
  const outcome = str(o.outcome);
  const unit = str(o.unit);
  const time = str(o.time);
  if (!outcome || !unit || !time)
    throw usage("synth needs --outcome, --unit and --time <column>.", "Run `truelift synth --help`.");
  if (o.treatedUnits === undefined) throw usage("synth needs --treated-units <ids> (e.g. 0-24).");
  const treatmentStart = number("--treatment-start", o.treatmentStart);
  if (treatmentStart === undefined) throw usage("synth needs --treatment-start <period>.");
  const spec: Record<string, unknown> = {
    outcome,
    unit,
    time,
    treated: parseIds("--treated-units", o.treatedUnits),
    treatmentStart,
  };
  if (o.donors !== undefined) spec.donors = parseIds("--donors", o.donors);
  if (o.window !== undefined) {
    const m = /^\s*(-?[\d.]*)\s*:\s*(-?[\d.]*)\s*$/.exec(String(o.window));
    if (!m) throw usage(`--window must look like from:to (e.g. 0:29), got '${String(o.window)}'.`);
    spec.window = { ...(m[1] ? { from: Number(m[1]) } : {}), ...(m[2] ? { to: Number(m[2]) } : {}) };
  }
  if (o.user !== undefined) spec.user = str(o.user);
  if (o.predictors !== undefined) spec.predictors = parseList(o.predictors).map((column) => ({ column }));
  if (o.excludePlacebos !== undefined)
    spec.placebo = { excludePreRmspeAbove: number("--exclude-placebos", o.excludePlacebos) };
  if (o.inTimeStart !== undefined) spec.inTimePlacebo = { start: number("--in-time-start", o.inTimeStart) };
  if (o.bootstrap !== undefined) {
    if (seed === undefined) throw usage("--bootstrap needs --seed <n> so the result can be reproduced.");
    spec.bootstrap = { reps: parseReplicates("--bootstrap", o.bootstrap), seed };
  }
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  return spec as SynthSpec;
}
