import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import type { DeepReadonly } from "../../../src/core/result.js";
import {
  ipwBootstrap,
  type PropensityResult,
  type PropensitySpec,
  parsePropensitySpec,
  propensity,
  propensityCellRequest,
  propensityFit,
  propensityFromCells,
  stagePropensity,
} from "../../../src/designs/propensity/index.js";
import { errorCode } from "../../helpers/error-code.js";

/**
 * The row pipeline on the uncompressed frame (every row a unit of one, no compression): the analysis the cells
 * path must equal.
 */
function rowPipeline(frame: Frame, spec: PropensitySpec): DeepReadonly<PropensityResult> {
  const run = stagePropensity(frame, spec, null);
  const input = run.bootstrapInput;
  return run.finish(input ? ipwBootstrap(input) : null).result;
}

/**
 * Absolute tolerance of quantities that are zero in theory: an SMD or a z statistic of a covariate that the
 * weights balance exactly (a saturated logit balances its dummies) is rounding noise divided by an SD, so the
 * per-cell fit and the per-row fit give different noise (~1e-15 here). It is scaled to the data: the noise of a
 * sum of n terms of size ≤ 1 is ≤ n·ε ≈ 1e-14 for n ≤ 80, divided by SDs ≥ 0.05 → 1e-12; we allow 1e-10.
 * Everything else: 1e-10 relative (1e-12 absolute).
 */
const ZERO_IN_THEORY = /smd|Smd|statistic|pValue/;

// Matching on the logit scale is left out of the row comparison: log(p/(1 − p)) of two control patterns can be
// exactly equidistant from a treated one in float64 on one path and not on the other (the per-cell and per-row
// fits differ in the last bits of p), which flips a tie and changes the matched sets. On the cells, propensity()
// and propensityFromCells fit the same canonical cells, so the logit scale is compared bitwise there
// (compressed.test.ts).

function compare(a: unknown, b: unknown, path: string, bad: string[]): void {
  if (typeof b === "number" && typeof a === "number") {
    if (Number.isNaN(b) || Number.isNaN(a)) {
      if (Number.isNaN(a) !== Number.isNaN(b)) bad.push(`${path}: ${a} vs ${b}`);
      return;
    }
    if (!Number.isFinite(b) || !Number.isFinite(a)) {
      if (a !== b) bad.push(`${path}: ${a} vs ${b}`);
      return;
    }
    const atol = ZERO_IN_THEORY.test(path) ? 1e-10 : 1e-12;
    if (Math.abs(a - b) > atol + 1e-10 * Math.abs(b)) bad.push(`${path}: ${a} vs ${b}`);
    return;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (a !== b) bad.push(`${path}: ${String(a)} vs ${String(b)}`);
    return;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.join() !== kb.join()) {
    bad.push(`${path}: keys ${ka.join()} vs ${kb.join()}`);
    return;
  }
  for (const k of kb) {
    compare((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, bad);
  }
}

/**
 * Scores tied in theory: two distinct score values (or a score and a histogram edge k/20, or two distances from
 * a third score) within 1e-9. The per-cell and per-row fits put such scores a few ulps apart in different
 * directions, which flips the discontinuous parts of the analysis — which controls are nearest (matching, its
 * SEs, the matched balance and differences), which histogram bin or calibration decile a unit falls in, whether
 * a treated-control pair counts as a tie in the AUC — while
 * every continuous quantity still agrees to 1e-10.
 */
function tiedInTheory(scores: readonly number[]): boolean {
  const v = [...new Set(scores.filter(Number.isFinite))].sort((a, b) => a - b);
  const near = (a: number, b: number) => Math.abs(a - b) < 1e-9;
  for (let i = 0; i < v.length; i++) {
    if (i > 0 && near(v[i], v[i - 1])) return true;
    if (near(v[i] * 20, Math.round(v[i] * 20))) return true;
    for (let j = 0; j < v.length; j++) {
      for (let k = j + 1; k < v.length; k++) {
        if (j !== i && k !== i && near(Math.abs(v[i] - v[j]), Math.abs(v[i] - v[k]))) return true;
      }
    }
  }
  return false;
}

/** Diagnostics whose evidence comes from the matching or the histogram / deciles. */
const DISCONTINUOUS_DIAGNOSTICS = /MATCH|ROSENBAUM|CALIBRATION|OVERLAP|BALANCE/;

/**
 * Every number to 1e-10 relative, every string and key equal; diagnostics' messages (rounded numbers) aside.
 * `continuousOnly` leaves out the parts that jump at scores tied in theory ({@link tiedInTheory}).
 */
function expectEqualResults(
  cells: DeepReadonly<PropensityResult>,
  rows: DeepReadonly<PropensityResult>,
  continuousOnly: boolean,
): void {
  const strip = (r: DeepReadonly<PropensityResult>) => {
    const base = {
      ...r,
      compression: null,
      diagnostics: r.diagnostics.map(({ message: _m, ...d }) => d),
    };
    if (!continuousOnly) return base;
    const { matching: _m, sensitivity, overlap, model, balance, diagnostics, ...rest } = base;
    return {
      ...rest,
      eValue: sensitivity.eValue,
      overlap: { ...overlap, bins: null },
      model: { ...model, calibration: null, auc: null },
      balance: {
        ...balance,
        maxAbsSmdMatched: null,
        failing: null,
        rows: balance.rows.map((b) => ({
          ...b,
          meanTreatedMatched: null,
          meanControlMatched: null,
          smdMatched: null,
          varianceRatioMatched: null,
        })),
      },
      diagnostics: diagnostics.filter((d) => !DISCONTINUOUS_DIAGNOSTICS.test(d.code)),
    };
  };
  const bad: string[] = [];
  compare(strip(cells), strip(rows), "result", bad);
  expect(bad).toEqual([]);
}

const row = fc.record({
  d: fc.integer({ min: 0, max: 1 }),
  tier: fc.constantFrom("a", "b", "c"),
  flag: fc.integer({ min: 0, max: 1 }),
  x: fc.integer({ min: 0, max: 5 }),
  y: fc.integer({ min: 0, max: 1 }),
  z: fc.double({ min: -2, max: 2, noNaN: true }),
});
const options = fc.record({
  continuous: fc.boolean(),
  covariates: fc.constantFrom<PropensitySpec["covariates"][]>(
    ["tier", "x"],
    ["tier", "flag"],
    ["flag", "x"],
    ["tier", "flag", "x"],
    [{ spline: "x", df: 2 }, "flag"],
    [{ interaction: ["tier", "flag"] }],
  ),
  estimand: fc.constantFrom("ATE" as const, "ATT" as const),
  estimator: fc.constantFrom("ipw" as const, "ra" as const, "aipw" as const),
  trim: fc.constantFrom("none" as const, "crump" as const, "bounds" as const),
  k: fc.integer({ min: 1, max: 3 }),
  matchEstimand: fc.constantFrom("ATT" as const, "ATE" as const),
  caliper: fc.option(fc.constantFrom(0.2, 1), { nil: undefined }),
  boot: fc.boolean(),
  misspecify: fc.constantFrom("none" as const, "propensity" as const, "outcome" as const),
  denominator: fc.constantFrom("pooled" as const, "treated" as const),
});

describe("cells path = row pipeline on the uncompressed rows", () => {
  test("random categorical, binary and small-integer covariates; 0/1 and continuous outcomes", async () => {
    let fullyCompared = 0;
    let results = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(row, { minLength: 16, maxLength: 90 }), options, async (rs, o) => {
        const frame = Frame.fromObject({
          d: rs.map((r) => r.d),
          tier: rs.map((r) => r.tier),
          flag: rs.map((r) => r.flag),
          x: rs.map((r) => r.x),
          y: rs.map((r) => (o.continuous ? Math.round(r.z * 8) / 8 : r.y)),
        });
        const spec: PropensitySpec = {
          treatment: "d",
          outcome: "y",
          covariates: o.covariates,
          estimand: o.estimand,
          estimator: o.estimator,
          misspecify: o.misspecify,
          matching: {
            k: o.k,
            estimand: o.matchEstimand,
            ...(o.caliper !== undefined ? { caliper: o.caliper } : {}),
          },
          balance: { denominator: o.denominator, extra: ["tier", "x"] },
          sensitivity: { gammas: [1, 1.5, 3] },
          ...(o.trim === "crump" ? { trim: { rule: "crump" as const } } : {}),
          ...(o.trim === "bounds" ? { trim: { rule: "bounds" as const, lower: 0.15, upper: 0.85 } } : {}),
          ...(o.boot ? { bootstrap: { reps: 6, seed: 5 } } : {}),
        };
        let rows: DeepReadonly<PropensityResult> | null = null;
        const rowsCode = errorCode(() => {
          rows = rowPipeline(frame, spec);
        });
        let cells: DeepReadonly<PropensityResult> | null = null;
        const cellsCode = errorCode(() => {
          cells = propensity(frame, spec);
        });
        expect(cellsCode).toBe(rowsCode);
        if (rows === null || cells === null) return;
        results++;
        let scores: number[] | null = null;
        try {
          const { trim: _t, ...untrimmed } = spec;
          scores = [
            ...propensityFit(frame, untrimmed).scores,
            ...propensityFit(frame, spec).scores,
            ...(o.trim === "bounds" ? [0.15, 0.85] : []),
          ];
        } catch {
          scores = null;
        }
        const continuousOnly = scores === null || tiedInTheory(scores);
        if (!continuousOnly) fullyCompared++;
        expectEqualResults(cells, rows, continuousOnly);
        // the design's path (engine-style cells, in another order) is the same analysis, bitwise
        const fromCells = await propensityFromCells(
          compressFrameToCells(frame, propensityCellRequest(parsePropensitySpec(spec), {})),
          parsePropensitySpec(spec),
        );
        expect({ ...fromCells, compression: null }).toEqual(cells);
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 80), seed: Number(process.env.PROP_SEED ?? 2026) },
    );
    // most cases compare everything, matching and bins included
    expect(fullyCompared).toBeGreaterThan(results / 3);
  });

  test("memory is per cell: a billion rows in six cells, no bootstrap", async () => {
    const spec = parsePropensitySpec({
      treatment: "d",
      outcome: "y",
      covariates: ["tier"],
      estimator: "aipw",
    });
    const cellsFrame = Frame.fromObject({
      d: [0, 0, 1, 1, 0, 1, 0, 1, 0, 1, 0, 1],
      y: [0, 1, 0, 1, 0, 0, 1, 1, 1, 0, 0, 1],
      tier: ["a", "a", "a", "a", "b", "b", "b", "b", "c", "c", "c", "c"],
    });
    const counts = [9e7, 6e7, 2e7, 4e7, 8e7, 3e7, 7e7, 5e7, 1e8, 2e7, 9e7, 8e7];
    const total = counts.reduce((a, b) => a + b);
    const withCount = Frame.fromColumns(
      new Map([
        ...cellsFrame.names.map((n) => [n, cellsFrame.column(n)] as const),
        ["__n", { kind: "f64" as const, values: Float64Array.from(counts) }],
      ]),
    );
    const res = await propensityFromCells(
      { frame: withCount, count: "__n", withinSS: {}, comoment: {}, rowsScanned: total },
      spec,
    );
    expect(res.n.obs).toBe(total);
    expect(res.compression?.rows).toBe(total);
    expect(res.matching.treatedMatched).toBe(2e7 + 4e7 + 3e7 + 5e7 + 2e7 + 8e7);
    // the same analysis at a thousandth of the counts: estimates equal, SEs scale by √1000
    const small = Frame.fromColumns(
      new Map([
        ...cellsFrame.names.map((n) => [n, cellsFrame.column(n)] as const),
        ["__n", { kind: "f64" as const, values: Float64Array.from(counts, (c) => c / 1000) }],
      ]),
    );
    const ref = await propensityFromCells(
      { frame: small, count: "__n", withinSS: {}, comoment: {}, rowsScanned: total / 1000 },
      spec,
    );
    expect(Math.abs(res.estimate.estimate - ref.estimate.estimate)).toBeLessThan(1e-12);
    expect(Math.abs((res.estimate.se ?? 0) * Math.sqrt(1000) - (ref.estimate.se ?? 0))).toBeLessThan(1e-12);
    expect(Math.abs(res.matching.estimate - ref.matching.estimate)).toBeLessThan(1e-12);
  });
});
