import { resolve } from "node:path";
import { hashFile, loadFrame } from "../../data/index.js";
import { clusterPower } from "../../designs/cluster/power.js";
import { powerSummaryText } from "../../designs/cluster/power-output.js";
import {
  POWER_SOLVE_FOR,
  POWER_TESTS,
  type PowerSpec,
  parsePowerSpec,
} from "../../designs/cluster/power-spec.js";
import { optionNumber as num, parseChoice, parseInteger, parseList, usage } from "../args.js";
import { defineCommand } from "../command.js";

/**
 * `truelift power`: power and minimum detectable effect of a cluster-randomized experiment — from K, cluster
 * sizes (a number, a list, or a mean with --size-cv), the ICC (given, or estimated from --data by one-way ANOVA),
 * alpha, power and the treated share, it solves for the MDE, the number of clusters, or the power.
 *
 * @example
 * ```sh
 * truelift power --clusters 50 --cluster-size 1000 --icc 0.05 --sd 0.42
 * truelift power --cluster-size 1000 --icc 0.05 --sd 0.42 --effect 0.05        # clusters needed
 * truelift power --data baseline.csv --outcome minutes --cluster workspace_id  # ICC, sizes, SD from data
 * ```
 */
export default defineCommand({
  meta: {
    name: "power",
    description: "Power / minimum detectable effect / clusters needed for a cluster-randomized experiment.",
    examples: [
      "truelift power --clusters 50 --cluster-size 1000 --icc 0.05 --sd 0.42",
      "truelift power --cluster-size 1000 --icc 0.05 --sd 0.42 --effect 0.05",
      "truelift power --data baseline.csv --outcome session_minutes --cluster workspace_id",
    ],
  },
  options: {
    clusters: { flags: "--clusters <K>", description: "total number of clusters" },
    clusterSize: {
      flags: "--cluster-size <n>",
      description: "users per cluster: a number, or a comma-separated list of sizes",
    },
    sizeCv: {
      flags: "--size-cv <cv>",
      description: "coefficient of variation of cluster sizes (with a number)",
    },
    icc: { flags: "--icc <rho>", description: "intra-cluster correlation, or 'estimate' (needs --data)" },
    data: { flags: "--data <file>", description: "data to estimate the ICC, sizes, SD and K from" },
    outcome: { flags: "--outcome <column>", description: "outcome column of --data" },
    cluster: { flags: "--cluster <column>", description: "cluster column of --data" },
    sd: { flags: "--sd <sigma>", description: "outcome SD (default: from --data, else 1 = SD units)" },
    effect: {
      flags: "--effect <delta>",
      description: "effect to detect (solves for K, or power with --clusters)",
    },
    alpha: { flags: "--alpha <a>", description: "two-sided level (default 0.05)" },
    power: { flags: "--power <p>", description: "target power (default 0.8)" },
    treatedShare: { flags: "--treated-share <p>", description: "share of clusters treated (default 0.5)" },
    test: {
      flags: "--test <ref>",
      description: `reference distribution: ${POWER_TESTS.join(" | ")} (default t)`,
    },
    solve: { flags: "--solve <what>", description: `${POWER_SOLVE_FOR.join(" | ")} (default: inferred)` },
    printSpec: { flags: "--print-spec", description: "print the canonical spec instead of running it" },
  },
  async run({ options, global, io }) {
    const spec = buildSpec(options);
    if (options.printSpec === true) {
      const canonical = parsePowerSpec(spec);
      return {
        data: canonical,
        text: () => JSON.stringify(canonical, null, 2),
        markdown: () => `\`\`\`json\n${JSON.stringify(canonical, null, 2)}\n\`\`\``,
      };
    }
    let frame: Awaited<ReturnType<typeof loadFrame>> | undefined;
    let sha256: string | null = null;
    const source = typeof options.data === "string" ? options.data : null;
    if (source !== null) {
      const path = resolve(io.cwd, source);
      frame = await loadFrame(path, global.na ? { na: global.na } : {});
      sha256 = await hashFile(path);
    }
    const result = clusterPower(spec, frame);
    const text = powerSummaryText(result);
    return {
      data: { command: "power", source, sha256, result: result },
      text: () => text,
      markdown: () => `\`\`\`\n${text}\`\`\``,
    };
  },
});

function buildSpec(o: Readonly<Record<string, unknown>>): PowerSpec {
  const spec: Record<string, unknown> = {};
  if (o.clusters !== undefined) spec.clusters = parseInteger("--clusters", o.clusters, { min: 1 });
  if (o.clusterSize !== undefined) {
    const parts = parseList(o.clusterSize);
    if (parts.length > 1) {
      if (o.sizeCv !== undefined) throw usage("--size-cv applies to a single --cluster-size, not a list.");
      spec.clusterSize = parts.map((p) => num("--cluster-size", p));
    } else {
      const mean = num("--cluster-size", parts[0]);
      spec.clusterSize = o.sizeCv === undefined ? mean : { mean, cv: num("--size-cv", o.sizeCv) };
    }
  } else if (o.sizeCv !== undefined) {
    throw usage("--size-cv needs --cluster-size <mean>.");
  }
  if (o.icc !== undefined) spec.icc = o.icc === "estimate" ? "estimate" : num("--icc", o.icc);
  if (o.data !== undefined) {
    if (typeof o.outcome !== "string" || typeof o.cluster !== "string")
      throw usage("--data needs --outcome <column> and --cluster <column>.");
  }
  if (o.outcome !== undefined) spec.outcome = String(o.outcome);
  if (o.cluster !== undefined) spec.cluster = String(o.cluster);
  if (o.sd !== undefined) spec.sd = num("--sd", o.sd);
  if (o.effect !== undefined) spec.effect = num("--effect", o.effect);
  if (o.alpha !== undefined) spec.alpha = num("--alpha", o.alpha);
  if (o.power !== undefined) spec.power = num("--power", o.power);
  if (o.treatedShare !== undefined) spec.treatedShare = num("--treated-share", o.treatedShare);
  if (o.test !== undefined) spec.test = parseChoice("--test", o.test, POWER_TESTS);
  if (o.solve !== undefined) spec.solve = parseChoice("--solve", o.solve, POWER_SOLVE_FOR);
  return spec as PowerSpec;
}
