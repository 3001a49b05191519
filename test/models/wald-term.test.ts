import { describe, expect, test } from "vitest";
import { RunningMoments, waldTerm, welchDifference } from "../../src/models/wald-term.js";
import { expectClose } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

interface TermGolden {
  estimate: number;
  se: number;
  statistic: number;
  df?: number;
  pValue: number;
  ci: [number, number];
}
const g = loadGolden<{ a: number[]; b: number[]; welch: TermGolden; normal: TermGolden }>(
  "models",
  "wald_term",
).expected;
/** Estimates and SEs 1e-10 (same arithmetic); p-values and quantiles 1e-8 (different distribution code). */
const EXACT = { rtol: 1e-10, atol: 0 };
const DIST = { rtol: 1e-8, atol: 1e-12 };

describe("waldTerm and welchDifference (scipy golden)", () => {
  test("Welch difference = scipy ttest_ind(equal_var=False)", () => {
    const moments = (v: number[]) => {
      const m = new RunningMoments();
      for (const x of v) m.add(x);
      return m;
    };
    const t = welchDifference("gap", moments(g.a), moments(g.b), 0.05);
    expectClose(t.estimate, g.welch.estimate, EXACT);
    expectClose(t.se, g.welch.se, EXACT);
    expectClose(t.statistic, g.welch.statistic, EXACT);
    expectClose(t.df, g.welch.df, EXACT);
    expectClose(t.pValue, g.welch.pValue, DIST);
    expectClose(t.ci, g.welch.ci, DIST);
  });
  test("normal reference", () => {
    const t = waldTerm("ATE", g.normal.estimate, g.normal.se, 0.05);
    expect(t.df).toBeNull();
    expectClose(t.pValue, g.normal.pValue, DIST);
    expectClose(t.ci, g.normal.ci, DIST);
  });
  test("no usable standard error: no inference, never NaN; a finite SE is kept", () => {
    for (const se of [null, Number.NaN, Number.POSITIVE_INFINITY, 0, -1]) {
      const t = waldTerm("x", 1, se, 0.05, 10);
      expect([t.statistic, t.pValue, t.ci]).toEqual([null, null, null]);
      expect(t.se).toBe(se !== null && Number.isFinite(se) ? se : null);
      expect(t.df).toBe(10);
    }
    expect(waldTerm("x", Number.NaN, 1, 0.05).ci).toBeNull();
    const one = new RunningMoments();
    one.add(3);
    expect(welchDifference("gap", one, one, 0.05).se).toBeNull();
  });
});
