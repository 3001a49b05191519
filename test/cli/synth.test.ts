import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-synth-"));
const FIXTURE = fixturePath("saas_llm_logs_seed42.csv.gz");
const TUTORIAL = [
  "synth",
  FIXTURE,
  "--outcome",
  "task_completed",
  "--unit",
  "workspace_id",
  "--time",
  "signup_week",
  "--treated-units",
  "0-24",
  "--donors",
  "25-49",
  "--treatment-start",
  "20",
  "--window",
  "0:29",
];

describe("truelift synth", () => {
  it("prints the effect, placebo p with its floor, fit, weights and robustness on one screen", async () => {
    const run = await runCli(TUTORIAL, { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(30);
    expect(run.stdout).toMatch(
      /Effect \(mean post-period gap\)\s+\+0\.0829 {2}placebo p 0\.0385 \(floor 1\/26\)/,
    );
    expect(run.stdout).toMatch(/RMSPE 0\.0374/);
    expect(run.stdout).toMatch(/35 0\.2016, 40 0\.1900, 25 0\.1638, 32 0\.0872, 36 0\.0784/);
    expect(run.stdout).toMatch(/Leave-one-out \(12 donors\)\s+effect range \[\+0\.0739, \+0\.0945\]/);
    expect(run.stdout).toMatch(/\[warn\] 25 donors for 20 pre-periods/);
  });

  it("--format json returns the full result; --print-spec the canonical spec", async () => {
    const spec = await runCli([...TUTORIAL, "--print-spec", "--format", "json"], { cwd });
    expect(spec.code).toBe(0);
    const s = JSON.parse(spec.stdout);
    expect(s.treated).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(s.donors[0]).toBe(25);
    expect(s).toMatchObject({ treatmentStart: 20, window: { from: 0, to: 29 } });
    const run = await runCli([...TUTORIAL, "--format", "json", "--bootstrap", "50", "--seed", "3"], { cwd });
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.result.estimate.estimate).toBeCloseTo(0.0828886593, 9);
    expect(doc.result.bootstrap.replicates.length).toBe(50);
    expect(doc.result.provenance.seed).toBe(3);
  });

  it("--predictors runs the nested ADH V search", async () => {
    const run = await runCli(
      [
        "synth",
        fixturePath("basque_1960_1970.csv.gz"),
        "--outcome",
        "gdpcap",
        "--unit",
        "regionname",
        "--time",
        "year",
        "--treated-units",
        "Basque Country (Pais Vasco)",
        "--treatment-start",
        "1970",
        "--predictors",
        "gdpcap,invest,popdens,sec.industry",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.result.predictors.vSource).toBe("optimised");
    expect(doc.result.predictors.v).toHaveLength(4);
    expect(doc.result.predictors.names[0]).toBe("gdpcap (mean 1960–1969)");
    // popdens exists only in 1969, so the in-time placebo (fake date 1965) cannot rebuild it: skipped, said so.
    expect(doc.result.inTimePlacebo).toBeNull();
    const d = doc.result.diagnostics.find((x: { code: string }) => x.code === "D_SYNTH_IN_TIME_PLACEBO");
    expect(d.severity).toBe("info");
  });

  it("maps caller errors to exit codes", async () => {
    const noStart = await runCli(
      TUTORIAL.filter((_, i) => i < 11 || i > 12),
      { cwd },
    );
    expect(noStart.code).toBe(2);
    const noBootSeed = await runCli([...TUTORIAL, "--bootstrap", "10"], { cwd });
    expect(noBootSeed.code).toBe(2);
    const noDonors = await runCli(
      [...TUTORIAL.slice(0, 9), "0-49", "--treatment-start", "20", "--window", "0:29"],
      { cwd },
    );
    expect(noDonors.code).toBe(3);
    expect(noDonors.stderr).toMatch(/E_SYNTH_NO_DONORS|donor pool is empty/);
  });
});
