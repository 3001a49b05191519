import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { orderByScoreFew, sortedFew } from "../../../src/designs/propensity/few-values.js";

const value = fc.constantFrom(0.25, 0.5, 1 / 3, 0.75, 1e-300, 0, -0, 2, Number.NaN);

describe("counting paths equal the sorts they replace", () => {
  test("orderByScoreFew: the comparator sort's permutation (or null)", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(value, fc.constantFrom(0, 1, 2)), { maxLength: 60 }), (rows) => {
        const p = Float64Array.from(rows, (r) => r[0]);
        const t = Float64Array.from(rows, (r) => r[1]);
        const got = orderByScoreFew(p, t);
        if (p.some(Number.isNaN) || t.includes(2)) {
          expect(got).toBeNull();
          return;
        }
        const want = Int32Array.from({ length: p.length }, (_, i) => i).sort(
          (a, b) => p[a] - p[b] || t[a] - t[b] || a - b,
        );
        expect(got).toEqual(want);
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  test("sortedFew: the typed-array sort (or null with zeros or NaN)", () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (xs) => {
        const got = sortedFew(xs);
        if (xs.some((x) => x === 0 || Number.isNaN(x))) {
          expect(got).toBeNull();
          return;
        }
        expect(got).toEqual(Float64Array.from(xs).sort());
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  test("many distinct values: null", () => {
    const many = Float64Array.from({ length: 5000 }, (_, i) => i + 1);
    expect(sortedFew(many)).toBeNull();
    expect(orderByScoreFew(many, new Float64Array(5000))).toBeNull();
  });
});
