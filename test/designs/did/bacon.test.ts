import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import {
  BACON_COMPARISON_TYPES,
  type BaconComparisonType,
  type BaconSpec,
  baconDecomposition,
  baconDiagnostics,
} from "../../../src/designs/did/bacon.js";
import { ols } from "../../../src/models/ols.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

interface GoldenComparison {
  type: BaconComparisonType;
  treated: number;
  control: number | "never";
  estimate: number;
  weight: number;
}
interface BaconGolden {
  spec: BaconSpec;
  twfe: number;
  weighted_sum: number;
  comparisons: GoldenComparison[];
  by_type: Partial<Record<BaconComparisonType, { comparisons: number; weight: number; estimate: number }>>;
  groups: { start: number | "never"; units: number }[];
  n: { obs: number; units: number; periods: number };
}

/** Theorem 1 must hold to this absolute tolerance (the acceptance criterion). */
const IDENTITY_ATOL = 1e-10;
/** Normalised weights: exact rational arithmetic up to rounding. */
const WEIGHT_TOL = { rtol: 1e-12, atol: 1e-15 };

type Result = ReturnType<typeof baconDecomposition>;

function expectGolden(res: Result, g: BaconGolden): void {
  expectClose(res.twfe, g.twfe, TOL.estimate, "twfe");
  expectClose(res.weightedSum, g.weighted_sum, TOL.estimate, "weightedSum");
  expect(res.n).toEqual(g.n);
  expect(res.groups).toEqual(g.groups);
  const key = (c: { type: string; treated: number; control: number | string }) =>
    `${c.type}/${c.treated}/${c.control}`;
  expect(res.comparisons.map(key).sort()).toEqual(g.comparisons.map(key).sort());
  for (const e of g.comparisons) {
    const a = res.comparisons.find((c) => key(c) === key(e))!;
    expectClose(a.estimate, e.estimate, TOL.estimate, `${key(e)}.estimate`);
    expectClose(a.weight, e.weight, WEIGHT_TOL, `${key(e)}.weight`);
  }
  for (const t of BACON_COMPARISON_TYPES) {
    const e = g.by_type[t];
    const a = res.byType[t];
    if (!e) {
      expect(a).toEqual({ comparisons: 0, weight: 0, estimate: null });
      continue;
    }
    expect(a.comparisons).toBe(e.comparisons);
    expectClose(a.weight, e.weight, WEIGHT_TOL, `${t}.weight`);
    expectClose(a.estimate, e.estimate, TOL.estimate, `${t}.estimate`);
  }
}

describe("golden: mpdta (statsmodels TWFE + direct 2×2 formulas)", () => {
  const golden = loadGolden<BaconGolden>("did", "bacon-mpdta");
  const frame = readFixture("mpdta.csv.gz");
  const res = baconDecomposition(frame, golden.expected.spec);

  it("records its provenance", () => {
    expect(golden.tool).toContain("statsmodels");
    expect(golden.version).toContain("0.13.5");
    expect(golden.call).toContain("C(countyreal)");
    expect(golden.data).toMatchObject({ path: "test/fixtures/mpdta.csv.gz" });
  });

  it("Σ weight × estimate equals truelift's own TWFE coefficient to 1e-10 (Theorem 1)", () => {
    expect(Math.abs(res.weightedSum - res.twfe)).toBeLessThanOrEqual(IDENTITY_ATOL);
    expect(Math.abs(res.comparisons.reduce((s, c) => s + c.weight, 0) - 1)).toBeLessThan(1e-14);
  });

  it("matches the golden TWFE, every 2×2 estimate and weight, and the per-type summary", () => {
    expectGolden(res, golden.expected);
    expect(res.twfe.toFixed(4)).toBe("-0.0365");
    expect(res.comparisons).toHaveLength(9);
  });

  it("lists comparisons by type, treated, control, with their windows", () => {
    expect(res.comparisons.map((c) => [c.type, c.treated, c.control, ...c.window])).toEqual([
      ["treated-vs-never", 2004, "never", 2003, 2007],
      ["treated-vs-never", 2006, "never", 2003, 2007],
      ["treated-vs-never", 2007, "never", 2003, 2007],
      ["earlier-vs-later", 2004, 2006, 2003, 2005],
      ["earlier-vs-later", 2004, 2007, 2003, 2006],
      ["earlier-vs-later", 2006, 2007, 2003, 2006],
      ["later-vs-earlier", 2006, 2004, 2004, 2007],
      ["later-vs-earlier", 2007, 2004, 2004, 2007],
      ["later-vs-earlier", 2007, 2006, 2006, 2007],
    ]);
  });

  it("is frozen, JSON-serialisable data with provenance", () => {
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.isFrozen(res.comparisons[0])).toBe(true);
    expect(Object.isFrozen(res.byType["treated-vs-never"])).toBe(true);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
    expect(res.method).toBe("bacon");
    expect(res.provenance).toMatchObject({
      engine: "memory",
      spec: { outcome: "lemp", unit: "countyreal", time: "year", treatStart: "first.treat" },
    });
  });

  it("warns: the forbidden comparisons (5.4 %) have the opposite sign of the clean ones", () => {
    const d = baconDiagnostics(res);
    expect(d.code).toBe("D_BACON_FORBIDDEN");
    expect(d.severity).toBe("warn");
    expect(d.evidence.oppositeSign).toBe(true);
    expectClose(d.evidence.forbiddenWeight, golden.expected.by_type["later-vs-earlier"]!.weight, WEIGHT_TOL);
    expect(d.message).toMatch(/opposite sign/);
    expect(d.message).toMatch(/Callaway–Sant'Anna/);
    expect(res.diagnostics[0]).toEqual(d);
  });
});

describe("golden: simulated panel with always-treated units", () => {
  const golden = loadGolden<BaconGolden>("did", "bacon-simulated");
  const cols = (golden.data as { columns: Record<string, (number | string)[]> }).columns;
  const frame = Frame.fromObject(cols as Record<string, number[] | string[]>);
  const res = baconDecomposition(frame, golden.expected.spec);

  it("matches the golden numbers, including 'later vs always treated'", () => {
    expectGolden(res, golden.expected);
    expect(res.byType["later-vs-always"].comparisons).toBe(3);
    expect(res.comparisons.filter((c) => c.type === "later-vs-always").every((c) => c.control === 1)).toBe(
      true,
    );
    expect(Math.abs(res.weightedSum - res.twfe)).toBeLessThanOrEqual(IDENTITY_ATOL);
  });

  it("warns on material forbidden weight", () => {
    const d = baconDiagnostics(res);
    expect(d.severity).toBe("warn");
    expect(d.evidence.forbiddenWeight as number).toBeGreaterThan(0.4);
    expect(d.message).toMatch(/more than 10\.0%/);
  });

  it("gives the same decomposition from a 0/1 treatment indicator, and from shuffled rows", () => {
    const t = cols.t as number[];
    const start = cols.start as number[];
    const d = t.map((ti, i) => (start[i] !== 0 && ti >= start[i] ? 1 : 0));
    const viaD = baconDecomposition(frame.withColumn("d", d), {
      outcome: "y",
      unit: "unit",
      time: "t",
      treatment: "d",
    });
    expect(viaD.comparisons).toEqual(res.comparisons);
    const rng = createRng(5);
    const perm = Int32Array.from({ length: frame.nrows }, (_, i) => i);
    for (let i = perm.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [perm[i], perm[j]] = [perm[j], perm[i]];
    }
    const shuffled = baconDecomposition(frame.take(perm), golden.expected.spec);
    expect(shuffled.groups).toEqual(res.groups);
    for (let i = 0; i < res.comparisons.length; i++) {
      expect(shuffled.comparisons[i].type).toBe(res.comparisons[i].type);
      expectClose(shuffled.comparisons[i].estimate, res.comparisons[i].estimate, TOL.identity);
      expect(shuffled.comparisons[i].weight).toBe(res.comparisons[i].weight);
    }
    expectClose(shuffled.twfe, res.twfe, TOL.identity);
  });
});

// ---------------------------------------------------------------------------------------------------------

interface Panel {
  frame: Frame;
  /** First-treatment period per unit (0 = never). */
  startOf: number[];
  periods: number[];
}

/** A random balanced panel: timing groups at `starts` (0 = never, ≤ first period = always) with given sizes. */
function randomPanel(seed: number, periods: number[], starts: number[], sizes: number[]): Panel {
  const rng = createRng(seed);
  const unit: number[] = [];
  const time: number[] = [];
  const start: number[] = [];
  const y: number[] = [];
  const startOf: number[] = [];
  let id = 100;
  starts.forEach((g, gi) => {
    for (let m = 0; m < sizes[gi]; m++) {
      const alpha = rng.normal() * 2;
      const slope = rng.normal() * 0.1;
      startOf.push(g);
      for (const t of periods) {
        const treated = g !== 0 && t >= g;
        const effect = treated ? 1 + 0.5 * rng.normal() + 0.3 * (t - g) : 0;
        unit.push(id);
        time.push(t);
        start.push(g);
        y.push(10 + alpha + slope * t + Math.sin(t) + effect + rng.normal());
      }
      id += 3;
    }
  });
  return { frame: Frame.fromObject({ y, id: unit, t: time, g: start }), startOf, periods };
}

const SPEC: BaconSpec = { outcome: "y", unit: "id", time: "t", treatStart: "g" };

/** The 2×2 estimate re-fitted as bacondecomp does: TWFE on the two groups within the window. */
function subsampleTwfe(
  p: Panel,
  treated: number,
  control: number | "never",
  lo: number,
  hi: number,
  T0: number,
) {
  const g = p.frame.numeric("g");
  const t = p.frame.numeric("t");
  const group = (s: number) => (s === 0 ? "never" : Math.max(s, T0));
  const keep = Array.from(g, (s, i) => {
    const gs = group(s);
    return (gs === treated || gs === control) && t[i] >= lo && t[i] <= hi ? 1 : 0;
  });
  const sub = p.frame.filter(keep);
  const tt = sub.numeric("t");
  const gg = sub.numeric("g");
  const d = Array.from(tt, (ti, i) => (gg[i] !== 0 && ti >= gg[i] ? 1 : 0));
  return ols(sub.withColumn("D", d), {
    outcome: "y",
    terms: [{ factors: [{ kind: "numeric", column: "D" }] }],
    absorb: ["id", "t"],
  }).terms[0].estimate;
}

describe("property: random balanced panels", () => {
  const arb = fc.record({
    seed: fc.integer({ min: 1, max: 1_000_000 }),
    T: fc.integer({ min: 4, max: 9 }),
    groups: fc.integer({ min: 3, max: 5 }),
    never: fc.boolean(),
    always: fc.boolean(),
    sizes: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 7, maxLength: 7 }),
    gapped: fc.boolean(),
  });

  it("weights are non-negative, sum to 1, and Σ wβ equals the TWFE coefficient to 1e-10", () => {
    fc.assert(
      fc.property(arb, ({ seed, T, groups, never, always, sizes, gapped }) => {
        const step = gapped ? 2 : 1;
        const periods = Array.from({ length: T }, (_, i) => 2000 + step * i);
        // Distinct timing groups among periods 2..T−1 (rank ≥ 1), first-seen order from a seeded shuffle.
        const rng = createRng(seed, 1);
        const pool = periods.slice(1);
        for (let i = pool.length - 1; i > 0; i--) {
          const j = rng.int(i + 1);
          [pool[i], pool[j]] = [pool[j], pool[i]];
        }
        const starts = pool.slice(0, Math.min(groups, pool.length));
        if (never) starts.push(0);
        if (always) starts.push(periods[0] - (seed % 3)); // at or before the first period
        const p = randomPanel(seed, periods, starts, sizes.slice(0, starts.length));
        const res = baconDecomposition(p.frame, SPEC);
        expect(Math.abs(res.weightedSum - res.twfe)).toBeLessThanOrEqual(IDENTITY_ATOL);
        expect(res.comparisons.every((c) => c.weight > 0)).toBe(true);
        expect(Math.abs(res.comparisons.reduce((s, c) => s + c.weight, 0) - 1)).toBeLessThan(1e-12);
        const k = Math.min(groups, pool.length);
        const expected = {
          "treated-vs-never": never ? k : 0,
          "earlier-vs-later": (k * (k - 1)) / 2,
          "later-vs-earlier": (k * (k - 1)) / 2,
          "later-vs-always": always ? k : 0,
        };
        for (const t of BACON_COMPARISON_TYPES) expect(res.byType[t].comparisons).toBe(expected[t]);
        const byTypeTotal = BACON_COMPARISON_TYPES.reduce((s, t) => s + res.byType[t].weight, 0);
        expect(Math.abs(byTypeTotal - 1)).toBeLessThan(1e-12);
      }),
      { numRuns: 60, seed: 20260401 },
    );
  });

  it("each 2×2 estimate equals TWFE fitted on its own subsample (bacondecomp's feols definition)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.boolean(),
        fc.boolean(),
        (seed, never, always) => {
          const periods = [1, 2, 3, 4, 5, 6, 7];
          const starts = [3, 5, 6];
          if (never) starts.push(0);
          if (always) starts.push(1);
          const p = randomPanel(seed, periods, starts, [3, 2, 4, 3, 2]);
          const res = baconDecomposition(p.frame, SPEC);
          for (const c of res.comparisons) {
            const b = subsampleTwfe(p, c.treated, c.control, c.window[0], c.window[1], 1);
            expectClose(c.estimate, b, { rtol: 1e-9, atol: 1e-10 }, `${c.type} ${c.treated}/${c.control}`);
          }
        },
      ),
      { numRuns: 15, seed: 7 },
    );
  });
});

describe("conventions", () => {
  it("a start between observed periods takes effect at the next period; a start after the panel is never", () => {
    const periods = [1, 3, 5, 7];
    const p = randomPanel(3, periods, [2, 5, 0], [3, 3, 3]);
    const res = baconDecomposition(p.frame, SPEC);
    expect(res.groups).toEqual([
      { start: 3, units: 3 },
      { start: 5, units: 3 },
      { start: "never", units: 3 },
    ]);
    const late = randomPanel(3, periods, [2, 5, 99], [3, 3, 3]);
    const resLate = baconDecomposition(late.frame, SPEC);
    expect(resLate.comparisons).toEqual(res.comparisons);
    const missing = late.frame.withColumn(
      "g",
      Array.from(late.frame.numeric("g"), (v) => (v === 99 ? null : v)),
    );
    expect(baconDecomposition(missing, SPEC).comparisons).toEqual(res.comparisons);
  });

  it("accepts string unit ids", () => {
    const p = randomPanel(8, [1, 2, 3, 4], [2, 3, 0], [2, 2, 2]);
    const ids = Array.from(p.frame.numeric("id"), (v) => `u${v}`);
    const res = baconDecomposition(p.frame.withColumn("id", ids), SPEC);
    expect(res.comparisons).toEqual(baconDecomposition(p.frame, SPEC).comparisons);
  });

  it("passes when the only comparisons are clean", () => {
    const p = randomPanel(4, [1, 2, 3, 4, 5], [3, 0], [4, 4]);
    const res = baconDecomposition(p.frame, SPEC);
    expect(res.comparisons).toHaveLength(1);
    expect(res.comparisons[0].weight).toBe(1);
    const d = baconDiagnostics(res);
    expect(d.severity).toBe("pass");
    expect(d.evidence.forbiddenWeight).toBe(0);
    expect(d.evidence.forbiddenEstimate).toBeNull();
    expect(res.byType["later-vs-earlier"]).toEqual({ comparisons: 0, weight: 0, estimate: null });
  });

  it("diagnostic threshold: warns above it, and on an opposite sign whatever the weight", () => {
    const byType = (fw: number, fe: number, ce: number) => ({
      twfe: 0,
      byType: {
        "treated-vs-never": { comparisons: 1, weight: 1 - fw, estimate: ce },
        "earlier-vs-later": { comparisons: 0, weight: 0, estimate: null },
        "later-vs-earlier": { comparisons: 1, weight: fw, estimate: fe },
        "later-vs-always": { comparisons: 0, weight: 0, estimate: null },
      },
    });
    expect(baconDiagnostics(byType(0.05, 1, 2)).severity).toBe("pass");
    expect(baconDiagnostics(byType(0.15, 1, 2)).severity).toBe("warn");
    expect(baconDiagnostics(byType(0.15, 1, 2), { threshold: 0.2 }).severity).toBe("pass");
    expect(baconDiagnostics(byType(0.05, -1, 2)).severity).toBe("warn");
    expect(errorCode(() => baconDiagnostics(byType(0.05, 1, 2), { threshold: 1.5 }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });

  it("handles a 200k-row panel quickly, with the identity intact", () => {
    const units = 20_000;
    const T = 10;
    const rng = createRng(99);
    const id = new Float64Array(units * T);
    const t = new Float64Array(units * T);
    const g = new Float64Array(units * T);
    const y = new Float64Array(units * T);
    for (let u = 0; u < units; u++) {
      const start = [0, 3, 5, 8, 1][u % 5];
      const a = rng.normal();
      for (let s = 0; s < T; s++) {
        const i = u * T + s;
        id[i] = u;
        t[i] = s + 1;
        g[i] = start;
        y[i] = a + 0.1 * s + (start !== 0 && s + 1 >= start ? 1 + 0.2 * (s + 1 - start) : 0) + rng.normal();
      }
    }
    const t0 = performance.now();
    const res = baconDecomposition(Frame.fromObject({ y, id, t, g }), SPEC);
    const ms = performance.now() - t0;
    expect(Math.abs(res.weightedSum - res.twfe)).toBeLessThanOrEqual(IDENTITY_ATOL);
    expect(res.n).toEqual({ obs: units * T, units, periods: T });
    expect(ms).toBeLessThan(5000);
  });
});

describe("refusals (as bacondecomp)", () => {
  const p = randomPanel(1, [1, 2, 3, 4], [2, 3, 0], [2, 2, 2]);

  it("an unbalanced panel → E_UNBALANCED_PANEL naming incomplete units", () => {
    const keep = Array.from({ length: p.frame.nrows }, (_, i) => (i === 5 ? 0 : 1));
    let err: unknown;
    try {
      baconDecomposition(p.frame.filter(keep), SPEC);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({
      code: "E_UNBALANCED_PANEL",
      details: { incompleteUnits: 1, examples: [103] },
    });
    expect((err as Error).message).toMatch(/not balanced: 23 rows for 6 units × 4 periods/);
  });

  it("duplicate unit-period rows → E_UNBALANCED_PANEL", () => {
    const idx = Int32Array.from({ length: p.frame.nrows }, (_, i) => (i === 1 ? 0 : i));
    expect(errorCode(() => baconDecomposition(p.frame.take(idx), SPEC))).toBe("E_UNBALANCED_PANEL");
    const extra = Int32Array.from({ length: p.frame.nrows + 1 }, (_, i) => (i === p.frame.nrows ? 0 : i));
    expect(errorCode(() => baconDecomposition(p.frame.take(extra), SPEC))).toBe("E_UNBALANCED_PANEL");
  });

  it("a treatment that switches off → E_TREATMENT_NOT_ABSORBING", () => {
    const t = p.frame.numeric("t");
    const g = p.frame.numeric("g");
    const d = Array.from(t, (ti, i) => (g[i] !== 0 && ti >= g[i] ? 1 : 0));
    d[15] = 0; // the second unit of the group starting at 3 (rows 12..15) is untreated again in period 4
    const spec = { outcome: "y", unit: "id", time: "t", treatment: "d" };
    expect(errorCode(() => baconDecomposition(p.frame.withColumn("d", d), spec))).toBe(
      "E_TREATMENT_NOT_ABSORBING",
    );
    const varying = Array.from(g);
    varying[1] = 3;
    expect(errorCode(() => baconDecomposition(p.frame.withColumn("g", varying), SPEC))).toBe(
      "E_TREATMENT_NOT_ABSORBING",
    );
    const two = Array.from(d, (v, i) => (i === 14 ? 2 : v));
    expect(errorCode(() => baconDecomposition(p.frame.withColumn("d", two), spec))).toBe("E_NOT_BINARY");
  });

  it("no timing variation → E_CONSTANT_TREATMENT", () => {
    expect(errorCode(() => baconDecomposition(randomPanel(2, [1, 2, 3], [2], [4]).frame, SPEC))).toBe(
      "E_CONSTANT_TREATMENT",
    );
    expect(errorCode(() => baconDecomposition(randomPanel(2, [1, 2, 3], [0], [4]).frame, SPEC))).toBe(
      "E_CONSTANT_TREATMENT",
    );
    expect(errorCode(() => baconDecomposition(randomPanel(2, [1, 2, 3], [1, 0], [2, 2]).frame, SPEC))).toBe(
      "E_CONSTANT_TREATMENT",
    );
  });

  it("bad specs and data → coded errors", () => {
    const f = p.frame;
    expect(errorCode(() => baconDecomposition(f, { outcome: "y", unit: "id", time: "t" }))).toBe(
      "E_INVALID_SPEC",
    );
    expect(errorCode(() => baconDecomposition(f, { ...SPEC, treatment: "g" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => baconDecomposition(f, { ...SPEC, unit: "" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => baconDecomposition(f, { ...SPEC, time: "id" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => baconDecomposition(f, { ...SPEC, outcome: "nope" }))).toBe("E_COLUMN_MISSING");
    const y = Array.from(f.numeric("y"));
    y[3] = Number.NaN;
    expect(errorCode(() => baconDecomposition(f.withColumn("y", y), SPEC))).toBe("E_MISSING_VALUES");
    y[3] = Number.POSITIVE_INFINITY;
    expect(errorCode(() => baconDecomposition(f.withColumn("y", y), SPEC))).toBe("E_NONFINITE_VALUES");
    const tt = Array.from(f.numeric("t"), String);
    expect(errorCode(() => baconDecomposition(f.withColumn("t", tt), SPEC))).toBe("E_COLUMN_TYPE");
    expect(errorCode(() => baconDecomposition(f.filter(new Uint8Array(f.nrows)), SPEC))).toBe("E_EMPTY_DATA");
  });
});
