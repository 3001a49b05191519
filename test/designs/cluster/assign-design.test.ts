import { describe, expect, it } from "vitest";
import { createRng } from "../../../src/core/rng.js";
import {
  acceptsAssignment,
  assignmentBalance,
  clusterAssignmentDesign,
  countAssignments,
  drawClusterAssignment,
  enumerateAssignments,
} from "../../../src/designs/cluster/assign-design.js";
import { errorCode } from "../../helpers/error-code.js";

const key = (t: Uint8Array): string => Array.from(t).join("");

describe("clusterAssignmentDesign", () => {
  it("builds sorted blocks that treat round(share · n), halves up", () => {
    const d = clusterAssignmentDesign({
      clusters: ["a", "b", "c", "d", "e"],
      strata: ["y", "x", "y", "x", "y"],
      treatedShare: 0.5,
    });
    expect(d.mechanism).toBe("stratified");
    expect(d.blocks).toEqual([
      { stratum: "x", members: [1, 3], treated: 1 },
      { stratum: "y", members: [0, 2, 4], treated: 2 },
    ]);
    expect(countAssignments(d)).toBe(2 * 3);
    expect(Object.isFrozen(d.blocks[0])).toBe(true);
  });

  it("counts C(K, K/2) for complete randomization", () => {
    expect(countAssignments(clusterAssignmentDesign({ clusters: [1, 2, 3, 4, 5, 6, 7, 8] }))).toBe(70);
    expect(
      countAssignments(clusterAssignmentDesign({ clusters: Array.from({ length: 50 }, (_, i) => i) })),
    ).toBe(126410606437752);
  });

  it("rejects bad designs by code", () => {
    expect(errorCode(() => clusterAssignmentDesign({ clusters: ["a", "b", "a"] }))).toBe(
      "E_ASSIGN_DUPLICATE_CLUSTER",
    );
    expect(errorCode(() => clusterAssignmentDesign({ clusters: ["a"] }))).toBe("E_CLUSTER_SINGLE");
    expect(errorCode(() => clusterAssignmentDesign({ clusters: [1, 2, 3, 4], treatedShare: 0.1 }))).toBe(
      "E_CLUSTER_ONE_ARM",
    );
    expect(errorCode(() => clusterAssignmentDesign({ clusters: [1, 2], treatedShare: 1 }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => clusterAssignmentDesign({ clusters: [1, 2], strata: ["a"] }))).toBe(
      "E_LENGTH_MISMATCH",
    );
    expect(
      errorCode(() =>
        clusterAssignmentDesign({
          clusters: [1, 2, 3, 4],
          rerandomization: {
            criterion: "mahalanobis",
            threshold: 1,
            covariates: ["x", "x2"],
            values: [
              [1, 2, 3, 4],
              [2, 4, 6, 8],
            ],
          },
        }),
      ),
    ).toBe("E_SINGULAR_DESIGN");
    expect(
      errorCode(() =>
        clusterAssignmentDesign({
          clusters: [1, 2, 3, 4],
          rerandomization: {
            criterion: "max-smd",
            threshold: 1,
            covariates: ["x"],
            values: [[1, 2, Number.NaN, 4]],
          },
        }),
      ),
    ).toBe("E_NONFINITE_VALUES");
  });
});

describe("drawClusterAssignment", () => {
  it("is reproducible and draws every assignment with equal probability", () => {
    const d = clusterAssignmentDesign({ clusters: ["a", "b", "c", "d"] });
    expect(key(drawClusterAssignment(d, createRng(7)).treated)).toBe(
      key(drawClusterAssignment(d, createRng(7)).treated),
    );
    const counts = new Map<string, number>();
    const reps = 12_000;
    for (let r = 0; r < reps; r++) {
      const t = drawClusterAssignment(d, createRng(1, r)).treated;
      expect(t.reduce((a, b) => a + b, 0)).toBe(2);
      counts.set(key(t), (counts.get(key(t)) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // chi-square goodness of fit with 5 df: 99.9% quantile 20.5
    let chi2 = 0;
    for (const c of counts.values()) chi2 += (c - reps / 6) ** 2 / (reps / 6);
    expect(chi2).toBeLessThan(20.5);
  });

  it("respects strata in every draw", () => {
    const d = clusterAssignmentDesign({
      clusters: [1, 2, 3, 4, 5, 6, 7, 8],
      strata: ["s", "s", "s", "s", "b", "b", "b", "b"],
    });
    for (let r = 0; r < 200; r++) {
      const t = drawClusterAssignment(d, createRng(3, r)).treated;
      expect(t[0] + t[1] + t[2] + t[3]).toBe(2);
      expect(t[4] + t[5] + t[6] + t[7]).toBe(2);
    }
  });

  it("re-randomizes until max |SMD| passes, and records the draws", () => {
    const values = [[1, 5, 2, 8, 3, 9, 4, 7, 6, 10]];
    const d = clusterAssignmentDesign({
      clusters: Array.from({ length: 10 }, (_, i) => `c${i}`),
      rerandomization: { criterion: "max-smd", threshold: 0.15, covariates: ["x"], values },
    });
    let maxDraws = 0;
    for (let r = 0; r < 50; r++) {
      const draw = drawClusterAssignment(d, createRng(11, r));
      expect(draw.balance).not.toBeNull();
      expect(draw.balance as number).toBeLessThanOrEqual(0.15);
      expect(acceptsAssignment(d, draw.treated)).toBe(true);
      maxDraws = Math.max(maxDraws, draw.draws);
    }
    expect(maxDraws).toBeGreaterThan(1);
  });

  it("computes the SMD and the Mahalanobis distance by their formulas", () => {
    const x = [1, 2, 3, 4, 6, 8];
    const t = Uint8Array.of(1, 1, 1, 0, 0, 0);
    const smd = clusterAssignmentDesign({
      clusters: [1, 2, 3, 4, 5, 6],
      rerandomization: { criterion: "max-smd", threshold: 1, covariates: ["x"], values: [x] },
    });
    // treated mean 2, var 1; control mean 6, var 4 → |−4| / sqrt(2.5)
    expect(assignmentBalance(smd, t)).toBeCloseTo(4 / Math.sqrt(2.5), 12);
    const mah = clusterAssignmentDesign({
      clusters: [1, 2, 3, 4, 5, 6],
      rerandomization: { criterion: "mahalanobis", threshold: 1, covariates: ["x"], values: [x] },
    });
    const mean = x.reduce((a, b) => a + b, 0) / 6;
    const s2 = x.reduce((a, b) => a + (b - mean) ** 2, 0) / 5;
    expect(assignmentBalance(mah, t)).toBeCloseTo(16 / (s2 * (1 / 3 + 1 / 3)), 12);
  });

  it("throws E_ASSIGN_BALANCE_UNREACHABLE when no draw can pass", () => {
    const d = clusterAssignmentDesign({
      clusters: [1, 2, 3],
      rerandomization: {
        criterion: "max-smd",
        threshold: 1e-6,
        covariates: ["x"],
        values: [[1, 2, 4]],
        maxDraws: 50,
      },
    });
    expect(errorCode(() => drawClusterAssignment(d, createRng(1)))).toBe("E_ASSIGN_BALANCE_UNREACHABLE");
  });
});

describe("enumerateAssignments", () => {
  it("lists every distinct assignment once, filtered by the rule", () => {
    const d = clusterAssignmentDesign({ clusters: [1, 2, 3, 4, 5, 6, 7, 8] });
    const all = [...enumerateAssignments(d)].map(key);
    expect(all.length).toBe(70);
    expect(new Set(all).size).toBe(70);
    const strat = clusterAssignmentDesign({
      clusters: [1, 2, 3, 4, 5, 6],
      strata: [1, 1, 1, 2, 2, 2],
      treatedShare: 1 / 3,
    });
    expect([...enumerateAssignments(strat)].length).toBe(9);
    const rule = clusterAssignmentDesign({
      clusters: [1, 2, 3, 4, 5, 6],
      rerandomization: {
        criterion: "max-smd",
        threshold: 0.5,
        covariates: ["x"],
        values: [[1, 2, 3, 4, 5, 6]],
      },
    });
    const kept = [...enumerateAssignments(rule)];
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(20);
    for (const t of kept) expect(assignmentBalance(rule, t) as number).toBeLessThanOrEqual(0.5);
  });
});
