import { TrueliftError } from "./errors.js";

/** A command-line option: its flags (commander syntax, e.g. `"--users <n>"`), help text and optional default. */
export interface ArgDef {
  readonly flags: string;
  readonly description: string;
  readonly default?: string;
}

/**
 * Parses an integer option. Accepts digit groups with `_` or `,` (`1_000_000`, `1,000,000`) and exponent
 * notation that is an integer (`1e6`); rejects fractions, signs where `min ≥ 0`, and anything else, with a
 * usage error naming the option.
 *
 * @example
 * ```ts
 * parseInteger("--users", "50_000", { min: 1 }); // 50000
 * parseInteger("--users", "2.5", { min: 1 });    // throws E_INVALID_ARGUMENT
 * ```
 */
export function parseInteger(
  option: string,
  value: unknown,
  range: { readonly min?: number; readonly max?: number; readonly hint?: string } = {},
): number {
  const text = String(value).trim();
  const cleaned = text.replace(/[_,](?=\d)/g, "");
  const n = /^[+-]?(\d+(\.\d*)?|\.\d+)(e[+-]?\d+)?$/i.test(cleaned) ? Number(cleaned) : Number.NaN;
  const min = range.min ?? Number.MIN_SAFE_INTEGER;
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const bounds =
      range.max !== undefined ? ` from ${min} to ${max}` : range.min !== undefined ? ` ≥ ${range.min}` : "";
    throw new TrueliftError("E_INVALID_ARGUMENT", `${option} must be an integer${bounds}; got '${text}'.`, {
      details: { option, value: text },
      ...(range.hint !== undefined ? { hint: range.hint } : {}),
    });
  }
  return n;
}

/**
 * The most bootstrap / randomization replicates any design accepts (spec schemas and `--bootstrap`-style flags).
 * Replicate estimates are kept for percentile intervals at a few scalars each (propensity: 2 doubles in a
 * Float64Array plus 2 in the kept arrays, ≈ 32–48 bytes per replicate), so 100,000 replicates stay within a few
 * MB; the bound exists because a typo like `--bootstrap 1e9` would otherwise allocate 16 GB up front and run for
 * days. Monte-Carlo error of a 95% percentile bound is already below 0.1 percentage points of coverage at 100,000.
 *
 * @example
 * ```ts
 * MAX_REPLICATES; // 100000
 * ```
 */
export const MAX_REPLICATES = 100_000;

/**
 * The fix hint of a replicate count above {@link MAX_REPLICATES}.
 *
 * @example
 * ```ts
 * REPLICATES_HINT; // "Use at most 100,000 replicates: …"
 * ```
 */
export const REPLICATES_HINT =
  "Use at most 100,000 replicates: 2,000–10,000 give percentile intervals whose Monte-Carlo error is negligible.";

/**
 * Parses a replicate-count flag (`--bootstrap <reps>` and the like): an integer from `min` to
 * {@link MAX_REPLICATES}, else `E_INVALID_ARGUMENT` with {@link REPLICATES_HINT}.
 *
 * @example
 * ```ts
 * parseReplicates("--bootstrap", "500"); // 500
 * parseReplicates("--bootstrap", "1e9"); // throws E_INVALID_ARGUMENT
 * ```
 */
export function parseReplicates(option: string, value: unknown, min = 2): number {
  return parseInteger(option, value, { min, max: MAX_REPLICATES, hint: REPLICATES_HINT });
}

/**
 * Parses a choice among a closed set (declared `as const`), with a usage error listing the choices.
 *
 * @example
 * ```ts
 * parseChoice("--scenario", "cluster", ["tutorial", "cluster"] as const); // "cluster"
 * ```
 */
export function parseChoice<T extends string>(option: string, value: unknown, choices: readonly T[]): T {
  const v = String(value);
  if (!(choices as readonly string[]).includes(v)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${option} must be one of ${choices.join(", ")}; got '${v}'.`,
      {
        details: { option, value: v, choices: [...choices] },
      },
    );
  }
  return v as T;
}

/**
 * Splits a comma-separated list option (`--columns a,b,c`), trimming blanks.
 *
 * @example
 * ```ts
 * parseList("a, b,c"); // ["a", "b", "c"]
 * ```
 */
export function parseList(value: unknown): string[] {
  return String(value)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

/**
 * A usage error (exit code 2) with the standard hint.
 * @example
 * ```ts
 * throw usage("generate needs --out <path>.");
 * ```
 */
export function usage(message: string, hint?: string): TrueliftError {
  return new TrueliftError("E_USAGE", message, hint === undefined ? {} : { hint });
}

/**
 * A string option's value, or undefined when the flag was not given (or given without a value).
 *
 * @example
 * ```ts
 * optionString("task_completed"); // "task_completed"
 * optionString(true);             // undefined
 * ```
 */
export function optionString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/**
 * A number option, with a usage error naming the flag when the text is not a finite number.
 *
 * @example
 * ```ts
 * optionNumber("--cutoff", "0.85"); // 0.85
 * optionNumber("--cutoff", "abc");  // throws E_USAGE
 * ```
 */
export function optionNumber(option: string, value: unknown): number {
  const x = Number(value);
  if (typeof value !== "string" || value.trim() === "" || !Number.isFinite(x)) {
    throw usage(`${option} must be a number, got '${String(value)}'.`);
  }
  return x;
}

/**
 * {@link optionNumber} for an optional flag: undefined when it was not given.
 *
 * @example
 * ```ts
 * optionalNumber("--alpha", undefined); // undefined
 * ```
 */
export function optionalNumber(option: string, value: unknown): number | undefined {
  return value === undefined ? undefined : optionNumber(option, value);
}

/**
 * A progress callback for long loops (bootstrap replicates): `done` of `total` steps of the task `label`. Called
 * synchronously from inside the loop, at most once per step; keep it cheap (the CLI throttles its redraws).
 *
 * @example
 * ```ts
 * const onProgress: ProgressCallback = ({ label, done, total }) => console.error(`${label} ${done}/${total}`);
 * ```
 */
export type ProgressCallback = (progress: {
  readonly label: string;
  readonly done: number;
  readonly total: number;
}) => void;
