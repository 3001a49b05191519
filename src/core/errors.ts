import { ERROR_CATALOGUE, type ErrorCategory, type ErrorCode } from "./messages.js";

/**
 * The one error type truelift throws for caller mistakes (bad input, bad options) and engine failures.
 * Each carries a stable `code` (see `ERROR_CATALOGUE`), a `category` the CLI maps to an exit code, a fix `hint`,
 * and optional structured `details` (e.g. the first offending rows, the collinear columns, the failing SQL).
 *
 * @example
 * ```ts
 * import { TrueliftError } from "truelift";
 * try {
 *   throw new TrueliftError("E_COLUMN_MISSING", "Column 'y' is not in the data.", { details: { column: "y" } });
 * } catch (e) {
 *   if (e instanceof TrueliftError) console.log(e.code, e.hint);
 * }
 * ```
 */
export class TrueliftError extends Error {
  readonly code: ErrorCode;
  readonly category: ErrorCategory;
  readonly hint: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "TrueliftError";
    this.code = code;
    this.category = ERROR_CATALOGUE[code].category;
    this.hint = options.hint ?? ERROR_CATALOGUE[code].hint;
    this.details = Object.freeze({ ...(options.details ?? {}) });
  }

  /** The message and the fix hint as one line a user can act on. */
  userMessage(): string {
    return `${this.message} Fix: ${this.hint}`;
  }

  /** A JSON-serialisable view (code, category, message, hint, details). */
  toJSON(): Record<string, unknown> {
    return {
      code: this.code,
      category: this.category,
      message: this.message,
      hint: this.hint,
      details: this.details,
    };
  }
}

/**
 * Type guard for {@link TrueliftError}, robust across module copies (checks `name` and `code`).
 *
 * @example
 * ```ts
 * isTrueliftError(new TrueliftError("E_USAGE", "bad flag")); // true
 * ```
 */
export function isTrueliftError(e: unknown): e is TrueliftError {
  return e instanceof TrueliftError || (e instanceof Error && e.name === "TrueliftError" && "code" in e);
}
