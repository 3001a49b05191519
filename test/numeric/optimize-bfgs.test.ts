import { describe, expect, it } from "vitest";
import { bfgs } from "../../src/numeric/optimize/bfgs.js";
import { expectClose } from "../helpers/expect-close.js";

describe("bfgs (port of R's optim BFGS)", () => {
  it("minimises a separable quadratic to the finite-difference accuracy", () => {
    const r = bfgs((x) => (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, Float64Array.of(0, 0));
    expect(r.convergence).toBe(0);
    expectClose(Array.from(r.par), [1, -2], { atol: 1e-6 });
    expect(r.value).toBeLessThan(1e-10);
    expect(r.gradients).toBeGreaterThan(1);
  });

  it("returns the start unchanged when maxit is 0", () => {
    const r = bfgs((x) => x[0] ** 2, Float64Array.of(3), { maxit: 0 });
    expect(Array.from(r.par)).toEqual([3]);
    expect(r.evaluations).toBe(0);
  });

  it("refuses a start where the function is not finite", () => {
    expect(() => bfgs(() => Number.NaN, Float64Array.of(1))).toThrow(RangeError);
  });
});
