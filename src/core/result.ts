import type { Diagnostic } from "./diagnostics.js";

/** A JSON value. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** Deeply readonly view of a type (results are frozen plain data); `Json` values are readonly already. */
export type DeepReadonly<T> = T extends Float64Array | Int32Array | Json
  ? T
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/**
 * One estimated quantity, as statsmodels' `params / bse / tvalues / pvalues / conf_int` and fixest's `coeftable`
 * give it. `df` is the degrees of freedom of the reference t distribution, or null when the normal is used.
 * Quantities that cannot be computed are null (and a diagnostic says why), never NaN.
 */
export interface Term {
  readonly name: string;
  readonly estimate: number;
  readonly se: number | null;
  readonly statistic: number | null;
  readonly df: number | null;
  readonly pValue: number | null;
  readonly ci: readonly [number, number] | null;
}

/** Row counts behind an estimate: used, dropped (with reasons), and clusters when clustered. */
export interface SampleSize {
  readonly obs: number;
  readonly dropped: number;
  readonly droppedReasons?: Readonly<Record<string, number>>;
  readonly clusters?: readonly number[];
}

/** How a number can be reproduced: the canonical spec, the input hash, the seed, the engine and the version. */
export interface Provenance {
  readonly spec: Json;
  readonly inputHash?: string;
  readonly seed?: number;
  readonly engine: "memory" | "duckdb" | "warehouse";
  readonly version: string;
  /** Revision of the design's own algorithm, when it has one (e.g. synth's `"synth-1"`). */
  readonly algorithm?: string;
}

/** Fields common to every estimate result. */
export interface ResultBase {
  readonly method: string;
  readonly alpha: number;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Recursively freezes a plain object / array graph (typed arrays are left as they are, since they cannot be
 * frozen) and returns it typed as deeply readonly.
 *
 * @example
 * ```ts
 * const r = deepFreeze({ terms: [{ name: "x", estimate: 1 }] });
 * Object.isFrozen(r.terms[0]); // true
 * ```
 */
export function deepFreeze<T>(value: T): DeepReadonly<T> {
  if (value !== null && typeof value === "object" && !ArrayBuffer.isView(value) && !Object.isFrozen(value)) {
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
    Object.freeze(value);
  }
  return value as DeepReadonly<T>;
}

/**
 * A plain data value (a validated spec, a tidy row) as {@link Json}, checked rather than cast: objects and
 * arrays are copied with `undefined` fields dropped (as `JSON.stringify` drops them); a function, symbol, bigint
 * or typed array throws, since it is not JSON data.
 *
 * @example
 * ```ts
 * import { toJson } from "truelift";
 * toJson({ outcome: "y", alpha: 0.05, window: undefined }); // { outcome: "y", alpha: 0.05 }
 * ```
 */
export function toJson(value: unknown): Json {
  if (value === null || typeof value === "boolean" || typeof value === "string" || typeof value === "number")
    return value;
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : toJson(v)));
  if (typeof value === "object" && !ArrayBuffer.isView(value)) {
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toJson(v);
    return out;
  }
  throw new TypeError(`toJson: a ${typeof value} is not JSON data`);
}
