import { TrueliftError } from "./errors.js";
import type { ErrorCode } from "./messages.js";

/** One schema violation: where (the path of keys and indices into the spec) and what. */
export interface SpecIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** What a schema's `safeParse` returns: the parsed value (defaults filled) or the violations. */
export type SpecParseResult<T> =
  | { readonly success: true; readonly data: T }
  | { readonly success: false; readonly error: { readonly issues: readonly SpecIssue[] } };

/** Any schema with a zod-style `safeParse` (every zod schema is one); core does not depend on zod itself. */
export interface SpecSchema<T> {
  safeParse(value: unknown): SpecParseResult<T>;
}

/** How {@link parseSpec} words its error. */
export interface ParseSpecOptions {
  /** The spec's name in the message: `"DiD"` → `Invalid DiD spec: …`. */
  readonly what: string;
  /**
   * How the message places the first bad field: `"field"` → `Invalid DiD spec: spec.window.from: <issue>.`
   * (`"the spec"` for the root); `"path"` → `Invalid run spec at analyses[0].spec.alpha: <issue>.` (`(root)` for
   * the root), with that path also in `details.path`. __Default value:__ `"field"`.
   */
  readonly locate?: "field" | "path";
  /** The error code. __Default value:__ `"E_INVALID_SPEC"`. */
  readonly code?: ErrorCode;
  /** The fix hint. __Default value:__ the code's hint from the error catalogue. */
  readonly hint?: string;
}

/**
 * Validates a spec against its schema and returns the parsed value (defaults filled), or throws one
 * {@link TrueliftError} that names the first bad field, with every violation in `details.issues`
 * (`{ path, message }`). The one entry point of every design spec, the power and assignment specs and the run
 * spec.
 *
 * @example
 * ```ts
 * import { parseSpec } from "truelift";
 * import { z } from "zod";
 * const schema = z.object({ alpha: z.number().default(0.05) });
 * parseSpec(schema, {}, { what: "demo" }).alpha; // 0.05
 * parseSpec(schema, { alpha: "x" }, { what: "demo" });
 * // throws E_INVALID_SPEC "Invalid demo spec: spec.alpha: Invalid input: expected number, received string."
 * ```
 * @see zod `safeParse`; fixest `check_set_arg` (validate at the entry point, name the argument).
 */
export function parseSpec<T>(schema: SpecSchema<T>, value: unknown, options: ParseSpecOptions): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const code = options.code ?? "E_INVALID_SPEC";
  const hint = options.hint === undefined ? {} : { hint: options.hint };
  if (options.locate === "path") {
    const path = pathText(issues[0].path);
    throw new TrueliftError(code, `Invalid ${options.what} spec at ${path}: ${issues[0].message}.`, {
      ...hint,
      details: { path, issues: issues.map((i) => ({ path: pathText(i.path), message: i.message })) },
    });
  }
  const first = issues[0].path;
  const where = first.length > 0 ? `spec.${first.map(String).join(".")}` : "the spec";
  throw new TrueliftError(code, `Invalid ${options.what} spec: ${where}: ${issues[0].message}.`, {
    ...hint,
    details: { issues: issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message })) },
  });
}

/** `analyses[0].spec.alpha`: keys joined by dots, indices in brackets; `(root)` for the empty path. */
function pathText(path: readonly PropertyKey[]): string {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out === "" ? String(p) : `.${String(p)}`;
  return out === "" ? "(root)" : out;
}
