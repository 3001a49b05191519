import { describe, expect, test } from "vitest";
import {
  matchedRosenbaum,
  pairDifferences,
  rosenbaumBounds,
} from "../../../src/designs/propensity/rosenbaum.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";

interface RosenbaumGolden {
  statistic: number;
  pairs: number;
  zeros: number;
  rows: { gamma: number; upper: number; lower: number }[];
  gammaCritical: number | null;
  scipyWilcoxonP: number;
  differences: number[];
}

describe("rosenbaumBounds (numpy / scipy golden, rbounds::psens formulas)", () => {
  const g = loadGolden<RosenbaumGolden>("propensity", "match-rosenbaum").expected;
  const b = rosenbaumBounds(g.differences);

  test("statistic, pairs and zeros", () => {
    expect(b.statistic).toBe(g.statistic);
    expect(b.pairs).toBe(g.pairs);
    expect(b.zeros).toBe(g.zeros);
  });

  test("upper and lower p-value bounds over Γ = 1, 1.1, …, 2", () => {
    expect(b.rows.map((r) => r.gamma)).toEqual(g.rows.map((r) => r.gamma));
    expectClose(b.rows, g.rows, TOL.pValue);
  });

  test("Γ = 1 is scipy's tie-corrected one-sided Wilcoxon signed-rank p-value", () => {
    expectClose(b.rows[0].upper, g.scipyWilcoxonP, TOL.pValue);
    expectClose(b.rows[0].lower, g.scipyWilcoxonP, TOL.pValue);
  });

  test("critical Γ (bisection vs brentq) and the sweep crossing", () => {
    expectClose(b.gammaCritical, g.gammaCritical, { rtol: 1e-9 });
    const first = g.rows.find((r) => r.upper >= 0.05)?.gamma ?? null;
    expect(b.gammaCrossing).toBe(first);
    for (let i = 1; i < b.rows.length; i++)
      expect(b.rows[i].upper).toBeGreaterThanOrEqual(b.rows[i - 1].upper);
  });

  test("pValue is the Γ = 1 bound, whatever the sweep", () => {
    expectClose(rosenbaumBounds(g.differences, [1.5, 2]).pValue, g.rows[0].upper, TOL.pValue);
  });

  test("matchedRosenbaum: oriented in the direction of the effect; null with fewer than two non-zero differences", () => {
    const up = matchedRosenbaum(g.differences);
    expect(up?.direction).toBe("increase");
    expect(up?.statistic).toBe(b.statistic);
    const down = matchedRosenbaum(
      g.differences.map((d) => -d),
      [1, 1.5],
    );
    expect(down?.direction).toBe("decrease");
    expect(down?.statistic).toBe(b.statistic);
    expectClose(down?.rows, rosenbaumBounds(g.differences, [1, 1.5]).rows, TOL.identity);
    expect(matchedRosenbaum([0, 0, 3])).toBeNull();
    expect(matchedRosenbaum([])).toBeNull();
    expect(matchedRosenbaum([0, 1, -2])?.pairs).toBe(2);
  });

  test("pairDifferences and errors by code", () => {
    expect(pairDifferences([3, 5], [1, 6])).toEqual([2, -1]);
    expect(errorCode(() => rosenbaumBounds([0, 0]))).toBe("E_TOO_FEW_OBSERVATIONS");
    expect(errorCode(() => rosenbaumBounds([1, 2], [0.5]))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => rosenbaumBounds([1, Number.NaN]))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => pairDifferences([1], [1, 2]))).toBe("E_LENGTH_MISMATCH");
  });
});
