import { describe, expect, it } from "vitest";
import { generateSynthPanel } from "../../../src/data/generate/synth-scenarios.js";
import { synthdidEstimate, weightedDoubleDifference } from "../../../src/designs/synth/sdid-estimate.js";

/**
 * Stated tolerance of the simulation check (40 seeds, 20 donors, 30 pre- and 10 post-periods, noise sd 0.5,
 * effect 2): the mean error is within 3 Monte Carlo SE of zero (no detectable bias), the RMSE is below 0.35
 * (observed 0.28; the noise alone gives about 0.5·√(1/10 + 1/30 + …) ≈ 0.2–0.3), and no single error exceeds
 * 1.0 (observed max 0.73).
 */
function summary(errors: number[]) {
  const n = errors.length;
  const mean = errors.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(errors.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const rmse = Math.sqrt(errors.reduce((a, b) => a + b * b, 0) / n);
  return { mean, sd, rmse, mcse: sd / Math.sqrt(n), maxAbs: Math.max(...errors.map(Math.abs)) };
}

describe("SDID on generated panels with a known effect", () => {
  it("recovers the effect of a clean rollout (no donor shock): bias within 3 Monte Carlo SE, RMSE < 0.35, every error < 1", () => {
    const errors: number[] = [];
    const scErrors: number[] = [];
    for (let seed = 1; seed <= 40; seed++) {
      const { matrix, truth } = generateSynthPanel({ seed, scenario: "rollout", shock: 0, donors: 20 });
      errors.push(synthdidEstimate(matrix, "sdid").estimate - truth.att);
      scErrors.push(synthdidEstimate(matrix, "sc").estimate - truth.att);
    }
    const s = summary(errors);
    // plain SC is also unbiased here: the treated unit is inside the hull
    expect(Math.abs(summary(scErrors).mean)).toBeLessThanOrEqual(3 * summary(scErrors).mcse);
    expect(Math.abs(s.mean)).toBeLessThanOrEqual(3 * s.mcse);
    expect(s.rmse).toBeLessThan(0.35);
    expect(s.maxAbs).toBeLessThan(1);
  });

  it("outside the donors' hull SDID's intercept absorbs the level gap; SC does not", () => {
    const errors: number[] = [];
    const scErrors: number[] = [];
    for (let seed = 1; seed <= 20; seed++) {
      const { matrix, truth } = generateSynthPanel({ seed, scenario: "outside-hull", donors: 20 });
      errors.push(synthdidEstimate(matrix, "sdid").estimate - truth.att);
      scErrors.push(synthdidEstimate(matrix, "sc").estimate - truth.att);
    }
    const s = summary(errors);
    const sc = summary(scErrors);
    expect(Math.abs(s.mean)).toBeLessThanOrEqual(3 * s.mcse);
    expect(s.rmse).toBeLessThan(0.35);
    expect(s.maxAbs).toBeLessThan(1);
    expect(Math.abs(sc.mean)).toBeGreaterThan(5 * Math.abs(s.mean) + 3 * sc.mcse);
  });

  it("a donor hit by an unrelated post-period shock biases SDID by its weight × the shock", () => {
    const { matrix, truth } = generateSynthPanel({ seed: 3, scenario: "rollout", donors: 20 });
    const clean = generateSynthPanel({ seed: 3, scenario: "rollout", donors: 20, shock: 0 });
    const fit = synthdidEstimate(matrix, "sdid");
    const j = matrix.unitNames.indexOf(truth.shockedDonor as string);
    expect(fit.omega[j]).toBeGreaterThan(0.05);
    // with the weights held fixed, the shock moves the estimate by exactly −ω_j × shock
    const n = matrix.unitNames.length;
    const t = matrix.periods.length;
    const cleanTau = weightedDoubleDifference(
      clean.matrix.y,
      n,
      t,
      matrix.n0,
      matrix.t0,
      fit.omega,
      fit.lambda,
    );
    expect(fit.estimate - cleanTau).toBeCloseTo(-fit.omega[j] * truth.shock, 10);
    expect(Math.abs(fit.estimate - truth.att)).toBeGreaterThan(Math.abs(cleanTau - truth.att));
  });
});
