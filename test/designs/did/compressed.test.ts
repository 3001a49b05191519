import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { TrueliftError } from "../../../src/core/errors.js";
import { Frame } from "../../../src/core/frame.js";
import { generatePanel } from "../../../src/data/generate/panel.js";
import { didCellRequest, frameColumnKinds } from "../../../src/designs/did/compression.js";
import { didDesign } from "../../../src/designs/did/design.js";
import { type DidResult, did, didFromCells, didOnRows } from "../../../src/designs/did/did.js";
import { type DidSpec, parseDidSpec } from "../../../src/designs/did/spec.js";
import { readFixture } from "../../helpers/fixture.js";

const REL = 1e-10;
const ABS = 1e-12;
/** Beyond any real quantity of the generated data (outcomes within ±10): a statistic of a zero variance. */
const HUGE = 1e6;

/** Walks two results: every number equal to 1e-10 relative (1e-12 absolute near 0), everything else exactly. */
function expectSame(a: unknown, b: unknown, path = "$", skip: readonly string[] = ["$.n.cells"]): void {
  if (skip.includes(path)) return;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b)) {
      expect(Object.is(a, b) || a === b, `${path}: ${a} vs ${b}`).toBe(true);
      return;
    }
    // A test statistic of a zero (rounding-noise) variance: ~1e30 in either summation order, never a number.
    if (Math.abs(a) > HUGE && Math.abs(b) > HUGE) return;
    const tol = Math.max(REL * Math.max(Math.abs(a), Math.abs(b)), ABS);
    if (Math.abs(a - b) > tol) expect.fail(`${path}: ${a} vs ${b} (|Δ| ${Math.abs(a - b)} > ${tol})`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${path}.length`).toBe(a.length);
    a.forEach((x, i) => {
      expectSame(x, b[i], `${path}[${i}]`, skip);
    });
    return;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const ka = Object.keys(a).sort();
    expect(Object.keys(b).sort(), `${path} keys`).toEqual(ka);
    const noise = zeroResidualTerm(a, b);
    for (const k of ka) {
      if (noise && INFERENCE.has(k)) continue;
      expectSame(Reflect.get(a, k), Reflect.get(b, k), `${path}.${k}`, skip);
    }
    return;
  }
  expect(b, path).toEqual(a);
}

const INFERENCE = new Set(["se", "statistic", "pValue", "ci", "ciLow", "ciHigh"]);

/**
 * A term whose variance is zero up to rounding (a sample fitted exactly, or a cluster-robust score that cancels
 * with few clusters, as tiny generated panels have): its variance is ~ε·scale², so its SE ~√ε·scale — exactly 0
 * (no inference) in one summation order and 1e-8 in another. On both paths only the estimate is compared then.
 * Real data never come near this; did() reports it for the headline via D_DID_ZERO_SE.
 */
function zeroResidualTerm(a: object, b: object): boolean {
  const est = Reflect.get(a, "estimate");
  if (typeof est !== "number" || !("se" in a) || !("se" in b)) return false;
  const tiny = (se: unknown) =>
    se === null || (typeof se === "number" && se <= 1e-7 * Math.max(1, Math.abs(est)));
  return tiny(Reflect.get(a, "se")) && tiny(Reflect.get(b, "se"));
}

/** The cells of `frame` for `spec`, as the engine's GROUP BY returns them. */
function cellsOf(frame: Frame, spec: DidSpec) {
  const s = parseDidSpec(spec);
  return compressFrameToCells(frame, didCellRequest(s, frameColumnKinds(frame)));
}

/** The code a call throws (null when it returns). */
function codeOf(f: () => unknown): string | null {
  try {
    f();
    return null;
  } catch (e) {
    if (e instanceof TrueliftError) return e.code;
    throw e;
  }
}

/** Row path and cells path (via `did` and via the design's compression pair) agree, errors included. */
function compareBoth(frame: Frame, spec: DidSpec): DidResult | null {
  const rowCode = codeOf(() => didOnRows(frame, spec));
  if (rowCode !== null) {
    expect(codeOf(() => did(frame, spec))).toBe(rowCode);
    expect(codeOf(() => didFromCells(cellsOf(frame, spec), spec))).toBe(rowCode);
    return null;
  }
  const rows = didOnRows(frame, spec);
  const viaDid = did(frame, spec);
  expectSame(rows, viaDid);
  const compression = didDesign.compression;
  if (!compression) throw new Error("didDesign.compression missing");
  const cells = cellsOf(frame, spec);
  const estimated = compression.estimate(cells, parseDidSpec(spec));
  if (estimated instanceof Promise) throw new Error("estimate is synchronous");
  expectSame(rows, estimated);
  expect(rows.n.cells).toBeNull();
  expect(viaDid.n.cells).toBe(cells.frame.nrows);
  expect(JSON.parse(JSON.stringify(viaDid))).toEqual(viaDid);
  return rows;
}

const TUTORIAL: DidSpec = {
  outcome: "task_completed",
  time: "signup_week",
  treatment: { startColumn: "treatment_week" },
  cluster: "workspace_id",
  covariates: ["engagement_tier"],
};
const tutorial = readFixture("saas_llm_logs_seed42.csv.gz");

describe("did from compressed cells equals did on the rows (tutorial fixture)", () => {
  it("the request: keys time, start, cluster, covariates; the outcome as the measure", () => {
    expect(didCellRequest(parseDidSpec(TUTORIAL), frameColumnKinds(tutorial))).toEqual({
      keys: ["signup_week", "treatment_week", "workspace_id", "engagement_tier"],
      measures: ["task_completed"],
    });
    const req = didDesign.compression?.request(
      parseDidSpec({ ...TUTORIAL, unit: "u", cluster: "u", covariates: [{ column: "x", kind: "numeric" }] }),
      {},
    );
    expect(req?.keys).toEqual(["signup_week", "treatment_week", "u", "x"]);
  });

  it("the tutorial spec: every number to 1e-10, every label exactly; 50,000 rows → a few thousand cells", () => {
    const r = compareBoth(tutorial, TUTORIAL);
    expect(r?.n.obs).toBe(28839);
    const cells = cellsOf(tutorial, TUTORIAL);
    expect(cells.frame.nrows).toBeLessThan(10000);
    expect(cells.rowsScanned).toBe(50000);
    const v = did(tutorial, TUTORIAL);
    expect(v.n.obs + v.n.dropped).toBe(50000);
    expect(v.twoByTwo?.cells.map((c) => c.n)).toEqual([9590, 4878, 9633, 4738]);
  });

  it("HC1 (no cluster), the group-column form, anticipation, a window and a numeric covariate", () => {
    compareBoth(tutorial, { ...TUTORIAL, cluster: null });
    compareBoth(tutorial, { ...TUTORIAL, anticipation: 1, inference: "normal" });
    compareBoth(tutorial, { ...TUTORIAL, window: { from: 5, to: 25 }, eventStudy: { leads: 3, lags: 2 } });
    const withGroup = tutorial.withColumn(
      "wave1",
      Float64Array.from(tutorial.numeric("treatment_week"), (s) => (s === 20 ? 1 : 0)),
    );
    compareBoth(withGroup, {
      outcome: "task_completed",
      time: "signup_week",
      treatment: { column: "wave1", start: 20 },
      cluster: "workspace_id",
      window: { to: 29 },
    });
    const score = Float64Array.from(
      { length: tutorial.nrows },
      (_, i) => String(tutorial.value("engagement_tier", i)).length % 3,
    );
    compareBoth(tutorial.withColumn("tier_score", score), { ...TUTORIAL, covariates: ["tier_score"] });
  });

  it("an engine's cells in another order give the same result (GROUP BY order is arbitrary)", () => {
    for (const spec of [TUTORIAL, { ...TUTORIAL, cluster: null }]) {
      const cells = cellsOf(tutorial, spec);
      const reversed = Int32Array.from({ length: cells.frame.nrows }, (_, i) => cells.frame.nrows - 1 - i);
      expectSame(
        didOnRows(tutorial, spec),
        didFromCells({ ...cells, frame: cells.frame.take(reversed) }, spec),
      );
    }
  });

  it("counts matter: cells of unequal size with the counts dropped give different SEs", () => {
    const spec: DidSpec = { ...TUTORIAL, cluster: null };
    const cells = cellsOf(tutorial, spec);
    const counts = cells.frame.numeric(cells.count);
    expect(Math.max(...counts)).toBeGreaterThan(Math.min(...counts));
    const ones = {
      ...cells,
      frame: cells.frame.withColumn(cells.count, new Float64Array(counts.length).fill(1)),
    };
    const rows = didOnRows(tutorial, spec);
    const wrong = didFromCells(ones, spec);
    expect(Math.abs((wrong.estimate.se ?? 0) - (rows.estimate.se ?? 0))).toBeGreaterThan(1e-6);
    // The clustered (CR1) SE, too.
    const cr = cellsOf(tutorial, TUTORIAL);
    const crOnes = { ...cr, frame: cr.frame.withColumn(cr.count, new Float64Array(cr.frame.nrows).fill(1)) };
    const right = didOnRows(tutorial, TUTORIAL).estimate.se ?? 0;
    expect(Math.abs((didFromCells(crOnes, TUTORIAL).estimate.se ?? 0) - right)).toBeGreaterThan(1e-6);
  });
});

describe("did from compressed cells: staggered adoption (generated panel)", () => {
  const { frame } = generatePanel({
    seed: 5,
    scenario: "staggered",
    units: 120,
    periods: 10,
    cohorts: [4, 6, 8],
  });
  const SPEC: DidSpec = {
    outcome: "y",
    time: "period",
    treatment: { startColumn: "first_treat" },
    unit: "unit",
  };

  it("with a unit: Callaway–Sant'Anna and the Bacon decomposition from one-row cells", () => {
    const r = compareBoth(frame, SPEC);
    expect(r?.estimateSource).toBe("callaway-santanna");
    expect(r?.staggered?.bacon).not.toBeNull();
    compareBoth(frame, { ...SPEC, covariates: ["x"], cluster: "cluster" });
    compareBoth(frame, {
      ...SPEC,
      staggered: { control: "notYet", estMethod: "ipw", bootstrap: { reps: 49, seed: 7 } },
    });
  });

  it("without a unit: TWFE on period × cohort cells, clustered or not", () => {
    const noUnit: DidSpec = { outcome: "y", time: "period", treatment: { startColumn: "first_treat" } };
    const r = compareBoth(frame, noUnit);
    expect(r?.estimateSource).toBe("twfe");
    expect(cellsOf(frame, noUnit).frame.nrows).toBeLessThan(60);
    compareBoth(frame, { ...noUnit, cluster: "cluster" });
  });

  it("a unit observed twice in a period: the same diagnostics (CS and Bacon not applicable)", () => {
    const idx = Int32Array.from({ length: frame.nrows + 1 }, (_, i) => (i < frame.nrows ? i : 0));
    const dup = frame.take(idx);
    const rows = didOnRows(dup, SPEC);
    const cells = did(dup, SPEC);
    const codes = (r: DidResult) =>
      r.diagnostics.filter((d) => d.code === "D_DID_NOT_APPLICABLE").map((d) => [d.severity, d.evidence]);
    expect(codes(cells)).toEqual(codes(rows));
    expect(codes(rows).length).toBe(2);
    expectSame(rows.twfe, cells.twfe);
    expectSame(rows.eventStudy, cells.eventStudy);
  });
});

describe("did from compressed cells: the same coded errors as on the rows", () => {
  const base = {
    t: [0, 0, 1, 1, 2, 2, 3, 3, 0, 1, 2, 3],
    s: [2, 0, 2, 0, 2, 0, 2, 0, 2, 0, 2, 0],
    g: ["a", "b", "a", "b", "c", "d", "c", "d", "a", "b", "c", "d"],
    y: [1, 2, 3, 1, 4, 2, 5, 3, 2, 1, 6, 2],
  };
  const spec: DidSpec = { outcome: "y", time: "t", treatment: { startColumn: "s" }, cluster: "g" };
  const cases: [string, Record<string, number[] | (string | null)[]>, string][] = [
    ["NaN outcome", { ...base, y: base.y.map((v, i) => (i === 3 ? Number.NaN : v)) }, "E_MISSING_VALUES"],
    ["missing cluster key", { ...base, g: base.g.map((v, i) => (i === 5 ? null : v)) }, "E_MISSING_VALUES"],
    ["constant treatment", { ...base, s: base.s.map(() => 2) }, "E_CONSTANT_TREATMENT"],
    ["constant outcome", { ...base, y: base.y.map(() => 1) }, "E_OUTCOME_CONSTANT"],
    ["constant outcome 0.1", { ...base, y: base.y.map(() => 0.1) }, "E_OUTCOME_CONSTANT"],
    ["no pre-period", { ...base, s: base.s.map((v) => (v === 2 ? -1 : v)) }, "E_TOO_FEW_PERIODS"],
    [
      "collinear with time",
      { ...base, s: base.t.map((t) => (t >= 2 ? 2 : 0)) },
      "E_TREATMENT_COLLINEAR_TIME",
    ],
  ];
  for (const [label, data, code] of cases) {
    it(label, () => {
      const frame = Frame.fromObject(data);
      expect(codeOf(() => didOnRows(frame, spec))).toBe(code);
      expect(codeOf(() => did(frame, spec))).toBe(code);
      expect(codeOf(() => didFromCells(cellsOf(frame, spec), spec))).toBe(code);
    });
  }

  it("cells without the outcome's within-cell sum of squares are refused (E_BAD_FREQUENCY)", () => {
    const cells = cellsOf(Frame.fromObject(base), spec);
    expect(codeOf(() => didFromCells({ ...cells, withinSS: {} }, spec))).toBe("E_BAD_FREQUENCY");
  });
});

/**
 * Small panels with repeated rows per cell (cells of 1 to 3+ rows): periods, two or three cohorts, clusters, a
 * text covariate, a continuous outcome (so no regression fits its sample exactly).
 */
const smallPanel = fc
  .record({
    periods: fc.integer({ min: 4, max: 5 }),
    starts: fc.constantFrom([0, 2], [0, 3], [2, 3], [0, 2, 3], [3, 0, 2]),
    clusters: fc.integer({ min: 8, max: 12 }),
    // Rows per cluster × period × tier (0 = none: unbalanced), and their outcomes.
    reps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 120, maxLength: 120 }),
    ys: fc.array(fc.double({ min: -5, max: 5, noNaN: true }), { minLength: 120, maxLength: 120 }),
  })
  .map(({ periods, starts, clusters, reps, ys }) => {
    const out = {
      t: [] as number[],
      s: [] as number[],
      g: [] as string[],
      tier: [] as string[],
      y: [] as number[],
    };
    let j = 0;
    for (let c = 0; c < clusters; c++) {
      for (let t = 0; t < periods; t++) {
        for (const tier of ["lo", "hi"]) {
          for (let k = 0; k < reps[j]; k++) {
            out.t.push(t);
            out.s.push(starts[c % starts.length]);
            out.g.push(`g${c}`);
            out.tier.push(tier);
            // A fixed irregular part that survives shrinking (ys → 0), so no regression fits exactly.
            out.y.push(ys[j] + Math.sin(12.9898 * j + 78.233 * k) + 0.1 * t);
          }
          j++;
        }
      }
    }
    return out;
  });

describe("did from compressed cells: generated small panels", () => {
  it("the generator makes cells of one row and of several", () => {
    const sizes = new Set<number>();
    for (const data of fc.sample(smallPanel, { numRuns: 10, seed: 1414 })) {
      const frame = Frame.fromObject(data);
      const spec: DidSpec = { outcome: "y", time: "t", treatment: { startColumn: "s" }, cluster: "g" };
      for (const c of cellsOf(frame, spec).frame.numeric("__n")) sizes.add(c);
    }
    expect(sizes.has(1)).toBe(true);
    expect(Math.max(...sizes)).toBeGreaterThan(3);
  });

  it("rows and cells agree (or throw the same code) for CR1, HC1 and a covariate", () => {
    let fitted = 0;
    fc.assert(
      fc.property(smallPanel, (data) => {
        const frame = Frame.fromObject(data);
        const spec: DidSpec = { outcome: "y", time: "t", treatment: { startColumn: "s" }, cluster: "g" };
        if (compareBoth(frame, spec)) fitted++;
        compareBoth(frame, { ...spec, cluster: null, covariates: ["tier"] });
      }),
      { numRuns: 30, seed: 1414 },
    );
    expect(fitted).toBeGreaterThan(5);
  });
});
