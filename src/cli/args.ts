import { type ArgDef, parseChoice, parseInteger, parseList, usage } from "../core/options.js";
import { OUTPUT_FORMATS, type OutputFormat } from "./output.js";

/**
 * The levels of `--fail-on`: `warn` fails on a warning or a failed check, `fail` only on a failed check.
 *
 * @example
 * ```ts
 * FAIL_ON_LEVELS; // ["warn", "fail"]
 * ```
 */
export const FAIL_ON_LEVELS = ["warn", "fail"] as const;
/** One of {@link FAIL_ON_LEVELS}. */
export type FailOn = (typeof FAIL_ON_LEVELS)[number];

/**
 * Options every command accepts, before or after the command name. Commands read them from `ctx.global`.
 *
 * @example
 * ```sh
 * truelift --format json generate --seed 7 --users 1000 --out logs.csv
 * ```
 */
export const GLOBAL_ARGS = {
  format: {
    flags: "--format <format>",
    description: `output format: ${OUTPUT_FORMATS.join(" | ")}`,
    default: "text",
  },
  seed: { flags: "--seed <n>", description: "random seed (an integer) for anything random" },
  out: { flags: "--out <path>", description: "where to write the command's output file" },
  failOn: {
    flags: "--fail-on <level>",
    description: `exit 6 when a check is at least this severe: ${FAIL_ON_LEVELS.join(" | ")} (design commands, run, demo)`,
  },
  na: {
    flags: "--na <list>",
    description:
      'missing-value markers in CSV/TSV files, comma-separated, e.g. "NA,.,-99" (default: empty, NA, NaN; an empty field is always missing)',
  },
} as const satisfies Record<string, ArgDef>;

/** The parsed global options. */
export interface GlobalOptions {
  readonly format: OutputFormat;
  readonly seed?: number;
  readonly out?: string;
  readonly failOn?: FailOn;
  /** `--na`: the CSV/TSV missing-value markers (`LoadOptions.na`); absent: the loader's default. */
  readonly na?: readonly string[];
}

/**
 * Options that take a value, so argument scanning can skip their values (long names, with `--`).
 * @example
 * ```ts
 * GLOBAL_VALUE_FLAGS; // ["--format", "--seed", "--out", "--fail-on", "--na"]
 * ```
 */
export const GLOBAL_VALUE_FLAGS: readonly string[] = Object.values(GLOBAL_ARGS).map(
  (a) => a.flags.split(" ")[0],
);

/**
 * Parses the global options commander collected (strings) into their canonical types.
 *
 * @example
 * ```ts
 * parseGlobalOptions({ format: "json", seed: "42" }); // { format: "json", seed: 42 }
 * ```
 */
export function parseGlobalOptions(raw: Readonly<Record<string, unknown>>): GlobalOptions {
  const format = String(raw.format ?? "text");
  if (!(OUTPUT_FORMATS as readonly string[]).includes(format)) {
    throw usage(`--format must be one of ${OUTPUT_FORMATS.join(", ")}; got '${format}'.`);
  }
  const seed = raw.seed === undefined ? undefined : parseInteger("--seed", raw.seed, { min: -(2 ** 53) + 1 });
  const out = raw.out === undefined ? undefined : String(raw.out);
  if (out !== undefined && out.trim() === "") throw usage("--out needs a file path.");
  const failOn = raw.failOn === undefined ? undefined : parseChoice("--fail-on", raw.failOn, FAIL_ON_LEVELS);
  // Markers are trimmed; empty entries are dropped (the empty field is always missing).
  const na = raw.na === undefined ? undefined : parseList(raw.na);
  return {
    format: format as OutputFormat,
    seed,
    out,
    ...(failOn !== undefined ? { failOn } : {}),
    ...(na !== undefined ? { na } : {}),
  };
}

export {
  type ArgDef,
  optionalNumber,
  optionNumber,
  optionString,
  parseChoice,
  parseInteger,
  parseList,
  usage,
} from "../core/options.js";
