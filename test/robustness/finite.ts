import { Frame } from "../../src/core/frame.js";

/**
 * Walks a result (objects, arrays, typed arrays, Maps, Sets) and returns the paths of every NaN or ±Infinity
 * number in it; `null` and `undefined` are fine. A Frame is walked through its records, where a missing value
 * reads as `null`. Functions are skipped; cycles are visited once.
 */
export function nonFinitePaths(value: unknown, path = "$", seen = new Set<object>()): string[] {
  if (typeof value === "number") return Number.isFinite(value) ? [] : [`${path} = ${value}`];
  if (typeof value === "bigint" || value === null || typeof value !== "object") return [];
  if (seen.has(value)) return [];
  seen.add(value);
  if (value instanceof Frame) return nonFinitePaths(value.toRecords(), `${path}<frame>`, seen);
  if (value instanceof Float64Array || value instanceof Float32Array) {
    const out: string[] = [];
    value.forEach((v, i) => {
      if (!Number.isFinite(v)) out.push(`${path}[${i}] = ${v}`);
    });
    return out;
  }
  if (ArrayBuffer.isView(value)) return []; // integer typed arrays are always finite
  if (value instanceof Map) {
    return [...value.entries()].flatMap(([k, v]) => nonFinitePaths(v, `${path}.get(${String(k)})`, seen));
  }
  if (value instanceof Set) return [...value].flatMap((v, i) => nonFinitePaths(v, `${path}{${i}}`, seen));
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFinitePaths(v, `${path}[${i}]`, seen));
  return Object.entries(value).flatMap(([k, v]) => nonFinitePaths(v, `${path}.${k}`, seen));
}
