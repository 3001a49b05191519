import {
  optionNumber as number,
  parseChoice,
  parseInteger,
  parseList,
  parseReplicates,
  optionString as str,
  usage,
} from "../../core/options.js";
import { ALPHA_OPTION } from "../shared/cli-options.js";
import type { DesignCli } from "../shared/contract.js";
import {
  type PropensityCovariate,
  type PropensitySpec,
  PS_ESTIMANDS,
  PS_ESTIMATORS,
  PS_MISSPECIFY,
  PS_SMD_DENOMINATORS,
} from "./spec.js";

/**
 * `truelift propensity` (alias `psm`): propensity scores for an opt-in feature — logistic propensity model, overlap
 * and trimming, Hájek IPW ATE/ATT with sandwich SEs (and an optional refitting bootstrap), balance, regression
 * adjustment and AIPW, E-value. Prints the estimate, the naive contrast and every diagnostic; `--format json`
 * returns the full result; `--print-spec` prints the canonical spec it ran.
 *
 * @example
 * ```sh
 * truelift propensity saas.csv --treatment opt_in_agent_mode --outcome task_completed \
 *   --covariates engagement_tier,query_confidence
 * truelift psm saas.csv --treatment opt_in_agent_mode --outcome task_completed \
 *   --covariates engagement_tier,query_confidence --estimand ATT --bootstrap 500 --seed 7
 * ```
 */
export const PROPENSITY_CLI = {
  description:
    "Propensity scores for opt-in features: IPW, matching, regression adjustment, AIPW, overlap, balance, E-value, Rosenbaum bounds.",
  examples: [
    "truelift propensity saas.csv --treatment opt_in_agent_mode --outcome task_completed --covariates engagement_tier,query_confidence",
    "truelift psm saas.csv --treatment opt_in_agent_mode --outcome task_completed --covariates engagement_tier,query_confidence --estimator ipw --bootstrap 500 --seed 7",
    "truelift propensity data.csv --treatment d --outcome y --covariates tier,usage,tier:usage --trim crump",
  ],
  threads: true,
  options: {
    treatment: { flags: "--treatment <column>", description: "0/1 opt-in column (required)" },
    outcome: { flags: "--outcome <column>", description: "outcome column (required)" },
    covariates: {
      flags: "--covariates <terms>",
      description:
        "comma-separated propensity terms (text columns become dummies; a:b is an interaction; ns(x, 3) / bs(x, 4) are splines)",
    },
    outcomeCovariates: {
      flags: "--outcome-covariates <terms>",
      description: "terms of the outcome regressions (default: --covariates)",
    },
    estimand: { flags: "--estimand <e>", description: `${PS_ESTIMANDS.join(" | ")} (default ATE)` },
    estimator: {
      flags: "--estimator <m>",
      description: `headline estimator: ${PS_ESTIMATORS.join(" | ")} (default aipw)`,
    },
    trim: {
      flags: "--trim <rule>",
      description: "none | crump | lower:upper (e.g. 0.05:0.95); the model is refitted on the rows kept",
    },
    penaltyC: {
      flags: "--penalty-c <C>",
      description: "L2-penalised propensity model with scikit-learn's C",
    },
    bootstrap: {
      flags: "--bootstrap <reps>",
      description: "refitting bootstrap of the IPW estimates (uses --seed)",
    },
    misspecify: {
      flags: "--misspecify <model>",
      description: `double-robustness demonstration: ${PS_MISSPECIFY.join(" | ")}`,
    },
    matchK: { flags: "--match-k <k>", description: "neighbours per opt-in user in the matching (default 1)" },
    matchDistance: {
      flags: "--match-distance <d>",
      description: "match on the propensity score or its logit: ps | logit (default ps)",
    },
    matchCaliper: {
      flags: "--match-caliper <sd>",
      description: "caliper in SDs of the matching distance (default none)",
    },
    matchTies: {
      flags: "--match-ties <rule>",
      description: "all (every tied control, weighted equally; default) | first (lowest row)",
    },
    matchReplace: {
      flags: "--match-replace <yes|no>",
      description: "match with replacement (default yes); no = greedy, highest score first",
    },
    matchEstimand: {
      flags: "--match-estimand <e>",
      description: "ATT (default) | ATE (matches every row within the other arm; needs replacement)",
    },
    gammas: {
      flags: "--gammas <list>",
      description: "Rosenbaum Γ values to sweep, comma-separated (default 1,1.1,…,2)",
    },
    smdDenominator: {
      flags: "--smd-denominator <d>",
      description: `SMD denominator: ${PS_SMD_DENOMINATORS.join(" | ")} (default pooled)`,
    },
    balanceThreshold: {
      flags: "--balance-threshold <x>",
      description: "|SMD| below which a covariate is balanced (default 0.1)",
    },
    alpha: ALPHA_OPTION,
    threads: {
      flags: "--threads <n>",
      description: "worker threads for --bootstrap (default 1; results are identical for any n)",
    },
  },
  toSpec: (options, context) => buildSpec(options, context.seed),
} satisfies DesignCli<PropensitySpec>;

/** Splits a term list on the commas outside parentheses (`tier,ns(usage, 4)` → `tier`, `ns(usage, 4)`). */
function splitTerms(v: unknown): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of String(v)) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(current.trim());
      current = "";
    } else current += ch;
  }
  out.push(current.trim());
  return out.filter((t) => t !== "");
}

function terms(v: unknown): PropensityCovariate[] {
  return splitTerms(v).map((t) => {
    const spline = /^(ns|bs)\(\s*([^,()]+?)\s*(?:,\s*(?:df\s*=\s*)?(\d+)\s*)?\)$/.exec(t);
    if (spline) {
      return {
        spline: spline[2],
        type: spline[1] === "ns" ? ("natural" as const) : ("b" as const),
        ...(spline[3] !== undefined ? { df: Number(spline[3]) } : {}),
      };
    }
    if (t.includes("("))
      throw usage(`Term '${t}' is not understood: splines are written ns(x), ns(x, 4) or bs(x, 5).`);
    const parts = t.split(":").map((s) => s.trim());
    if (parts.length === 1) return t;
    if (parts.length !== 2 || parts.some((p) => p === "")) {
      throw usage(`Interaction '${t}' must name two columns, as a:b.`);
    }
    return { interaction: [parts[0], parts[1]] as [string, string] };
  });
}

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): PropensitySpec {
  const treatment = str(o.treatment);
  const outcome = str(o.outcome);
  if (!treatment || !outcome || o.covariates === undefined) {
    throw usage(
      "propensity needs --treatment <column>, --outcome <column> and --covariates <terms>.",
      "Run `truelift propensity --help`.",
    );
  }
  const spec: Record<string, unknown> = { treatment, outcome, covariates: terms(o.covariates) };
  if (o.outcomeCovariates !== undefined) spec.outcomeCovariates = terms(o.outcomeCovariates);
  if (o.estimand !== undefined) spec.estimand = parseChoice("--estimand", o.estimand, PS_ESTIMANDS);
  if (o.estimator !== undefined) spec.estimator = parseChoice("--estimator", o.estimator, PS_ESTIMATORS);
  if (o.trim !== undefined) {
    const t = String(o.trim).trim();
    if (t === "none" || t === "crump") spec.trim = { rule: t };
    else {
      const m = /^([\d.]+)\s*:\s*([\d.]+)$/.exec(t);
      if (!m) throw usage(`--trim must be none, crump or lower:upper (e.g. 0.05:0.95), got '${t}'.`);
      spec.trim = { rule: "bounds", lower: Number(m[1]), upper: Number(m[2]) };
    }
  }
  if (o.penaltyC !== undefined)
    spec.model = { penalty: { type: "l2", C: number("--penalty-c", o.penaltyC) } };
  if (o.bootstrap !== undefined) {
    if (seed === undefined) throw usage("--bootstrap needs --seed <n> so the result can be reproduced.");
    spec.bootstrap = { reps: parseReplicates("--bootstrap", o.bootstrap), seed };
  }
  if (o.misspecify !== undefined) spec.misspecify = parseChoice("--misspecify", o.misspecify, PS_MISSPECIFY);
  const matching: Record<string, unknown> = {};
  if (o.matchK !== undefined) matching.k = parseInteger("--match-k", o.matchK, { min: 1 });
  if (o.matchDistance !== undefined)
    matching.distance = parseChoice("--match-distance", o.matchDistance, ["ps", "logit"] as const);
  if (o.matchCaliper !== undefined) matching.caliper = number("--match-caliper", o.matchCaliper);
  if (o.matchTies !== undefined)
    matching.ties = parseChoice("--match-ties", o.matchTies, ["all", "first"] as const);
  if (o.matchReplace !== undefined)
    matching.replace = parseChoice("--match-replace", o.matchReplace, ["yes", "no"] as const) === "yes";
  if (o.matchEstimand !== undefined)
    matching.estimand = parseChoice("--match-estimand", o.matchEstimand, PS_ESTIMANDS);
  if (Object.keys(matching).length > 0) spec.matching = matching;
  if (o.gammas !== undefined)
    spec.sensitivity = { gammas: parseList(o.gammas).map((g) => number("--gammas", g)) };
  const balance: Record<string, unknown> = {};
  if (o.smdDenominator !== undefined)
    balance.denominator = parseChoice("--smd-denominator", o.smdDenominator, PS_SMD_DENOMINATORS);
  if (o.balanceThreshold !== undefined) balance.threshold = number("--balance-threshold", o.balanceThreshold);
  if (Object.keys(balance).length > 0) spec.balance = balance;
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  return spec as PropensitySpec;
}
