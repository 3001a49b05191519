import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { createRng } from "../../src/core/rng.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols, olsFit } from "../../src/models/ols.js";
import { normalizeVcov, ssc, type Vcov } from "../../src/models/vcov/types.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { expectClose, TOL } from "../helpers/expect-close.js";

function randomFrame(seed: number, n: number, clusters = 7): Frame {
  const rng = createRng(seed);
  const x: number[] = [];
  const z: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const id: number[] = [];
  const a: number[] = [];
  const b: string[] = [];
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = rng.normal();
    const zi = rng.uniform();
    x.push(xi);
    z.push(zi);
    y.push(0.5 + xi - 2 * zi + rng.normal() * (1 + Math.abs(xi)));
    w.push(0.2 + rng.uniform());
    id.push(i);
    a.push(rng.int(clusters));
    b.push(`b${rng.int(5)}`);
    c.push(rng.int(3));
  }
  return Frame.fromObject({ y, x, z, w, id, a, b, c });
}

const err = (code: string) => expect.objectContaining({ code });

describe("HC1 ≡ CR1 with one observation per cluster", () => {
  it("holds exactly: CR1's G/(G−1)·(N−1)/(N−K) with G = N is HC1's N/(N−K) (property, OLS and WLS)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 8, max: 200 }),
        fc.boolean(),
        (seed, n, weighted) => {
          const frame = randomFrame(seed, n);
          const spec = { ...parseFormula("y ~ x * z"), ...(weighted ? { weights: "w" } : {}) };
          const hc1Fit = olsFit(frame, { ...spec, vcov: { type: "hc", kind: "HC1" } });
          const hc1 = hc1Fit.result;
          const cr1 = withVcov(hc1Fit, { type: "cluster", by: ["id"] });
          expectClose(cr1.vcovMatrix, hc1.vcovMatrix, TOL.identity);
          // The reference distributions differ: HC1 t(N−K), CR1 t(G−1) = t(N−1).
          expect(hc1.terms[0].df).toBe(n - 4);
          expect(cr1.terms[0].df).toBe(n - 1);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("cluster-robust variance", () => {
  const frame = randomFrame(11, 300);
  const spec = parseFormula("y ~ x + z + C(b)");

  it("applies G/(G−1) and (N−1)/(N−K) as documented (ssc switches)", () => {
    const baseFit = olsFit(frame, { ...spec, vcov: { type: "cluster", by: ["a"] } });
    const base = baseFit.result;
    const raw = withVcov(baseFit, {
      type: "cluster",
      by: ["a"],
      ssc: ssc({ adj: false, clusterAdj: false }),
    });
    const g = base.n.clusters![0];
    const n = base.n.obs;
    const factor = (g / (g - 1)) * ((n - 1) / (n - base.k));
    expectClose(
      base.vcovMatrix!.flat(),
      raw.vcovMatrix!.flat().map((v) => v * factor),
      TOL.identity,
    );
  });

  it("three-way clustering is the Cameron–Gelbach–Miller inclusion–exclusion of one-way terms", () => {
    const ab = Array.from({ length: frame.nrows }, (_, i) => `${frame.value("a", i)}|${frame.value("b", i)}`);
    const ac = Array.from({ length: frame.nrows }, (_, i) => `${frame.value("a", i)}|${frame.value("c", i)}`);
    const bc = Array.from({ length: frame.nrows }, (_, i) => `${frame.value("b", i)}|${frame.value("c", i)}`);
    const abc = ab.map((v, i) => `${v}|${frame.value("c", i)}`);
    const f2 = frame.withColumn("ab", ab).withColumn("ac", ac).withColumn("bc", bc).withColumn("abc", abc);
    const fit = olsFit(f2, spec);
    const one = (col: string) => withVcov(fit, { type: "cluster", by: [col] }).vcovMatrix!.flat();
    const expected = one("a").map(
      (_, i) =>
        one("a")[i] + one("b")[i] + one("c")[i] - one("ab")[i] - one("ac")[i] - one("bc")[i] + one("abc")[i],
    );
    const three = withVcov(fit, { type: "cluster", by: ["a", "b", "c"] });
    expectClose(three.vcovMatrix!.flat(), expected, TOL.identity);
    expect(three.n.clusters).toEqual([7, 5, 3]);
    expect(three.terms[1].df).toBe(2);
  });

  it("returns a null SE with D_VCOV_NOT_PSD when two-way clustering gives a negative variance", () => {
    const rng = createRng(6);
    const cols = { y: [] as number[], x: [] as number[], a: [] as number[], b: [] as number[] };
    for (let i = 0; i < 12; i++) {
      cols.y.push(rng.normal());
      cols.x.push(rng.normal());
      cols.a.push(rng.int(3));
      cols.b.push(rng.int(3));
    }
    const res = ols(Frame.fromObject(cols), {
      ...parseFormula("y ~ x"),
      vcov: { type: "cluster", by: ["a", "b"] },
    });
    expect(res.vcovMatrix![1][1]).toBeLessThan(0);
    expect(res.terms[1]).toMatchObject({ se: null, statistic: null, pValue: null, ci: null });
    expect(res.terms[0].se).toBeGreaterThan(0);
    expect(res.diagnostics.find((d) => d.code === "D_VCOV_NOT_PSD")?.evidence).toEqual({ terms: 1 });
  });

  it("uses the normal reference with dist: 'normal' (df null)", () => {
    const res = ols(frame, { ...spec, vcov: { type: "cluster", by: ["a"], dist: "normal" } });
    expect(res.terms.every((t) => t.df === null)).toBe(true);
    const hc = ols(frame, { ...spec, vcov: { type: "hc", kind: "HC1", dist: "normal" } });
    expect(hc.terms[0].df).toBeNull();
  });

  it("warns with D_FEW_CLUSTERS below 30 clusters", () => {
    const res = ols(frame, { ...spec, vcov: { type: "cluster", by: ["a"] } });
    const d = res.diagnostics.find((x) => x.code === "D_FEW_CLUSTERS");
    expect(d).toMatchObject({ severity: "warn", evidence: { clusters: 7, by: "a" } });
  });

  it("raises E_TOO_FEW_CLUSTERS for a single cluster", () => {
    const f = frame.withColumn("one", new Float64Array(frame.nrows));
    expect(() => ols(f, { ...spec, vcov: { type: "cluster", by: ["one"] } })).toThrowError(
      err("E_TOO_FEW_CLUSTERS"),
    );
  });
});

describe("HC2/HC3 leverages", () => {
  it("returns null SEs with D_LEVERAGE_ONE when an observation has leverage 1", () => {
    const f = Frame.fromObject({
      y: [1, 2, 3, 4, 5, 7],
      x: [1, 2, 3, 4, 5, 6],
      g: ["a", "a", "a", "a", "a", "b"],
    });
    const resFit = olsFit(f, { ...parseFormula("y ~ x + C(g)"), vcov: { type: "hc", kind: "HC3" } });
    const res = resFit.result;
    expect(res.terms.every((t) => t.se === null && t.pValue === null && t.ci === null)).toBe(true);
    expect(res.vcovMatrix).toBeNull();
    expect(res.diagnostics.map((d) => d.code)).toContain("D_LEVERAGE_ONE");
    const hc1 = withVcov(resFit, { type: "hc", kind: "HC1" });
    expect(hc1.terms.every((t) => t.se !== null)).toBe(true);
    expect(hc1.diagnostics.map((d) => d.code)).not.toContain("D_LEVERAGE_ONE");
  });
});

describe("vcov specs", () => {
  it("fills defaults so results record what was computed", () => {
    expect(normalizeVcov(undefined)).toEqual({ type: "iid" });
    expect(normalizeVcov({ type: "hc", kind: "HC2" })).toEqual({ type: "hc", kind: "HC2", dist: "t" });
    expect(normalizeVcov({ type: "cluster", by: ["g"] })).toEqual({
      type: "cluster",
      by: ["g"],
      kind: "CR1",
      dist: "t",
      ssc: { adj: true, clusterAdj: true, fixefK: "nested" },
    });
  });

  it.each([
    [{ type: "robust" }],
    [{ type: "hc", kind: "HC4" }],
    [{ type: "hc", kind: "HC1", dist: "z" }],
    [{ type: "cluster", by: [] }],
    [{ type: "cluster", by: ["g", "g"] }],
    [{ type: "cluster", by: ["g"], kind: "CR4" }],
    [{ type: "cluster", by: ["g", "h"], kind: "CR2" }],
    [{ type: "cluster", by: ["g"], ssc: { fixefK: "some" } }],
  ])("rejects %j with E_INVALID_SPEC", (v) => {
    expect(() => normalizeVcov(v as unknown as Vcov)).toThrowError(err("E_INVALID_SPEC"));
  });

  it("ssc() validates its options", () => {
    expect(ssc()).toEqual({ adj: true, clusterAdj: true, fixefK: "nested" });
    expect(() => ssc({ fixefK: "all" as never })).toThrowError(err("E_INVALID_SPEC"));
    expect(() => ssc({ adj: 1 as never })).toThrowError(err("E_INVALID_SPEC"));
    expect(() => ssc({ cluster: true } as never)).toThrowError(err("E_INVALID_SPEC"));
  });
});

describe("withVcov", () => {
  const frame = randomFrame(5, 120);
  const model = olsFit(frame, parseFormula("y ~ x + z"));
  const fit = model.result;

  it("leaves the fit and its result untouched and returns a new frozen result", () => {
    const before = JSON.stringify(fit);
    const hc = withVcov(model, { type: "hc", kind: "HC3" });
    expect(JSON.stringify(fit)).toBe(before);
    expect(hc).not.toBe(fit);
    expect(Object.isFrozen(hc.terms[0])).toBe(true);
    expect(hc.terms.map((t) => t.estimate)).toEqual(fit.terms.map((t) => t.estimate));
    expect(withVcov(model, { type: "iid" })).toEqual(fit);
    expect(ols(frame, parseFormula("y ~ x + z"))).toEqual(fit);
  });

  it("raises E_DETACHED_RESULT for a deserialised result", () => {
    const copy = JSON.parse(JSON.stringify(fit));
    expect(() => withVcov(copy, { type: "hc", kind: "HC1" })).toThrowError(err("E_DETACHED_RESULT"));
  });

  it("raises E_NAN_IN_CLUSTER when a fitted row has no cluster id, E_COLUMN_MISSING for an unknown column", () => {
    const ids = Array.from({ length: frame.nrows }, (_, i) => (i === 3 ? null : i % 4));
    const f2 = frame.withColumn("g", ids);
    const res = olsFit(f2, parseFormula("y ~ x"));
    expect(() => withVcov(res, { type: "cluster", by: ["g"] })).toThrowError(err("E_NAN_IN_CLUSTER"));
    expect(() => withVcov(res, { type: "cluster", by: ["nope"] })).toThrowError(err("E_COLUMN_MISSING"));
  });
});
