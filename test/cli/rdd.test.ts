import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-rdd-"));
const FIXTURE = fixturePath("saas_llm_logs_seed42.csv.gz");
const TUTORIAL = [
  "rdd",
  FIXTURE,
  "--outcome",
  "task_completed",
  "--running",
  "query_confidence",
  "--cutoff",
  "0.85",
  "--treated",
  "below",
  "--bw",
  "0.1",
  "--kernel",
  "uniform",
  "--support",
  "open",
  "--vce",
  "hc3",
  "--sweep",
  "0.05,0.1,0.15,0.2",
  "--treatment",
  "routed_to_premium",
];

describe("truelift rdd", () => {
  it("prints the tutorial's headline, bandwidth table and quadratic check", async () => {
    const run = await runCli(TUTORIAL, { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Effect \(conventional, treated below\)\s+\+0\.0548 {2}SE 0\.0131 {2}95% CI/);
    expect(run.stdout).toMatch(/Bandwidth 0\.05\s+\+0\.0635 {2}SE 0\.0183 .* n 11,554/);
    expect(run.stdout).toMatch(/Bandwidth 0\.2\s+\+0\.0614 {2}SE 0\.0107 .* n 34,074/);
    expect(run.stdout).toMatch(/Polynomial order 2\s+\+0\.0569/);
    expect(run.stdout).toMatch(/Naive \(treated − untreated rows\)\s+\+0\.0632/);
  });

  it("--print-spec prints the canonical spec; --format json the full result", async () => {
    const spec = await runCli([...TUTORIAL, "--print-spec"], { cwd });
    expect(spec.code).toBe(0);
    expect(JSON.parse(spec.stdout)).toMatchObject({
      cutoff: 0.85,
      treated: "below",
      bandwidth: 0.1,
      vce: "hc3",
    });
    const json = await runCli(
      [...TUTORIAL, "--no-density", "--placebo", "none", "--donut", "none", "--format", "json"],
      { cwd },
    );
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.result.fit.nEffective.below + out.result.fit.nEffective.above).toBe(21689);
    expect(out.result.density).toBeNull();
  });

  it("a data-driven bandwidth (mserd) reports the robust row; usage errors are coded", async () => {
    const run = await runCli(
      [
        "rdd",
        FIXTURE,
        "--outcome",
        "task_completed",
        "--running",
        "query_confidence",
        "--cutoff",
        "0.85",
        "--treated",
        "below",
        "--bwselect",
        "mserd",
        "--no-density",
        "--placebo",
        "none",
        "--donut",
        "none",
        "--sweep",
        "0.1",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Effect \(robust, treated below\)/);
    const bad = await runCli(
      ["rdd", FIXTURE, "--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "2"],
      { cwd },
    );
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/E_RDD_CUTOFF_OUT_OF_RANGE|cutoff 2/);
    const usageErr = await runCli(["rdd", FIXTURE, "--outcome", "task_completed"], { cwd });
    expect(usageErr.code).toBe(2);
  });
});
