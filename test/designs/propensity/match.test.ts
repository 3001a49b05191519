import { describe, expect, test } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import {
  matchedDifferences,
  matchWeights,
  nearestNeighbourMatch,
} from "../../../src/designs/propensity/match.js";
import { nearestInPool, neighbourPool } from "../../../src/designs/propensity/match-neighbours.js";
import { logitFit } from "../../../src/models/logit.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { saasFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

interface MatchGolden {
  estimate: number;
  se: number;
  seSample: number;
  treatedMatched: number;
  treatedUnmatched: number;
  distinctControlsUsed: number;
  weightSum: number;
}

/** Propensity: unpenalised logit of opt_in_agent_mode on engagement_tier dummies (ref heavy) + query_confidence. */
function fixtureScores(): { ps: Float64Array; t: Uint8Array; y: Float64Array } {
  const f = saasFixture();
  const tier = Array.from({ length: f.nrows }, (_, i) => f.value("engagement_tier", i));
  const t = f.numeric("opt_in_agent_mode");
  const frame = Frame.fromObject({
    t: Array.from(t),
    light: tier.map((v) => (v === "light" ? 1 : 0)),
    medium: tier.map((v) => (v === "medium" ? 1 : 0)),
    qc: Array.from(f.numeric("query_confidence")),
  });
  const { fitted } = logitFit(frame, { outcome: "t", covariates: ["light", "medium", "qc"] });
  return {
    ps: Float64Array.from(fitted),
    t: Uint8Array.from(t),
    y: Float64Array.from(f.numeric("task_completed")),
  };
}

describe("nearestNeighbourMatch on the tutorial fixture (numpy brute-force golden)", () => {
  const { ps, t, y } = fixtureScores();
  const g = loadGolden<Record<string, MatchGolden> & { options: Record<string, object> }>(
    "propensity",
    "match-fixture",
  ).expected;

  test("acceptance: 1-NN with replacement, all ties, ATT = +0.0797", () => {
    const m = nearestNeighbourMatch(ps, t, y);
    expect(m.estimate.toFixed(4)).toBe("0.0797");
    expect(m.ci[0]).toBeLessThan(m.estimate);
  });

  for (const name of ["att_ps_k1_all", "att_ps_k1_first", "ate_ps_k1_all", "att_ps_k3_all_caliper"]) {
    test(name, () => {
      const m = nearestNeighbourMatch(ps, t, y, g.options[name]);
      const e = g[name];
      expectClose(m.estimate, e.estimate, TOL.estimate, "estimate");
      expectClose(m.se, e.se, TOL.se, "se");
      expectClose(m.seSample, e.seSample, TOL.se, "seSample");
      expect(m.treatedMatched).toBe(e.treatedMatched);
      expect(m.treatedUnmatched).toBe(e.treatedUnmatched);
      expect(m.distinctControlsUsed).toBe(e.distinctControlsUsed);
      expectClose(
        matchWeights(m).reduce((a, b) => a + b, 0),
        e.weightSum,
        TOL.identity,
      );
    });
  }
});

describe("nearestNeighbourMatch on small data", () => {
  const ps = Float64Array.of(0.5, 0.3, 0.6, 0.45, 0.55, 0.2);
  const t = Uint8Array.of(1, 1, 0, 0, 0, 0);
  const y = Float64Array.of(10, 4, 6, 2, 8, 1);

  test("ties: all vs first, by hand", () => {
    // Treated 0 (0.5): controls 3 (0.45) and 4 (0.55) tie at 0.05; treated 1 (0.3): control 5 (0.2)... and 3?
    const all = nearestNeighbourMatch(ps, t, y, { ties: "all" });
    const d1 = 0.3 - 0.2;
    const d3 = 0.45 - 0.3;
    expect(d1).toBeLessThan(d3);
    const exact0 = Math.abs(0.5 - 0.45) === Math.abs(0.5 - 0.55);
    const ctrl0 = exact0 ? (2 + 8) / 2 : Math.abs(0.5 - 0.45) < Math.abs(0.5 - 0.55) ? 2 : 8;
    expectClose(all.estimate, (10 - ctrl0 + (4 - 1)) / 2, TOL.identity);
    const first = nearestNeighbourMatch(ps, t, y, { ties: "first" });
    const f0 = exact0 ? 2 : ctrl0;
    expectClose(first.estimate, (10 - f0 + (4 - 1)) / 2, TOL.identity);
  });

  test("exact ties are pooled with ties: all", () => {
    const p = Float64Array.of(0.5, 0.4, 0.4, 0.4, 0.9);
    const tt = Uint8Array.of(1, 0, 0, 0, 0);
    const yy = Float64Array.of(1, 0, 1, 1, 5);
    const m = nearestNeighbourMatch(p, tt, yy);
    expectClose(m.estimate, 1 - 2 / 3, TOL.identity);
    expect(m.distinctControlsUsed).toBe(3);
    expect(m.weights).toEqual([1, 1 / 3, 1 / 3, 1 / 3, 0]);
    expect(nearestNeighbourMatch(p, tt, yy, { ties: "first" }).weights).toEqual([1, 1, 0, 0, 0]);
  });

  test("without replacement: greedy in descending score order, controls used once", () => {
    const p = Float64Array.of(0.6, 0.5, 0.55, 0.3);
    const tt = Uint8Array.of(1, 1, 0, 0);
    const yy = Float64Array.of(1, 1, 0, 0);
    const m = nearestNeighbourMatch(p, tt, yy, { replace: false });
    // 0.6 first takes 0.55; 0.5 then gets 0.3.
    expect(m.weights).toEqual([1, 1, 1, 1]);
    expect(m.distinctControlsUsed).toBe(2);
  });

  test("distance: ps vs logit pick different neighbours", () => {
    const p = Float64Array.of(0.9, 0.8, 0.99);
    const tt = Uint8Array.of(1, 0, 0);
    const yy = Float64Array.of(1, 0.25, 0.5);
    expectClose(nearestNeighbourMatch(p, tt, yy).estimate, 0.5, TOL.identity);
    expectClose(nearestNeighbourMatch(p, tt, yy, { distance: "logit" }).estimate, 0.75, TOL.identity);
  });

  test("ATE matches both arms and weights every row", () => {
    const m = nearestNeighbourMatch(ps, t, y, { estimand: "ATE" });
    expect(m.weights.every((w) => w >= 1)).toBe(true);
    expect(m.controlsUnmatched).toBe(0);
    expect(m.se).toBeGreaterThan(0);
  });

  test("caliper drops treated rows and counts them", () => {
    const p = Float64Array.of(0.9, 0.5, 0.52, 0.1, 0.3);
    const tt = Uint8Array.of(1, 1, 0, 0, 0);
    const m = nearestNeighbourMatch(p, tt, Float64Array.of(1, 1, 0, 0, 0), { caliper: 0.2 });
    expect(m.treatedMatched).toBe(1);
    expect(m.treatedUnmatched).toBe(1);
  });

  test("pool search with skip pointers", () => {
    const pool = neighbourPool(Float64Array.of(0.1, 0.3, 0.5), Int32Array.of(0, 1, 2));
    expect(nearestInPool(pool, 0.2, 1, "all", Number.POSITIVE_INFINITY, -1).length).toBeGreaterThanOrEqual(1);
    expect(
      nearestInPool(pool, 0.5, 2, "first", Number.POSITIVE_INFINITY, 2).map((p) => pool.rows[p]),
    ).toEqual([1, 0]);
  });

  test("matched sets: rows, arms and matches agree with the weights", () => {
    const att = nearestNeighbourMatch(ps, t, y);
    expect(att.sets.map((s) => s.row)).toEqual([0, 1]);
    expect(att.sets.every((s) => s.treated)).toBe(true);
    const w = new Array<number>(ps.length).fill(0);
    for (const s of att.sets) {
      w[s.row] += 1;
      for (const j of s.matches) w[j] += 1 / s.matches.length;
    }
    expectClose(att.weights, w, TOL.identity);
    const ate = nearestNeighbourMatch(ps, t, y, { estimand: "ATE" });
    expect(ate.sets.map((s) => s.row)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(ate.sets.filter((s) => !s.treated).every((s) => s.matches.every((j) => t[j] === 1))).toBe(true);
  });

  test("matchedDifferences: brute force over a small frame (every nearest control, ties included)", () => {
    // Treated row 1 (0.45) has two controls with identical scores (rows 2 and 3, 0.4) at the nearest distance.
    const p = Float64Array.of(0.3, 0.45, 0.4, 0.4, 0.7, 0.6, 0.21, 0.35);
    const tt = Uint8Array.of(1, 1, 0, 0, 1, 0, 0, 0);
    const yy = Float64Array.of(5, 3, 1, 4, 2, 2, 7, 0);
    for (const ties of ["all", "first"] as const) {
      const m = nearestNeighbourMatch(p, tt, yy, { ties });
      expect(m.sets.find((x) => x.row === 1)?.matches).toEqual(ties === "all" ? [2, 3] : [2]);
      const expected: number[] = [];
      for (let i = 0; i < p.length; i++) {
        if (tt[i] !== 1) continue;
        let best = Number.POSITIVE_INFINITY;
        for (let j = 0; j < p.length; j++) if (tt[j] === 0) best = Math.min(best, Math.abs(p[i] - p[j]));
        const near: number[] = [];
        for (let j = 0; j < p.length; j++) if (tt[j] === 0 && Math.abs(p[i] - p[j]) === best) near.push(j);
        const used = ties === "all" ? near : near.slice(0, 1);
        expected.push(yy[i] - used.reduce((a, j) => a + yy[j], 0) / used.length);
      }
      expectClose(matchedDifferences(m, yy), expected, TOL.identity, ties);
      const mean = expected.reduce((a, b) => a + b, 0) / expected.length;
      expectClose(m.estimate, mean, TOL.identity, `${ties}: ATT = mean difference`);
    }
    expect(errorCode(() => matchedDifferences(nearestNeighbourMatch(p, tt, yy), [1, 2]))).toBe(
      "E_LENGTH_MISMATCH",
    );
  });

  test("errors by code", () => {
    expect(errorCode(() => nearestNeighbourMatch(ps, t, y, { k: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => nearestNeighbourMatch(ps, t, y, { k: 1.5 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => nearestNeighbourMatch(ps, t, y, { caliper: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => nearestNeighbourMatch(ps, t, y, { caliper: -1 }))).toBe("E_INVALID_ARGUMENT");
    const far = Float64Array.of(0.99, 0.98, 0.01, 0.02, 0.03, 0.5);
    expect(
      errorCode(() => nearestNeighbourMatch(far, Uint8Array.of(1, 1, 0, 0, 0, 0), y, { caliper: 0.01 })),
    ).toBe("E_PS_NO_MATCH");
    expect(errorCode(() => nearestNeighbourMatch(ps, Uint8Array.of(1, 1, 1, 1, 1, 1), y))).toBe(
      "E_CONSTANT_TREATMENT",
    );
    expect(errorCode(() => nearestNeighbourMatch(ps, t, y, { estimand: "ATE", replace: false }))).toBe(
      "E_INVALID_ARGUMENT",
    );
  });
});
