import type { Frame } from "../core/frame.js";

/**
 * A left join of two frames on one key column: every row of `left`, in order, gains the columns of `right`
 * (except the key and any name `left` already has) from the `right` row with the same key; rows without a match
 * get missing values (NaN / null). Keys are compared as text (`String(value)`, so 1 and "1" match, and missing
 * keys match each other as "null"); when `right` repeats a key its last row wins. Numeric columns come back as
 * `f64`, text columns as `str`. Throws `E_COLUMN_MISSING` when either frame lacks the key.
 *
 * @example
 * ```ts
 * import { Frame, leftJoin } from "truelift";
 * const users = Frame.fromObject({ user_id: [1, 2, 3], arm: ["a", "b", "a"] });
 * const outcome = Frame.fromObject({ user_id: [3, 1], minutes: [12, 7] });
 * leftJoin(users, outcome, "user_id").numeric("minutes"); // Float64Array [7, NaN, 12]
 * ```
 * @see dplyr `left_join`; SQL `LEFT JOIN … USING (key)`.
 */
export function leftJoin(left: Frame, right: Frame, key: string): Frame {
  left.column(key);
  right.column(key);
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
