import { DESIGN_REGISTRY, type DesignEntry } from "../designs/registry.js";
import type { CommandDefinition } from "./command.js";

/** A command as the top-level help lists it, with a loader that imports its module only when it runs. */
export interface CommandEntry {
  readonly name: string;
  readonly summary: string;
  readonly load: () => Promise<CommandDefinition>;
}

/** The commands that are not designs (advisor, generator, report runner, …), alphabetical. */
const TOOL_COMMANDS: readonly CommandEntry[] = [
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
    name: "demo",
    summary:
      "Run all five designs on the tutorial dataset: naive vs truelift vs ground truth, and an HTML report",
    load: () => import("./commands/demo.js").then((m) => m.default),
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
    name: "run",
    summary:
      "Run a declarative analysis spec (JSON/YAML, several designs and data sources) and write the HTML/Markdown/JSON report",
    load: () => import("./commands/run.js").then((m) => m.default),
  },
];

/**
 * The command-list entries of a registered design: its command and one per alias (e.g. `psm` for
 * `propensity`), each loading the design and the command builder only when invoked.
 *
 * @example
 * ```ts
 * designCommandEntries(DESIGN_REGISTRY[1]).map((c) => c.name); // ["propensity", "psm"]
 * ```
 */
export function designCommandEntries(entry: DesignEntry): CommandEntry[] {
  const load = () =>
    Promise.all([entry.load(), import("./design-command.js")]).then(([d, m]) => m.designCommand(d));
  return [
    { name: entry.name, summary: entry.summary, load },
    ...entry.aliases.map((alias) => ({ name: alias, summary: `Alias of \`${entry.name}\``, load })),
  ];
}

/**
 * Every CLI command, by name: the design commands (one per registered design and alias, built from the design
 * contract by `designCommand`) and the tool commands. To add a tool command: write
 * `src/cli/commands/<name>.ts` exporting `default defineCommand({...})`, then add a line to `TOOL_COMMANDS`; a
 * design gets its command from `designs/registry.ts`. Only the invoked command's module (and the library code
 * it imports) is loaded.
 *
 * @example
 * ```ts
 * COMMANDS.map((c) => c.name); // ["advise", "assign", "cluster", "demo", "did", …]
 * ```
 */
export const COMMANDS: readonly CommandEntry[] = [
  ...TOOL_COMMANDS,
  ...DESIGN_REGISTRY.flatMap(designCommandEntries),
].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
