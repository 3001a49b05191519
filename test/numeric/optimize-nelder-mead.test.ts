import { describe, expect, it } from "vitest";
import { nelderMead } from "../../src/numeric/optimize/nelder-mead.js";
import { expectClose } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

/** The Rosenbrock run of R's `optim(method = "Nelder-Mead")` stored with the ADH golden case. */
interface AdhGolden {
  rosenbrock: { par: number[]; value: number; evaluations: number; convergence: number };
}

describe("nelderMead (port of R's optim Nelder-Mead)", () => {
  const g = loadGolden<AdhGolden>("synth", "adh").expected;
  it("follows R's path on the Rosenbrock example of ?optim", () => {
    const fr = (x: Float64Array) => 100 * (x[1] - x[0] * x[0]) ** 2 + (1 - x[0]) ** 2;
    const r = nelderMead(fr, Float64Array.of(-1.2, 1));
    expect(r.evaluations).toBe(g.rosenbrock.evaluations);
    expect(r.convergence).toBe(0);
    expectClose(Array.from(r.par), g.rosenbrock.par, { rtol: 1e-12 });
    expectClose(r.value, g.rosenbrock.value, { rtol: 1e-10 });
  });
});
