import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { synth } from "../../../src/designs/synth/synth.js";
import { expectClose } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";

interface AdhRun {
  v: number[];
  w: number[];
  lossV: number;
  sv2: number[];
  starts: {
    value: number;
    method: string;
    nelderMead: number;
    nmEvaluations: number;
    bfgs: number;
    bfgsEvaluations: number;
    bfgsGradients: number;
    par: number[];
  }[];
}
interface AdhGolden {
  X: number[];
  exact: AdhRun;
  ipop: AdhRun;
}

describe("ADH nested V optimisation against the R reproduction of Synth::synth()", () => {
  const golden = loadGolden<AdhGolden>("synth", "adh");
  const rows = (golden as unknown as { rows: Record<string, number[]> }).rows;
  const frame = Frame.fromObject({
    unit: rows.unit,
    period: rows.period,
    y: rows.y,
    x1: rows.x1,
    x2: rows.x2,
  });
  const g = golden.expected;
  const res = synth(frame, {
    outcome: "y",
    unit: "unit",
    time: "period",
    treated: [0],
    treatmentStart: 17,
    predictors: [
      { column: "x1" },
      { column: "x2" },
      { column: "y", from: 1, to: 8 },
      { column: "y", periods: [16] },
    ],
    placebo: false,
    leaveOneOut: false,
  });
  const p = res.predictors;
  if (!p) throw new Error("no predictors");

  it("builds Synth's predictor matrix", () => {
    const k = 4;
    expectClose(
      p.treated,
      [0, 1, 2, 3].map((i) => g.X[i * 13]),
      { rtol: 1e-12 },
    );
    expect(p.names).toEqual(["x1 (mean 1–16)", "x2 (mean 1–16)", "y (mean 1–8)", "y (mean 16)"]);
    expect(k).toBe(p.v.length);
  });

  it("runs both starts like R's optimx (Nelder-Mead and BFGS each) and reproduces V, W and loss.v", () => {
    expect(p.vSource).toBe("optimised");
    expect(p.starts.map((s) => s.start)).toEqual(["equal", "regression"]);
    expect(p.starts.map((s) => s.method)).toEqual(g.exact.starts.map((s) => s.method));
    expectClose(
      p.starts.map((s) => s.nelderMead.lossV),
      g.exact.starts.map((s) => s.nelderMead),
      { rtol: 1e-7 },
    );
    expect(p.starts.map((s) => s.nelderMead.evaluations)).toEqual(g.exact.starts.map((s) => s.nmEvaluations));
    expectClose(
      p.starts.map((s) => s.bfgs?.lossV),
      g.exact.starts.map((s) => s.bfgs),
      { rtol: 1e-6 },
    );
    // Same iterates (values and gradient counts agree); optimx's function-evaluation tally for BFGS is its own.
    expect(p.starts.map((s) => s.bfgs?.gradients)).toEqual(g.exact.starts.map((s) => s.bfgsGradients));
    expectClose(p.v, g.exact.v, { rtol: 1e-6, atol: 1e-9 });
    expectClose(
      res.weights.map((w) => w.weight),
      g.exact.w,
      { atol: 1e-8 },
    );
    expectClose(p.lossV, g.exact.lossV, { rtol: 1e-8 });
  });

  it("lands on Synth's own (ipop) weights to ipop's accuracy", () => {
    // ipop stops at margin 5e-4 and leaves ~1e-5 on zero weights; V is not identified (flat loss), but W is.
    expectClose(
      res.weights.map((w) => w.weight),
      g.ipop.w,
      { atol: 2e-4 },
    );
  });

  it("bootstraps with predictors (V fixed, predictors and W recomputed per replicate)", () => {
    const b = synth(frame, {
      outcome: "y",
      unit: "unit",
      time: "period",
      treated: [0],
      treatmentStart: 17,
      predictors: [
        { column: "x1" },
        { column: "x2" },
        { column: "y", from: 1, to: 8 },
        { column: "y", periods: [16] },
      ],
      placebo: false,
      leaveOneOut: false,
      inTimePlacebo: false,
      bootstrap: { reps: 30, seed: 1 },
    });
    expect(b.bootstrap?.replicates.length).toBe(30);
    expect(b.estimate.ci?.[0]).toBeLessThan(b.estimate.estimate);
    expect(b.estimate.ci?.[1]).toBeGreaterThan(b.estimate.estimate);
  });

  it("honours customV and a single predictor", () => {
    const custom = synth(frame, {
      outcome: "y",
      unit: "unit",
      time: "period",
      treated: [0],
      treatmentStart: 17,
      predictors: [{ column: "x1" }, { column: "x2" }],
      customV: [1, 3],
      placebo: false,
      leaveOneOut: false,
      inTimePlacebo: false,
    });
    expect(custom.predictors?.v).toEqual([0.25, 0.75]);
    expect(custom.predictors?.vSource).toBe("custom");
    const one = synth(frame, {
      outcome: "y",
      unit: "unit",
      time: "period",
      treated: [0],
      treatmentStart: 17,
      predictors: [{ column: "y", from: 1, to: 16 }],
      placebo: false,
      leaveOneOut: false,
      inTimePlacebo: false,
    });
    expect(one.predictors?.vSource).toBe("single-predictor");
  });
});
