import type { ArgDef, GlobalOptions } from "./args.js";
import type { CliIo, CommandOutput } from "./output.js";

/** A positional argument of a command. */
export interface PositionalDef {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

/** What a command's `run` receives: positional values, its own options (raw strings/booleans), the globals. */
export interface CommandContext {
  readonly positionals: readonly string[];
  readonly options: Readonly<Record<string, string | boolean | undefined>>;
  readonly global: GlobalOptions;
  readonly io: CliIo;
}

/**
 * One CLI command: metadata for help, its arguments and options, and `run`, which parses them into the
 * library's canonical spec, calls the library, and returns data plus renderings. A command contains no
 * statistics and never prints or exits: `main` renders its output and maps errors to exit codes.
 */
export interface CommandDefinition {
  readonly meta: {
    readonly name: string;
    readonly description: string;
    readonly examples?: readonly string[];
  };
  readonly positionals?: readonly PositionalDef[];
  readonly options: Readonly<Record<string, ArgDef>>;
  run(ctx: CommandContext): Promise<CommandOutput>;
}

/**
 * Declares a command (an identity function that fixes the type), in the style of citty's `defineCommand`.
 *
 * @example
 * ```ts
 * export default defineCommand({
 *   meta: { name: "hello", description: "Say hello" },
 *   options: { name: { flags: "--name <name>", description: "who to greet", default: "world" } },
 *   async run({ options }) {
 *     const greeting = `hello ${options.name}`;
 *     return { data: { greeting }, text: () => greeting, markdown: () => `**${greeting}**` };
 *   },
 * });
 * ```
 */
export function defineCommand(def: CommandDefinition): CommandDefinition {
  return def;
}
