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
import { RDD_BWSELECT } from "./bwselect.js";
import { RDD_KERNELS, RDD_SUPPORTS } from "./kernel.js";
import { RDD_VCE } from "./lpoly.js";
import { RDD_TREATED_SIDES, type RddSpec } from "./spec.js";

/**
 * `truelift rdd`: regression discontinuity at a threshold — rdrobust's local-polynomial estimate with robust
 * bias-corrected inference, a bandwidth sweep, fuzzy RD, and validity checks (density test, placebo cutoffs,
 * donuts, linear vs quadratic, covariates). `--format json` returns the full result; `--print-spec` prints the
 * canonical spec (re-runnable as a library spec).
 *
 * @example
 * ```sh
 * truelift rdd saas.csv --outcome task_completed --running query_confidence --cutoff 0.85 --treated below
 * truelift rdd saas.csv --outcome task_completed --running query_confidence --cutoff 0.85 --treated below \
 *   --bw 0.1 --kernel uniform --support open --vce hc3 --sweep 0.05,0.1,0.15,0.2 --bootstrap 500 --seed 7
 * ```
 */
export const RDD_CLI = {
  description: "Regression discontinuity: local polynomial with robust bias-corrected inference (rdrobust).",
  examples: [
    "truelift rdd saas.csv --outcome task_completed --running query_confidence --cutoff 0.85 --treated below",
    "truelift rdd saas.csv --outcome task_completed --running query_confidence --cutoff 0.85 --treated below --bw 0.1 --kernel uniform --support open --vce hc3",
    "truelift rdd senate.csv --outcome vote --running margin --cutoff 0 --bwselect msetwo --p 2",
  ],
  options: {
    outcome: { flags: "--outcome <column>", description: "outcome column (required)" },
    running: { flags: "--running <column>", description: "running variable (required)" },
    cutoff: { flags: "--cutoff <c>", description: "threshold of the running variable (required)" },
    treated: {
      flags: "--treated <side>",
      description: `treated side: ${RDD_TREATED_SIDES.join(" | ")} (default above)`,
    },
    treatment: {
      flags: "--treatment <column>",
      description: "0/1 column of who got the treatment (naive contrast, compliance)",
    },
    fuzzy: { flags: "--fuzzy", description: "fuzzy RD: --treatment is the take-up (local Wald ratio)" },
    bw: { flags: "--bw <h>", description: "fixed bandwidth h (b = h), or h_below,h_above" },
    bwselect: {
      flags: "--bwselect <sel>",
      description: `data-driven bandwidth: ${RDD_BWSELECT.join(" | ")} (default mserd)`,
    },
    p: { flags: "--p <order>", description: "local polynomial order (default 1)" },
    q: { flags: "--q <order>", description: "bias-correction order (default p + 1)" },
    kernel: { flags: "--kernel <k>", description: `${RDD_KERNELS.join(" | ")} (default triangular)` },
    support: {
      flags: "--support <s>",
      description: `kernel window end points: ${RDD_SUPPORTS.join(" | ")} (default closed)`,
    },
    vce: { flags: "--vce <v>", description: `${RDD_VCE.join(" | ")} (default nn)` },
    nnmatch: { flags: "--nnmatch <k>", description: "neighbours for vce nn (default 3)" },
    cluster: { flags: "--cluster <column>", description: "cluster column (scores summed by cluster)" },
    sweep: { flags: "--sweep <bws>", description: "comma-separated bandwidths for the sensitivity table" },
    covariates: {
      flags: "--covariates <columns>",
      description: "pre-determined covariates tested for a jump",
    },
    placebo: { flags: "--placebo <cutoffs>", description: "comma-separated fake cutoffs, or 'none'" },
    donut: { flags: "--donut <radii>", description: "comma-separated donut radii, or 'none'" },
    density: { flags: "--no-density", description: "skip the manipulation (density) test" },
    bootstrap: { flags: "--bootstrap <reps>", description: "percentile bootstrap replicates (uses --seed)" },
    alpha: ALPHA_OPTION,
  },
  toSpec: (options, context) => buildSpec(options, context.seed),
} satisfies DesignCli<RddSpec>;

function numbers(option: string, v: unknown): number[] {
  return parseList(v).map((s) => number(option, s));
}

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): RddSpec {
  const outcome = str(o.outcome);
  const running = str(o.running);
  if (!outcome || !running || o.cutoff === undefined)
    throw usage(
      "rdd needs --outcome <column>, --running <column> and --cutoff <c>.",
      "Run `truelift rdd --help`.",
    );
  const spec: Record<string, unknown> = { outcome, running, cutoff: number("--cutoff", o.cutoff) };
  if (o.treated !== undefined) spec.treated = parseChoice("--treated", o.treated, RDD_TREATED_SIDES);
  if (o.treatment !== undefined) spec.treatment = str(o.treatment);
  if (o.fuzzy === true) spec.fuzzy = true;
  if (o.bw !== undefined && o.bwselect !== undefined)
    throw usage("Give either --bw or --bwselect, not both.");
  if (o.bw !== undefined) {
    const h = numbers("--bw", o.bw);
    if (h.length < 1 || h.length > 2) throw usage("--bw takes one bandwidth or two (below,above).");
    spec.bandwidth = h.length === 1 ? h[0] : { h: [h[0], h[1]] };
  }
  if (o.bwselect !== undefined) spec.bwselect = parseChoice("--bwselect", o.bwselect, RDD_BWSELECT);
  if (o.p !== undefined) spec.p = parseInteger("--p", o.p, { min: 0 });
  if (o.q !== undefined) spec.q = parseInteger("--q", o.q, { min: 0 });
  if (o.kernel !== undefined) spec.kernel = parseChoice("--kernel", o.kernel, RDD_KERNELS);
  if (o.support !== undefined) spec.support = parseChoice("--support", o.support, RDD_SUPPORTS);
  if (o.vce !== undefined) spec.vce = parseChoice("--vce", o.vce, RDD_VCE);
  if (o.nnmatch !== undefined) spec.nnmatch = parseInteger("--nnmatch", o.nnmatch, { min: 1 });
  if (o.cluster !== undefined) spec.cluster = str(o.cluster);
  if (o.sweep !== undefined) spec.sweep = numbers("--sweep", o.sweep);
  if (o.covariates !== undefined) spec.covariates = parseList(o.covariates);
  if (o.placebo !== undefined) spec.placebo = o.placebo === "none" ? false : numbers("--placebo", o.placebo);
  if (o.donut !== undefined) spec.donut = o.donut === "none" ? false : numbers("--donut", o.donut);
  if (o.density === false) spec.density = false;
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  if (o.bootstrap !== undefined) {
    if (seed === undefined) throw usage("--bootstrap needs --seed <n> so the result can be reproduced.");
    spec.bootstrap = { reps: parseReplicates("--bootstrap", o.bootstrap), seed };
  }
  return spec as RddSpec;
}
