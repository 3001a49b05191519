import { describe, expect, it } from "vitest";
import { generateSpilloverNetwork } from "../../src/data/generate/cluster-edges.js";
import { generateFewClusters } from "../../src/data/generate/cluster-few.js";
import { estimateIcc } from "../../src/designs/cluster/power-icc.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols } from "../../src/models/ols.js";
import { errorCode } from "../helpers/error-code.js";

describe("generateFewClusters", () => {
  it("draws K = 8 heterogeneous clusters, half treated, reproducibly", () => {
    const g = generateFewClusters({ seed: 1 });
    expect(g.users.names).toEqual(["user_id", "cluster_id", "treated", "y"]);
    expect(g.truth).toMatchObject({ effect: 0, clusters: 8, treatedClusters: 4, icc: 0.1 });
    expect(g.truth.sizes.length).toBe(8);
    expect(g.users.nrows).toBe(g.truth.sizes.reduce((a, b) => a + b, 0));
    expect(Math.max(...g.truth.sizes) / Math.min(...g.truth.sizes)).toBeGreaterThan(2);
    const again = generateFewClusters({ seed: 1 });
    expect(Array.from(again.users.numeric("y"))).toEqual(Array.from(g.users.numeric("y")));
    const other = generateFewClusters({ seed: 2 });
    expect(Array.from(other.users.numeric("y"))).not.toEqual(Array.from(g.users.numeric("y")));
    // treatment is constant within cluster and matches the cluster table
    const cl = g.users.numeric("cluster_id");
    const d = g.users.numeric("treated");
    const byCluster = g.clusters.numeric("treated");
    for (let i = 0; i < cl.length; i++) expect(d[i]).toBe(byCluster[cl[i] - 1]);
  });

  it("keeps sizes and assignment when only the effect changes, and adds the effect exactly", () => {
    const a = generateFewClusters({ seed: 3, sizes: [10, 20, 30, 40, 50, 60, 70, 80] });
    const b = generateFewClusters({ seed: 3, sizes: [10, 20, 30, 40, 50, 60, 70, 80], effect: 0.5 });
    const ya = a.users.numeric("y");
    const yb = b.users.numeric("y");
    const d = a.users.numeric("treated");
    for (let i = 0; i < ya.length; i++) expect(yb[i] - ya[i]).toBeCloseTo(0.5 * d[i], 12);
  });

  it("recovers ICC and SD on a large draw", () => {
    const g = generateFewClusters({ seed: 5, clusters: 400, meanSize: 60, sizeCv: 0.5, icc: 0.2, sd: 2 });
    const e = estimateIcc(g.users, { outcome: "y", cluster: "cluster_id" });
    expect(Math.abs(e.icc - 0.2)).toBeLessThan(0.04);
    expect(Math.abs(e.sd - 2)).toBeLessThan(0.1);
    expect(Math.abs(e.sizes.cv - 0.5)).toBeLessThan(0.1);
  });

  it("rejects bad options by code", () => {
    expect(errorCode(() => generateFewClusters({ seed: 1, clusters: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateFewClusters({ seed: 1, icc: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateFewClusters({ seed: 1, sizes: [1, 2] }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => generateFewClusters({ seed: 1, treatedShare: 0.01 }))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("generateSpilloverNetwork", () => {
  it("builds an undirected edge list whose exposure columns it reproduces", () => {
    const g = generateSpilloverNetwork({ seed: 1 });
    expect(g.edges.names).toEqual(["from", "to"]);
    const from = g.edges.numeric("from");
    const to = g.edges.numeric("to");
    const n = g.users.nrows;
    const ws = g.users.numeric("workspace_id");
    const d = g.users.numeric("treated");
    const degree = new Float64Array(n);
    const tn = new Float64Array(n);
    const seen = new Set<string>();
    let cross = 0;
    for (let e = 0; e < from.length; e++) {
      expect(from[e]).toBeLessThan(to[e]);
      const key = `${from[e]}-${to[e]}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      degree[from[e]]++;
      degree[to[e]]++;
      tn[from[e]] += d[to[e]];
      tn[to[e]] += d[from[e]];
      if (ws[from[e]] !== ws[to[e]]) cross++;
    }
    expect(Array.from(g.users.numeric("degree"))).toEqual(Array.from(degree));
    expect(Array.from(g.users.numeric("treated_neighbours"))).toEqual(Array.from(tn));
    const exposed = g.users.numeric("spillover_exposed");
    let nExposed = 0;
    for (let i = 0; i < n; i++) {
      expect(exposed[i]).toBe(d[i] === 0 && tn[i] > 0 ? 1 : 0);
      nExposed += exposed[i];
    }
    expect(g.truth.users.spilloverExposed).toBe(nExposed);
    expect(g.truth.users.treated + g.truth.users.spilloverExposed + g.truth.users.pureControl).toBe(n);
    expect(g.truth.edges).toBe(from.length);
    // mean degree ≈ withinDegree + crossDegree = 5; about 1 in 5 edges crosses workspaces
    expect((2 * from.length) / n).toBeGreaterThan(4.5);
    expect((2 * from.length) / n).toBeLessThan(5.2);
    expect(cross / from.length).toBeGreaterThan(0.15);
    expect(cross / from.length).toBeLessThan(0.25);
    const again = generateSpilloverNetwork({ seed: 1 });
    expect(Array.from(again.edges.numeric("to"))).toEqual(Array.from(to));
  });

  it("has the stated direct and spillover effects (OLS recovers them)", () => {
    const g = generateSpilloverNetwork({ seed: 7, clusters: 300, meanSize: 60, baselineSd: 0.1 });
    const res = ols(g.users, {
      ...parseFormula("y ~ treated + spillover_exposed"),
      vcov: { type: "cluster", by: ["workspace_id"] },
    });
    const direct = res.terms.find((t) => t.name === "treated");
    const spill = res.terms.find((t) => t.name === "spillover_exposed");
    expect(Math.abs((direct?.estimate as number) - 0.8)).toBeLessThan(4 * (direct?.se as number));
    expect(Math.abs((spill?.estimate as number) - 0.2)).toBeLessThan(4 * (spill?.se as number));
    expect(spill?.se as number).toBeLessThan(0.02);
  });

  it("supports the share exposure and rejects bad options", () => {
    const g = generateSpilloverNetwork({
      seed: 2,
      exposure: "share",
      spillover: 1,
      clusters: 200,
      baselineSd: 0.05,
    });
    expect(g.truth.exposure).toBe("share");
    expect(g.truth.meanControlShare).toBeGreaterThan(0.05);
    const res = ols(g.users.withColumn("ctrl_share", shareOfControls(g.users)), {
      ...parseFormula("y ~ treated + ctrl_share"),
      vcov: { type: "cluster", by: ["workspace_id"] },
    });
    const s = res.terms.find((t) => t.name === "ctrl_share");
    expect(Math.abs((s?.estimate as number) - 1)).toBeLessThan(4 * (s?.se as number));
    expect(errorCode(() => generateSpilloverNetwork({ seed: 1, exposure: "most" as never }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => generateSpilloverNetwork({ seed: 1, clusters: 1 }))).toBe("E_INVALID_ARGUMENT");
  });
});

function shareOfControls(users: import("../../src/core/frame.js").Frame): Float64Array {
  const d = users.numeric("treated");
  const s = users.numeric("treated_share");
  return Float64Array.from(s, (v, i) => (d[i] === 0 ? v : 0));
}
