import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-did-"));
const FIXTURE = fixturePath("saas_llm_logs_seed42.csv.gz");
const TUTORIAL = [
  "did",
  FIXTURE,
  "--outcome",
  "task_completed",
  "--time",
  "signup_week",
  "--start-column",
  "treatment_week",
  "--cluster",
  "workspace_id",
  "--covariates",
  "engagement_tier",
];

describe("truelift did", () => {
  it("prints the estimate, CI, parallel-trends verdict and naive contrast on one screen", async () => {
    const run = await runCli(TUTORIAL, { cwd });
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    expect(run.stdout).toMatch(
      /Effect \(regression DiD\)\s+\+0\.0541 {2}SE 0\.0109 {2}95% CI \[\+0\.0323, \+0\.0760\]/,
    );
    expect(run.stdout).toMatch(/\[pass\] Pre-trend slope difference −0\.00095/);
    expect(run.stdout).toMatch(/Naive post-period gap\s+\+0\.0884/);
  });

  it("--format json returns the full result; --print-spec the canonical spec", async () => {
    const run = await runCli([...TUTORIAL, "--format", "json"], { cwd });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.result.estimate.estimate).toBeCloseTo(0.0541177322, 9);
    expect(doc.result.twoByTwo.cells.map((c: { n: number }) => c.n)).toEqual([9590, 4878, 9633, 4738]);
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    const spec = await runCli([...TUTORIAL, "--print-spec", "--format", "json"], { cwd });
    expect(JSON.parse(spec.stdout)).toEqual({
      outcome: "task_completed",
      time: "signup_week",
      treatment: { startColumn: "treatment_week" },
      cluster: "workspace_id",
      covariates: ["engagement_tier"],
      anticipation: 0,
      inference: "t",
      alpha: 0.05,
    });
  });

  it("the group form with a window and inference flags", async () => {
    const run = await runCli(
      [
        "did",
        FIXTURE,
        "--outcome",
        "task_completed",
        "--time",
        "signup_week",
        "--group",
        "wave",
        "--treated-values",
        "1",
        "--start",
        "20",
        "--window",
        "0:29",
        "--cluster",
        "workspace_id",
        "--covariates",
        "engagement_tier",
        "--inference",
        "normal",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).result.placebo.slopeDifference.pValue).toBeCloseTo(0.4435, 4);
  });

  it("bad input: usage errors exit 2, data errors exit 3 with the code", async () => {
    const noTime = await runCli(["did", FIXTURE, "--outcome", "task_completed"], { cwd });
    expect(noTime.code).toBe(2);
    expect(noTime.stderr).toMatch(/^error\[E_USAGE\]/);
    const both = await runCli([...TUTORIAL, "--group", "wave"], { cwd });
    expect(both.code).toBe(2);
    const badWindow = await runCli([...TUTORIAL, "--window", "a-b"], { cwd });
    expect(badWindow.code).toBe(2);
    const boot = await runCli([...TUTORIAL, "--bootstrap", "99"], { cwd });
    expect(boot.stderr).toMatch(/--seed/);
    const missing = await runCli([...TUTORIAL.slice(0, 3), "nope", ...TUTORIAL.slice(4)], { cwd });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/^error\[E_COLUMN_MISSING\]/);
    expect(missing.stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});
