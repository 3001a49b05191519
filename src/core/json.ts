import type { Json } from "./result.js";

/** A JSON object: string keys, {@link Json} values. */
export type JsonObject = { readonly [key: string]: Json };

/**
 * Type guard for plain JSON data ({@link Json}): `null`, booleans, numbers, strings, arrays of JSON values and
 * plain objects (prototype `Object.prototype` or `null`) of JSON values. Typed arrays, class instances,
 * functions, symbols, bigints and `undefined` array elements are not JSON. An object property whose value is
 * `undefined` counts as absent, as in `JSON.stringify` and as TypeScript treats an optional property.
 * Non-finite numbers pass, as the {@link Json} type admits them (they serialise as `null`).
 *
 * Use it to turn data built against a richer static type (e.g. a Vega-Lite spec) into {@link Json} without a
 * cast. It walks the whole value once and copies nothing.
 *
 * @example
 * ```ts
 * import { isJson } from "truelift";
 * isJson({ a: [1, "x", null], b: { c: true } }); // true
 * isJson({ scores: Float64Array.of(0.5) });      // false (a typed array)
 * ```
 */
export function isJson(value: unknown): value is Json {
  switch (typeof value) {
    case "string":
    case "number":
    case "boolean":
      return true;
    case "object":
      if (value === null) return true;
      if (Array.isArray(value)) return value.every((v) => v !== undefined && isJson(v));
      return isJsonObject(value);
    default:
      return false;
  }
}

/**
 * Type guard for a plain JSON object ({@link JsonObject}): a plain object (not an array) whose values pass
 * {@link isJson}; properties whose value is `undefined` count as absent.
 *
 * @example
 * ```ts
 * import { isJsonObject } from "truelift";
 * isJsonObject({ $schema: "https://vega.github.io/schema/vega-lite/v5.json", layer: [] }); // true
 * isJsonObject([1, 2]);                                                                  // false
 * ```
 */
export function isJsonObject(value: unknown): value is JsonObject {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  for (const v of Object.values(value)) if (v !== undefined && !isJson(v)) return false;
  return true;
}
