import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { clusterPower, designEffect } from "../../../src/designs/cluster/power.js";
import { estimateIcc } from "../../../src/designs/cluster/power-icc.js";
import { noncentralTCdf, twoSidedPower } from "../../../src/designs/cluster/power-nct.js";
import { tQuantile } from "../../../src/numeric/dist/index.js";
import { runCli } from "../../cli/run-cli.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";

const golden = JSON.parse(
  readFileSync(new URL("../../golden/power/cluster-power.json", import.meta.url), "utf8"),
);

/** Closed forms match to rounding; the MDE solves (Illinois here, brentq in the peer) agree to ~1e-9 relative. */
const TOL = {
  designEffect: { rtol: 1e-12 },
  mdeZ: { rtol: 1e-8 },
  mdeT: { rtol: 1e-7 },
  power: { rtol: 1e-8 },
  nct: 1e-13,
  icc: { rtol: 1e-9 },
  exact: { rtol: 1e-12 },
};

interface GoldenCase {
  name: string;
  input: Record<string, number | number[]>;
  clusterSize: { mean: number; cv: number };
  clustersTreated: number;
  clustersControl: number;
  designEffect: number;
  effectiveN: { treated: number; control: number };
  mdeZ: number;
  mdeT: number;
  powerZ: number;
  powerT: number;
  clustersT: number;
}

function specOf(c: GoldenCase) {
  const i = c.input as Record<string, number> & { sizes?: number[] };
  return {
    clusters: i.clusters,
    clusterSize: i.sizes ?? { mean: i.mean, cv: i.cv },
    icc: i.icc,
    sd: i.sd,
    alpha: i.alpha,
    power: i.power,
    treatedShare: i.share,
  };
}

describe("noncentral t", () => {
  it("matches scipy.stats.nct.cdf", () => {
    for (const p of golden.nct as { x: number; df: number; delta: number; cdf: number }[]) {
      expect(Math.abs(noncentralTCdf(p.x, p.df, p.delta) - p.cdf)).toBeLessThan(TOL.nct);
    }
  });

  it("gives power alpha at zero effect", () => {
    expect(twoSidedPower(0, 6, 0.05)).toBeCloseTo(0.05, 10);
    expect(twoSidedPower(0, null, 0.05)).toBeCloseTo(0.05, 12);
  });
});

describe("clusterPower against statsmodels", () => {
  for (const c of golden.cases as GoldenCase[]) {
    it(`${c.name}: design effect, effective n, MDE (t and z), power and K`, () => {
      const base = specOf(c);
      const t = clusterPower(base);
      expect(t.solve).toBe("mde");
      expect(t.clustersTreated).toBe(c.clustersTreated);
      expect(t.clustersControl).toBe(c.clustersControl);
      expectClose(t.clusterSize.cv, c.clusterSize.cv, TOL.exact);
      expectClose(t.designEffect, c.designEffect, TOL.designEffect);
      expectClose(t.effectiveN.treated, c.effectiveN.treated, TOL.exact);
      expectClose(t.effectiveN.control, c.effectiveN.control, TOL.exact);
      expectClose(t.mde, c.mdeT, TOL.mdeT);
      expect(t.df).toBe((c.input.clusters as number) - 2);
      const z = clusterPower({ ...base, test: "z" });
      expectClose(z.mde, c.mdeZ, TOL.mdeZ);
      const effect = c.input.effect as number;
      expectClose(clusterPower({ ...base, effect }).power, c.powerT, TOL.power);
      expectClose(clusterPower({ ...base, effect, test: "z" }).power, c.powerZ, TOL.power);
      const { clusters: _k, ...noK } = base;
      const solved = clusterPower({ ...noK, effect });
      expect(solved.solve).toBe("clusters");
      expect(solved.clusters).toBe(c.clustersT);
      expect(solved.power).toBeGreaterThanOrEqual(c.input.power as number);
    });
  }

  it("reports the design effect formula and the curve", () => {
    expect(designEffect(1000, 0, 0.05)).toBeCloseTo(50.95, 12);
    expect(designEffect(1000, 0.5, 0.05)).toBeCloseTo(63.45, 12);
    const p = clusterPower({ clusters: 50, clusterSize: 1000, icc: 0.05, sd: 0.42 });
    expect(p.curve.find((r) => r.clusters === 50)?.mde).toBeCloseTo(p.mde, 12);
    expect(p.curve.find((r) => r.clusters === 50)?.power).toBeCloseTo(0.8, 8);
    for (let i = 1; i < p.curve.length; i++) expect(p.curve[i].mde).toBeLessThan(p.curve[i - 1].mde);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});

describe("K ≥ 30 diagnostic", () => {
  it("warns below 30 clusters with the reason, passes above", () => {
    const few = clusterPower({ clusters: 8, clusterSize: 200, icc: 0.05 });
    const d = few.diagnostics.find((x) => x.code === "D_POWER_FEW_CLUSTERS");
    expect(d?.severity).toBe("warn");
    expect(d?.message).toMatch(/Only 8 clusters .* t\(6\) MDE is \d+\.\d% larger/);
    expect(d?.evidence.mdeInflation as number).toBeGreaterThan(0.1);
    const many = clusterPower({ clusters: 60, clusterSize: 200, icc: 0.05 });
    expect(many.diagnostics.find((x) => x.code === "D_POWER_FEW_CLUSTERS")?.severity).toBe("pass");
  });
});

describe("estimateIcc", () => {
  it("matches the pandas ANOVA estimate on a small unequal-size example", () => {
    const g = golden.icc.small;
    const f = Frame.fromObject(golden.icc.smallData);
    const e = estimateIcc(f, { outcome: "y", cluster: "g" });
    expectClose(e.icc, g.icc, TOL.icc);
    expectClose(e.msb, g.msb, TOL.icc);
    expectClose(e.msw, g.msw, TOL.icc);
    expectClose(e.n0, g.n0, TOL.icc);
    expectClose(e.sd, g.sd, TOL.icc);
    expectClose(e.sizes.cv, g.sizeCv, TOL.exact);
  });

  it("matches on the cluster fixture and feeds clusterPower from data", () => {
    const users = readFixture("saas_llm_logs_seed42.csv.gz");
    const out = readFixture("cluster_outcome_seed42.csv.gz");
    const ids = users.numeric("user_id");
    const byId = new Map<number, number>();
    const oid = out.numeric("user_id");
    const oy = out.numeric("session_minutes_obs");
    for (let i = 0; i < oid.length; i++) byId.set(oid[i], oy[i]);
    const y = Float64Array.from(ids, (id) => byId.get(id) as number);
    const f = Frame.fromColumns({
      workspace_id: users.column("workspace_id"),
      session_minutes_obs: { kind: "f64", values: y },
    });
    const g = golden.icc.fixture;
    const e = estimateIcc(f, { outcome: "session_minutes_obs", cluster: "workspace_id" });
    expectClose(e.icc, g.icc, TOL.icc);
    expectClose(e.n0, g.n0, TOL.icc);
    expect(e.clusters).toBe(50);
    const p = clusterPower({ outcome: "session_minutes_obs", cluster: "workspace_id" }, f);
    expect(p.iccSource).toBe("estimated");
    expect(p.clusters).toBe(50);
    expectClose(p.icc, g.icc, TOL.icc);
    expectClose(p.sd, g.sd, TOL.icc);
    expectClose(p.clusterSize.cv, g.sizeCv, TOL.exact);
    expect(p.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(["D_POWER_FEW_CLUSTERS", "D_POWER_ICC_SOURCE", "D_POWER_UNEQUAL_SIZES"]),
    );
  });

  it("truncates a negative estimate at 0 with a warning", () => {
    const f = Frame.fromObject({ g: ["a", "a", "b", "b"], y: [1, 3, 1, 3] });
    const e = estimateIcc(f, { outcome: "y", cluster: "g" });
    expect(e.iccRaw).toBeLessThan(0);
    expect(e.icc).toBe(0);
    const p = clusterPower({ outcome: "y", cluster: "g", clusters: 10 }, f);
    expect(p.diagnostics.find((d) => d.code === "D_POWER_ICC_TRUNCATED")?.severity).toBe("warn");
  });
});

describe("errors", () => {
  it("names missing inputs and impossible targets", () => {
    expect(errorCode(() => clusterPower({ clusters: 10, icc: 0.1 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => clusterPower({ clusterSize: 10, icc: 0.1 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => clusterPower({ clusters: 10, clusterSize: 10 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => clusterPower({ clusters: 3, clusterSize: 10, icc: 0.1 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => clusterPower({ clusters: 10, clusterSize: 10, icc: 1.2 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => clusterPower({ clusters: 10, clusterSize: 10, icc: "estimate" }))).toBe(
      "E_INVALID_SPEC",
    );
    expect(errorCode(() => clusterPower({ clusterSize: 10, icc: 0.5, effect: 0.001, maxClusters: 64 }))).toBe(
      "E_POWER_UNREACHABLE",
    );
    const one = Frame.fromObject({ g: ["a", "a"], y: [1, 2] });
    expect(errorCode(() => clusterPower({ outcome: "y", cluster: "g", clusters: 10 }, one))).toBe(
      "E_CLUSTER_SINGLE",
    );
  });
});

describe("simulation", () => {
  it("empirical power of the cluster-level t-test ≈ nominal (equal sizes, ICC 0.1)", () => {
    // K = 12 clusters of 20, ICC 0.1, sd 1, effect = planned MDE at 80% power: the cluster-mean t-test on
    // K − 2 df has exactly noncentral-t power with equal sizes.
    const k = 12;
    const m = 20;
    const icc = 0.1;
    const plan = clusterPower({ clusters: k, clusterSize: m, icc, sd: 1 });
    const reps = 4000;
    const rng = createRng(2024, 7);
    const crit = tQuantile(0.975, k - 2);
    const sb = Math.sqrt(icc);
    const sw = Math.sqrt(1 - icc);
    let rejections = 0;
    const means = new Float64Array(k);
    for (let r = 0; r < reps; r++) {
      for (let c = 0; c < k; c++) {
        const treated = c < k / 2 ? 1 : 0;
        const u = sb * rng.normal();
        let s = 0;
        for (let j = 0; j < m; j++) s += sw * rng.normal();
        means[c] = plan.mde * treated + u + s / m;
      }
      let mt = 0;
      let mc = 0;
      for (let c = 0; c < k; c++) {
        if (c < k / 2) mt += means[c];
        else mc += means[c];
      }
      mt /= k / 2;
      mc /= k / 2;
      let ss = 0;
      for (let c = 0; c < k; c++) ss += (means[c] - (c < k / 2 ? mt : mc)) ** 2;
      const pooled = ss / (k - 2);
      const t = (mt - mc) / Math.sqrt(pooled * (4 / k));
      if (Math.abs(t) > crit) rejections++;
    }
    const rate = rejections / reps;
    const mcSe = Math.sqrt((0.8 * 0.2) / reps);
    expect(Math.abs(rate - 0.8)).toBeLessThan(3.5 * mcSe);
  });
});

describe("truelift power", () => {
  const cwd = mkdtempSync(join(tmpdir(), "truelift-power-"));
  writeFileSync(
    join(cwd, "base.csv"),
    `ws,y\n${Array.from({ length: 60 }, (_, i) => `w${i % 6},${(i % 6) + ((i * 7) % 5) / 10}`).join("\n")}\n`,
  );

  it("solves for the MDE, K and power and prints the design effect", async () => {
    const mde = await runCli(
      ["power", "--clusters", "50", "--cluster-size", "1000", "--icc", "0.05", "--sd", "0.42"],
      {
        cwd,
      },
    );
    expect(mde.code).toBe(0);
    expect(mde.stdout).toMatch(/Minimum detectable effect: 0\.0767 .* t\(48\)/);
    expect(mde.stdout).toMatch(/Design effect 50\.95/);
    const k = await runCli(
      [
        "power",
        "--cluster-size",
        "1000",
        "--icc",
        "0.05",
        "--sd",
        "0.42",
        "--effect",
        "0.05",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(JSON.parse(k.stdout).result.clusters).toBe(115);
    const pw = await runCli(
      [
        "power",
        "--clusters",
        "8",
        "--cluster-size",
        "40,120,300,80,60,200,150,50",
        "--icc",
        "0.1",
        "--effect",
        "0.5",
      ],
      { cwd },
    );
    expect(pw.stdout).toMatch(/Power: 33\.3% to detect 0\.500/);
    expect(pw.stdout).toMatch(/\[warn\] Only 8 clusters/);
  });

  it("estimates the ICC from --data, and prints the canonical spec", async () => {
    const run = await runCli(["power", "--data", "base.csv", "--outcome", "y", "--cluster", "ws"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ICC 0\.\d+ \(estimated\)/);
    const spec = await runCli(
      [
        "power",
        "--clusters",
        "20",
        "--cluster-size",
        "50",
        "--size-cv",
        "0.6",
        "--icc",
        "0.02",
        "--print-spec",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(JSON.parse(spec.stdout)).toEqual({ clusters: 20, clusterSize: { mean: 50, cv: 0.6 }, icc: 0.02 });
    const bad = await runCli(["power", "--clusters", "20", "--icc", "x"], { cwd });
    expect(bad.code).toBe(2);
  });
});
