import { describe, expect, it } from "vitest";
import { newtonMinimize } from "../../src/numeric/optimize/newton.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose } from "../helpers/expect-close.js";

describe("newtonMinimize", () => {
  it("solves a strictly convex quadratic in one step", () => {
    // f = ½ xᵀAx − bᵀx, A = [[4, 1], [1, 3]], b = [1, 2] → x* = A⁻¹b = [1/11, 7/11]
    const r = newtonMinimize({
      dim: 2,
      value: (x) => 0.5 * (4 * x[0] ** 2 + 2 * x[0] * x[1] + 3 * x[1] ** 2) - x[0] - 2 * x[1],
      gradient: (x) => Float64Array.of(4 * x[0] + x[1] - 1, x[0] + 3 * x[1] - 2),
      hessian: () => Float64Array.of(4, 1, 1, 3),
    });
    expect(r.iterations).toBe(1);
    expect(r.converged).toBe(true);
    expect(r.stop).toBe("gradient");
    expectClose(r.x, [1 / 11, 7 / 11], { rtol: 1e-14 });
    expect(r.lastStep).toBeLessThan(1e-15);
  });

  it("converges to gradient 1e-10 on a smooth convex non-quadratic problem (the TSDoc example)", () => {
    const r = newtonMinimize({
      dim: 2,
      value: (x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 4 + x[1] ** 2,
      gradient: (x) => Float64Array.of(2 * (x[0] - 1), 4 * (x[1] + 2) ** 3 + 2 * x[1]),
      hessian: (x) => Float64Array.of(2, 0, 0, 12 * (x[1] + 2) ** 2 + 2),
    });
    expect(r.converged).toBe(true);
    expect(Math.max(...r.gradient.map(Math.abs))).toBeLessThanOrEqual(1e-10);
    // stationarity of x1: 4(x1 + 2)³ + 2 x1 = 0
    expect(Math.abs(4 * (r.x[1] + 2) ** 3 + 2 * r.x[1])).toBeLessThan(1e-12);
    expectClose(r.x[0], 1, { rtol: 1e-15 });
  });

  it("backtracks out of the domain (f = +Infinity) and from overshooting steps", () => {
    // f = x − log x on x > 0, minimum at 1; a full Newton step from 10 lands at −80 (outside the domain).
    const r = newtonMinimize(
      {
        dim: 1,
        value: (x) => (x[0] > 0 ? x[0] - Math.log(x[0]) : Number.POSITIVE_INFINITY),
        gradient: (x) => Float64Array.of(1 - 1 / x[0]),
        hessian: (x) => Float64Array.of(1 / x[0] ** 2),
      },
      { start: Float64Array.of(10) },
    );
    expect(r.converged).toBe(true);
    expectClose(r.x[0], 1, { rtol: 1e-10 });
  });

  it("handles a singular Hessian with a Levenberg–Marquardt ridge", () => {
    // f = (x0 + x1 − 1)²: a line of minimisers, H singular everywhere.
    const r = newtonMinimize({
      dim: 2,
      value: (x) => (x[0] + x[1] - 1) ** 2,
      gradient: (x) => {
        const d = 2 * (x[0] + x[1] - 1);
        return Float64Array.of(d, d);
      },
      hessian: () => Float64Array.of(2, 2, 2, 2),
    });
    expect(r.converged).toBe(true);
    expectClose(r.x[0] + r.x[1], 1, { rtol: 1e-10 });
  });

  it("reports a problem without a minimiser: gradient → 0 but the Newton step stays O(1)", () => {
    // f = log(1 + e^{−x}) decreases forever (like a separated logistic likelihood).
    const sig = (t: number) => 1 / (1 + Math.exp(-t));
    const r = newtonMinimize({
      dim: 1,
      value: (x) => Math.log1p(Math.exp(-x[0])),
      gradient: (x) => Float64Array.of(-sig(-x[0])),
      hessian: (x) => Float64Array.of(sig(x[0]) * sig(-x[0])),
    });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeGreaterThan(20);
    expect(r.lastStep).toBeGreaterThan(0.5);
  });

  it("stops at maxIter with converged = false", () => {
    const r = newtonMinimize(
      {
        dim: 1,
        value: (x) => x[0] ** 4,
        gradient: (x) => Float64Array.of(4 * x[0] ** 3),
        hessian: (x) => Float64Array.of(12 * x[0] ** 2),
      },
      { start: Float64Array.of(5), maxIter: 3 },
    );
    expect(r.converged).toBe(false);
    expect(r.stop).toBe("maxIter");
    expect(r.iterations).toBe(3);
  });

  it("uses gradScale in the convergence test", () => {
    const problem = {
      dim: 1,
      value: (x: Float64Array) => 1e6 * (x[0] - 2) ** 2,
      gradient: (x: Float64Array) => Float64Array.of(2e6 * (x[0] - 2)),
      hessian: () => Float64Array.of(2e6),
    };
    const r = newtonMinimize(problem, {
      start: Float64Array.of(2 + 1e-12),
      gradScale: Float64Array.of(1e-6),
    });
    expect(r.iterations).toBe(0);
    expect(r.converged).toBe(true);
  });

  it("validates its arguments", () => {
    const p = {
      dim: 1,
      value: () => 0,
      gradient: () => Float64Array.of(0),
      hessian: () => Float64Array.of(1),
    };
    expect(errorCode(() => newtonMinimize({ ...p, dim: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => newtonMinimize(p, { gradTol: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => newtonMinimize(p, { start: Float64Array.of(1, 2) }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => newtonMinimize(p, { gradScale: Float64Array.of(1, 2) }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => newtonMinimize({ ...p, value: () => Number.NaN }))).toBe("E_INVALID_ARGUMENT");
  });
});
