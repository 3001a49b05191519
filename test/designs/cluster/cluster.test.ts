import { describe, expect, it } from "vitest";
import { cluster } from "../../../src/designs/cluster/cluster.js";
import { clusterCharts } from "../../../src/designs/cluster/result-charts.js";
import { CLUSTER_SPEC_SCHEMA, type ClusterSpec } from "../../../src/designs/cluster/spec.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";
import { clusterFixture } from "./cluster-fixture.js";

interface Summ {
  names: string[];
  params: number[];
  bse: number[];
  pvalues: number[];
  ci: [number, number][];
  df: number | null;
}
interface Expected {
  counts: { treated: number; spillover: number; pure_control: number };
  sizes: { min: number; median: number; max: number };
  naive: Summ;
  wls: Summ;
  cr1: Summ;
  two_exposure: Summ;
  spillover_share: number;
  projected: number;
  projected_se: number;
}

const golden = loadGolden<Expected>("cluster", "design").expected;
const TUTORIAL: ClusterSpec = {
  outcome: "session_minutes_obs",
  treatment: { column: "wave", treatedValues: [1] },
  cluster: "workspace_id",
  exposure: { column: "opt_in_agent_mode" },
  inference: { seed: 1 },
};
const frame = clusterFixture();
const res = cluster(frame, TUTORIAL);
const r4 = (x: number | null | undefined) => (x == null ? null : Math.round(x * 1e4) / 1e4);

describe("cluster() on the tutorial fixture: the acceptance numbers at the printed precision", () => {
  it("exposure counts 24,937 / 6,744 / 18,319", () => {
    expect(res.exposureCounts).toEqual({ treated: 24937, spillover: 6744, pureControl: 18319 });
    expect(res.n).toMatchObject({ obs: 50000, clusters: 50, treatedClusters: 25, controlClusters: 25 });
  });

  it("naive +0.6723 SE 0.0034; WLS +0.6723 SE 0.0652 t(48) CI [+0.5412, +0.8035]", () => {
    expect(r4(res.naive.userLevel.estimate)).toBe(0.6723);
    expect(r4(res.naive.userLevel.se)).toBe(0.0034);
    expect(r4(res.estimate.estimate)).toBe(0.6723);
    expect(r4(res.estimate.se)).toBe(0.0652);
    expect(res.estimate.df).toBe(48);
    expect(res.estimate.ci?.map(r4)).toEqual([0.5412, 0.8035]);
  });

  it("two-exposure: direct +0.7284 (SE 0.0647), spillover +0.2083 (SE 0.0038), share 0.1349, projected +0.7565", () => {
    const two = res.twoExposure!;
    expect(r4(two.direct.estimate)).toBe(0.7284);
    expect(r4(two.direct.se)).toBe(0.0647);
    expect(r4(two.spillover.estimate)).toBe(0.2083);
    expect(r4(two.spillover.se)).toBe(0.0038);
    expect(r4(two.projected.spilloverShare)).toBe(0.1349);
    expect(two.projected.shareSource).toBe("observed");
    expect(r4(two.projected.term.estimate)).toBe(0.7565);
    expect(two.projected.assumption).toMatch(/13\.5% of users/);
  });
});

describe("cluster() against statsmodels (golden: test/golden/cluster/design.json)", () => {
  it("naive, WLS and CR1 terms", () => {
    const check = (
      t: {
        estimate: number;
        se: number | null;
        pValue: number | null;
        ci: readonly [number, number] | null;
        df: number | null;
      },
      g: Summ,
      j: number,
    ) => {
      expectClose(t.estimate, g.params[j], TOL.estimate, "estimate");
      expectClose(t.se, g.bse[j], TOL.se, "se");
      expectClose(t.ci, g.ci[j], TOL.se, "ci");
      if (g.pvalues[j] > 1e-300) expectClose(t.pValue, g.pvalues[j], { rtol: 1e-5, atol: 1e-14 }, "pValue");
      expect(t.df).toBe(g.df);
    };
    check(res.estimators.clusterMeans, golden.wls, 1);
    check(res.estimators.cr1, golden.cr1, 1);
    expectClose(res.estimators.naive.estimate, golden.naive.params[1], TOL.estimate, "naive");
    expectClose(res.estimators.naive.se, golden.naive.bse[1], TOL.se, "naive se");
    check(res.twoExposure!.direct, golden.two_exposure, 1);
    check(res.twoExposure!.spillover, golden.two_exposure, 2);
    check(res.twoExposure!.pureControlMean, golden.two_exposure, 0);
    expectClose(res.twoExposure!.projected.spilloverShare, golden.spillover_share, TOL.identity, "share");
    expectClose(res.twoExposure!.projected.term.estimate, golden.projected, TOL.estimate, "projected");
    expectClose(res.twoExposure!.projected.term.se, golden.projected_se, TOL.se, "projected se");
  });

  it("CR2 and CR3 are the estimatr / sandwich numbers (test/golden/cluster/cr2_fixture.json)", () => {
    const g = loadGolden<{ treated_cr2: { bse: number[]; df: number[] }; treated_cr3: { bse: number[] } }>(
      "cluster",
      "cr2_fixture",
    ).expected;
    expectClose(res.estimators.cr2.se, g.treated_cr2.bse[1], TOL.se, "cr2 se");
    expectClose(res.estimators.cr2.df, g.treated_cr2.df[1], { rtol: 1e-6 }, "cr2 df");
    expectClose(res.estimators.cr3.se, g.treated_cr3.bse[1], TOL.se, "cr3 se");
  });
});

describe("cluster(): result shape, diagnostics, bootstrap, determinism", () => {
  it("is frozen plain data with a JSON round trip", () => {
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.isFrozen(res.tidy.estimates)).toBe(true);
    expect(JSON.parse(JSON.stringify(res)).estimate.estimate).toBeCloseTo(res.estimate.estimate, 12);
    expect(res.provenance).toMatchObject({ engine: "memory", seed: 1 });
    expect(CLUSTER_SPEC_SCHEMA.safeParse(res.provenance.spec).success).toBe(true);
  });

  it("diagnostics: enough clusters, similar sizes, ICC, naive SE 19× too small, proxy-flag warning", () => {
    const by = Object.fromEntries(res.diagnostics.map((d) => [d.code, d]));
    expect(by.D_FEW_CLUSTERS.severity).toBe("pass");
    expect(by.D_CLUSTER_UNEQUAL_SIZES.severity).toBe("pass");
    expect(by.D_CLUSTER_UNEQUAL_SIZES.evidence).toMatchObject(golden.sizes);
    expect(by.D_CLUSTER_ICC.evidence.icc as number).toBeGreaterThan(0.2);
    expect(by.D_CLUSTER_NAIVE_SE.severity).toBe("warn");
    expect(by.D_CLUSTER_NAIVE_SE.evidence.ratio as number).toBeCloseTo(0.0652351137 / 0.0034150943, 4);
    expect(by.D_CLUSTER_SPILLOVER_PROVENANCE.severity).toBe("warn");
    expect(by.D_CLUSTER_SPILLOVER_PROVENANCE.message).toMatch(/behavioural flag/);
    expect(res.smallK).toBeNull(); // K = 50 ≥ 30 and not requested
  });

  it("pairs cluster bootstrap: seeded, deterministic, within Monte Carlo error of the workspace bootstrap", () => {
    const boot = res.bootstrap!;
    expect(boot.reps).toBe(1999);
    expect(boot.failed).toBe(0);
    const again = cluster(frame, TUTORIAL).bootstrap!;
    expect(again.estimates).toEqual(boot.estimates);
    const get = (name: string) => boot.estimates.find((e) => e.name === name)!;
    // Python baseline (500 reps, seed 7): direct [+0.5931, +0.8519], spillover [+0.2008, +0.2164].
    const direct = get("direct").ci!;
    expect(Math.abs(direct[0] - 0.5931)).toBeLessThan(0.03);
    expect(Math.abs(direct[1] - 0.8519)).toBeLessThan(0.03);
    const spill = get("spillover").ci!;
    expect(Math.abs(spill[0] - 0.2008)).toBeLessThan(0.002);
    expect(Math.abs(spill[1] - 0.2164)).toBeLessThan(0.002);
    // the bootstrap SE of the effect is close to CR1 (both estimate the between-cluster spread)
    expect(get("effect").se! / res.estimators.cr1.se!).toBeGreaterThan(0.9);
    expect(get("effect").se! / res.estimators.cr1.se!).toBeLessThan(1.1);
  });

  it("smallK 'always' adds the wild bootstrap and RI; their intervals are close to the analytic ones at K = 50", () => {
    const r = cluster(frame, {
      ...TUTORIAL,
      inference: {
        seed: 1,
        smallK: "always",
        wild: { reps: 999 },
        randomization: { reps: 999 },
        pairs: false,
      },
    });
    const w = r.smallK!.wild!.treatment;
    expect(w.pValue).toBe(0);
    expect(Math.abs(w.ci![0] - r.estimators.cr1.ci![0])).toBeLessThan(0.01);
    expect(Math.abs(w.ci![1] - r.estimators.cr1.ci![1])).toBeLessThan(0.01);
    const ri = r.smallK!.randomization!;
    expect(ri.exact).toBe(false);
    expect(ri.pValue).toBeCloseTo(1 / 1000, 12);
    expect(ri.ci![0]).toBeLessThan(r.estimate.estimate);
    expect(Math.abs(ri.ci![0] - r.estimate.ci![0])).toBeLessThan(0.03);
    expect(r.bootstrap).toBeNull();
    expect(r.diagnostics.some((d) => d.code === "D_CLUSTER_SMALL_K_INFERENCE")).toBe(true);
  });

  it("rollout share given by the user", () => {
    const r = cluster(frame, { ...TUTORIAL, rollout: { spilloverShare: 0.5 }, inference: { pairs: false } });
    const t = r.twoExposure!;
    expect(t.projected.shareSource).toBe("given");
    expect(t.projected.term.estimate).toBeCloseTo(t.direct.estimate + 0.5 * t.spillover.estimate, 12);
  });

  it("tidy rows: one per cluster, three exposure groups, estimates side by side", () => {
    expect(res.tidy.clusters).toHaveLength(50);
    expect(res.tidy.exposureGroups.map((g) => [g.group, g.n])).toEqual([
      ["treated", 24937],
      ["spillover", 6744],
      ["pure control", 18319],
    ]);
    const methods = res.tidy.estimates.map((e) => `${e.quantity}|${e.method}`);
    expect(methods).toContain("effect|naive user-level OLS");
    expect(methods).toContain("direct|two-exposure CR1");
    expect(methods).toContain("spillover|pairs cluster bootstrap");
  });
});

describe("cluster charts from the result", () => {
  it("outcome by exposure group, cluster means and estimates compile without warnings", async () => {
    const { compileChart } = await import("../../../src/report/vega.js");
    const charts = clusterCharts(res);
    expect(charts.outcomeDistribution).not.toBeNull(); // the rows are at hand: the histogram is drawn
    for (const spec of [charts.outcomeDistribution, charts.clusterMeans, charts.estimates]) {
      if (spec === null) continue;
      expect((await compileChart(spec)).warnings).toEqual([]);
    }
    const clusterRows = JSON.stringify(charts.clusterMeans).match(/"cluster":/g) ?? [];
    expect(clusterRows).toHaveLength(50); // one point per workspace
  });
});
