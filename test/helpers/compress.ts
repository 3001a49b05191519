import { Frame } from "../../src/core/frame.js";

/** Row-level data: key columns (strings or numbers) and numeric outcome columns. */
export type Rows = Readonly<Record<string, readonly (string | number)[]>>;

/**
 * Compresses rows into cells as the engine's GROUP BY does: one cell per distinct combination of the `keys`
 * (in order of first appearance), with the key values, `count` (rows in the cell), and for each outcome column
 * its cell mean (same name) and within-cell sum of squares Σ(y − ȳ)² (`<name>_ss`, two-pass).
 */
export function compressRows(
  rows: Rows,
  keys: readonly string[],
  outcomes: readonly string[],
  count = "count",
): Frame {
  const n = rows[keys[0] ?? outcomes[0]].length;
  const index = new Map<string, number>();
  const members: number[][] = [];
  for (let i = 0; i < n; i++) {
    const id = JSON.stringify(keys.map((k) => rows[k][i]));
    let c = index.get(id);
    if (c === undefined) {
      c = members.length;
      index.set(id, c);
      members.push([]);
    }
    members[c].push(i);
  }
  const out: Record<string, (string | number)[]> = {};
  for (const k of keys) out[k] = members.map((m) => rows[k][m[0]]);
  out[count] = members.map((m) => m.length);
  for (const y of outcomes) {
    const v = rows[y];
    const means = members.map((m) => m.reduce((s, i) => s + Number(v[i]), 0) / m.length);
    out[y] = means;
    out[`${y}_ss`] = members.map((m, c) => m.reduce((s, i) => s + (Number(v[i]) - means[c]) ** 2, 0));
  }
  return rowsFrame(out);
}

/** A frame of {@link Rows} (a column whose first value is a string is text, else numeric). */
export function rowsFrame(rows: Rows): Frame {
  const frame: Record<string, number[] | string[]> = {};
  for (const [name, col] of Object.entries(rows)) {
    frame[name] = typeof col[0] === "string" ? col.map(String) : col.map(Number);
  }
  return Frame.fromObject(frame);
}
