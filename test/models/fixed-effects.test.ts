import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { createRng } from "../../src/core/rng.js";
import {
  demean,
  demeanColumns,
  fixedEffectContext,
  fixedEffectDf,
  isNested,
} from "../../src/models/fixed-effects.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols, olsFit } from "../../src/models/ols.js";
import { ssc, type Vcov } from "../../src/models/vcov/types.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { expectClose, TOL } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";
import { didFrame, expectMatchesStatsmodels, frameFromColumns, type SmFit } from "./ols-fixture.js";

interface FeGolden {
  fits: Record<string, SmFit>;
}

const FULL = ssc({ fixefK: "full" });

describe("absorbed fixed effects vs statsmodels explicit dummies (fixture TWFE DiD)", () => {
  const golden = loadGolden<FeGolden>("ols", "fe_fixture");
  const frame = didFrame();
  const one = {
    ...parseFormula("task_completed ~ post + treated:post + C(engagement_tier)"),
    absorb: ["workspace_id"],
  };
  const two = {
    ...parseFormula("task_completed ~ treated:post + C(engagement_tier)"),
    absorb: ["workspace_id", "signup_week"],
  };
  const cases: [string, typeof one, Vcov][] = [
    ["one_fe_iid", one, { type: "iid" }],
    ["one_fe_HC1", one, { type: "hc", kind: "HC1" }],
    ["one_fe_CR1", one, { type: "cluster", by: ["workspace_id"], ssc: FULL }],
    ["two_fe_iid", two, { type: "iid" }],
    ["two_fe_CR1", two, { type: "cluster", by: ["workspace_id"], ssc: FULL }],
  ];
  for (const [key, spec, vcov] of cases) {
    it(`matches ${key} (fixefK "full" for CR1 = the dummy regression's K)`, () => {
      const res = ols(frame, { ...spec, vcov });
      const sm = golden.expected.fits[key];
      expectMatchesStatsmodels(res, sm, true);
      expect(res.k + res.fixedEffects.df).toBe(sm.k_total);
    });
  }

  it("nested fixed effects (fixest default) drop the workspace dummies from K of the CR1 factor", () => {
    const fullFit = olsFit(frame, { ...one, vcov: { type: "cluster", by: ["workspace_id"], ssc: FULL } });
    const full = fullFit.result;
    const nested = withVcov(fullFit, { type: "cluster", by: ["workspace_id"] });
    const n = full.n.obs;
    const kFull = full.k + full.fixedEffects.df; // 4 + 50
    const kNested = full.k + 1; // workspace FE nested in the workspace clusters: counts as one intercept
    const ratio = Math.sqrt((n - kFull) / (n - kNested));
    for (const [j, t] of nested.terms.entries()) expectClose(t.se, full.terms[j].se! * ratio, TOL.identity);
  });

  it("names the column collinear with the fixed effects (treated is constant within workspace)", () => {
    try {
      ols(frame, { ...parseFormula("task_completed ~ treated*post"), absorb: ["workspace_id"] });
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe("E_SINGULAR_DESIGN");
      expect((e as { details: { collinear: string[] } }).details.collinear).toEqual(["treated"]);
      expect((e as Error).message).toContain("'treated' collinear with the fixed effects (workspace_id)");
    }
  });
});

describe("absorbed fixed effects vs statsmodels explicit dummies (simulated panel, OLS and WLS)", () => {
  const golden = loadGolden<FeGolden>("ols", "fe_simulated");
  const frame = frameFromColumns(
    (golden.data as { columns: Record<string, (number | string | null)[]> }).columns,
  );
  const f = parseFormula("y ~ x1 + x2");
  const cases: [string, string[], Vcov, boolean][] = [
    ["ols_one_fe_iid", ["firm"], { type: "iid" }, false],
    ["ols_one_fe_HC1", ["firm"], { type: "hc", kind: "HC1" }, false],
    ["ols_one_fe_HC3", ["firm"], { type: "hc", kind: "HC3" }, false],
    ["ols_one_fe_CR1", ["firm"], { type: "cluster", by: ["firm"], ssc: FULL }, false],
    ["ols_two_fe_iid", ["firm", "year"], { type: "iid" }, false],
    ["ols_two_fe_HC1", ["firm", "year"], { type: "hc", kind: "HC1" }, false],
    ["ols_two_fe_CR1", ["firm", "year"], { type: "cluster", by: ["firm"], ssc: FULL }, false],
    ["ols_two_fe_CR1_twoway", ["firm", "year"], { type: "cluster", by: ["firm", "year"], ssc: FULL }, false],
    ["wls_two_fe_iid", ["firm", "year"], { type: "iid" }, true],
    ["wls_two_fe_CR1", ["firm", "year"], { type: "cluster", by: ["firm"], ssc: FULL }, true],
  ];
  for (const [key, absorb, vcov, weighted] of cases) {
    it(`matches ${key}`, () => {
      const res = ols(frame, { ...f, absorb, vcov, ...(weighted ? { weights: "w" } : {}) });
      expectMatchesStatsmodels(res, golden.expected.fits[key], true);
      expect(res.diagnostics.map((d) => d.code)).not.toContain("D_FE_NOT_CONVERGED");
    });
  }

  it("refuses HC2/HC3 with two absorbed fixed effects (leverages unavailable)", () => {
    expect(() =>
      ols(frame, { ...f, absorb: ["firm", "year"], vcov: { type: "hc", kind: "HC3" } }),
    ).toThrowError(expect.objectContaining({ code: "E_UNSUPPORTED_VCOV" }));
  });

  it("reports non-convergence of the demeaning as a diagnostic, not an error", () => {
    const res = ols(frame, { ...f, absorb: ["firm", "year"], fixef: { maxIter: 1 } });
    expect(res.diagnostics.map((d) => d.code)).toContain("D_FE_NOT_CONVERGED");
  });
});

/** A random connected design with one or two fixed effects (rows 0..L1+L2−1 link every level to level 0). */
function randomPanel(seed: number, n: number, l1: number, l2: number, weighted: boolean): Frame {
  const rng = createRng(seed);
  const total = n + l1 + l2;
  const fe1: string[] = [];
  const fe2: string[] = [];
  const x1: number[] = [];
  const x2: number[] = [];
  const y: number[] = [];
  const w: number[] = [];
  const a = Array.from({ length: l1 }, () => rng.normal());
  const b = Array.from({ length: l2 }, () => rng.normal());
  for (let i = 0; i < total; i++) {
    const g1 = i < l1 ? i : i < l1 + l2 ? 0 : rng.int(l1);
    const g2 = i < l1 ? 0 : i < l1 + l2 ? i - l1 : rng.int(l2);
    fe1.push(`a${g1}`);
    fe2.push(`b${g2}`);
    const u1 = rng.normal() + a[g1];
    const u2 = rng.uniform() + 0.5 * b[g2];
    x1.push(u1);
    x2.push(u2);
    y.push(1 + 0.5 * u1 - 0.25 * u2 + a[g1] + b[g2] + rng.normal());
    w.push(weighted ? 0.5 + rng.uniform() : 1);
  }
  return Frame.fromObject({ y, x1, x2, fe1, fe2, w });
}

describe("identity: absorbed fixed effects == explicit dummies (property)", () => {
  it("coefficients and CR1 SEs agree to 1e-10 for one and two fixed effects, OLS and WLS", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.integer({ min: 30, max: 90 }),
        fc.integer({ min: 2, max: 8 }),
        fc.integer({ min: 2, max: 6 }),
        fc.boolean(),
        fc.boolean(),
        (seed, n, l1, l2, twoFe, weighted) => {
          const frame = randomPanel(seed, n, l1, l2, weighted);
          const vcov: Vcov = { type: "cluster", by: ["fe1"], ssc: FULL };
          const weights = weighted ? { weights: "w" } : {};
          const dummies = parseFormula(twoFe ? "y ~ x1 + x2 + C(fe1) + C(fe2)" : "y ~ x1 + x2 + C(fe1)");
          const explicit = ols(frame, { ...dummies, vcov, ...weights });
          const absorbed = ols(frame, {
            ...parseFormula("y ~ x1 + x2"),
            absorb: twoFe ? ["fe1", "fe2"] : ["fe1"],
            vcov,
            ...weights,
          });
          for (const name of ["x1", "x2"]) {
            const e = explicit.terms.find((t) => t.name === name)!;
            const a = absorbed.terms.find((t) => t.name === name)!;
            expectClose(a.estimate, e.estimate, TOL.identity, `${name} estimate`);
            expectClose(a.se, e.se, TOL.identity, `${name} se`);
          }
          expect(absorbed.dfResid).toBe(explicit.dfResid);
          expectClose(absorbed.rss, explicit.rss, TOL.identity, "rss");
          expectClose(absorbed.r2, explicit.r2, TOL.identity, "r2");
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe("fixed-effect helpers", () => {
  const g = (codes: number[], count: number) => ({
    column: "g",
    codes: Int32Array.from(codes),
    count,
    missing: 0,
  });

  it("demeans one fixed effect exactly in one pass, weighted", () => {
    const ctx = fixedEffectContext([g([0, 0, 1, 1], 2)], Float64Array.of(1, 3, 1, 1));
    const { out, report } = demean(Float64Array.of(0, 4, 10, 20), ctx);
    expectClose(out, [-3, 1, -5, 5], TOL.identity);
    expect(report).toEqual({ iterations: 1, converged: true });
  });

  it("counts fixed-effect df exactly for two fixed effects (connected components)", () => {
    const a = g([0, 0, 1, 1, 2, 3], 4);
    const b = g([0, 1, 0, 1, 2, 2], 3);
    // components: {a0, a1, b0, b1} and {a2, a3, b2} → df = 4 + 3 − 2
    expect(fixedEffectDf([a, b])).toEqual({ levels: [4, 3], df: 5, exact: true });
    expect(fixedEffectDf([a]).df).toBe(4);
  });

  it("detects nesting of a fixed effect in a cluster", () => {
    expect(isNested(g([0, 0, 1, 2], 3), g([0, 0, 1, 1], 2))).toBe(true);
    expect(isNested(g([0, 0, 1, 1], 2), g([0, 1, 1, 1], 2))).toBe(false);
  });
});

describe("balanced two-way fast path", () => {
  it("equals alternating projections on a balanced panel and is used only there", () => {
    const units = 7;
    const periods = 5;
    const a = Int32Array.from({ length: units * periods }, (_, i) => Math.floor(i / periods));
    const b = Int32Array.from({ length: units * periods }, (_, i) => i % periods);
    const x = Float64Array.from({ length: units * periods }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 4));
    const A = { column: "a", codes: a, count: units, missing: 0 };
    const B = { column: "b", codes: b, count: periods, missing: 0 };
    const fast = fixedEffectContext([A, B], null);
    expect(fast.balancedTwoWay).toBe(true);
    const slow = { ...fast, balancedTwoWay: false };
    const d1 = demean(x, fast).out;
    const d2 = demean(x, slow, { tol: 1e-15 }).out;
    for (let i = 0; i < x.length; i++) expect(Math.abs(d1[i] - d2[i])).toBeLessThan(1e-12);
    // drop one row: unbalanced, so the iterative path is used
    const cut = (c: Int32Array) => c.slice(1);
    const ub = fixedEffectContext(
      [
        { ...A, codes: cut(a) },
        { ...B, codes: cut(b) },
      ],
      null,
    );
    expect(ub.balancedTwoWay).toBe(false);
    expect(fixedEffectContext([A, B], new Float64Array(units * periods).fill(1)).balancedTwoWay).toBe(false);
  });

  it("demeans several columns bit-identically to one at a time (balanced blocks of four, and the iterative path)", () => {
    const rng = createRng(3, 0);
    const units = 37;
    const periods = 6;
    const n = units * periods;
    // Shuffled row order: the grid need not be sorted.
    const order = Array.from({ length: n }, (_, i) => i).sort(() => rng.uniform() - 0.5);
    const A = {
      column: "a",
      codes: Int32Array.from(order, (i) => Math.floor(i / periods)),
      count: units,
      missing: 0,
    };
    const B = { column: "b", codes: Int32Array.from(order, (i) => i % periods), count: periods, missing: 0 };
    const xs = Array.from({ length: 6 }, (_, j) =>
      Float64Array.from({ length: n }, () =>
        j % 2 === 0 ? rng.normal() * 10 ** j : rng.uniform() < 0.2 ? 1 : 0,
      ),
    );
    const balanced = fixedEffectContext([A, B], null);
    expect(balanced.balancedTwoWay).toBe(true);
    const unbalanced = fixedEffectContext(
      [
        { ...A, codes: A.codes.slice(1) },
        { ...B, codes: B.codes.slice(1) },
      ],
      null,
    );
    for (const [ctx, cols] of [
      [balanced, xs],
      [unbalanced, xs.map((x) => x.slice(1))],
    ] as const) {
      const together = demeanColumns(cols, ctx);
      cols.forEach((x, j) => {
        const alone = demean(x, ctx);
        expect(together[j].report).toEqual(alone.report);
        expect(Array.from(together[j].out).every((v, i) => Object.is(v, alone.out[i]))).toBe(true);
      });
    }
  });
});
