import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { CellFrame } from "../../../src/core/cells.js";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import type { DeepReadonly } from "../../../src/core/result.js";
import {
  matchedDifferences,
  matchRowsByUnits,
  matchWeights,
  nearestNeighbourMatch,
  type PropensityResult,
  type PropensitySpec,
  parsePropensitySpec,
  propensity,
  propensityCellRequest,
  propensityDesign,
  propensityFromCells,
} from "../../../src/designs/propensity/index.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { saasFixture } from "../../helpers/fixture.js";

const TUTORIAL: PropensitySpec = {
  treatment: "opt_in_agent_mode",
  outcome: "task_completed",
  covariates: ["engagement_tier", "query_confidence"],
};
const TIER: PropensitySpec = { ...TUTORIAL, covariates: ["engagement_tier"] };

function cellsOf(frame: Frame, spec: PropensitySpec): CellFrame {
  return compressFrameToCells(frame, propensityCellRequest(parsePropensitySpec(spec), {}));
}

async function fromCells(frame: Frame, spec: PropensitySpec): Promise<DeepReadonly<PropensityResult>> {
  return await propensityFromCells(cellsOf(frame, spec), parsePropensitySpec(spec));
}

/** Every number to 1e-10 relative (1e-12 absolute), every other value exactly, the same keys; `compression` aside. */
function expectSame(cells: DeepReadonly<PropensityResult>, rows: DeepReadonly<PropensityResult>): void {
  const { compression: _c, ...a } = cells;
  const { compression: _r, ...b } = rows;
  expect(rows.compression).toBeNull();
  expect(cells.compression?.path).toBe("cells");
  expect(keyPaths(a)).toEqual(keyPaths(b));
  expectClose(a, b, TOL.identity, "result");
}

function keyPaths(x: unknown, at = ""): string[] {
  if (x === null || typeof x !== "object") return [at];
  return Object.entries(x).flatMap(([k, v]) => keyPaths(v, `${at}.${k}`));
}

/** Rows in reverse order: the cells come out in another order. */
function reversed(frame: Frame): Frame {
  return frame.take(Int32Array.from({ length: frame.nrows }, (_, i) => frame.nrows - 1 - i));
}

describe("propensity from compressed cells: tutorial fixture", () => {
  const frame = saasFixture();
  // The row-order-dependent matching options list every tied control of every treated row (quadratic with
  // categorical-only covariates): those run on the first 2000 rows.
  const head = frame.take(Int32Array.from({ length: 2000 }, (_, i) => i));

  test("tutorial spec: every number of the result equals the row analysis", async () => {
    const rows = propensity(frame, TUTORIAL);
    const cells = await fromCells(frame, TUTORIAL);
    expectSame(cells, rows);
    // both fit on the rows in one canonical order: bitwise equal
    expect({ ...cells, compression: null }).toEqual(rows);
    expect(cells.compression?.rows).toBe(frame.nrows);
    expect(cells.compression?.keys).toEqual([
      "opt_in_agent_mode",
      "task_completed",
      "engagement_tier",
      "query_confidence",
    ]);
    // query_confidence is continuous: a key at its exact values, said in rowDetail
    expect(cells.compression?.rowDetail.map((r) => r.part)).toEqual(["covariate 'query_confidence'"]);
  });

  test("design.run compresses first and reports it", async () => {
    const res = await propensityDesign.run(frame, TUTORIAL);
    expect(res.compression?.path).toBe("cells");
    expectSame(res, propensity(frame, TUTORIAL));
  });

  test("categorical covariates, 0/1 outcome: 12 cells, with trimming, bootstrap, ATT, IPW and the demonstration", async () => {
    const spec: PropensitySpec = {
      ...TIER,
      estimand: "ATT",
      estimator: "ipw",
      trim: { rule: "crump" },
      misspecify: "propensity",
      bootstrap: { reps: 40, seed: 11 },
      sensitivity: { gammas: [1, 1.5, 2] },
    };
    const rows = propensity(frame, spec);
    const cells = await fromCells(reversed(frame), spec);
    expect(cells.compression?.cells).toBe(12);
    expect(cells.compression?.rowDetail).toEqual([]);
    expectSame(cells, rows);
    // the resampled rows are the same rows, refitted from the same coefficients: identical, not merely close
    expect(cells.ipw.bootstrap).toEqual(rows.ipw.bootstrap);
  });

  test("bootstrap on threads equals the single-thread bootstrap", async () => {
    const spec: PropensitySpec = { ...TIER, bootstrap: { reps: 20, seed: 3 } };
    const one = await propensityDesign.run(head, spec);
    const two = await propensityDesign.run(head, spec, { threads: 2 });
    expect(two.ipw.bootstrap?.ate).toEqual(one.ipw.bootstrap?.ate);
    expect(two.ipw.bootstrap?.att).toEqual(one.ipw.bootstrap?.att);
    expect(one.ipw.bootstrap).toEqual(propensity(head, spec).ipw.bootstrap);
  });

  test("matching options: ATE matching with k = 2, a caliper, on the logit", async () => {
    const spec: PropensitySpec = {
      ...TUTORIAL,
      matching: { k: 2, caliper: 0.1, estimand: "ATE", distance: "logit" },
      balance: { denominator: "treated", extra: ["engagement_tier"] },
    };
    expectSame(await fromCells(frame, spec), propensity(frame, spec));
  });

  test("the counts are used: doubling every count doubles the rows but not the estimate", async () => {
    const cells = cellsOf(head, TIER);
    const counts = cells.frame.numeric(cells.count);
    const doubled = Frame.fromColumns(
      new Map([
        ...cells.frame.names.map((n) => [n, cells.frame.column(n)] as const),
        [cells.count, { kind: "f64" as const, values: Float64Array.from(counts, (c) => 2 * c) }],
      ]),
    );
    const spec = parsePropensitySpec(TIER);
    const one = await propensityFromCells(cells, spec);
    const two = await propensityFromCells({ ...cells, frame: doubled }, spec);
    expect(two.n.obs).toBe(2 * one.n.obs);
    expectClose(two.ipw.ate.estimate, one.ipw.ate.estimate, TOL.identity);
    expect(two.ipw.ate.se).toBeLessThan(one.ipw.ate.se ?? 0);
    // counts of 1 (each cell once) would be a different analysis
    const ones = Frame.fromColumns(
      new Map([
        ...cells.frame.names.map((n) => [n, cells.frame.column(n)] as const),
        [cells.count, { kind: "f64" as const, values: new Float64Array(counts.length).fill(1) }],
      ]),
    );
    const flat = await propensityFromCells({ ...cells, frame: ones }, spec);
    expect(flat.n.obs).toBe(counts.length);
    expect(flat.ipw.ate.estimate).not.toBeCloseTo(one.ipw.ate.estimate, 6);
  });

  test("order-dependent matching is refused on cells and runs on the rows", async () => {
    for (const matching of [{ ties: "first" as const }, { replace: false }]) {
      const spec: PropensitySpec = { ...TIER, matching };
      expect(errorCode(() => fromCellsSync(head, spec))).toBe("E_UNSUPPORTED_COMPRESSED");
      const res = await propensityDesign.run(head, spec);
      expect(res.compression).toBeNull();
    }
  });
});

function fromCellsSync(frame: Frame, spec: PropensitySpec): unknown {
  return propensityFromCells(cellsOf(frame, spec), parsePropensitySpec(spec));
}

describe("propensity from compressed cells: errors", () => {
  const n = 40;
  const base = (over: Record<string, (number | string | null)[]> = {}): Frame =>
    Frame.fromObject({
      d: Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0)),
      y: Array.from({ length: n }, (_, i) => (i * 7) % 5),
      x: Array.from({ length: n }, (_, i) => ((i * 13) % 17) / 17),
      tier: Array.from({ length: n }, (_, i) => ["a", "b", "c"][Math.floor(i / 3) % 3]),
      ...over,
    });
  const spec: PropensitySpec = { treatment: "d", outcome: "y", covariates: ["x", "tier"] };
  const yNaN = Array.from({ length: n }, (_, i) => (i === 5 ? Number.NaN : i % 2));
  const tierNull: (string | null)[] = Array.from({ length: n }, (_, i) => ["a", "b"][i % 2]);
  tierNull[4] = null;
  const d = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  const cases: [string, Frame, PropensitySpec, string][] = [
    ["NaN outcome", base({ y: yNaN }), spec, "E_MISSING_VALUES"],
    [
      "infinite covariate",
      base({ x: yNaN.map((v) => (Number.isNaN(v) ? Number.POSITIVE_INFINITY : v)) }),
      spec,
      "E_NONFINITE_VALUES",
    ],
    ["missing level", base({ tier: tierNull }), spec, "E_MISSING_VALUES"],
    ["constant treatment", base({ d: new Array(n).fill(0) }), spec, "E_CONSTANT_TREATMENT"],
    ["treatment not 0/1", base({ d: Array.from({ length: n }, (_, i) => i % 3) }), spec, "E_NOT_BINARY"],
    [
      "no overlap after trimming",
      base(),
      { ...spec, trim: { rule: "bounds", lower: 0.45, upper: 0.55 } },
      "E_PS_NO_OVERLAP",
    ],
    [
      "separation",
      base({ d, x: d.map((v, i) => (v === 1 ? 10 + i : i / 40)) }),
      spec,
      "E_PERFECT_SEPARATION",
    ],
    ["text outcome", base({ y: new Array(n).fill("a") }), spec, "E_COLUMN_TYPE"],
    ["empty", base().take(new Int32Array(0)), spec, "E_EMPTY_DATA"],
  ];
  test.each(cases)("%s: the same code on both paths", async (_name, frame, s, code) => {
    expect(errorCode(() => propensity(frame, s))).toBe(code);
    expect(errorCode(() => fromCellsSync(frame, s))).toBe(code);
    await expect(Promise.resolve().then(() => propensityDesign.run(frame, s))).rejects.toMatchObject({
      code,
    });
  });

  test("scores of exactly 0 or 1: E_PS_NO_OVERLAP on both paths", () => {
    const m = 400;
    const x = Array.from({ length: m }, (_, i) => (i % 40) - 20);
    const dd = x.map((v, i) => (v > 0 ? 1 : v < 0 ? 0 : i % 2));
    const frame = Frame.fromObject({ x, d: dd, y: x.map((v, i) => (v + i) % 2) });
    const s: PropensitySpec = { treatment: "d", outcome: "y", covariates: ["x"] };
    const rowsCode = errorCode(() => propensity(frame, s));
    expect(errorCode(() => fromCellsSync(frame, s))).toBe(rowsCode);
  });

  test("a cell count that is not a non-negative integer is refused", () => {
    const cells = cellsOf(base(), spec);
    const bad = Frame.fromColumns(
      new Map([
        ...cells.frame.names.map((nm) => [nm, cells.frame.column(nm)] as const),
        [cells.count, { kind: "f64" as const, values: new Float64Array(cells.frame.nrows).fill(1.5) }],
      ]),
    );
    expect(errorCode(() => propensityFromCells({ ...cells, frame: bad }, parsePropensitySpec(spec)))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});

describe("propensity from compressed cells: property", () => {
  const row = fc.record({
    d: fc.integer({ min: 0, max: 1 }),
    tier: fc.constantFrom("a", "b", "c"),
    x: fc.integer({ min: 0, max: 3 }),
    y: fc.integer({ min: 0, max: 1 }),
    z: fc.double({ min: -2, max: 2, noNaN: true }),
  });
  const options = fc.record({
    continuous: fc.boolean(),
    estimand: fc.constantFrom("ATE" as const, "ATT" as const),
    estimator: fc.constantFrom("ipw" as const, "ra" as const, "aipw" as const),
    crump: fc.boolean(),
    k: fc.integer({ min: 1, max: 3 }),
    boot: fc.boolean(),
  });
  test("cells and rows agree (or raise the same code) on small random data", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 12, maxLength: 80 }), options, async (rs, o) => {
        const frame = Frame.fromObject({
          d: rs.map((r) => r.d),
          tier: rs.map((r) => r.tier),
          x: rs.map((r) => r.x),
          y: rs.map((r) => (o.continuous ? Math.round(r.z * 8) / 8 : r.y)),
        });
        const spec: PropensitySpec = {
          treatment: "d",
          outcome: "y",
          covariates: ["tier", "x"],
          estimand: o.estimand,
          estimator: o.estimator,
          matching: { k: o.k },
          ...(o.crump ? { trim: { rule: "crump" as const } } : {}),
          ...(o.boot ? { bootstrap: { reps: 5, seed: 1 } } : {}),
        };
        let rows: DeepReadonly<PropensityResult> | null = null;
        const rowsCode = errorCode(() => {
          rows = propensity(frame, spec);
        });
        const cellsCode = errorCode(() => fromCellsSync(reversed(frame), spec));
        expect(cellsCode).toBe(rowsCode);
        if (rows !== null) expectSame(await fromCells(reversed(frame), spec), rows);
      }),
      { numRuns: 40, seed: 14 },
    );
  });
});

describe("matching on units of identical rows", () => {
  test("equals the row matching (ties all, with replacement): estimate, SEs, weights, differences", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            p: fc.constantFrom(0.2, 0.3, 0.35, 0.5, 0.65, 0.8),
            t: fc.integer({ min: 0, max: 1 }),
            y: fc.integer({ min: 0, max: 2 }),
          }),
          { minLength: 4, maxLength: 60 },
        ),
        fc.record({
          k: fc.integer({ min: 1, max: 4 }),
          estimand: fc.constantFrom("ATT" as const, "ATE" as const),
          distance: fc.constantFrom("ps" as const, "logit" as const),
          caliper: fc.option(fc.constantFrom(0.1, 0.5, 2), { nil: undefined }),
          varianceNeighbours: fc.integer({ min: 1, max: 3 }),
        }),
        (rs, o) => {
          const ps = Float64Array.from(rs, (r) => r.p);
          const treated = Uint8Array.from(rs, (r) => r.t);
          const y = Float64Array.from(rs, (r) => r.y);
          fc.pre(treated.includes(0) && treated.includes(1)); // the design validated both arms before matching
          const rowsCode = errorCode(() => nearestNeighbourMatch(ps, treated, y, o));
          const unitsCode = errorCode(() => matchRowsByUnits(ps, treated, y, o));
          expect(unitsCode).toBe(rowsCode);
          if (rowsCode !== undefined) return;
          const rows = nearestNeighbourMatch(ps, treated, y, o);
          const units = matchRowsByUnits(ps, treated, y, o);
          const { weights: _w, sets: _s, ...reported } = rows;
          expect(keyPaths(units.match)).toEqual(keyPaths(reported));
          expectClose(units.match, reported, TOL.identity, "match");
          expectClose(units.weights, matchWeights(rows), TOL.identity, "weights");
          const sorted = (a: Float64Array) => Float64Array.from(a).sort();
          const expanded = Array.from(units.differences).flatMap((d, j) =>
            new Array<number>(units.differenceCounts[j]).fill(d),
          );
          expectClose(
            sorted(Float64Array.from(expanded)),
            sorted(matchedDifferences(rows, y)),
            TOL.identity,
            "diff",
          );
        },
      ),
      { numRuns: 300, seed: 14 },
    );
  });
});
