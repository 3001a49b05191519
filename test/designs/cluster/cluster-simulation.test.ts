import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { cluster } from "../../../src/designs/cluster/cluster.js";

/**
 * Simulated cluster experiment with a known truth: K clusters (half treated, sizes uniform on [mMin, mMax]),
 * cluster effects (sd tau), a collaboration graph (each user links to `links` random users anywhere), direct
 * effect for treated users and a spillover effect for untreated users with ≥ 1 treated neighbour.
 */
function simulate(
  seed: number,
  o: { K: number; mMin: number; mMax: number; direct: number; spill: number; tau: number; links: number },
) {
  const rng = createRng(seed);
  const sizes = Array.from({ length: o.K }, () => o.mMin + rng.int(o.mMax - o.mMin + 1));
  const order = Array.from({ length: o.K }, (_, i) => i);
  for (let i = o.K - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const arm = new Array(o.K).fill(0);
  for (let i = 0; i < o.K / 2; i++) arm[order[i]] = 1;
  const g: number[] = [];
  const d: number[] = [];
  const u: number[] = [];
  sizes.forEach((m, c) => {
    const effect = o.tau * rng.normal();
    for (let i = 0; i < m; i++) {
      g.push(c);
      d.push(arm[c]);
      u.push(effect);
    }
  });
  const n = g.length;
  const from: number[] = [];
  const to: number[] = [];
  const exposed = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    for (let l = 0; l < o.links; l++) {
      const j = rng.int(n);
      if (j === i) continue;
      from.push(i);
      to.push(j);
      if (d[j] === 1) exposed[i] = 1;
      if (d[i] === 1) exposed[j] = 1;
    }
  }
  const y = g.map(
    (_, i) => 2 + u[i] + rng.normal() + o.direct * d[i] + (d[i] === 0 && exposed[i] ? o.spill : 0),
  );
  const users = Frame.fromObject({
    user: g.map((_, i) => i),
    g,
    d,
    y,
    flag: g.map((_, i) => (d[i] === 0 && exposed[i] ? 1 : 0)),
  });
  return { users, edges: Frame.fromObject({ a: from, b: to }), exposed };
}

describe("cluster() recovers the truth on simulated data", () => {
  it("direct +0.8 and spillover +0.2 from an explicit edge list (rule any) — and identically from the equivalent flag", () => {
    const sim = simulate(11, { K: 120, mMin: 30, mMax: 90, direct: 0.8, spill: 0.2, tau: 0.3, links: 1 });
    const spec = {
      outcome: "y",
      treatment: "d",
      cluster: "g",
      exposure: { edges: { from: "a", to: "b" }, user: "user" },
      inference: { pairs: false },
    } as const;
    const r = cluster(sim.users, spec, { edges: sim.edges });
    const two = r.twoExposure!;
    expect(Math.abs(two.direct.estimate - 0.8)).toBeLessThan(3 * two.direct.se!);
    expect(Math.abs(two.spillover.estimate - 0.2)).toBeLessThan(3 * two.spillover.se!);
    expect(two.exposure.source).toBe("edges");
    expect(two.exposure.provenance).toBe("observed");
    const by = Object.fromEntries(r.diagnostics.map((d) => [d.code, d]));
    expect(by.D_CLUSTER_SPILLOVER_PROVENANCE.severity).toBe("pass");
    const flagged = cluster(sim.users, { ...spec, exposure: { column: "flag", provenance: "observed" } });
    expect(flagged.twoExposure!.direct.estimate).toBeCloseTo(two.direct.estimate, 10);
    expect(flagged.twoExposure!.spillover.estimate).toBeCloseTo(two.spillover.estimate, 10);
    expect(flagged.exposureCounts).toEqual(r.exposureCounts);
    let exposed = 0;
    for (const x of sim.exposed) exposed += x;
    expect(r.exposureCounts.spillover).toBe(
      exposed - sim.users.numeric("d").reduce((s, v, i) => s + (v === 1 && sim.exposed[i] ? 1 : 0), 0),
    );
  });

  it("edge-list rules: any vs share, directed edges, unknown users and self-loops", () => {
    const users = Frame.fromObject({
      id: ["u1", "u2", "u3", "u4", "u5", "u6"],
      ws: [1, 1, 2, 2, 3, 3],
      d: [1, 1, 0, 0, 0, 0],
      y: [3, 4, 2, 1, 1, 2],
    });
    const edges = Frame.fromObject({
      s: ["u3", "u3", "u4", "u5", "u9", "u6"],
      t: ["u1", "u5", "u5", "u1", "u1", "u6"],
    });
    const run = (rule: "any" | "share", directed = false) =>
      cluster(
        users,
        {
          outcome: "y",
          treatment: "d",
          cluster: "ws",
          exposure: { edges: { from: "s", to: "t", directed }, user: "id", rule },
          inference: { pairs: false, smallK: "never" },
        },
        { edges },
      );
    // u3: neighbours u1 (treated), u5 → any 1, share 1/2; u4: u5 → 0; u5: u3, u4, u1 → share 1/3; u6: self-loop only.
    const any = run("any");
    expect(any.exposureCounts).toEqual({ treated: 2, spillover: 2, pureControl: 2 });
    expect(any.twoExposure).not.toBeNull();
    expect(any.twoExposure!.exposure.edges).toEqual({ read: 6, unknown: 1, selfLoops: 1 });
    const share = run("share");
    expect(share.twoExposure!.exposure.share).toBeCloseTo((1 / 2 + 1 / 3) / 6, 12);
    // directed: from is exposed to to — u3→u1 (treated) and u5→u1 expose u3 and u5; u4→u5 does not.
    expect(run("any", true).exposureCounts.spillover).toBe(2);
    expect(any.diagnostics.find((d) => d.code === "D_CLUSTER_SPILLOVER_PROVENANCE")!.severity).toBe("warn"); // unknown users
  });

  it("strata: randomization inference re-draws within strata (exact)", () => {
    const sim = simulate(5, { K: 8, mMin: 5, mMax: 40, direct: 0.5, spill: 0, tau: 0.3, links: 0 });
    const d = sim.users.numeric("d");
    const g = sim.users.numeric("g");
    // two strata, each with half of the treated and half of the control clusters
    const arm = new Map<number, number>();
    for (let i = 0; i < g.length; i++) arm.set(g[i], d[i]);
    const treatedIds = [...arm]
      .filter(([, a]) => a === 1)
      .map(([c]) => c)
      .sort((a, b) => a - b);
    const controlIds = [...arm]
      .filter(([, a]) => a === 0)
      .map(([c]) => c)
      .sort((a, b) => a - b);
    const stratumOf = new Map<number, number>();
    for (const ids of [treatedIds, controlIds])
      for (let i = 0; i < ids.length; i++) stratumOf.set(ids[i], i % 2);
    const users = sim.users.withColumn(
      "block",
      Array.from(g, (c) => stratumOf.get(c) as number),
    );
    const r = cluster(users, {
      outcome: "y",
      treatment: "d",
      cluster: "g",
      strata: "block",
      // Webb weights (the default below 12 clusters) are sampled at K = 8 (6^8 patterns), so a seed is needed
      inference: { pairs: false, seed: 1 },
    });
    expect(r.n.strata).toBe(2);
    expect(r.smallK!.randomization!.exact).toBe(true);
    expect(r.smallK!.randomization!.assignments).toBe(36);
    expect(r.diagnostics.find((x) => x.code === "D_FEW_CLUSTERS")!.severity).toBe("warn");
    expect(r.smallK!.reason).toMatch(/8 clusters < 30/);
  });
});

describe("small-K inference under the null (quick check; the 1,000-seed size study is a bench)", () => {
  it("K = 8, no effect: wild bootstrap (Webb) and RI p-values are roughly uniform", () => {
    const seeds = 150;
    const p = { cr1: [] as number[], wild: [] as number[], ri: [] as number[] };
    for (let seed = 1; seed <= seeds; seed++) {
      const sim = simulate(1000 + seed, { K: 8, mMin: 5, mMax: 60, direct: 0, spill: 0, tau: 0.5, links: 0 });
      const r = cluster(sim.users, {
        outcome: "y",
        treatment: "d",
        cluster: "g",
        inference: { seed, pairs: false, wild: { reps: 399, weights: "webb" } },
      });
      p.cr1.push(r.estimators.cr1.pValue!);
      p.wild.push(r.smallK!.wild!.treatment.pValue!);
      p.ri.push(r.smallK!.randomization!.pValue);
    }
    const rate = (xs: number[], a: number) => xs.filter((x) => x < a).length / xs.length;
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    for (const xs of [p.wild, p.ri]) {
      expect(rate(xs, 0.1)).toBeLessThan(0.18);
      expect(rate(xs, 0.5)).toBeGreaterThan(0.35);
      expect(rate(xs, 0.5)).toBeLessThan(0.65);
      expect(mean(xs)).toBeGreaterThan(0.4);
      expect(mean(xs)).toBeLessThan(0.6);
    }
    console.info(
      `K=8 null, ${seeds} seeds — rejection at 5%: CR1 ${rate(p.cr1, 0.05).toFixed(3)}, wild ${rate(p.wild, 0.05).toFixed(3)}, RI ${rate(p.ri, 0.05).toFixed(3)}`,
    );
  });
});
