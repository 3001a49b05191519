import type { Frame } from "../core/frame.js";
import { usage } from "../core/options.js";

/**
 * Adds the columns of `right` (except the key) to `left`, matching rows on `key`; unmatched rows get missing
 * (NaN for numbers, null for text). Throws `E_USAGE` when the key is missing from either frame.
 *
 * @example
 * ```ts
 * import { leftJoin, loadFrame } from "truelift";
 * const users = leftJoin(await loadFrame("users.csv"), await loadFrame("outcomes.csv"), "user_id");
 * ```
 */
export function leftJoin(left: Frame, right: Frame, key: string): Frame {
  for (const [f, name] of [
    [left, "data file"],
    [right, "--join file"],
  ] as const) {
    if (!f.has(key)) throw usage(`--join-on column '${key}' is not in the ${name}.`);
  }
  const index = new Map<string, number>();
  for (let i = 0; i < right.nrows; i++) index.set(String(right.value(key, i)), i);
  const rows = Array.from({ length: left.nrows }, (_, i) => index.get(String(left.value(key, i))) ?? -1);
  let out = left;
  for (const name of right.names) {
    if (name === key || left.has(name)) continue;
    const col = right.column(name);
    if (col.kind === "str") {
      out = out.withColumn(
        name,
        rows.map((r) => (r < 0 ? null : (right.value(name, r) as string | null))),
      );
    } else {
      const v = new Float64Array(left.nrows);
      for (let i = 0; i < v.length; i++) v[i] = rows[i] < 0 ? Number.NaN : col.values[rows[i]];
      out = out.withColumn(name, v);
    }
  }
  return out;
}
