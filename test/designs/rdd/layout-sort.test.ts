import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { layoutRdd } from "../../../src/designs/rdd/layout.js";
import { parseRddSpec } from "../../../src/designs/rdd/spec.js";

/** The layout's unit order by definition: rows sorted by (x, y, take-up, row) with a comparator, ties merged. */
function expectedOrder(x: number[], y: number[], t: number[]): number[] {
  const keep = x.map((_, i) => i).filter((i) => !Number.isNaN(x[i]) && !Number.isNaN(y[i]));
  const cmp = (a: number, b: number) => x[a] - x[b] || y[a] - y[b] || t[a] - t[b];
  keep.sort((a, b) => cmp(a, b) || a - b);
  return keep.filter((r, j) => j === 0 || cmp(keep[j - 1], r) !== 0);
}

describe("layoutRdd's row sort (bucketed by running value, then tie groups)", () => {
  it("orders units as the comparator sort does: ties, −0 and +0, missing values", () => {
    const value = fc.oneof(
      fc.integer({ min: -6, max: 6 }).map((v) => v / 4),
      fc.constant(-0),
      fc.constant(Number.NaN),
      fc.double({ min: -2, max: 2, noNaN: true }),
    );
    const row = fc.record({
      x: value,
      y: fc.oneof(fc.integer({ min: 0, max: 2 }), value),
      t: fc.integer({ min: 0, max: 1 }),
    });
    fc.assert(
      fc.property(fc.array(row, { minLength: 1, maxLength: 120 }), (rows) => {
        // rows with both outcomes and take-ups on each side of the cutoff, so every layout exists
        const x = [...rows.map((r) => r.x), -3, -3, 3, 3];
        const y = [...rows.map((r) => r.y), 0, 1, 0, 1];
        const t = [...rows.map((r) => r.t), 0, 1, 0, 1];
        const want = expectedOrder(x, y, t);
        const f = Frame.fromObject({ x, y, t });
        const layout = layoutRdd(f, parseRddSpec({ outcome: "y", running: "x", cutoff: 0, treatment: "t" }));
        expect([...layout.order]).toEqual(want);
      }),
      { numRuns: 300, seed: 42 },
    );
  });
});
