import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { TRUELIFT_VERSION } from "../../../src/core/version.js";
import { synthCharts } from "../../../src/designs/synth/result-charts.js";
import { synth } from "../../../src/designs/synth/synth.js";
import { LINEAR_MODEL_VERSION } from "../../../src/models/ols.js";
import { errorCode, thrown } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const SPEC = {
  outcome: "task_completed",
  unit: "workspace_id",
  time: "signup_week",
  treated: ids(0, 25),
  donors: ids(25, 50),
  treatmentStart: 20,
  window: { from: 0, to: 29 },
};

interface FixtureGolden {
  treated: number[];
  fit: { weights: number[]; pre_rmspe: number; post_rmspe: number; mean_gap: number; gaps: number[] };
  placebos: { unit: string; mean_gap: number; pre_rmspe: number; post_rmspe: number }[];
  placebo_mean: number;
  placebo_sd_ddof0: number;
  placebo_range: [number, number];
  placebo_p: number;
  leave_one_out: { dropped: string; mean_gap: number; pre_rmspe: number }[];
}

/** Weights are the exact QP minimiser in both tools; agreement is at rounding level. */
const TOL_WEIGHT = { atol: 1e-9 };

describe("synth on the tutorial fixture", () => {
  const frame = readFixture("saas_llm_logs_seed42.csv.gz");
  const res = synth(frame, SPEC);
  const golden = loadGolden<FixtureGolden>("synth", "fixture").expected;

  it("records the package version in provenance (the same as every design), the algorithm id separately", () => {
    const pkg = JSON.parse(readFileSync(new URL("../../../package.json", import.meta.url), "utf8")) as {
      version: string;
    };
    expect(TRUELIFT_VERSION).toBe(pkg.version);
    expect(res.provenance.version).toBe(pkg.version);
    expect(res.provenance.version).toBe(LINEAR_MODEL_VERSION);
    expect(res.provenance.algorithm).toBe("synth-1");
  });

  it("a constant outcome is refused (not +0.0000 with contradicting checks)", () => {
    const flat = frame.withColumn("task_completed", new Float64Array(frame.nrows).fill(1));
    const e = thrown(() => synth(flat, SPEC));
    expect(e.code).toBe("E_OUTCOME_CONSTANT");
    expect(e.message).toContain("'task_completed'");
  });

  it("reproduces the tutorial's printed numbers (issue 6 acceptance)", () => {
    expect(res.fit.preRmspe.toFixed(4)).toBe("0.0374");
    expect(res.estimate.estimate.toFixed(4)).toBe("0.0829");
    expect(res.usedDonors).toBe(12);
    const top = [...res.weights].sort((a, b) => b.weight - a.weight).slice(0, 5);
    expect(top.map((w) => [w.unit, w.weight.toFixed(4)])).toEqual([
      ["35", "0.2016"],
      ["40", "0.1900"],
      ["25", "0.1638"],
      ["32", "0.0872"],
      ["36", "0.0784"],
    ]);
    expect(res.placebo?.gapSd.toFixed(4)).toBe("0.0380");
    expect(res.placebo?.gapMean.toFixed(4)).toBe("-0.0008");
    expect(res.placebo?.gapRange.map((x) => x.toFixed(4))).toEqual(["-0.0748", "0.0707"]);
    expect(res.placebo?.meanGapTest.pValue).toBe(1 / 26);
    expect(res.placebo?.meanGapTest.floor).toBe(1 / 26);
    expect(res.estimate.pValue).toBe(1 / 26);
    expect(res.leaveOneOut?.fits.length).toBe(12);
    expect(res.leaveOneOut?.gapRange?.map((x) => x.toFixed(4))).toEqual(["0.0739", "0.0945"]);
  });

  it("matches the exact scipy/KKT golden (weights, fit, placebos, leave-one-out)", () => {
    expectClose(
      Array.from(res.rows.trajectory, (r) => r.treated),
      golden.treated,
      TOL.identity,
    );
    expectClose(
      res.weights.map((w) => w.weight),
      golden.fit.weights,
      TOL_WEIGHT,
    );
    expect(res.fit.uniqueWeights).toBe(true);
    expectClose(res.fit.preRmspe, golden.fit.pre_rmspe, TOL.estimate);
    expectClose(res.fit.postRmspe, golden.fit.post_rmspe, TOL.estimate);
    expectClose(res.estimate.estimate, golden.fit.mean_gap, TOL.estimate);
    expectClose(
      res.rows.trajectory.map((r) => r.gap),
      golden.fit.gaps,
      { rtol: 1e-8, atol: 1e-10 },
    );
    const pl = res.placebo;
    expect(pl?.units.map((u) => u.unit)).toEqual(golden.placebos.map((p) => p.unit));
    expectClose(
      pl?.units.map((u) => u.meanGap),
      golden.placebos.map((p) => p.mean_gap),
      { rtol: 1e-8, atol: 1e-10 },
    );
    expectClose(
      pl?.units.map((u) => u.preRmspe),
      golden.placebos.map((p) => p.pre_rmspe),
      { rtol: 1e-8, atol: 1e-10 },
    );
    expectClose(pl?.gapSd, golden.placebo_sd_ddof0, TOL.estimate);
    expectClose(pl?.gapRange, golden.placebo_range, TOL.estimate);
    expect(pl?.meanGapTest.pValue).toBe(golden.placebo_p);
    expect(res.leaveOneOut?.fits.map((f) => f.dropped)).toEqual(golden.leave_one_out.map((f) => f.dropped));
    expectClose(
      res.leaveOneOut?.fits.map((f) => f.meanGap),
      golden.leave_one_out.map((f) => f.mean_gap),
      { rtol: 1e-8, atol: 1e-10 },
    );
  });

  it("reports the RMSPE-ratio test, the in-time placebo, naive contrasts and diagnostics", () => {
    expect(res.placebo?.ratioTest.observed).toBeCloseTo(res.fit.postRmspe / res.fit.preRmspe, 12);
    expect(res.placebo?.ratioTest.pValue).toBeGreaterThanOrEqual(1 / 26);
    expect(res.inTimePlacebo?.fakeStart).toBe(10);
    expect(Math.abs(res.inTimePlacebo?.meanGap ?? 1)).toBeLessThan(0.5 * res.estimate.estimate);
    expect(res.naive.beforeAfter).toBeCloseTo(
      mean(res.rows.trajectory.slice(20).map((r) => r.treated)) -
        mean(res.rows.trajectory.slice(0, 20).map((r) => r.treated)),
      12,
    );
    const sev = Object.fromEntries(res.diagnostics.map((d) => [d.code, d.severity]));
    expect(sev).toMatchObject({
      D_SYNTH_FILLED_CELLS: "pass",
      D_SYNTH_CONVEX_HULL: "pass",
      D_SYNTH_WEIGHT_CONCENTRATION: "pass",
      D_SYNTH_OVERFIT: "warn",
      D_SYNTH_PRE_FIT: "pass",
      D_SYNTH_PLACEBO: "info",
      D_SYNTH_IN_TIME_PLACEBO: "pass",
      D_SYNTH_LEAVE_ONE_OUT: "pass",
      D_SYNTH_NAIVE: "info",
    });
    const placeboMsg = res.diagnostics.find((d) => d.code === "D_SYNTH_PLACEBO")?.message ?? "";
    expect(placeboMsg).toContain("1/26");
    expect(res.n).toMatchObject({ rows: 50000, donors: 25, periods: 30, preCount: 20 });
    expect(res.rows.placeboGaps.length).toBe(26 * 30);
    expect(res.rows.leaveOneOut.length).toBe(12 * 30);
    expect(Object.isFrozen(res.rows.trajectory[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(res)).estimate.estimate).toBe(res.estimate.estimate);
    expect(res.provenance).toMatchObject({ engine: "memory" });
    // Part B's estimators on the same panel, and the charts.
    expect(res.extensions.sdid?.fits.sc.estimate).toBeCloseTo(res.estimate.estimate, 1);
    expect(res.extensions.augmented?.estimate.estimate).toBeTypeOf("number");
    expect(res.extensions.conformal).toBeNull();
    const charts = synthCharts(res);
    expect(charts.trajectory).toBeTypeOf("object");
    expect(charts.placebo).not.toBeNull();
    expect(charts.leaveOneOut).not.toBeNull();
  });

  it("excludes placebos with a poor pre-fit and recomputes the floor", () => {
    const r = synth(frame, {
      ...SPEC,
      placebo: { excludePreRmspeAbove: 1 },
      leaveOneOut: false,
      inTimePlacebo: false,
    });
    const pl = r.placebo;
    if (!pl) throw new Error("no placebo");
    const kept = pl.units.filter((u) => u.preRmspe <= r.fit.preRmspe).length;
    expect(pl.kept).toBe(kept);
    expect(kept).toBeLessThan(25);
    expect(pl.meanGapTest.floor).toBe(1 / (kept + 1));
  });

  it("bootstraps users reproducibly, within Monte Carlo error of the tutorial's interval", () => {
    const a = synth(frame, {
      ...SPEC,
      placebo: false,
      leaveOneOut: false,
      bootstrap: { reps: 500, seed: 7 },
    });
    const b = synth(frame, {
      ...SPEC,
      placebo: false,
      leaveOneOut: false,
      bootstrap: { reps: 500, seed: 7 },
    });
    expect(a.bootstrap?.replicates).toEqual(b.bootstrap?.replicates);
    expect(a.bootstrap?.failed).toBe(0);
    const ci = a.estimate.ci;
    if (!ci) throw new Error("no ci");
    // Tutorial (numpy, 500 reps): [+0.0511, +0.1215]; the 2.5% / 97.5% quantiles of 500 replicates have a Monte
    // Carlo SD of about 0.002–0.003 here (bootstrap SE ≈ 0.0175), so allow 0.007.
    expect(Math.abs(ci[0] - 0.0511)).toBeLessThan(0.007);
    expect(Math.abs(ci[1] - 0.1215)).toBeLessThan(0.007);
    expect(a.estimate.se).toBeGreaterThan(0.012);
    expect(a.estimate.se).toBeLessThan(0.024);
    expect(a.provenance.seed).toBe(7);
  });

  it("resamples users with all their rows when a user column is given", () => {
    const lean = {
      ...SPEC,
      placebo: false,
      leaveOneOut: false,
      inTimePlacebo: false,
      sdid: false,
      augmented: false,
    } as const;
    // One row per user: the user-level bootstrap is the row bootstrap, replicate for replicate.
    const withIds = frame.withColumn(
      "uid",
      Float64Array.from({ length: frame.nrows }, (_, i) => i),
    );
    const rowsBoot = synth(frame, { ...lean, bootstrap: { reps: 20, seed: 3 } }).bootstrap;
    const userBoot = synth(withIds, { ...lean, user: "uid", bootstrap: { reps: 20, seed: 3 } }).bootstrap;
    expect(userBoot?.resampled).toBe("users");
    expect(userBoot?.replicates).toEqual(rowsBoot?.replicates);
    // Pairs of rows per user: 25,000 users, each resampled with both of its rows.
    const pairs = frame.withColumn(
      "uid",
      Float64Array.from({ length: frame.nrows }, (_, i) => Math.floor(i / 2)),
    );
    const pairBoot = synth(pairs, { ...lean, user: "uid", bootstrap: { reps: 20, seed: 3 } }).bootstrap;
    expect(pairBoot?.users).toBe(25000);
    expect(pairBoot?.failed).toBe(0);
  });
});

describe("panel building", () => {
  // Units a (treated), b, c; periods 0..5; start 4. Unit b has no rows at periods 1, 2 and 5; c none at 0.
  const rows: { u: string; t: number; y: number }[] = [];
  const add = (u: string, t: number, ys: number[]) => {
    for (const y of ys) rows.push({ u, t, y });
  };
  for (let t = 0; t < 6; t++) add("a", t, [t, t + 1]);
  add("b", 0, [1]);
  add("b", 3, [4]);
  add("b", 4, [2, 4]);
  for (let t = 1; t < 6; t++) add("c", t, [10 - t]);
  const frame = Frame.fromObject({
    unit: rows.map((r) => r.u),
    week: rows.map((r) => r.t),
    y: rows.map((r) => r.y),
  });
  const spec = { outcome: "y", unit: "unit", time: "week", treated: ["a"], treatmentStart: 4 };

  it("averages cells, interpolates inside, fills the edges, and counts the filled cells", () => {
    const res = synth(frame, { ...spec, inTimePlacebo: false });
    expect(res.panel.donorUnits).toEqual(["b", "c"]);
    expect(res.panel.filledCells).toBe(4);
    const d = res.diagnostics.find((x) => x.code === "D_SYNTH_FILLED_CELLS");
    expect(d?.evidence).toMatchObject({ filled: 4, cells: 18, treatedFilled: 0, donorFilled: 4 });
    expect(res.rows.trajectory.map((r) => r.treated)).toEqual([0.5, 1.5, 2.5, 3.5, 4.5, 5.5]);
    // b: 1, (2), (3), 4, 3, (3) — c: (9), 9, 8, 7, 6, 5. Synthetic = w_b·b + w_c·c.
    const wb = res.weights[0].weight;
    const wc = res.weights[1].weight;
    const b = [1, 2, 3, 4, 3, 3];
    const c = [9, 9, 8, 7, 6, 5];
    expectClose(
      res.rows.trajectory.map((r) => r.synthetic),
      b.map((x, t) => wb * x + wc * c[t]),
      { rtol: 1e-12, atol: 1e-12 },
    );
  });

  it("rejects bad designs with coded errors", () => {
    expect(errorCode(() => synth(frame, { ...spec, donors: [] }))).toBe("E_SYNTH_NO_DONORS");
    expect(errorCode(() => synth(frame, { ...spec, treated: ["a", "b", "c"] }))).toBe("E_SYNTH_NO_DONORS");
    expect(errorCode(() => synth(frame, { ...spec, treatmentStart: 1 }))).toBe("E_SYNTH_TOO_FEW_PRE");
    expect(errorCode(() => synth(frame, { ...spec, treatmentStart: 9 }))).toBe("E_TOO_FEW_PERIODS");
    expect(errorCode(() => synth(frame, { ...spec, treated: ["zz"] }))).toBe("E_SYNTH_UNKNOWN_UNIT");
    expect(errorCode(() => synth(frame, { ...spec, donors: ["a"] }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => synth(frame, { ...spec, outcome: "nope" }))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => synth(frame, { ...spec, treated: [] }))).toBe("E_INVALID_SPEC");
    // Treated unit a has rows only from week 2 on, and the pre-period is weeks 0–1.
    const late = Frame.fromObject({
      unit: ["a", "a", "a", "b", "b", "b", "c", "c", "c"],
      week: [2, 3, 4, 0, 1, 4, 0, 1, 4],
      y: [1, 2, 3, 1, 2, 3, 2, 3, 4],
    });
    expect(errorCode(() => synth(late, { ...spec, treatmentStart: 2 }))).toBe("E_SYNTH_TREATED_NO_PRE");
    expect(errorCode(() => synth(frame, { ...spec, donors: ["b", "c"], window: { from: 0, to: 0 } }))).toBe(
      "E_SYNTH_TOO_FEW_PRE",
    );
    // A donor without any row in the window: every cell empty.
    const emptyDonor = Frame.fromObject({
      unit: ["a", "a", "a", "a", "b", "b", "b", "b", "c"],
      week: [0, 1, 2, 3, 0, 1, 2, 3, 9],
      y: [1, 2, 3, 4, 1, 2, 3, 4, 5],
    });
    expect(
      errorCode(() =>
        synth(emptyDonor, { ...spec, donors: ["b", "c"], treatmentStart: 2, window: { from: 0, to: 3 } }),
      ),
    ).toBe("E_SYNTH_EMPTY_UNIT");
    // By default the donor pool is the other units with rows in the window, so c is left out.
    const dflt = synth(emptyDonor, {
      ...spec,
      treatmentStart: 2,
      window: { from: 0, to: 3 },
      inTimePlacebo: false,
    });
    expect(dflt.panel.donorUnits).toEqual(["b"]);
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
