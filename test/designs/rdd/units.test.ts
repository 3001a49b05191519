import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import { rddCellRequest } from "../../../src/designs/rdd/cells.js";
import { densityTest } from "../../../src/designs/rdd/density/index.js";
import { layoutRdd } from "../../../src/designs/rdd/layout.js";
import { layoutRddCells } from "../../../src/designs/rdd/layout-cells.js";
import { rdplot } from "../../../src/designs/rdd/rdplot/index.js";
import { parseRddSpec, type RddSpec } from "../../../src/designs/rdd/spec.js";
import { bothOutcomes, EXACT, expectSameResult, type SameTolerance, uniform } from "./compressed-helpers.js";

const SLOW = 240_000;
const ROUNDING: SameTolerance = { rtol: 1e-8, atol: 1e-10 };

/** 300–600 rows on a 121-value grid of the running variable: ties, clusters, fuzzy take-up, a covariate. */
const data = fc
  .record({
    n: fc.integer({ min: 300, max: 600 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    binary: fc.boolean(),
    fuzzy: fc.boolean(),
    cluster: fc.boolean(),
    vce: fc.constantFrom("nn", "hc0", "hc1", "hc2", "hc3"),
    bwselect: fc.constantFrom("mserd", "msetwo", "cerrd", "msesum", "msecomb2"),
    fixed: fc.boolean(),
  })
  .map((d) => {
    const u = uniform(d.seed);
    const x = Array.from({ length: d.n }, () => Math.round(u() * 120 - 60) / 20);
    const t = x.map((v) => (u() < (v >= 0 ? 0.8 : 0.2) ? 1 : 0));
    const y = x.map((v, i) => {
      const e = u() * 2 - 1;
      return d.binary ? (e + 0.2 * v + 0.4 * t[i] > 0 ? 1 : 0) : 1 + 0.3 * v + t[i] + e;
    });
    const z = x.map((v) => 0.5 * v + u());
    const g = x.map((_, i) => `c${(i * 7) % 11}`);
    const frame = Frame.fromObject({ x, y, t, z, g });
    const spec: RddSpec = {
      outcome: "y",
      running: "x",
      cutoff: 0.05,
      vce: d.vce,
      bwselect: d.bwselect,
      treatment: "t",
      covariates: ["z"],
      ...(d.fuzzy ? { fuzzy: true } : {}),
      ...(d.cluster ? { cluster: "g" } : {}),
      ...(d.fixed ? { bandwidth: 1.5 } : {}),
      ...(d.binary ? { bootstrap: { seed: 11, reps: 25 } } : {}),
    };
    return { frame, spec, binary: d.binary };
  });

describe("rdd on counted units: the cells path is the row path", () => {
  it(
    "estimate, SE, CI, bandwidths, checks, density, bootstrap and diagnostics' evidence agree to 1e-10",
    () => {
      let compared = 0;
      fc.assert(
        fc.property(data, ({ frame, spec, binary }) => {
          const { rows, fromCells } = bothOutcomes(frame, spec);
          expect(fromCells.code).toBe(rows.code);
          if (rows.result === null || fromCells.result === null) return;
          expect(fromCells.result.cells?.rows).toBe(frame.nrows);
          const { rdplot: plotCells, ...a } = fromCells.result;
          const { rdplot: plotRows, ...b } = rows.result;
          expectSameResult(a, b, EXACT);
          // The RD plot's global quartic (a continuous outcome's cell means round differently from the rows).
          expectSameResult(plotCells, plotRows, binary ? EXACT : ROUNDING);
          if (binary)
            expect(fromCells.result.bootstrap?.headline.ci).toEqual(rows.result.bootstrap?.headline.ci);
          compared++;
        }),
        { numRuns: 30, seed: 2026 },
      );
      expect(compared).toBeGreaterThan(20);
    },
    SLOW,
  );

  it("a 0/1 outcome gives the same units on both paths (rows merged, cells split into zeros and ones)", () => {
    const u = uniform(5);
    const x = Array.from({ length: 400 }, () => Math.round(u() * 40 - 20) / 10);
    const y = x.map((v) => (u() + 0.1 * v > 0.5 ? 1 : 0));
    const g = x.map((_, i) => (i % 3 === 0 ? "b" : i % 3 === 1 ? "a" : "c"));
    const frame = Frame.fromObject({ x, y, g });
    const s = parseRddSpec({ outcome: "y", running: "x", cutoff: 0, cluster: "g" });
    const rows = layoutRdd(frame, s);
    const { layout: cells } = layoutRddCells(compressFrameToCells(frame, rddCellRequest(s, {})), s);
    // (+0 and −0 are one running value: the cells keep the first row's sign)
    expect(Array.from(cells.x, (v) => v + 0)).toEqual(Array.from(rows.x, (v) => v + 0));
    expect(Array.from(cells.n)).toEqual(Array.from(rows.n));
    expect(Array.from(cells.y)).toEqual(Array.from(rows.y));
    expect(Array.from(cells.cluster ?? [])).toEqual(Array.from(rows.cluster ?? []));
    expect(rows.rows).toBe(400);
    expect(rows.x.length).toBeLessThan(41 * 2 * 3 + 1);
  });

  it("densityTest and rdplot with counts equal them on the expanded rows", () => {
    const u = uniform(9);
    const xs = Array.from({ length: 80 }, (_, i) => (i - 40) / 20);
    const counts = Float64Array.from(xs, () => 1 + Math.floor(u() * 5));
    const ys = Float64Array.from(xs, (v) => 1 + v + (v >= 0 ? 0.5 : 0) + 0.1 * u());
    const xr: number[] = [];
    const yr: number[] = [];
    xs.forEach((v, i) => {
      for (let k = 0; k < counts[i]; k++) {
        xr.push(v);
        yr.push(ys[i]);
      }
    });
    const x = Float64Array.from(xs);
    const d1 = densityTest(x, { cutoff: 0.01, counts });
    const d2 = densityTest(Float64Array.from(xr), { cutoff: 0.01 });
    expectSameResult(d1, d2, EXACT);
    const p1 = rdplot(ys, x, { cutoff: 0.01, binselect: "es", counts });
    const p2 = rdplot(Float64Array.from(yr), Float64Array.from(xr), { cutoff: 0.01, binselect: "es" });
    expectSameResult(p1, p2, ROUNDING);
    expect(p1.bins).toEqual(p2.bins);
    expect(p1.binRows.map((r) => r.n)).toEqual(p2.binRows.map((r) => r.n));
  });
});
