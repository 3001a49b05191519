import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { cluster } from "../../../src/designs/cluster/cluster.js";
import { clusterSummary } from "../../../src/designs/cluster/summary.js";

/** G clusters (the first ⌈G/2⌉ treated), 20–40 users each, cluster effects sd 0.5, unit noise, effect `tau`. */
function simulate(G: number, seed: number, tau = 1) {
  const rng = createRng(seed);
  const y: number[] = [];
  const d: number[] = [];
  const g: number[] = [];
  for (let c = 0; c < G; c++) {
    const arm = c < Math.ceil(G / 2) ? 1 : 0;
    const u = 0.5 * rng.normal();
    const m = 20 + rng.int(21);
    for (let i = 0; i < m; i++) {
      y.push(2 + tau * arm + u + rng.normal());
      d.push(arm);
      g.push(c);
    }
  }
  return Frame.fromObject({ y, d, g });
}

const spec = { outcome: "y", treatment: "d", cluster: "g" } as const;
const SANE = 50; // no interval end further than 50 units from the estimate (outcome sd ≈ 1.1)

function expectHonest(t: {
  estimate: number;
  se: number | null;
  ci: readonly [number, number] | null;
}): void {
  if (t.se !== null) expect(t.se).toBeGreaterThan(0);
  if (t.ci !== null) {
    expect(t.ci[1] - t.ci[0]).toBeGreaterThan(0);
    expect(Math.abs(t.ci[0] - t.estimate)).toBeLessThan(SANE);
    expect(Math.abs(t.ci[1] - t.estimate)).toBeLessThan(SANE);
  }
}

describe("cluster(): never a silent wrong number with 2–6 clusters", () => {
  it("G = 2: CR1/CR2/CR3 refused (null, not 0), only exact RI, failing D_CLUSTER_TOO_FEW; no seed needed", () => {
    const r = cluster(simulate(2, 1), spec);
    for (const t of [r.estimators.cr1, r.estimators.cr2, r.estimators.cr3]) {
      expect(t.se).toBeNull();
      expect(t.ci).toBeNull();
      expect(t.pValue).toBeNull();
    }
    expect(r.headlineInference).toBe("randomization");
    expect(r.estimate.se).toBeNull();
    expect(r.estimate.ci).toBeNull(); // 2 assignments: no p below 1/2
    expect(r.estimate.pValue).toBe(1);
    expect(r.smallK?.wild).toBeNull();
    expect(r.smallK?.randomization?.assignments).toBe(2);
    expect(r.bootstrap).toBeNull();
    const few = r.diagnostics.find((x) => x.code === "D_CLUSTER_TOO_FEW");
    expect(few?.severity).toBe("fail");
    expect(few?.message).toMatch(/standard error of 0/);
    expect(few?.message).toMatch(/all 2 possible assignments/);
    for (const t of Object.values(r.estimators)) expectHonest(t);
    const lines = clusterSummary(r).lines;
    expect(lines[0].label).toBe("Effect (randomization inference)");
    expect(lines.find((l) => l.label === "User-level OLS, CR1")?.value).not.toMatch(/SE 0\.0000/);
  });

  it("G = 3: refused too (one df), RI over 3 assignments, no interval; with RI off nothing is inferred", () => {
    const r = cluster(simulate(3, 2), spec);
    expect(r.estimators.cr2.se).toBeNull();
    expect(r.estimate.se).toBeNull();
    expect(r.estimate.ci).toBeNull();
    expect(r.smallK?.randomization?.assignments).toBe(3);
    expect(r.diagnostics.find((x) => x.code === "D_CLUSTER_TOO_FEW")?.severity).toBe("fail");
    for (const t of Object.values(r.estimators)) expectHonest(t);
    const off = cluster(simulate(3, 2), { ...spec, inference: { randomization: false } });
    expect(off.headlineInference).toBe("none");
    expect(off.estimate.pValue).toBeNull();
    expect(off.diagnostics.find((x) => x.code === "D_CLUSTER_TOO_FEW")?.message).toMatch(
      /no valid p-value or interval is reported at all/,
    );
  });

  it("G = 4: headline = CR2 with Bell–McCaffrey df; the Webb wild bootstrap over all 6^4 patterns has a bounded CI, Rademacher's is null, not ±1e9", () => {
    const r = cluster(simulate(4, 3), { ...spec, inference: { pairs: false } });
    expect(r.headlineInference).toBe("cr2-satterthwaite");
    expect(r.estimate.se).toBe(r.estimators.cr2.se);
    expect(r.estimate.df).toBe(r.estimators.cr2.df);
    expect(r.estimate.ci).toEqual(r.estimators.cr2.ci);
    expect(r.smallK!.wild!.treatment.ci).not.toBeNull();
    const w = r.smallK!.wild!.treatment;
    expect(w.weights).toBe("webb");
    expect(w.enumerated).toBe(true);
    expect(w.reps).toBe(1296);
    expect(w.minPValue).toBeLessThan(0.05);
    expect(w.minPValue).toBeGreaterThanOrEqual(6 / 1296);
    expect(r.estimate.ci).not.toBeNull();
    expectHonest(r.estimate);
    for (const t of Object.values(r.estimators)) expectHonest(t);
    expect(r.diagnostics.some((x) => x.code === "D_CLUSTER_CI_UNBOUNDED")).toBe(false);

    const rad = cluster(simulate(4, 3), {
      ...spec,
      inference: { pairs: false, wild: { weights: "rademacher" } },
    });
    const rw = rad.smallK!.wild!.treatment;
    expect(rw.reps).toBe(16);
    expect(rw.minPValue).toBe(1 / 8); // the all-ones pattern and its mirror tie with the sample for every β₀
    expect(rw.ci).toBeNull();
    expect(rad.estimate.ci).toEqual(rad.estimators.cr2.ci); // the CR2 headline stays bounded
    const unb = rad.diagnostics.find((x) => x.code === "D_CLUSTER_CI_UNBOUNDED");
    expect(unb?.severity).toBe("warn");
    expect(unb?.message).toMatch(/smallest p-value any effect size can reach is 0\.125/);
    expect(unb?.message).toMatch(/Webb/);
  });

  it("G = 6: CR2 headline and sampled Webb weights (seeded); both intervals cover the true effect 1", () => {
    const r = cluster(simulate(6, 11), {
      ...spec,
      inference: { seed: 5, pairs: false, wild: { reps: 1999 } },
    });
    expect(r.headlineInference).toBe("cr2-satterthwaite");
    expect(r.estimate.ci).toEqual(r.estimators.cr2.ci);
    const w = r.smallK!.wild!.treatment;
    expect(w.weights).toBe("webb");
    expect(w.enumerated).toBe(false);
    expect(w.ci![0]).toBeLessThan(1);
    expect(w.ci![1]).toBeGreaterThan(1);
    const [lo, hi] = r.estimate.ci!;
    expect(lo).toBeLessThan(1);
    expect(hi).toBeGreaterThan(1);
    expect(hi - lo).toBeLessThan(6);
    expectHonest(r.estimate);
    for (const t of Object.values(r.estimators)) expectHonest(t);
    // deterministic: the same seed gives the same interval
    const again = cluster(simulate(6, 11), {
      ...spec,
      inference: { seed: 5, pairs: false, wild: { reps: 1999 } },
    });
    expect(again.smallK!.wild!.treatment.ci).toEqual(w.ci);
    expect(clusterSummary(r).lines[0].label).toBe("Effect (user-level OLS, CR2 SE, Bell–McCaffrey df)");
  });

  it("G = 12 and more: the headline is the cluster-mean t(K − 2) term as before", () => {
    const r = cluster(simulate(12, 4), { ...spec, inference: { pairs: false, smallK: "never" } });
    expect(r.headlineInference).toBe("t");
    expect(r.estimate.df).toBe(10);
    expect(r.estimate.se).toBe(r.estimators.clusterMeans.se);
  });
});
