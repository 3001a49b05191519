import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { createRng } from "../../src/core/rng.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols } from "../../src/models/ols.js";
import {
  type ClusterSuffStats,
  invertPValue,
  wildClusterBootstrap,
} from "../../src/models/wild-bootstrap.js";
import { errorCode } from "../helpers/error-code.js";

/** A small-K data set: 8 clusters of unequal size, cluster-level treatment, a user-level covariate. */
function smallK(seed: number) {
  const sizes = [3, 5, 8, 12, 4, 20, 6, 9];
  const arm = [1, 0, 1, 0, 1, 0, 0, 1];
  const rng = createRng(seed);
  const y: number[] = [];
  const d: number[] = [];
  const x: number[] = [];
  const g: number[] = [];
  sizes.forEach((m, c) => {
    const u = 0.7 * rng.normal();
    for (let i = 0; i < m; i++) {
      const xi = rng.normal();
      y.push(1 + 0.4 * arm[c] + 0.3 * xi + u + rng.normal());
      d.push(arm[c]);
      x.push(xi);
      g.push(c);
    }
  });
  return { y, d, x, g };
}

function suffStats(data: ReturnType<typeof smallK>): ClusterSuffStats {
  const k = 3;
  const G = 8;
  const gram = new Float64Array(G * k * k);
  const xty = new Float64Array(G * k);
  data.y.forEach((yi, i) => {
    const row = [1, data.d[i], data.x[i]];
    const c = data.g[i];
    for (let a = 0; a < k; a++) {
      xty[c * k + a] += row[a] * yi;
      for (let b = 0; b < k; b++) gram[c * k * k + a * k + b] += row[a] * row[b];
    }
  });
  return { k, count: G, n: data.y.length, gram, xty, names: ["Intercept", "d", "x"] };
}

/** Restricted wild cluster bootstrap by brute force: refit every sign pattern with ols() and CR1. */
function bruteForceP(data: ReturnType<typeof smallK>, beta0: number): number {
  const f = parseFormula("y ~ d + x");
  const vcov = { type: "cluster", by: ["g"] } as const;
  const full = ols(Frame.fromObject(data), { ...f, vcov });
  const t = Math.abs((full.terms[1].estimate - beta0) / full.terms[1].se!);
  const restricted = ols(
    Frame.fromObject({ ...data, y: data.y.map((v, i) => v - beta0 * data.d[i]) }),
    parseFormula("y ~ x"),
  );
  const [b0, bx] = restricted.terms.map((r) => r.estimate);
  const fitted = data.y.map((_, i) => b0 + beta0 * data.d[i] + bx * data.x[i]);
  const resid = data.y.map((v, i) => v - fitted[i]);
  let exceed = 0;
  for (let rep = 0; rep < 256; rep++) {
    const ystar = fitted.map((fi, i) => fi + ((rep >>> data.g[i]) & 1 ? -1 : 1) * resid[i]);
    const fit = ols(Frame.fromObject({ ...data, y: ystar }), { ...f, vcov });
    const tstar = Math.abs((fit.terms[1].estimate - beta0) / fit.terms[1].se!);
    if (tstar >= t * (1 - 1e-10)) exceed++; // at least as extreme (ties counted)
  }
  return exceed / 256;
}

describe("wildClusterBootstrap (restricted, sufficient statistics)", () => {
  const data = smallK(3);
  const stats = suffStats(data);

  it("with 8 clusters Rademacher weights are enumerated (256 patterns) and the p-value equals a brute-force refit", () => {
    const res = wildClusterBootstrap(stats, 1, { seed: 1, reps: 999 });
    expect(res.enumerated).toBe(true);
    expect(res.reps).toBe(256);
    expect(res.pValue).toBe(bruteForceP(data, 0));
    const at = wildClusterBootstrap(stats, 1, { seed: 1, reps: 999, nullValue: 0.9 });
    expect(at.pValue).toBe(bruteForceP(data, 0.9));
    const cr1 = ols(Frame.fromObject(data), {
      ...parseFormula("y ~ d + x"),
      vcov: { type: "cluster", by: ["g"] },
    });
    expect(res.statistic).toBeCloseTo(cr1.terms[1].statistic!, 10);
    expect(res.estimate).toBeCloseTo(cr1.terms[1].estimate, 12);
  });

  it("the interval inverts the test: p ≥ alpha just inside each end, < alpha just outside", () => {
    const res = wildClusterBootstrap(stats, 1, { seed: 1, reps: 999, weights: "rademacher" });
    const [lo, hi] = res.ci!;
    expect(lo).toBeLessThan(res.estimate);
    expect(hi).toBeGreaterThan(res.estimate);
    const eps = 1e-6;
    expect(bruteForceP(data, lo + eps)).toBeGreaterThanOrEqual(0.05);
    expect(bruteForceP(data, lo - eps)).toBeLessThan(0.05);
    expect(bruteForceP(data, hi - eps)).toBeGreaterThanOrEqual(0.05);
    expect(bruteForceP(data, hi + eps)).toBeLessThan(0.05);
  });

  it("Webb weights are sampled, seeded and reproducible; streams differ", () => {
    const a = wildClusterBootstrap(stats, 1, { seed: 7, reps: 499, weights: "webb" });
    const b = wildClusterBootstrap(stats, 1, { seed: 7, reps: 499, weights: "webb" });
    const c = wildClusterBootstrap(stats, 1, { seed: 7, reps: 499, weights: "webb", stream: 1 });
    expect(a.enumerated).toBe(false);
    expect(a.reps).toBe(499);
    expect(b).toEqual(a);
    expect(c.ci).not.toEqual(a.ci);
  });

  it("enumeration draws nothing random, so it needs no seed (and reports none)", () => {
    const unseeded = wildClusterBootstrap(stats, 1, { reps: 2 ** stats.count });
    expect(unseeded.enumerated).toBe(true);
    expect(unseeded.seed).toBeNull();
    expect({ ...unseeded, seed: 1 }).toEqual(
      wildClusterBootstrap(stats, 1, { reps: 2 ** stats.count, seed: 1 }),
    );
  });

  it("rejects bad options", () => {
    expect(errorCode(() => wildClusterBootstrap(stats, 1, { seed: 1.5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => wildClusterBootstrap(stats, 1, { weights: "webb" }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => wildClusterBootstrap(stats, 5, { seed: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => wildClusterBootstrap({ ...stats, count: 1 }, 1, { seed: 1 }))).toBe(
      "E_TOO_FEW_CLUSTERS",
    );
  });

  it("small G: Webb weights enumerate all 6^G patterns; Rademacher's 2^G cannot reach p < 1/8 at G = 4, so no CI", () => {
    // the first four clusters only: 2 treated (clusters 0, 2), 2 control (1, 3)
    const G = 4;
    const k = stats.k;
    const four: ClusterSuffStats = {
      ...stats,
      count: G,
      n: data.g.filter((c) => c < G).length,
      gram: stats.gram.slice(0, G * k * k),
      xty: stats.xty.slice(0, G * k),
    };
    const webb = wildClusterBootstrap(four, 1, { weights: "webb" });
    expect(webb.enumerated).toBe(true);
    expect(webb.reps).toBe(1296);
    expect(webb.seed).toBeNull();
    expect(webb.minPValue).toBeLessThan(0.05);
    expect(webb.ci).not.toBeNull();
    const [lo, hi] = webb.ci!;
    expect(lo).toBeLessThan(webb.estimate);
    expect(hi).toBeGreaterThan(webb.estimate);
    expect(hi - lo).toBeLessThan(100);
    const rad = wildClusterBootstrap(four, 1, {});
    expect(rad.reps).toBe(16);
    expect(rad.minPValue).toBe(1 / 8);
    expect(rad.ci).toBeNull(); // not ±5·10⁹
    expect(rad.pValue).toBeGreaterThanOrEqual(1 / 8);
  });

  it("invertPValue never returns a sentinel end: a set wider than 2^20·scale is null", () => {
    expect(invertPValue((b) => (Math.abs(b) < 5e9 ? 1 : 0), 0, 0.005, 0.05)).toBeNull();
    const ci = invertPValue((b) => (Math.abs(b) < 1000 ? 1 : 0), 0, 1, 0.05)!;
    expect(ci[1]).toBeCloseTo(1000, 6);
  });

  it("invertPValue finds the crossing points of a step function", () => {
    const ci = invertPValue((b) => (Math.abs(b - 1) < 1.96 ? 1 : 0), 1, 1, 0.05)!;
    expect(ci[0]).toBeCloseTo(-0.96, 8);
    expect(ci[1]).toBeCloseTo(2.96, 8);
    expect(invertPValue(() => 1, 0, 1, 0.05)).toBeNull();
  });
});
