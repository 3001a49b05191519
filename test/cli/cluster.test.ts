import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-cluster-"));
const TUTORIAL = [
  "cluster",
  fixturePath("saas_llm_logs_seed42.csv.gz"),
  "--join",
  fixturePath("cluster_outcome_seed42.csv.gz"),
  "--join-on",
  "user_id",
  "--outcome",
  "session_minutes_obs",
  "--treatment",
  "wave",
  "--treated-values",
  "1",
  "--cluster",
  "workspace_id",
  "--exposure",
  "opt_in_agent_mode",
];

describe("truelift cluster", () => {
  it("prints the headline, the naive contrast, the two-exposure model and the diagnostics", async () => {
    const run = await runCli([...TUTORIAL, "--bootstrap", "500", "--seed", "7"], { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Effect \(cluster-mean WLS\)\s+\+0\.6723 {2}SE 0\.0652 {2}95% CI \[\+0\.5412, \+0\.8035\]/,
    );
    expect(run.stdout).toMatch(/Naive user-level OLS\s+\+0\.6723 {2}SE 0\.0034 {2}\(19\.1× too small/);
    expect(run.stdout).toMatch(/Exposure groups\s+24,937 treated \/ 6,744 spillover \/ 18,319 pure control/);
    expect(run.stdout).toMatch(/Direct effect \(CR1\)\s+\+0\.7284 {2}SE 0\.0647/);
    expect(run.stdout).toMatch(/Spillover effect \(CR1\)\s+\+0\.2083 {2}SE 0\.0038/);
    expect(run.stdout).toMatch(/Projected total\s+\+0\.7565 .*spillover share 0\.1349, observed/);
    expect(run.stdout).toMatch(/Pairs cluster bootstrap \(500 reps\)/);
    expect(run.stdout).toMatch(/\[warn\] Spillover exposure comes from a behavioural flag/);
  });

  it("--format json returns the result; --print-spec the canonical spec", async () => {
    const run = await runCli([...TUTORIAL, "--bootstrap", "0", "--format", "json"], { cwd });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.result.estimate.se).toBeCloseTo(0.0652351137, 9);
    expect(doc.result.bootstrap).toBeNull();
    const spec = await runCli(
      [
        ...TUTORIAL,
        "--small-k",
        "always",
        "--wild-weights",
        "webb",
        "--print-spec",
        "--format",
        "json",
        "--seed",
        "3",
      ],
      { cwd },
    );
    expect(JSON.parse(spec.stdout)).toEqual({
      outcome: "session_minutes_obs",
      treatment: { column: "wave", treatedValues: [1] },
      cluster: "workspace_id",
      exposure: { column: "opt_in_agent_mode" },
      inference: { seed: 3, smallK: "always", wild: { weights: "webb" } },
      alpha: 0.05,
    });
  });

  it("edge-list exposure from a second file, and usage / data errors with exit codes", async () => {
    const data = join(cwd, "users.csv");
    writeFileSync(
      data,
      "user_id,team,arm,y\n1,a,1,3\n2,a,1,4\n3,b,0,2\n4,b,0,1\n5,c,0,1.5\n6,c,0,2\n7,d,1,3.5\n8,d,1,3\n",
    );
    const edges = join(cwd, "edges.csv");
    writeFileSync(edges, "from,to\n3,1\n5,7\n4,5\n");
    const ok = await runCli(
      [
        "cluster",
        data,
        "--outcome",
        "y",
        "--treatment",
        "arm",
        "--cluster",
        "team",
        "--edges",
        edges,
        "--format",
        "json",
        "--bootstrap",
        "0",
        "--small-k",
        "never",
      ],
      { cwd },
    );
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).result.exposureCounts).toEqual({ treated: 4, spillover: 2, pureControl: 2 });
    const missing = await runCli(["cluster", data, "--outcome", "y", "--treatment", "arm"], { cwd });
    expect(missing.code).toBe(2);
    const varies = join(cwd, "varies.csv");
    writeFileSync(varies, "team,arm,y\na,1,3\na,0,4\nb,0,2\nb,0,1\n");
    const bad = await runCli(
      ["cluster", varies, "--outcome", "y", "--treatment", "arm", "--cluster", "team"],
      { cwd },
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/E_TREATMENT_VARIES_IN_CLUSTER|varies within/);
  });
});
