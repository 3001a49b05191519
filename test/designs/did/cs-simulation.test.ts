import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { type CsSpec, callawaySantAnna } from "../../../src/designs/did/cs/index.js";

/**
 * Staggered-adoption panel with selection on a covariate. Periods 1..5; x ~ N(0, 1); the first treated period
 * g ∈ {0 (never), 3, 4} is drawn with probabilities depending on x, and x also drives the outcome trend, so
 * parallel trends hold only conditionally on x (the unconditional estimator is biased; reg / ipw / dr with x are
 * not). yᵢₜ = αᵢ + t/2 + x·t/2 + τ(g, t)·1{t ≥ g} + εᵢₜ with αᵢ depending on g and x, εᵢₜ ~ N(0, 1), and the
 * true effect τ(g, t) = 1 + (t − g)/2 + (g = 4)/4 for every treated unit, so ATT(g,t) = τ(g,t) after treatment
 * and 0 before.
 */
function simulatePanel(seed: number, nUnits: number): Frame {
  const rng = createRng(seed, 7);
  const T = 5;
  const rows = nUnits * T;
  const id = new Float64Array(rows);
  const t = new Float64Array(rows);
  const g = new Float64Array(rows);
  const x = new Float64Array(rows);
  const y = new Float64Array(rows);
  const state = new Float64Array(rows);
  for (let i = 0; i < nUnits; i++) {
    const xi = rng.normal();
    const u = rng.uniform();
    const p3 = 0.25 + 0.1 * Math.tanh(xi);
    const p4 = 0.25 + 0.1 * Math.tanh(-xi);
    const gi = u < p3 ? 3 : u < p3 + p4 ? 4 : 0;
    const alpha = rng.normal() + 0.5 * xi + (gi === 3 ? 0.5 : 0);
    for (let s = 1; s <= T; s++) {
      const r = i * T + (s - 1);
      id[r] = i + 1;
      t[r] = s;
      g[r] = gi;
      x[r] = xi;
      state[r] = i % 40;
      const tau = gi > 0 && s >= gi ? trueAtt(gi, s) : 0;
      y[r] = alpha + 0.5 * s + 0.5 * xi * s + tau + rng.normal();
    }
  }
  return Frame.fromObject({ id, t, g, x, y, state });
}

function trueAtt(g: number, t: number): number {
  return t < g ? 0 : 1 + (t - g) / 2 + (g === 4 ? 0.25 : 0);
}

const spec: CsSpec = { outcome: "y", unit: "id", time: "t", group: "g", covariates: ["x"] };

function mean(v: readonly number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
function sd(v: readonly number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
}

// 200 replications of n = 400 units. Per quantity: the Monte Carlo mean must be within 4 Monte Carlo standard
// errors (sd/√200) of the truth, and the mean analytic SE within 15 % of the Monte Carlo SD of the estimate (the
// SD itself is estimated with ≈ 5 % relative error from 200 draws, so 15 % is a 3-sigma band). Coverage of the
// 95 % interval of the overall ATTs must lie in [0.90, 0.99].
const SEEDS = 200;
const N = 400;

describe.each(["dr", "reg", "ipw"] as const)(
  "influence-function SEs, simulated panels (estMethod %s)",
  (estMethod) => {
    const runs = Array.from({ length: SEEDS }, (_, s) =>
      callawaySantAnna(simulatePanel(1000 + s, N), { ...spec, estMethod }),
    );

    it("recovers every ATT(g,t) (pre-periods 0) and calibrates the analytic SE", () => {
      const K = runs[0].attGt.length;
      expect(K).toBe(8);
      for (let k = 0; k < K; k++) {
        const cell = runs[0].attGt[k];
        const est = runs.map((r) => r.attGt[k].estimate as number);
        const se = runs.map((r) => r.attGt[k].se as number);
        const truth = trueAtt(cell.group, cell.time);
        const mcSd = sd(est);
        expect(Math.abs(mean(est) - truth), `bias ATT(${cell.group},${cell.time})`).toBeLessThan(
          (4 * mcSd) / Math.sqrt(SEEDS),
        );
        expect(Math.abs(mean(se) / mcSd - 1), `SE ATT(${cell.group},${cell.time})`).toBeLessThan(0.15);
      }
    });

    it("calibrates the aggregated SEs (including the estimated-weights term) and covers the truth", () => {
      const pick = {
        simple: (r: (typeof runs)[number]) => r.aggregations.simple!.overall,
        dynamic: (r: (typeof runs)[number]) => r.aggregations.dynamic!.overall,
        group: (r: (typeof runs)[number]) => r.aggregations.group!.overall,
        calendar: (r: (typeof runs)[number]) => r.aggregations.calendar!.overall,
      };
      for (const [name, f] of Object.entries(pick)) {
        const est = runs.map((r) => f(r).estimate);
        const se = runs.map((r) => f(r).se as number);
        const mcSd = sd(est);
        expect(Math.abs(mean(se) / mcSd - 1), `SE ${name}`).toBeLessThan(0.15);
        const cover = runs.filter((r) => {
          const ci = f(r).ci!;
          const truth = trueOverall(name);
          return ci[0] <= truth && truth <= ci[1];
        }).length;
        expect(cover / SEEDS, `coverage ${name}`).toBeGreaterThanOrEqual(0.9);
        expect(cover / SEEDS, `coverage ${name}`).toBeLessThanOrEqual(0.99);
      }
    });
  },
);

/** True overall parameters: group shares are ½ / ½ in expectation for g = 3 and g = 4 (symmetric in x). */
function trueOverall(name: string): number {
  const g3 = [trueAtt(3, 3), trueAtt(3, 4), trueAtt(3, 5)];
  const g4 = [trueAtt(4, 4), trueAtt(4, 5)];
  switch (name) {
    case "simple":
      return mean([...g3, ...g4]);
    case "dynamic":
      return mean([(g3[0] + g4[0]) / 2, (g3[1] + g4[1]) / 2, g3[2]]);
    case "group":
      return (mean(g3) + mean(g4)) / 2;
    default:
      return mean([g3[0], (g3[1] + g4[0]) / 2, (g3[2] + g4[1]) / 2]);
  }
}

describe("unconditional parallel trends fail in this design", () => {
  it("without the covariate the estimate is biased and the pre-test rejects", () => {
    const res = callawaySantAnna(simulatePanel(99, 4000), { ...spec, covariates: [], estMethod: "reg" });
    const withX = callawaySantAnna(simulatePanel(99, 4000), { ...spec, estMethod: "reg" });
    expect(res.preTest!.pValue).toBeLessThan(0.01);
    expect(withX.preTest!.pValue).toBeGreaterThan(0.001);
    expect(res.diagnostics.find((d) => d.code === "D_CS_PRETEST")?.severity).toBe("warn");
  });
});

describe("multiplier bootstrap", () => {
  const frame = simulatePanel(5, 600);

  it("is deterministic for a seed and changes with the seed", () => {
    const a = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 499, seed: 11 } });
    const b = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 499, seed: 11 } });
    const c = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 499, seed: 12 } });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.attGt[0].se).not.toBe(c.attGt[0].se);
    expect(a.provenance.seed).toBe(11);
    expect(a.bootstrap).toEqual({ reps: 499, seed: 11, clusterBy: null });
  });

  it("bootstrap SEs agree with the analytic SEs (Rademacher multipliers on the same influence functions)", () => {
    const analytic = callawaySantAnna(frame, spec);
    const boot = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 4999, seed: 3 } });
    boot.attGt.forEach((r, k) => {
      expect(Math.abs((r.se as number) / (analytic.attGt[k].se as number) - 1)).toBeLessThan(0.08);
      expect(r.estimate).toBe(analytic.attGt[k].estimate);
    });
    const a = analytic.aggregations.dynamic!.overall.se as number;
    expect(Math.abs((boot.aggregations.dynamic!.overall.se as number) / a - 1)).toBeLessThan(0.08);
  });

  it("clustering on a unit-level id reproduces the unit bootstrap; coarser clusters change the SEs", () => {
    const unit = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 299, seed: 4 } });
    const byId = callawaySantAnna(frame.withColumn("id2", frame.numeric("id")), {
      ...spec,
      bootstrap: { reps: 299, seed: 4, clusterBy: "id2" },
    });
    byId.attGt.forEach((r, k) => {
      expect(r.se).toBe(unit.attGt[k].se);
    });
    const st = callawaySantAnna(frame, { ...spec, bootstrap: { reps: 299, seed: 4, clusterBy: "state" } });
    expect(st.n.clusters).toBe(40);
    expect(st.attGt[0].se).not.toBe(unit.attGt[0].se);
  });
});
