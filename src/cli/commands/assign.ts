import { resolve } from "node:path";
import { TrueliftError } from "../../core/errors.js";
import { hashFile, loadFrame, writeTextAtomic } from "../../data/index.js";
import { assignClusters } from "../../designs/cluster/assign.js";
import { BALANCE_CRITERIA } from "../../designs/cluster/assign-design.js";
import { assignmentCsv, assignmentJson, assignmentSummaryText } from "../../designs/cluster/assign-output.js";
import { type AssignSpec, parseAssignSpec } from "../../designs/cluster/assign-spec.js";
import { parseChoice, parseInteger, parseList, usage } from "../args.js";
import { defineCommand } from "../command.js";

/**
 * `truelift assign`: seeded cluster randomization from a table of clusters (one row per cluster) — complete or
 * stratified, optionally re-randomized until covariate balance passes a threshold. Writes the plan atomically
 * (`--out plan.csv`: one row per cluster with the seed and input SHA-256; `--out plan.json`: the full plan with
 * the mechanism for randomization inference) and prints the counts, balance and hash.
 *
 * @example
 * ```sh
 * truelift assign --clusters workspaces.csv --cluster-column ws --strata region --rerandomize max-smd=0.1 \
 *   --seed 1 --out plan.csv
 * ```
 */
export default defineCommand({
  meta: {
    name: "assign",
    description:
      "Seeded cluster randomization (complete, stratified, re-randomized) written as a registrable plan.",
    examples: [
      "truelift assign --clusters workspaces.csv --cluster-column ws --seed 1 --out plan.csv",
      "truelift assign --clusters workspaces.csv --cluster-column ws --strata region --treated-share 0.5 --rerandomize max-smd=0.1 --seed 1 --out plan.json",
    ],
  },
  options: {
    clusters: { flags: "--clusters <file>", description: "cluster table, one row per cluster (required)" },
    clusterColumn: { flags: "--cluster-column <column>", description: "cluster id column (required)" },
    strata: { flags: "--strata <columns>", description: "comma-separated stratification columns" },
    treatedShare: {
      flags: "--treated-share <p>",
      description: "share of clusters treated per block (default 0.5)",
    },
    rerandomize: {
      flags: "--rerandomize <rule>",
      description: `re-draw until balance passes: ${BALANCE_CRITERIA.map((c) => `${c}=<threshold>`).join(" | ")}`,
    },
    covariates: {
      flags: "--covariates <columns>",
      description: "numeric balance covariates (default: every numeric column but the id and strata)",
    },
    maxDraws: { flags: "--max-draws <n>", description: "re-randomization cap (default 100000)" },
    printSpec: { flags: "--print-spec", description: "print the canonical spec instead of running it" },
  },
  async run({ options, global, io }) {
    const spec = buildSpec(options, global.seed);
    if (options.printSpec === true) {
      const canonical = parseAssignSpec(spec);
      return {
        data: canonical,
        text: () => JSON.stringify(canonical, null, 2),
        markdown: () => `\`\`\`json\n${JSON.stringify(canonical, null, 2)}\n\`\`\``,
      };
    }
    const source = String(options.clusters);
    const path = resolve(io.cwd, source);
    const outPath = global.out === undefined ? undefined : resolve(io.cwd, global.out);
    const kind = outPath === undefined ? undefined : outKind(global.out as string);
    const frame = await loadFrame(path, global.na ? { na: global.na } : {});
    const plan = assignClusters(frame, spec);
    const sha256 = await hashFile(path);
    if (outPath !== undefined)
      writeTextAtomic(outPath, kind === "json" ? assignmentJson(plan) : assignmentCsv(plan));
    const text = assignmentSummaryText(plan) + (global.out ? `Wrote ${global.out}\n` : "");
    return {
      data: { command: "assign", source, sha256, out: global.out ?? null, result: plan },
      text: () => text,
      markdown: () => `\`\`\`\n${text}\`\`\``,
    };
  },
});

function outKind(path: string): "csv" | "json" {
  const p = path.toLowerCase();
  if (p.endsWith(".csv")) return "csv";
  if (p.endsWith(".json")) return "json";
  throw new TrueliftError("E_UNSUPPORTED_OUTPUT", `Can't tell which format to write from '${path}'.`, {
    hint: "Write the plan to a path ending in .csv (one row per cluster) or .json (the full plan).",
    details: { path, formats: ["csv", "json"] },
  });
}

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): AssignSpec {
  if (typeof o.clusters !== "string" || typeof o.clusterColumn !== "string") {
    throw usage(
      "assign needs --clusters <file> and --cluster-column <column>.",
      "Run `truelift assign --help`.",
    );
  }
  if (seed === undefined)
    throw usage("assign needs --seed <n> so the assignment can be reproduced and registered.");
  const spec: Record<string, unknown> = { cluster: o.clusterColumn, seed };
  if (o.strata !== undefined) {
    const cols = parseList(o.strata);
    spec.strata = cols.length === 1 ? cols[0] : cols;
  }
  if (o.treatedShare !== undefined) {
    const p = Number(o.treatedShare);
    if (String(o.treatedShare).trim() === "" || !Number.isFinite(p))
      throw usage(`--treated-share must be a number, got '${String(o.treatedShare)}'.`);
    spec.treatedShare = p;
  }
  if (o.covariates !== undefined) spec.balanceCovariates = parseList(o.covariates);
  if (o.rerandomize !== undefined) {
    const m = /^\s*([a-z-]+)\s*=\s*([^\s]+)\s*$/.exec(String(o.rerandomize));
    if (!m)
      throw usage(
        `--rerandomize must look like max-smd=0.1 or mahalanobis=2, got '${String(o.rerandomize)}'.`,
      );
    const threshold = Number(m[2]);
    if (!Number.isFinite(threshold)) throw usage(`--rerandomize threshold must be a number, got '${m[2]}'.`);
    spec.rerandomize = {
      criterion: parseChoice("--rerandomize", m[1], BALANCE_CRITERIA),
      threshold,
      ...(o.maxDraws !== undefined ? { maxDraws: parseInteger("--max-draws", o.maxDraws, { min: 1 }) } : {}),
    };
  } else if (o.maxDraws !== undefined) {
    throw usage("--max-draws only applies with --rerandomize.");
  }
  return spec as AssignSpec;
}
