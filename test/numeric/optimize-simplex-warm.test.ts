import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng.js";
import { simplexLeastSquares } from "../../src/numeric/optimize/least-squares.js";
import { simplexLeastSquaresWarm } from "../../src/numeric/optimize/simplex-warm.js";
import { expectClose } from "../helpers/expect-close.js";

describe("simplexLeastSquaresWarm", () => {
  it("returns the exact minimiser of simplexLeastSquares, cold and warm", () => {
    let unique = 0;
    for (let seed = 1; seed <= 30; seed++) {
      const rng = createRng(seed, 0);
      const rows = 5 + rng.int(20);
      const cols = 2 + rng.int(30);
      const a = Float64Array.from({ length: rows * cols }, () => rng.normal());
      const b = Float64Array.from({ length: rows }, () => rng.normal() * 0.5);
      const ref = simplexLeastSquares({ rows, cols, data: a }, b);
      const cold = simplexLeastSquaresWarm(a, rows, cols, b);
      const start = new Float64Array(cols).fill(1 / cols);
      const warm = simplexLeastSquaresWarm(a, rows, cols, b, start);
      expect(cold.exact && warm.exact).toBe(true);
      const obj = objective(a, rows, cols, b);
      // Same minimum value always; the same point whenever the minimiser is unique.
      expectClose(obj(cold.x), ref.objective, { rtol: 1e-9, atol: 1e-14 });
      expectClose(obj(warm.x), ref.objective, { rtol: 1e-9, atol: 1e-14 });
      if (cold.unique) {
        unique++;
        expect(ref.exact).toBe(true);
        expectClose(Array.from(cold.x), Array.from(ref.x), { atol: 1e-10 });
        expectClose(Array.from(warm.x), Array.from(ref.x), { atol: 1e-10 });
      }
    }
    expect(unique).toBeGreaterThan(20);
  });
});

function objective(a: Float64Array, rows: number, cols: number, b: Float64Array) {
  return (x: Float64Array): number => {
    let s = 0;
    for (let i = 0; i < rows; i++) {
      let r = -b[i];
      for (let j = 0; j < cols; j++) r += a[i * cols + j] * x[j];
      s += r * r;
    }
    return s;
  };
}
