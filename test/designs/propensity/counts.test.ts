import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { countedQuantile, countedRanks } from "../../../src/designs/propensity/counts.js";
import {
  calibrationByDecile,
  crumpThreshold,
  overlapSummary,
  rosenbaumBounds,
  splineBasis,
  weightSummary,
} from "../../../src/designs/propensity/index.js";
import { quantileSorted } from "../../../src/models/bootstrap-ci.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";

/** Distinct values with counts, and the rows they stand for. */
const counted = (values: fc.Arbitrary<number>) =>
  fc
    .array(fc.record({ v: values, c: fc.integer({ min: 1, max: 6 }) }), { minLength: 1, maxLength: 12 })
    .map((us) => ({
      values: us.map((u) => u.v),
      counts: us.map((u) => u.c),
      rows: us.flatMap((u) => new Array<number>(u.c).fill(u.v)),
    }));

describe("frequency counts = the expanded rows", () => {
  test("quantiles of counted values (numpy and R type 7)", () => {
    fc.assert(
      fc.property(
        counted(fc.integer({ min: -5, max: 5 })),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (u, p) => {
          const sorted = Float64Array.from(u.rows).sort();
          const ranks = countedRanks(u.values, u.counts);
          expect(countedQuantile(ranks, p)).toBe(quantileSorted(sorted, p));
          expect(countedQuantile(ranks, p, "lerp")).toBe(quantileSorted(sorted, p, "lerp"));
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });

  test("Rosenbaum bounds of counted differences", () => {
    fc.assert(
      fc.property(counted(fc.integer({ min: -3, max: 4 }).map((v) => v / 2)), (u) => {
        fc.pre(u.rows.some((v) => v !== 0));
        const rows = rosenbaumBounds(u.rows, [1, 1.5, 2]);
        const cells = rosenbaumBounds(u.values, [1, 1.5, 2], { counts: u.counts });
        expectClose(cells, rows, TOL.identity, "rosenbaum");
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  test("calibration deciles, overlap, weights and the Crump threshold of counted scores", () => {
    const unit = fc.record({
      p: fc.constantFrom(0.05, 0.1, 0.3, 0.45, 0.5, 0.62, 0.9, 0.97),
      t: fc.integer({ min: 0, max: 1 }),
      c: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(fc.array(unit, { minLength: 2, maxLength: 20 }), (us) => {
        fc.pre(us.some((u) => u.t === 1) && us.some((u) => u.t === 0));
        const p = Float64Array.from(us, (u) => u.p);
        const t = Float64Array.from(us, (u) => u.t);
        const w = Float64Array.from(us, (u) => u.c);
        const pr = Float64Array.from(us.flatMap((u) => new Array<number>(u.c).fill(u.p)));
        const tr = Float64Array.from(us.flatMap((u) => new Array<number>(u.c).fill(u.t)));
        expectClose(calibrationByDecile(p, t, w), calibrationByDecile(pr, tr), TOL.identity, "calibration");
        expectClose(overlapSummary(p, t, 10, w), overlapSummary(pr, tr, 10), TOL.identity, "overlap");
        expectClose(weightSummary(p, t, w), weightSummary(pr, tr), TOL.identity, "weights");
        expectClose(crumpThreshold(p, w), crumpThreshold(pr), TOL.identity, "crump");
      }),
      { numRuns: 150, seed: 7 },
    );
  });

  test("spline knots from the counted rows", () => {
    fc.assert(
      fc.property(counted(fc.integer({ min: 0, max: 9 })), (u) => {
        const distinct = new Set(u.values);
        fc.pre(distinct.size === u.values.length && distinct.size > 4);
        const rows = splineBasis(Float64Array.from(u.rows), { type: "natural", df: 3 });
        const cells = splineBasis(Float64Array.from(u.values), { type: "natural", df: 3, counts: u.counts });
        expect(cells.knots).toEqual(rows.knots);
        expect(cells.boundary).toEqual(rows.boundary);
        // the basis at each distinct value is the rows' basis at that value
        const at = new Map(u.rows.map((v, i) => [v, i]));
        for (let j = 0; j < cells.columns.length; j++) {
          for (let q = 0; q < u.values.length; q++) {
            expect(cells.columns[j][q]).toBe(rows.columns[j][at.get(u.values[q]) as number]);
          }
        }
      }),
      { numRuns: 200, seed: 7 },
    );
  });
});
