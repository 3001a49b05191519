import { Command, CommanderError, Option } from "commander";
import { isTrueliftError, TrueliftError } from "../core/errors.js";
import { type ArgDef, GLOBAL_ARGS, GLOBAL_VALUE_FLAGS, parseGlobalOptions } from "./args.js";
import { packageVersion } from "./build-info.js";
import type { CommandDefinition } from "./command.js";
import { guardInterrupts } from "./interrupt.js";
import {
  type CliIo,
  debugEnabled,
  EXIT,
  errorLine,
  exitCodeFor,
  failingChecks,
  formatErrorLine,
  processIo,
  renderOutput,
  useColor,
} from "./output.js";
import { COMMANDS, type CommandEntry } from "./registry.js";

/**
 * The `truelift` command line. Returns the exit code instead of exiting (`bin/truelift.js` sets
 * `process.exitCode`), so it can run in-process in tests.
 *
 * ```
 * argv ─ find the command name ─ load only that command's module (lazy import)
 *      ─ commander parses flags ─ command.run: parse → canonical spec → library call → CommandOutput
 *      ─ render as text | json | md on stdout
 * errors ─ TrueliftError → one line on stderr, exit 2 (usage) / 3 (data) / 4 (engine)
 *        ─ --fail-on warn|fail and a diagnostic at least that severe → one line on stderr, exit 6
 *        ─ commander errors → E_USAGE, exit 2 ─ anything else → internal error, exit 1
 * ```
 *
 * Errors print `error[CODE]: message  Fix: hint` without a stack trace; set `DEBUG=truelift` for the stack.
 * Colour is used only on a terminal and never with `NO_COLOR`.
 *
 * @example
 * ```ts
 * import { main } from "./cli/main.js"; // what bin/truelift.js runs
 * const code = await main(["node", "truelift", "generate", "--seed", "1", "--users", "1000", "--out", "x.csv"]);
 * ```
 */
export async function main(argv: readonly string[] = process.argv, io: Partial<CliIo> = {}): Promise<number> {
  if (io.stdout === undefined) guardInterrupts();
  const cli = processIo(io);
  const color = useColor(cli);
  const args = argv.slice(2);
  let invoked: string | null = null;
  try {
    invoked = commandName(args);
    const status = { code: EXIT.ok };
    const program = await buildProgram(cli, invoked, status, color);
    await program.parseAsync(args, { from: "user" });
    return status.code;
  } catch (e) {
    // `truelift help [command]` asked for help: exit 0 (a bare `truelift` shows help too, as a usage error)
    const askedHelp = args.find((a) => !a.startsWith("-")) === "help";
    if (askedHelp && e instanceof CommanderError && e.code === "commander.help") return EXIT.ok;
    return reportError(e, cli, color, invoked);
  }
}

/** The first argument that is not an option or an option's value: the command (or `help <command>`). */
function commandName(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") return null;
    if (GLOBAL_VALUE_FLAGS.includes(a)) {
      i++;
      continue;
    }
    if (a.startsWith("-")) continue;
    if (a === "help") return args.slice(i + 1).find((x) => !x.startsWith("-")) ?? null;
    return a;
  }
  return null;
}

async function buildProgram(
  io: CliIo,
  invoked: string | null,
  status: { code: number },
  color: boolean,
): Promise<Command> {
  const program = new Command("truelift")
    .description("Causal effects of product launches that were not clean A/B tests.")
    .version(packageVersion(), "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (s) => io.stdout(s),
      writeErr: (s) => io.stderr(s),
      outputError: () => undefined, // reported by reportError as one line
    });
  for (const def of Object.values(GLOBAL_ARGS)) program.addOption(toOption(def));
  program.addHelpText(
    "after",
    "\nExit codes: 0 ok, 2 usage error, 3 data error, 4 engine error, 6 a check failed (--fail-on).\nRun `truelift <command> --help` for a command's options.",
  );
  for (const entry of COMMANDS) {
    if (entry.name === invoked) addCommand(program, entry, await entry.load(), io, status, color);
    else program.command(entry.name).description(entry.summary).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

function toOption(def: ArgDef): Option {
  const opt = new Option(def.flags, def.description);
  if (def.default !== undefined) opt.default(def.default);
  return opt;
}

function addCommand(
  program: Command,
  entry: CommandEntry,
  def: CommandDefinition,
  io: CliIo,
  status: { code: number },
  color: boolean,
): void {
  const cmd = program.command(entry.name).description(def.meta.description);
  for (const p of def.positionals ?? [])
    cmd.argument(p.required ? `<${p.name}>` : `[${p.name}]`, p.description);
  for (const [key, o] of Object.entries(def.options)) {
    const opt = toOption(o);
    // The key is how `run` reads the value, so it must be commander's attribute name for the flag.
    if (opt.attributeName() !== key) {
      throw new Error(
        `Command '${entry.name}': option key '${key}' must be '${opt.attributeName()}' for ${o.flags}`,
      );
    }
    cmd.addOption(opt);
  }
  if (def.meta.examples && def.meta.examples.length > 0) {
    cmd.addHelpText("after", `\nExamples:\n${def.meta.examples.map((x) => `  $ ${x}`).join("\n")}`);
  }
  cmd.action(async (...actionArgs: unknown[]) => {
    const self = actionArgs[actionArgs.length - 1] as Command;
    const global = parseGlobalOptions(self.optsWithGlobals());
    const out = await def.run({
      positionals: self.processedArgs.filter((a): a is string => typeof a === "string"),
      options: self.opts(),
      global,
      io,
    });
    io.stdout(renderOutput(out, global.format));
    if (global.failOn !== undefined && out.diagnostics !== undefined) {
      const failed = failingChecks(out.diagnostics, global.failOn);
      if (failed.length > 0) {
        const codes = [...new Set(failed.map((d) => `${d.code} (${d.severity})`))].join(", ");
        const message = `${failed.length} check${failed.length === 1 ? "" : "s"} at or above '${global.failOn}': ${codes}.`;
        const err = new TrueliftError("E_CHECK_FAILED", message);
        io.stderr(`${formatErrorLine(err.code, err.message, err.hint, color)}\n`);
        status.code = exitCodeFor(err);
      }
    }
  });
}

function reportError(e: unknown, io: CliIo, color: boolean, invoked: string | null): number {
  if (e instanceof CommanderError) {
    if (e.code === "commander.helpDisplayed" || e.code === "commander.version") return EXIT.ok;
    if (e.code === "commander.help") return EXIT.usage; // bare `truelift`: help went to stderr
    const known = invoked !== null && COMMANDS.some((c) => c.name === invoked);
    const err = new TrueliftError("E_USAGE", e.message.replace(/^error:\s*/, ""), {
      hint: known ? `Run \`truelift ${invoked} --help\` to see its options.` : undefined,
    });
    io.stderr(`${errorLine(err, color)}\n`);
    return EXIT.usage;
  }
  if (isTrueliftError(e)) {
    io.stderr(`${errorLine(e, color)}\n`);
    if (debugEnabled(io.env)) io.stderr(`${stackOf(e)}\n`);
    return exitCodeFor(e);
  }
  const message = `Internal error: ${e instanceof Error ? e.message : String(e)}`;
  const hint = "This is a bug in truelift. Re-run with DEBUG=truelift and report the stack trace.";
  io.stderr(`${formatErrorLine("E_INTERNAL", message, hint, color)}\n`);
  if (debugEnabled(io.env)) io.stderr(`${stackOf(e)}\n`);
  return EXIT.internal;
}

function stackOf(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; cur !== undefined && cur !== null && depth < 5; depth++) {
    parts.push(cur instanceof Error ? (cur.stack ?? String(cur)) : String(cur));
    cur = cur instanceof Error ? cur.cause : undefined;
    if (cur !== undefined) parts.push("Caused by:");
  }
  return parts.join("\n");
}
