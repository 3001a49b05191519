import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comomentKey } from "../../src/core/cells.js";
import { compareKeyTuples } from "../../src/core/compress.js";
import { compressFrame } from "../../src/core/compress-frame.js";
import { buildCompressedTable, type GroupRow, mergeGroupRows } from "../../src/core/compress-table.js";
import { Frame } from "../../src/core/frame.js";
import { expectCompressedEqual } from "../data/engines/compare.js";
import { generatedCase } from "../data/engines/frames.js";
import { errorCode } from "../helpers/error-code.js";

describe("compressFrame", () => {
  it("computes per-group n, mean, centred sums and co-moments, sorted by key", () => {
    const f = Frame.fromObject({
      g: ["b", "a", "b", "a", "b"],
      k: [2, 1, 2, 2, 1],
      x: [1, 2, 3, 4, 5],
      y: [2, 4, 6, 8, 0],
    });
    const t = compressFrame(f, { keys: ["g"], measures: ["x", "y"], crossProducts: true });
    expect(t.keyValues.g).toEqual(["a", "b"]);
    expect(Array.from(t.n)).toEqual([2, 3]);
    expect(Array.from(t.mean.x)).toEqual([3, 3]);
    expect(Array.from(t.m2.x)).toEqual([2, 8]);
    expect(Array.from(t.mean.y)).toEqual([6, 8 / 3]);
    // b: x = 1,3,5 (mean 3), y = 2,6,0 (mean 8/3): Σ(x−3)(y−8/3) = (−2)(−2/3) + 0 + 2(−8/3) = −4
    expect(t.comoment?.[comomentKey("x", "y")][1]).toBeCloseTo(-4, 12);
    expect(t.rowsScanned).toBe(5);
    expect(t.nullRows).toEqual({ g: 0, x: 0, y: 0 });
    expect(t.droppedRows).toBe(0);
    const two = compressFrame(f, { keys: ["k", "g"], measures: ["x"] });
    expect(two.keyValues.k).toEqual(new Float64Array([1, 1, 2, 2]));
    expect(two.keyValues.g).toEqual(["a", "b", "a", "b"]);
    expect(two.comoment).toBeUndefined();
  });

  it("applies filters with SQL semantics and counts NULL rows separately", () => {
    const f = Frame.fromObject({
      g: ["a", null, "a", "b", "c"],
      y: [1, 2, null, 4, 5],
      w: [1, 1, 1, 1, null],
    });
    const t = compressFrame(f, {
      keys: ["g"],
      measures: ["y"],
      where: [{ column: "w", op: "between", low: 0, high: 2 }],
    });
    expect(t.rowsScanned).toBe(4); // the row with w NULL fails the filter
    expect(t.nullRows).toEqual({ g: 1, y: 1 });
    expect(t.droppedRows).toBe(2);
    expect(t.keyValues.g).toEqual(["a", "b"]);
    const none = compressFrame(f, {
      keys: [],
      measures: ["y"],
      where: [{ column: "g", op: "in", values: ["zz"] }],
    });
    expect(none.groups).toBe(0);
  });

  it("keeps digits where Σx² − n·mean² would cancel (values near 1e9)", () => {
    const f = Frame.fromObject({ y: [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4] });
    const t = compressFrame(f, { keys: [], measures: ["y"] });
    expect(t.m2.y[0]).toBe(5);
    expect(t.mean.y[0]).toBe(1e9 + 2.5);
  });

  it("refuses bad requests and missing columns with codes", () => {
    const f = Frame.fromObject({ g: ["a"], y: [1] });
    expect(errorCode(() => compressFrame(f, { keys: [], measures: [] }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => compressFrame(f, { keys: ["g"], measures: ["nope"] }))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => compressFrame(f, { keys: [], measures: ["g"] }))).toBe("E_COLUMN_TYPE");
  });

  it("equals a naive expanded computation on generated frames (property)", () => {
    fc.assert(
      fc.property(generatedCase(), ({ frame, request }) => {
        expectCompressedEqual(compressFrame(frame, request), naive(frame, request.keys, request.where ?? []));
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it("merging partial aggregates equals aggregating all rows (property)", () => {
    const values = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 2, maxLength: 30 });
    fc.assert(
      fc.property(values, values, fc.nat(), (xs, ys, cut) => {
        const n = Math.min(xs.length, ys.length);
        const f = Frame.fromObject({
          x: xs.slice(0, n).map((v) => v / 7 + 500),
          y: ys.slice(0, n).map((v) => v / 3),
        });
        const k = 1 + (cut % (n - 1));
        const part = (lo: number, hi: number): GroupRow => {
          const t = compressFrame(f.take(Int32Array.from({ length: hi - lo }, (_, r) => lo + r)), {
            keys: [],
            measures: ["x", "y"],
            crossProducts: true,
          });
          return {
            key: [],
            n: t.n[0],
            mean: [t.mean.x[0], t.mean.y[0]],
            m2: [t.m2.x[0], t.m2.y[0]],
            comoment: [t.comoment?.[comomentKey("x", "y")][0] ?? 0],
          };
        };
        const merged = buildCompressedTable({
          keys: [],
          keyKinds: [],
          measures: ["x", "y"],
          crossProducts: true,
          rows: [part(0, k), part(k, n)],
          rowsScanned: n,
          nullRows: { x: 0, y: 0 },
          droppedRows: 0,
        });
        expectCompressedEqual(
          merged,
          compressFrame(f, { keys: [], measures: ["x", "y"], crossProducts: true }),
        );
        expect(mergeGroupRows(part(0, k), part(k, n)).n).toBe(n);
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it("orders keys numerically for numbers and by code units for text", () => {
    expect(compareKeyTuples([10], [9])).toBe(1);
    expect(compareKeyTuples(["B"], ["a"])).toBe(-1);
    expect(compareKeyTuples([1, "a"], [1, "a"])).toBe(0);
  });
});

/** Straight from the definitions: filter, drop rows with a missing key or measure, group, then Σ(x − x̄)². */
function naive(
  frame: Frame,
  keys: readonly string[],
  where: readonly {
    column: string;
    op: "between" | "in";
    low?: unknown;
    high?: unknown;
    values?: readonly unknown[];
  }[],
) {
  const measures = ["x", "y"];
  const rows: number[] = [];
  const nullRows: Record<string, number> = {};
  let dropped = 0;
  for (const c of [...keys, ...measures]) nullRows[c] = 0;
  let scanned = 0;
  for (let i = 0; i < frame.nrows; i++) {
    const pass = where.every((f) => {
      const v = frame.value(f.column, i);
      if (v === null || (typeof v === "number" && Number.isNaN(v))) return false;
      return f.op === "between"
        ? Number(v) >= Number(f.low) && Number(v) <= Number(f.high)
        : (f.values ?? []).includes(v);
    });
    if (!pass) continue;
    scanned++;
    const missing = [...keys, ...measures].filter((c) => {
      const v = frame.value(c, i);
      return v === null || (typeof v === "number" && Number.isNaN(v));
    });
    for (const c of missing) nullRows[c]++;
    if (missing.length > 0) dropped++;
    else rows.push(i);
  }
  const groups = new Map<string, number[]>();
  for (const i of rows) {
    const id = JSON.stringify(keys.map((k) => frame.value(k, i)));
    groups.set(id, [...(groups.get(id) ?? []), i]);
  }
  const out: GroupRow[] = [...groups.entries()].map(([id, idx]) => {
    const col = (m: string) => idx.map((i) => frame.numeric(m)[i]);
    const mean = measures.map((m) => col(m).reduce((s, v) => s + v, 0) / idx.length);
    const m2 = measures.map((m, j) => col(m).reduce((s, v) => s + (v - mean[j]) ** 2, 0));
    const xs = col("x");
    const ys = col("y");
    const co = xs.reduce((s, v, r) => s + (v - mean[0]) * (ys[r] - mean[1]), 0);
    return { key: JSON.parse(id), n: idx.length, mean, m2, comoment: [co] };
  });
  return buildCompressedTable({
    keys,
    keyKinds: keys.map((k) => (frame.column(k).kind === "str" ? "string" : "number")),
    measures,
    crossProducts: true,
    rows: out,
    rowsScanned: scanned,
    nullRows,
    droppedRows: dropped,
  });
}
