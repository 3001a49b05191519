import { describe, expect, it } from "vitest";
import { generateSynthPanel } from "../../../src/data/generate/synth-scenarios.js";
import { augmentedSc } from "../../../src/designs/synth/augmented.js";
import type { SynthMatrix } from "../../../src/designs/synth/sdid-types.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";

interface Expected {
  sc_weights: number[];
  lambdas: number[];
  lambda_errors: number[];
  lambda_errors_se: number[];
  lambda: number;
  augmented_weights: number[];
  average_att: number;
  att: number[];
  sc_average_att: number;
  l2_imbalance_sc: number;
  l2_imbalance_augmented: number;
  scaled_l2_imbalance_augmented: number;
  fixed_lambda: number;
  fixed_lambda_weights: number[];
  fixed_lambda_average_att: number;
}

const golden = loadGolden<Expected>("synth", "sdid-augsynth-ridge");
const g = golden.expected;
const data = golden.data as { N0: number; T0: number; T: number; Y: number[][] };
const panel: SynthMatrix = {
  y: Float64Array.from(data.Y.flat()),
  n0: data.N0,
  t0: data.T0,
  unitNames: data.Y.map((_, i) => (i < data.N0 ? `donor${i + 1}` : "treated")),
  periods: Array.from({ length: data.T }, (_, t) => t + 1),
};
/**
 * Named tolerances. The SC step is an exact QP on both sides (quadprog in R; quadprog + active-set refinement
 * here), so weights agree to rounding amplified by the QP's conditioning: 1e-7 absolute on weights. Estimates
 * and imbalances are smooth in the weights: 1e-7 relative. CV errors: 1e-6 relative.
 */
const TOL_WEIGHTS = { atol: 1e-7 };
const TOL_EST = { rtol: 1e-7, atol: 1e-9 };

describe("augmented SC (ridge) against augsynth's code path", () => {
  it("reproduces the SC weights, the CV path, λ (one-SE rule), the augmented weights and the ATT", () => {
    const res = augmentedSc(panel);
    expectClose(
      res.weights.map((w) => w.sc),
      g.sc_weights,
      TOL_WEIGHTS,
      "sc",
    );
    expectClose(res.cv?.lambdas, g.lambdas, { rtol: 1e-9 }, "lambdas");
    expectClose(res.cv?.errors, g.lambda_errors, { rtol: 1e-6, atol: 1e-9 }, "errors");
    expectClose(res.cv?.errorsSe, g.lambda_errors_se, { rtol: 1e-6, atol: 1e-9 }, "errorsSe");
    expectClose(res.lambda, g.lambda, { rtol: 1e-9 }, "lambda");
    expect(res.lambdaSource).toBe("cv-1se");
    expectClose(
      res.weights.map((w) => w.augmented),
      g.augmented_weights,
      TOL_WEIGHTS,
      "augmented",
    );
    expectClose(res.estimate.estimate, g.average_att, TOL_EST, "att");
    expectClose(res.scEstimate, g.sc_average_att, TOL_EST, "sc att");
    expectClose(res.preFit.sc.l2Imbalance, g.l2_imbalance_sc, TOL_EST, "l2 sc");
    expectClose(res.preFit.augmented.l2Imbalance, g.l2_imbalance_augmented, TOL_EST, "l2 aug");
    expectClose(res.preFit.augmented.scaledL2Imbalance, g.scaled_l2_imbalance_augmented, TOL_EST, "scaled");
    expectClose(
      res.trajectory.map((r) => r.treated - r.augmented),
      g.att,
      { rtol: 1e-7, atol: 1e-7 },
      "att by period",
    );
  });

  it("uses a given λ", () => {
    const res = augmentedSc(panel, { lambda: g.fixed_lambda });
    expect(res.lambdaSource).toBe("given");
    expect(res.cv).toBeNull();
    expectClose(
      res.weights.map((w) => w.augmented),
      g.fixed_lambda_weights,
      TOL_WEIGHTS,
      "weights",
    );
    expectClose(res.estimate.estimate, g.fixed_lambda_average_att, TOL_EST, "att");
    const sum = res.weights.reduce((a, w) => a + w.augmented, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-12);
    expect(res.preFit.augmented.rmse).toBeLessThan(res.preFit.sc.rmse);
  });

  it("improves the pre-fit where SC cannot reach the treated unit (outside the hull)", () => {
    const { matrix, truth } = generateSynthPanel({ seed: 3, scenario: "outside-hull", donors: 15 });
    const res = augmentedSc(matrix);
    expect(res.preFit.augmented.rmse).toBeLessThan(res.preFit.sc.rmse);
    expect(Math.abs(res.estimate.estimate - truth.att)).toBeLessThan(Math.abs(res.scEstimate - truth.att));
    expect(res.diagnostics.map((d) => d.code)).toContain("D_ASCM_RIDGE");
    expect(Object.isFrozen(res)).toBe(true);
  });

  it("rejects a bad λ and a bad holdout length", () => {
    expect(errorCode(() => augmentedSc(panel, { lambda: -1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => augmentedSc(panel, { cv: { holdoutLength: 25 } }))).toBe("E_INVALID_ARGUMENT");
  });
});
