import { describe, expect, it } from "vitest";
import { rddBootstrap } from "../../../src/designs/rdd/bootstrap.js";
import { fitSettings } from "../../../src/designs/rdd/estimate.js";
import { layoutRdd } from "../../../src/designs/rdd/layout.js";
import { type RddUnits, splitSides } from "../../../src/designs/rdd/side.js";
import { parseRddSpec } from "../../../src/designs/rdd/spec.js";
import { saasFixture } from "../../helpers/fixture.js";
import { referenceRddBootstrap } from "./bootstrap-reference.js";

function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Sorted units on a grid of `grid` running values in [−1, 1): with `counted`, each grid value holds up to two
 * units (outcome 0 and 1) with counts 1–4, as compressed 0/1 cells; else one row per unit (count 1).
 */
function units(seed: number, n: number, grid: number, counted: boolean, fuzzy: boolean): RddUnits {
  const u = uniform(seed);
  const rows: { x: number; y: number; t: number; n: number }[] = [];
  for (let i = 0; i < n; i++) {
    const x = counted ? Math.floor(u() * grid) / (grid / 2) - 1 : u() * 2 - 1;
    const t = fuzzy ? (u() < (x >= 0 ? 0.8 : 0.2) ? 1 : 0) : 0;
    const y = counted ? (u() < 0.3 + 0.2 * x + (x >= 0 ? 0.1 : 0) ? 1 : 0) : x + (x >= 0 ? 0.5 : 0) + u();
    rows.push({ x, y, t, n: counted ? 1 + Math.floor(u() * 4) : 1 });
  }
  rows.sort((a, b) => a.x - b.x || a.t - b.t || a.y - b.y);
  // Merge identical (x, t, y) rows into one counted unit.
  const out: typeof rows = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (counted && last && last.x === r.x && last.t === r.t && last.y === r.y) last.n += r.n;
    else out.push({ ...r });
  }
  return {
    x: Float64Array.from(out, (r) => r.x),
    n: Float64Array.from(out, (r) => r.n),
    y: Float64Array.from(out, (r) => r.y),
    ss: null,
    t: fuzzy ? Float64Array.from(out, (r) => r.t) : null,
  };
}

const CASES = [
  { name: "rows, uniform kernel, p = 1", counted: false, fuzzy: false, kernel: "uniform", p: 1, deriv: 0 },
  {
    name: "counted 0/1 cells, triangular, p = 1",
    counted: true,
    fuzzy: false,
    kernel: "triangular",
    p: 1,
    deriv: 0,
  },
  { name: "counted cells, quadratic", counted: true, fuzzy: false, kernel: "uniform", p: 2, deriv: 0 },
  {
    name: "counted cells, fuzzy take-up",
    counted: true,
    fuzzy: true,
    kernel: "epanechnikov",
    p: 1,
    deriv: 0,
  },
  { name: "rows, kink (deriv 1, p = 2)", counted: false, fuzzy: false, kernel: "triangular", p: 2, deriv: 1 },
] as const;

describe("rddBootstrap: the row-table draw loop equals the reference implementation bit for bit", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const data = units(c.name.length, 1500, 120, c.counted, c.fuzzy);
      const { left, right } = splitSides(data, null, 0);
      const spec = parseRddSpec({
        outcome: "y",
        running: "x",
        cutoff: 0,
        kernel: c.kernel,
        p: c.p,
        deriv: c.deriv,
        ...(c.fuzzy ? { treatment: "t" } : {}),
      });
      const st = fitSettings(spec, null);
      for (const h of [
        [0.5, 0.5],
        [0.3, 0.7],
      ] as const) {
        const opts = { reps: 40, seed: 7, stream: 3 };
        const got = rddBootstrap(left, right, st, h, opts);
        const want = referenceRddBootstrap(left, right, st, h, opts);
        expect(got.ci).not.toBeNull();
        expect(got).toEqual(want);
        expect(Object.is(got.se, want.se)).toBe(true);
      }
    });
  }
});

describe("rddBootstrap on the tutorial fixture", () => {
  it("the headline run (h = 0.1, 500 replicates, seed 7, stream 0) is pinned bit for bit (values of c4a36cf)", () => {
    const spec = parseRddSpec({
      outcome: "task_completed",
      running: "query_confidence",
      cutoff: 0.85,
      treated: "below",
      kernel: "uniform",
      support: "open",
      vce: "hc3",
    });
    const layout = layoutRdd(saasFixture(), spec);
    const b = rddBootstrap(layout.left, layout.right, fitSettings(spec, null), [0.1, 0.1], {
      reps: 500,
      seed: 7,
      stream: 0,
    });
    expect(b.ci).toEqual([0.03107361068951764, 0.08013870002234127]);
    expect(b.se).toBe(0.01279687845395439);
    expect(b.failed).toBe(0);
  });
});
