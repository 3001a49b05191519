import { describe, expect, it } from "vitest";
import { generateSynthPanel } from "../../../src/data/generate/synth-scenarios.js";
import { sdid } from "../../../src/designs/synth/sdid.js";
import { type SdidEstimator, synthdidEstimate } from "../../../src/designs/synth/sdid-estimate.js";
import { sdidStandardError } from "../../../src/designs/synth/sdid-se.js";
import {
  collapsedForm,
  frankWolfeWeights,
  sparsifyWeights,
  sumNormalize,
} from "../../../src/designs/synth/sdid-solver.js";
import { parseSdidSpec } from "../../../src/designs/synth/sdid-spec.js";
import { type SynthMatrix, selectRows } from "../../../src/designs/synth/sdid-types.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";
import { prop99 } from "./sdid-fixture.js";

interface FitExpected {
  estimate: number;
  omega: number[];
  lambda: number[];
  jackknife_se: number | null;
}
const golden = loadGolden<Record<SdidEstimator, FitExpected>>("synth", "sdid-multi");
const treatedNames = (golden.data as { treated: string[] }).treated;

/** Prop 99 with Nevada and Utah moved next to California in the treated block (three treated units). */
function multiTreated(): SynthMatrix {
  const p = prop99();
  const t = p.periods.length;
  const order = [
    ...p.unitNames.map((u, i) => ({ u, i })).filter((x) => !treatedNames.includes(x.u)),
    ...treatedNames.map((u) => ({ u, i: p.unitNames.indexOf(u) })),
  ];
  const y = selectRows(
    p.y,
    t,
    order.map((x) => x.i),
  );
  return { y, n0: order.length - 3, t0: p.t0, unitNames: order.map((x) => x.u), periods: p.periods };
}

/**
 * Tolerances against the transcribed synthdid code path: estimates and weights 1e-8 absolute (the iterations are
 * the same arithmetic; observed ≈ 1e-13), jackknife SE 1e-8 relative.
 */
const TOL = { atol: 1e-8 };

describe("synthdid with three treated units (transcribed synthdid 0.0.9 code path)", () => {
  const panel = multiTreated();
  for (const estimator of ["sdid", "sc", "did"] as const) {
    it(`${estimator}: estimate, weights and the fixed-weights jackknife SE`, () => {
      const fit = synthdidEstimate(panel, estimator);
      const g = golden.expected[estimator];
      expectClose(fit.estimate, g.estimate, TOL, "estimate");
      expectClose(Array.from(fit.omega), g.omega, TOL, "omega");
      expectClose(Array.from(fit.lambda), g.lambda, TOL, "lambda");
      const jk = sdidStandardError(panel, fit, "jackknife");
      expectClose(jk.se, g.jackknife_se, { rtol: 1e-8 }, "jackknife");
      expect(jk.replicates).toHaveLength(panel.unitNames.length);
    });
  }

  it("bootstrap SE is defined with several treated units, seeded and reproducible", () => {
    const fit = synthdidEstimate(panel, "did");
    const a = sdidStandardError(panel, fit, "bootstrap", { reps: 30, seed: 9 });
    const b = sdidStandardError(panel, fit, "bootstrap", { reps: 30, seed: 9 });
    expect(a.se).not.toBeNull();
    expect(a.replicates).toEqual(b.replicates);
    expect(a.se).toBeGreaterThan(0);
    // DiD: bootstrap and jackknife measure the same sampling variability (within a factor of 2 at 30 reps)
    const jk = sdidStandardError(panel, fit, "jackknife").se as number;
    expect((a.se as number) / jk).toBeGreaterThan(0.5);
    expect((a.se as number) / jk).toBeLessThan(2);
  });

  it("the top-level result carries the SE, a normal CI and p-value", () => {
    const res = sdid(panel, { se: { method: "jackknife" } });
    expectClose(res.estimate.se, golden.expected.sdid.jackknife_se, { rtol: 1e-8 }, "se");
    const z = res.estimate.estimate / (res.estimate.se as number);
    expectClose(res.estimate.statistic, z, { rtol: 1e-12 }, "z");
    expect(res.estimate.ci?.[0]).toBeCloseTo(
      res.estimate.estimate - 1.959963984540054 * (res.estimate.se as number),
      10,
    );
    expect(res.estimate.pValue).toBeGreaterThan(0);
    expect(res.n).toEqual({ units: 39, controls: 36, treated: 3, periods: 31, pre: 19, post: 12 });
    expect(res.provenance.engine).toBe("memory");
  });
});

describe("sdid validation", () => {
  const small = generateSynthPanel({ seed: 2, donors: 6, periods: 12, treatmentStart: 9 }).matrix;

  it("names the bad field of a spec", () => {
    expect(errorCode(() => parseSdidSpec({ estimator: "synth" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => sdid(small, { se: { reps: 1 } }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => sdid(small, { extra: 1 } as never))).toBe("E_INVALID_SPEC");
    try {
      parseSdidSpec({ tuning: { maxIter: 0 } });
    } catch (e) {
      expect(String((e as Error).message)).toContain("spec.tuning.maxIter");
    }
  });

  it("rejects panels without donors, treated units, enough pre-periods or finite outcomes", () => {
    expect(errorCode(() => synthdidEstimate({ ...small, n0: 0 }))).toBe("E_SYNTH_NO_DONORS");
    expect(errorCode(() => synthdidEstimate({ ...small, n0: 7 }))).toBe("E_CONSTANT_TREATMENT");
    expect(errorCode(() => synthdidEstimate({ ...small, t0: 1 }))).toBe("E_SYNTH_TOO_FEW_PRE");
    expect(errorCode(() => synthdidEstimate({ ...small, t0: 12 }))).toBe("E_CONSTANT_TREATMENT");
    expect(errorCode(() => synthdidEstimate({ ...small, periods: small.periods.slice(1) }))).toBe(
      "E_LENGTH_MISMATCH",
    );
    const y = Float64Array.from(small.y);
    y[5] = Number.NaN;
    expect(errorCode(() => synthdidEstimate({ ...small, y }))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => synthdidEstimate(small, "sdid", { omega: [1, 0] }))).toBe("E_LENGTH_MISMATCH");
  });

  it("placebo SE needs more controls than treated units (null + diagnostic)", () => {
    const few = generateSynthPanel({ seed: 2, donors: 2, treated: 2, periods: 12, treatmentStart: 9 }).matrix;
    const res = sdid(few, { se: { method: "placebo", reps: 5 } });
    expect(res.estimate.se).toBeNull();
    expect(res.diagnostics.find((d) => d.code === "D_SDID_SE_UNAVAILABLE")?.evidence.reason).toBe(
      "too-few-controls",
    );
  });

  it("is seeded: the same seed gives the same placebo SE, another seed a different one", () => {
    const a = sdid(small, { se: { method: "placebo", reps: 20, seed: 3 } });
    const b = sdid(small, { se: { method: "placebo", reps: 20, seed: 3 } });
    const c = sdid(small, { se: { method: "placebo", reps: 20, seed: 4 } });
    expect(a.estimate.se).toBe(b.estimate.se);
    expect(a.estimate.se).not.toBe(c.estimate.se);
    expect(a.provenance.seed).toBe(3);
  });

  it("honours tuning overrides (no sparsification, a larger ridge)", () => {
    const base = synthdidEstimate(small);
    const tuned = synthdidEstimate(small, "sdid", { sparsify: false, etaOmega: 10 });
    expect(tuned.options.sparsify).toBe(false);
    expect(tuned.options.zetaOmega).toBeCloseTo(10 * base.options.noiseLevel, 12);
    // a heavier ridge spreads the unit weights
    const nonzero = (w: Float64Array) => [...w].filter((x) => x > 0).length;
    expect(nonzero(tuned.omega)).toBeGreaterThanOrEqual(nonzero(base.omega));
  });
});

describe("synthdid building blocks", () => {
  it("Frank–Wolfe finds an exact simplex combination; sparsify and collapsed form follow synthdid", () => {
    const m = Float64Array.from([1, 0, 0.25, 0, 1, 0.75, 1, 1, 1]);
    const r = frankWolfeWeights(m, 3, 2, { zeta: 0, intercept: false, minDecrease: 1e-12, maxIter: 10000 });
    expectClose(Array.from(r.weights), [0.25, 0.75], { atol: 1e-6 }, "weights");
    expect(r.values.at(-1)).toBeLessThan(1e-10);
    expectClose(
      Array.from(sparsifyWeights(Float64Array.from([0.6, 0.3, 0.1]))),
      [2 / 3, 1 / 3, 0],
      TOL,
      "sparsify",
    );
    expectClose(Array.from(sumNormalize(Float64Array.from([0, 0]))), [0.5, 0.5], TOL, "uniform");
    // 2 units × 3 periods, one control, one pre-period
    expectClose(
      Array.from(collapsedForm(Float64Array.from([1, 2, 3, 4, 5, 6]), 2, 3, 1, 1)),
      [1, 2.5, 4, 5.5],
      TOL,
      "c",
    );
  });
});
