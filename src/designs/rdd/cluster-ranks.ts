import { compareKeyTuples } from "../../core/compress.js";
import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";

/**
 * Cluster codes ranked by the cluster's value (numbers ascending, text in code-unit order: `compareKeyTuples`, the
 * order engines return cells in), −1 where missing. Rows and compressed cells of the same data get the same
 * codes, so their units sort alike.
 *
 * @example
 * ```ts
 * import { Frame } from "truelift";
 * import { clusterRanks } from "./cluster-ranks.js"; // internal to the rdd design
 * clusterRanks(Frame.fromObject({ g: ["b", "a", null, "b"] }), "g"); // [1, 0, -1, 1]
 * ```
 */
export function clusterRanks(frame: Frame, column: string): Int32Array {
  const { codes, count } = groupCodes(frame, column, null);
  const col = frame.column(column);
  const value = (i: number): number | string =>
    col.kind === "str" ? col.levels[col.codes[i]] : col.values[i];
  const first: (number | string)[] = new Array(count);
  const seen = new Uint8Array(count);
  for (let i = 0; i < codes.length; i++) {
    const g = codes[i];
    if (g >= 0 && !seen[g]) {
      seen[g] = 1;
      first[g] = value(i);
    }
  }
  const byValue = Array.from({ length: count }, (_, g) => g).sort((a, b) =>
    compareKeyTuples([first[a]], [first[b]]),
  );
  const rank = new Int32Array(count);
  byValue.forEach((g, r) => {
    rank[g] = r;
  });
  return Int32Array.from(codes, (g) => (g < 0 ? -1 : rank[g]));
}
