import type { Frame } from "../core/frame.js";

/** A one-line summary of a column: kind, missing count, and range (numbers) or distinct levels (text). */
export interface ColumnSummary {
  readonly name: string;
  readonly kind: "f64" | "i32" | "str";
  readonly missing: number;
  /** Numeric columns: min / mean / max of the non-missing values (null when all are missing). */
  readonly min: number | null;
  readonly mean: number | null;
  readonly max: number | null;
  /** Text columns: number of distinct values and the first few. */
  readonly levels: number | null;
  readonly examples: readonly string[];
}

/**
 * Summarises every column of a frame (what `truelift inspect` prints): kind, missing values (NaN, null, or an
 * empty string), min / mean / max for numbers, distinct levels for text.
 *
 * @example
 * ```ts
 * import { describeFrame, Frame } from "truelift";
 * describeFrame(Frame.fromObject({ y: [1, 0, null] }))[0]; // { name: "y", kind: "f64", missing: 1, min: 0, mean: 0.5, max: 1, … }
 * ```
 */
export function describeFrame(frame: Frame): ColumnSummary[] {
  return frame.names.map((name) => {
    const col = frame.column(name);
    if (col.kind === "str") {
      const used = new Uint8Array(col.levels.length);
      let missing = 0;
      const empty = col.levels.indexOf("");
      for (const c of col.codes) {
        if (c < 0 || c === empty) missing++;
        else used[c] = 1;
      }
      const present = col.levels.filter((_, i) => used[i] === 1);
      return {
        name,
        kind: col.kind,
        missing,
        min: null,
        mean: null,
        max: null,
        levels: present.length,
        examples: present.slice(0, 5),
      };
    }
    let missing = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let sum = 0;
    for (const v of col.values) {
      if (Number.isNaN(v)) {
        missing++;
        continue;
      }
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    const n = col.values.length - missing;
    return {
      name,
      kind: col.kind,
      missing,
      min: n > 0 ? min : null,
      mean: n > 0 ? sum / n : null,
      max: n > 0 ? max : null,
      levels: null,
      examples: [],
    };
  });
}
