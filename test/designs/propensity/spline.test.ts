import { describe, expect, test } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { parsePropensitySpec, propensity, splineBasis } from "../../../src/designs/propensity/index.js";
import { errorCode, thrown } from "../../helpers/error-code.js";
import { expectClose } from "../../helpers/expect-close.js";
import { saasFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

interface GlmGolden {
  names: string[];
  coefficients: number[];
  se: number[];
  ipwAte: number;
  ipwAtt: number;
}
interface SplineGolden {
  x: number[];
  ns3: number[][];
  ns1: number[][];
  bs4: number[][];
  bs3: number[][];
  glmNs: GlmGolden;
  glmBs: GlmGolden;
}

const g = loadGolden<SplineGolden>("propensity", "spline_r").expected;
/** Basis values: R and truelift run the same recursions and Householder steps; only rounding differs. */
const BASIS = { rtol: 0, atol: 1e-13 };
/** glm coefficients (R: epsilon 1e-14) and model-based SEs; IPW estimates from the fitted scores. */
const COEF = { rtol: 1e-7, atol: 1e-9 };
const SE = { rtol: 1e-6, atol: 0 };
const EST = { rtol: 1e-8, atol: 0 };

describe("splineBasis = R's splines::ns / bs (R 4.2.2 golden)", () => {
  const x = Float64Array.from(g.x);
  test.each([
    ["natural", 3, "ns3"],
    ["natural", 1, "ns1"],
    ["b", 4, "bs4"],
    ["b", 3, "bs3"],
  ] as const)("%s df %d", (type, df, key) => {
    const s = splineBasis(x, { type, df });
    expect(s.columns.length).toBe(df);
    s.columns.forEach((col, j) => {
      expectClose(Array.from(col), g[key][j], BASIS);
    });
  });
  test("df outside the range is a coded error", () => {
    expect(errorCode(() => splineBasis(x, { type: "b", df: 2 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => splineBasis(x, { type: "natural", df: 0 }))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("spline terms in the propensity model (R glm golden on the tutorial fixture)", () => {
  const base = { treatment: "opt_in_agent_mode", outcome: "task_completed" };
  test.each([
    ["natural", 3, "glmNs"],
    ["b", 5, "glmBs"],
  ] as const)("%s spline, df %d: coefficients, SEs and IPW estimates", (type, df, key) => {
    const expected = g[key];
    const res = propensity(saasFixture(), {
      ...base,
      covariates: ["engagement_tier", { spline: "query_confidence", type, df }],
    });
    const coefs = res.model.coefficients;
    expect(coefs.map((c) => c.name).slice(3)).toEqual(expected.names.slice(3));
    expectClose(
      coefs.map((c) => c.estimate),
      expected.coefficients,
      COEF,
    );
    expectClose(
      coefs.map((c) => c.se as number),
      expected.se,
      SE,
    );
    expectClose(res.ipw.ate.estimate, expected.ipwAte, EST);
    expectClose(res.ipw.att.estimate, expected.ipwAtt, EST);
    // balance is checked on the covariate itself, not on the basis columns
    expect(res.balance.rows.some((r) => r.covariate === "query_confidence")).toBe(true);
    expect(res.balance.rows.some((r) => r.covariate.startsWith("ns(") || r.covariate.startsWith("bs("))).toBe(
      false,
    );
  });
  test("spec errors by code", () => {
    const spline = (s: Record<string, unknown>) => ({
      ...base,
      covariates: [{ spline: "query_confidence", ...s }],
    });
    expect(errorCode(() => parsePropensitySpec(spline({ df: 0 })))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => parsePropensitySpec(spline({ type: "cubic" })))).toBe("E_INVALID_SPEC");
    expect(
      errorCode(() => propensity(saasFixture(), { ...base, covariates: [{ spline: "engagement_tier" }] })),
    ).toBe("E_COLUMN_TYPE");
    // fewer distinct values than the basis needs (a 0/1 column, or a constant): refused before any fit
    const small = Frame.fromObject({
      opt_in_agent_mode: [1, 0, 0, 1, 0, 1, 0, 0],
      task_completed: [1, 0, 1, 1, 0, 0, 1, 0],
      flag: [0, 1, 1, 0, 1, 0, 0, 1],
    });
    const e = thrown(() => propensity(small, { ...base, covariates: [{ spline: "flag", df: 2 }] }));
    expect(e.code).toBe("E_INVALID_SPEC");
    expect(e.hint).toMatch(/Lower df below 2/);
  });
});
