import type { CommandDefinition } from "./command.js";

/** A command as the top-level help lists it, with a loader that imports its module only when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandDefinition>;
}

/**
 * Every CLI command. To add one: write `src/cli/commands/<name>.ts` exporting `default defineCommand({...})`,
 * then add a line here. Only the invoked command's module (and the library code it imports) is loaded.
 *
 * @example
 * ```ts
 * { name: "did", summary: "Difference-in-differences", load: () => import("./commands/did.js").then((m) => m.default) },
 * ```
 */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "advise",
    summary: "Design advisor: how was the feature rolled out? → the design, columns, assumptions and command",
    load: () => import("./commands/advise.js").then((m) => m.default),
  },
  {
    name: "assign",
    summary:
      "Seeded cluster randomization (complete, stratified, re-randomized) written as a registrable plan",
    load: () => import("./commands/assign.js").then((m) => m.default),
  },
  {
    name: "cluster",
    summary:
      "Cluster-randomized experiments: cluster-mean WLS, CR1/CR2/CR3, wild bootstrap and RI at small K, direct vs spillover",
    load: () => import("./commands/cluster.js").then((m) => m.default),
  },
  {
    name: "demo",
    summary:
      "Run all five designs on the tutorial dataset: naive vs truelift vs ground truth, and an HTML report",
    load: () => import("./commands/demo.js").then((m) => m.default),
  },
  {
    name: "did",
    summary:
      "Difference-in-differences for staged rollouts: 2×2, regression, TWFE, event study, staggered (CS, Bacon)",
    load: () => import("./commands/did.js").then((m) => m.default),
  },
  {
    name: "generate",
    summary: "Write the synthetic SaaS telemetry dataset (known ground truth) to CSV or Parquet",
    load: () => import("./commands/generate.js").then((m) => m.default),
  },
  {
    name: "inspect",
    summary: "Load a data file (or a SQL query) and summarise its columns",
    load: () => import("./commands/inspect.js").then((m) => m.default),
  },
  {
    name: "power",
    summary: "Power, minimum detectable effect or clusters needed for a cluster-randomized experiment",
    load: () => import("./commands/power.js").then((m) => m.default),
  },
  {
    name: "propensity",
    summary:
      "Propensity scores for opt-in features: IPW (sandwich / refitting bootstrap), AIPW, overlap, trimming, balance, E-value",
    load: () => import("./commands/propensity.js").then((m) => m.default),
  },
  {
    name: "psm",
    summary: "Alias of `propensity`",
    load: () => import("./commands/propensity.js").then((m) => m.default),
  },
  {
    name: "rdd",
    summary:
      "Regression discontinuity: rdrobust local polynomial, robust bias-corrected CIs, bandwidth selectors, fuzzy RD, validity checks",
    load: () => import("./commands/rdd.js").then((m) => m.default),
  },
  {
    name: "run",
    summary:
      "Run a declarative analysis spec (JSON/YAML, several designs and data sources) and write the HTML/Markdown/JSON report",
    load: () => import("./commands/run.js").then((m) => m.default),
  },
  {
    name: "synth",
    summary:
      "Synthetic control for global rollouts: exact donor weights, ADH predictors, placebos, leave-one-out, bootstrap",
    load: () => import("./commands/synth.js").then((m) => m.default),
  },
];
