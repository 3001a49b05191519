import { describe, expect, it } from "vitest";
import { generateSpilloverNetwork } from "../../../src/data/generate/cluster-edges.js";
import {
  clusterEstimatesChart,
  clusterMeansChart,
  outcomeDistributionChart,
  outcomeHistogram,
  powerCurveChart,
} from "../../../src/designs/cluster/charts.js";
import { cluster } from "../../../src/designs/cluster/cluster.js";
import { clusterPower } from "../../../src/designs/cluster/power.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { errorCode } from "../../helpers/error-code.js";

const g = generateSpilloverNetwork({ seed: 3, clusters: 12, meanSize: 40 });
const result = cluster(
  g.users,
  {
    outcome: "y",
    treatment: "treated",
    cluster: "workspace_id",
    exposure: { column: "spillover_exposed", provenance: "observed" },
    inference: { seed: 1, wild: { reps: 199 }, randomization: { reps: 199 }, pairs: { reps: 99 } },
  },
  {},
);

function groupLabels(): string[] {
  const d = g.users.numeric("treated");
  const e = g.users.numeric("spillover_exposed");
  return Array.from(d, (v, i) => (v === 1 ? "treated" : e[i] === 1 ? "spillover" : "pure control"));
}

async function expectRenders(spec: object): Promise<string> {
  const { warnings } = await compileChart(spec as never);
  expect(warnings).toEqual([]);
  const svg = await renderSvg(spec as never);
  expect(svg.startsWith("<svg")).toBe(true);
  expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
  expect(Object.isFrozen(spec)).toBe(true);
  return svg;
}

describe("outcomeHistogram", () => {
  it("shares bins across groups and normalises densities per group", () => {
    const rows = outcomeHistogram([1, 2, 2, 3, 4, 4], ["a", "a", "b", "b", "b", "a"], { bins: 3 });
    expect(rows.length).toBe(6);
    expect(rows.filter((r) => r.group === "a").map((r) => r.count)).toEqual([1, 1, 1]);
    expect(rows.filter((r) => r.group === "b").map((r) => r.count)).toEqual([0, 1, 2]);
    const width = 1;
    for (const grp of ["a", "b"]) {
      const total = rows.filter((r) => r.group === grp).reduce((s, r) => s + r.density * width, 0);
      expect(total).toBeCloseTo(1, 12);
    }
    expect(errorCode(() => outcomeHistogram([1], ["a", "b"]))).toBe("E_LENGTH_MISMATCH");
    expect(errorCode(() => outcomeHistogram([Number.NaN], ["a"]))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("cluster charts", () => {
  it("outcome distributions by exposure group with their means", async () => {
    const bins = outcomeHistogram(g.users.numeric("y"), groupLabels(), { bins: 30 });
    const means = result.tidy.exposureGroups.map((r) => ({ group: r.group, mean: r.mean, n: r.n }));
    const spec = outcomeDistributionChart(bins, means, { outcomeTitle: "Outcome (minutes per user)" });
    const layers = (spec.layer as { name: string }[]).map((l) => l.name);
    expect(layers).toEqual(["density", "mean_rule", "mean_label"]);
    const svg = await expectRenders(spec);
    expect(svg).toContain("pure control");
  });

  it("cluster means by arm, with the size-weighted arm means", async () => {
    const spec = clusterMeansChart(result.tidy.clusters, {
      outcomeTitle: "Mean outcome per workspace (minutes)",
    });
    const layer = spec.layer as { name: string; data: { values: Record<string, number | string>[] } }[];
    expect(layer.map((l) => l.name)).toEqual(["clusters", "arm_mean"]);
    expect(layer[0].data.values.length).toBe(12);
    // the size-weighted mean of each arm is the user-level mean of that arm
    const y = g.users.numeric("y");
    const d = g.users.numeric("treated");
    let st = 0;
    let nt = 0;
    for (let i = 0; i < y.length; i++) {
      if (d[i] === 1) {
        st += y[i];
        nt++;
      }
    }
    const treated = layer[1].data.values.find((r) => r.arm === "treated");
    expect(treated?.mean as number).toBeCloseTo(st / nt, 10);
    await expectRenders(spec);
  });

  it("estimates side by side with CIs (naive, WLS, two-exposure)", async () => {
    const spec = clusterEstimatesChart(result.tidy.estimates, {
      effectTitle: "Effect on outcome (minutes per user)",
    });
    const values = (spec.data as { values: { position: string }[] } | undefined)?.values ?? [];
    const positions = JSON.stringify(spec);
    expect(positions).toContain("direct");
    expect(positions).toContain("spillover");
    expect(values.length === 0 || values.length === result.tidy.estimates.length).toBe(true);
    await expectRenders(spec);
    const only = clusterEstimatesChart(result.tidy.estimates, {
      effectTitle: "Effect (minutes)",
      quantities: ["direct", "spillover"],
    });
    expect(JSON.stringify(only)).not.toContain("naive");
    expect(
      errorCode(() =>
        clusterEstimatesChart(result.tidy.estimates, { effectTitle: "x", quantities: ["none"] }),
      ),
    ).toBe("E_INVALID_ARGUMENT");
  });

  it("power curve with the K = 30 rule and the planned K", async () => {
    const p = clusterPower({ clusters: 12, clusterSize: 40, icc: 0.05, sd: 0.4 });
    const spec = powerCurveChart(p.curve, { plannedClusters: 12, mdeTitle: "MDE (minutes)" });
    expect(JSON.stringify(spec)).toContain("planned K = 12");
    await expectRenders(spec);
  });

  it("rejects malformed rows by code", () => {
    expect(errorCode(() => clusterMeansChart([], { outcomeTitle: "y" }))).toBe("E_EMPTY_DATA");
    expect(
      errorCode(() =>
        clusterMeansChart([{ cluster: 1, arm: "treated", size: 0, mean: 1 }], { outcomeTitle: "y" }),
      ),
    ).toBe("E_INVALID_ARGUMENT");
    expect(
      errorCode(() =>
        outcomeDistributionChart(
          [{ group: "a", binStart: 0, binEnd: 1, count: 1, density: Number.NaN }],
          [],
          {
            outcomeTitle: "y",
          },
        ),
      ),
    ).toBe("E_NONFINITE_VALUES");
  });
});
