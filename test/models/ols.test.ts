import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { createRng } from "../../src/core/rng.js";
import { parseFormula } from "../../src/models/formula.js";
import { type OlsSpec, ols } from "../../src/models/ols.js";
import { expectClose, TOL } from "../helpers/expect-close.js";

const err = (code: string) => expect.objectContaining({ code });

function small(): Frame {
  return Frame.fromObject({
    y: [1.2, 2.3, 2.9, 4.1, 5.2, 5.8, 7.1, 8.3, 8.8, 10.4],
    x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    z: [0.5, 0.1, 0.9, 0.4, 0.3, 0.8, 0.2, 0.7, 0.6, 0.05],
    g: ["a", "b", "c", "a", "b", "c", "a", "b", "c", "a"],
    txt: ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
    w: [1, 2, 1, 2, 1, 2, 1, 2, 1, 2],
    cl: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
  });
}

describe("ols validation (each error by code, before computing)", () => {
  const f = small();
  const base = parseFormula("y ~ x");
  const cases: [string, OlsSpec, Frame?][] = [
    ["E_COLUMN_MISSING", parseFormula("nope ~ x")],
    ["E_COLUMN_MISSING", parseFormula("y ~ x + nope")],
    ["E_COLUMN_MISSING", { ...base, weights: "nope" }],
    ["E_COLUMN_MISSING", { ...base, absorb: ["nope"] }],
    ["E_COLUMN_MISSING", { ...base, vcov: { type: "cluster", by: ["nope"] } }],
    ["E_COLUMN_TYPE", parseFormula("g ~ x")],
    ["E_COLUMN_TYPE", parseFormula("y ~ txt")],
    ["E_COLUMN_TYPE", { ...base, weights: "g" }],
    ["E_UNKNOWN_LEVEL", parseFormula("y ~ C(g, Treatment('zzz'))")],
    ["E_BAD_WEIGHTS", { ...base, weights: "w" }, f.withColumn("w", [1, 2, -1, 1, 1, 1, 1, 1, 1, 1])],
    [
      "E_BAD_WEIGHTS",
      { ...base, weights: "w" },
      f.withColumn("w", [1, 2, Number.POSITIVE_INFINITY, 1, 1, 1, 1, 1, 1, 1]),
    ],
    ["E_BAD_WEIGHTS", { ...base, weights: "w" }, f.withColumn("w", new Float64Array(10))],
    ["E_TOO_FEW_OBSERVATIONS", parseFormula("y ~ x + z + C(g)"), f.take(Int32Array.of(0, 1, 2, 3, 4))],
    ["E_TOO_FEW_OBSERVATIONS", { ...base, absorb: ["cl"] }, f.take(Int32Array.of(0, 2, 4, 5))],
    [
      "E_MISSING_VALUES",
      { ...base, missing: "error" },
      f.withColumn("x", [1, 2, null, 4, 5, 6, 7, 8, 9, 10]),
    ],
    [
      "E_NAN_IN_CLUSTER",
      { ...base, missing: "error", vcov: { type: "cluster", by: ["cl"] } },
      f.withColumn("cl", [1, 1, 2, 2, null, 3, 4, 4, 5, 5]),
    ],
    ["E_EMPTY_DATA", base, f.withColumn("y", new Float64Array(10).fill(Number.NaN))],
    ["E_NONFINITE_VALUES", base, f.withColumn("x", [1, 2, 3, 4, 5, 6, 7, 8, 9, Number.NEGATIVE_INFINITY])],
    ["E_INVALID_SPEC", { ...base, alpha: 1.5 }],
    ["E_INVALID_SPEC", { ...base, missing: "ignore" as never }],
    ["E_INVALID_SPEC", { ...base, vcov: { type: "hac" } as never }],
    ["E_INVALID_SPEC", { ...parseFormula("y ~ 0"), terms: [] }],
    ["E_INVALID_SPEC", { ...base, terms: [{ factors: [] }] }],
    [
      "E_TOO_FEW_CLUSTERS",
      { ...base, vcov: { type: "cluster", by: ["one"] } },
      f.withColumn("one", new Float64Array(10)),
    ],
  ];
  it.each(cases)("%s", (code, spec, frame) => {
    expect(() => ols(frame ?? f, spec)).toThrowError(err(code));
  });

  it("lists the first offending rows for missing: 'error'", () => {
    const g = f.withColumn("x", [1, null, 3, 4, null, 6, 7, 8, 9, 10]);
    try {
      ols(g, { ...base, missing: "error" });
      expect.unreachable();
    } catch (e) {
      expect((e as { details: { rows: Record<string, number[]> } }).details.rows).toEqual({ x: [1, 4] });
      expect((e as Error).message).toContain("'x' (rows 1, 4)");
    }
  });

  it("hints at C() when a text column is used as a number", () => {
    expect(() => ols(f, parseFormula("y ~ g"))).toThrowError(
      expect.objectContaining({ code: "E_COLUMN_TYPE", hint: expect.stringContaining("C(g)") }),
    );
  });
});

describe("singular designs raise E_SINGULAR_DESIGN naming the collinear columns", () => {
  const f = small();
  const name = (spec: OlsSpec, frame = f): { collinear: string[]; message: string } => {
    try {
      ols(frame, spec);
    } catch (e) {
      expect((e as { code: string }).code).toBe("E_SINGULAR_DESIGN");
      return {
        collinear: (e as { details: { collinear: string[] } }).details.collinear,
        message: (e as Error).message,
      };
    }
    throw new Error("no error");
  };

  it("a linear combination of earlier columns (later column blamed)", () => {
    const g = f.withColumn(
      "x2",
      Array.from(f.numeric("x"), (v, i) => 2 * v - 3 * f.numeric("z")[i] + 1),
    );
    const r = name(parseFormula("y ~ x + z + x2"), g);
    expect(r.collinear).toEqual(["x2"]);
    expect(r.message).toContain("'x2' collinear with earlier columns");
  });

  it("a constant column (collinear with the intercept)", () => {
    const r = name(parseFormula("y ~ x + k"), f.withColumn("k", new Float64Array(10).fill(0.1)));
    expect(r.collinear).toEqual(["k"]);
    expect(r.message).toContain("'k' constant (collinear with the intercept)");
  });

  it("dummies that duplicate an indicator column", () => {
    const isB = Array.from({ length: 10 }, (_, i) => (f.value("g", i) === "b" ? 1 : 0));
    const r = name(parseFormula("y ~ C(g) + is_b"), f.withColumn("is_b", isB));
    expect(r.collinear).toEqual(["is_b"]);
  });

  it("an all-zero column without an intercept", () => {
    expect(
      name(parseFormula("y ~ 0 + x + zero"), f.withColumn("zero", new Float64Array(10))).collinear,
    ).toEqual(["zero"]);
  });
});

describe("missing values and weights", () => {
  it("drops rows with a missing value in any used column and counts them by reason", () => {
    const f = small()
      .withColumn("x", [1, 2, null, 4, 5, 6, 7, 8, 9, 10])
      .withColumn("g", ["a", null, "c", "a", "b", "c", "a", "b", "c", "a"])
      .withColumn("cl", [1, 1, 2, 2, 3, 3, Number.NaN, 4, 5, 5]);
    const res = ols(f, { ...parseFormula("y ~ x + C(g)"), vcov: { type: "cluster", by: ["cl"] } });
    expect(res.n).toEqual({
      obs: 7,
      dropped: 3,
      droppedReasons: { "missing:x": 1, "missing:g": 1, "missing:cl": 1 },
      clusters: [5],
    });
    const kept = f.take(Int32Array.of(0, 3, 4, 5, 7, 8, 9));
    const direct = ols(kept, { ...parseFormula("y ~ x + C(g)"), vcov: { type: "cluster", by: ["cl"] } });
    expectClose(res.terms, direct.terms, TOL.identity);
  });

  it("drops zero weights (as fixest) and equals OLS when all weights are 1", () => {
    const f = small().withColumn("w0", [1, 1, 0, 1, 1, 1, 1, 1, 1, 1]);
    const res = ols(f, { ...parseFormula("y ~ x + z"), weights: "w0" });
    expect(res.n.droppedReasons).toEqual({ zero_weight: 1 });
    const unweighted = ols(f.take(Int32Array.of(0, 1, 3, 4, 5, 6, 7, 8, 9)), parseFormula("y ~ x + z"));
    expectClose(res.terms, unweighted.terms, TOL.identity);
    expect(res.method).toBe("wls");
    expect(unweighted.method).toBe("ols");
  });
});

describe("result object", () => {
  it("is deeply frozen, JSON-serialisable plain data", () => {
    const res = ols(small(), { ...parseFormula("y ~ x * z + C(g)"), vcov: { type: "cluster", by: ["cl"] } });
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.isFrozen(res.terms[2].ci)).toBe(true);
    expect(Object.isFrozen(res.vcovMatrix![1])).toBe(true);
    expect(JSON.parse(JSON.stringify(res))).toEqual(res);
    expect(res.provenance).toMatchObject({
      engine: "memory",
      spec: { outcome: "y", vcov: { type: "cluster", by: ["cl"] } },
    });
    expect(res.vcovMatrix!.length).toBe(res.terms.length);
  });

  it("reports uncomputable quantities as null with a diagnostic, never NaN", () => {
    const f = Frame.fromObject({ y: [3, 3, 3, 3, 3], x: [1, 2, 3, 4, 5] });
    const res = ols(f, parseFormula("y ~ x"));
    expect(res.r2).toBeNull();
    expect(res.adjR2).toBeNull();
    expect(res.terms[1]).toMatchObject({ se: 0, statistic: null, pValue: null, ci: null });
    expect(res.diagnostics.map((d) => d.code)).toEqual(["D_CONSTANT_OUTCOME", "D_PERFECT_FIT"]);
    expect(JSON.stringify(res)).not.toContain("NaN");
  });
});

describe("simulation: OLS recovers known coefficients", () => {
  it("is within 4 standard errors of the truth, and the SE shrinks like 1/√n (n = 20,000, seed 2024)", () => {
    const rng = createRng(2024);
    const n = 20_000;
    const truth: Record<string, number> = {
      Intercept: 1,
      "C(tier)[T.light]": -0.4,
      "C(tier)[T.medium]": -0.15,
      x: 2,
      z: -0.5,
      "x:z": 0.25,
    };
    const tiers = ["heavy", "light", "medium"];
    const cols = { y: [] as number[], x: [] as number[], z: [] as number[], tier: [] as string[] };
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      const z = rng.uniform() * 4;
      const tier = tiers[rng.int(3)];
      const te = tier === "light" ? -0.4 : tier === "medium" ? -0.15 : 0;
      cols.x.push(x);
      cols.z.push(z);
      cols.tier.push(tier);
      cols.y.push(1 + te + 2 * x - 0.5 * z + 0.25 * x * z + rng.normal() * 0.8);
    }
    const res = ols(Frame.fromObject(cols), {
      ...parseFormula("y ~ x*z + C(tier)"),
      vcov: { type: "hc", kind: "HC1" },
    });
    expect(res.terms.map((t) => t.name)).toEqual(Object.keys(truth));
    for (const t of res.terms) {
      expect(Math.abs(t.estimate - truth[t.name]), t.name).toBeLessThan(4 * t.se!);
      expect(t.se!, t.name).toBeLessThan(0.03);
    }
    expectClose(res.sigma, 0.8, { rtol: 0.02 });
  });
});
