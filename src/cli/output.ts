import type { Diagnostic } from "../core/diagnostics.js";
import { isTrueliftError, type TrueliftError } from "../core/errors.js";

/**
 * Output formats every command supports (`--format`).
 * @example
 * ```ts
 * OUTPUT_FORMATS.includes("json"); // true
 * ```
 */
export const OUTPUT_FORMATS = ["text", "json", "md"] as const;
/** One of {@link OUTPUT_FORMATS}. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/**
 * The process boundary of the CLI: where output goes and which environment applies. `main` takes it as a
 * parameter so tests run commands in-process and capture output.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (colour is only used on a terminal). */
  readonly stderrIsTTY: boolean;
  /** The directory relative paths resolve from. */
  readonly cwd: string;
}

/**
 * The real process's {@link CliIo}, with any field overridden.
 *
 * @example
 * ```ts
 * const lines: string[] = [];
 * const io = processIo({ stdout: (t) => lines.push(t) });
 * ```
 */
export function processIo(overrides: Partial<CliIo> = {}): CliIo {
  if (overrides.stdout === undefined) ignoreClosedPipe();
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    stderrIsTTY: process.stderr.isTTY === true,
    cwd: process.cwd(),
    ...overrides,
  };
}

let pipeGuarded = false;

/** `truelift … | head` closes stdout early: treat EPIPE as "the reader has enough", not as a crash. */
function ignoreClosedPipe(): void {
  if (pipeGuarded) return;
  pipeGuarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on("error", (e: NodeJS.ErrnoException) => {
      if (e.code !== "EPIPE") throw e;
    });
  }
}

/**
 * Whether to colour stderr: only on a terminal, never when `NO_COLOR` is set to a non-empty value
 * (https://no-color.org) or `TERM=dumb`; `FORCE_COLOR` (non-empty, not `0`) forces it on.
 *
 * @example
 * ```ts
 * useColor({ env: { NO_COLOR: "1" }, stderrIsTTY: true }); // false
 * ```
 */
export function useColor(io: Pick<CliIo, "env" | "stderrIsTTY">): boolean {
  const force = io.env.FORCE_COLOR;
  if (force !== undefined && force !== "" && force !== "0") return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.TERM === "dumb") return false;
  return io.stderrIsTTY;
}

/**
 * Whether `DEBUG` asks for truelift's stack traces (`DEBUG=truelift`, `DEBUG=truelift:*`, or `DEBUG=*`).
 * @example
 * ```ts
 * debugEnabled({ DEBUG: "truelift" }); // true
 * ```
 */
export function debugEnabled(env: Readonly<Record<string, string | undefined>>): boolean {
  const d = env.DEBUG ?? "";
  return d.split(/[\s,]+/).some((p) => p === "*" || p === "truelift" || p.startsWith("truelift:"));
}

/**
 * The one line a user sees for an error: `error[CODE]: message  Fix: hint` (red `error` on a colour terminal).
 *
 * @example
 * ```ts
 * errorLine(new TrueliftError("E_FILE_NOT_FOUND", "No such file: 'x.csv'."), false);
 * // "error[E_FILE_NOT_FOUND]: No such file: 'x.csv'.  Fix: Check the path; relative paths resolve from …"
 * ```
 */
export function errorLine(e: TrueliftError, color: boolean): string {
  return formatErrorLine(e.code, e.message, e.hint, color);
}

/**
 * {@link errorLine} from its parts (also used for internal errors, code `E_INTERNAL`).
 * @example
 * ```ts
 * formatErrorLine("E_INTERNAL", "Internal error: boom", "Report it.", false);
 * // "error[E_INTERNAL]: Internal error: boom  Fix: Report it."
 * ```
 */
export function formatErrorLine(code: string, message: string, hint: string, color: boolean): string {
  const label = color ? "\u001b[1;31merror\u001b[0m" : "error";
  return `${label}[${code}]: ${oneLine(message)}  Fix: ${oneLine(hint)}`;
}

/**
 * Exit codes: 0 ok, 1 unexpected internal error, 2 usage, 3 data, 4 engine, 6 a check failed (`--fail-on`).
 * @example
 * ```ts
 * EXIT.data; // 3
 * ```
 */
export const EXIT = Object.freeze({ ok: 0, internal: 1, usage: 2, data: 3, engine: 4, check: 6 });

/**
 * The exit code for an error: a {@link TrueliftError}'s category (usage 2, data 3, engine 4), else 1 (a bug).
 * @example
 * ```ts
 * exitCodeFor(new TrueliftError("E_COLUMN_MISSING", "…")); // 3
 * ```
 */
export function exitCodeFor(e: unknown): number {
  if (!isTrueliftError(e)) return EXIT.internal;
  return EXIT[e.category];
}

/** What a command returns: the data (for `--format json`) and its text and Markdown renderings. */
export interface CommandOutput {
  /** Plain data, written by `JSON.stringify` for `--format json`. */
  readonly data: unknown;
  readonly text: () => string;
  readonly markdown: () => string;
  /** The diagnostics of the analyses behind the output (what `--fail-on` reads); absent when there are none. */
  readonly diagnostics?: readonly Pick<Diagnostic, "code" | "severity">[];
}

/**
 * Renders a command's output in the chosen format, ending with a newline.
 * @example
 * ```ts
 * renderOutput({ data: { n: 1 }, text: () => "n = 1", markdown: () => "**n** = 1" }, "json"); // '{\n  "n": 1\n}\n'
 * ```
 */
export function renderOutput(out: CommandOutput, format: OutputFormat): string {
  const body =
    format === "json" ? JSON.stringify(out.data, null, 2) : format === "md" ? out.markdown() : out.text();
  return body.endsWith("\n") ? body : `${body}\n`;
}

/**
 * A Markdown table from a header and rows (cells escaped for `|`).
 *
 * @example
 * ```ts
 * markdownTable(["rows", "path"], [[50000, "a.csv"]]); // "| rows | path |\n|---|---|\n| 50000 | a.csv |"
 * ```
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cell = (v: string | number) => String(v).replaceAll("|", "\\|");
  return [
    `| ${header.map(cell).join(" | ")} |`,
    `|${header.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`),
  ].join("\n");
}

function oneLine(s: string): string {
  return s.replace(/\s*\n\s*/g, " ").trim();
}

export { failingChecks } from "../core/diagnostics.js";
