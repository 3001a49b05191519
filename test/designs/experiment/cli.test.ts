import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";
import { fixturePath } from "../../helpers/fixture.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-experiment-"));
const DATA = fixturePath("saas_llm_logs_seed42.csv.gz");

describe("truelift experiment", () => {
  it("prints the headline, each comparison with its relative lift, ratios, guardrails and the SRM check", async () => {
    const run = await runCli(
      [
        "experiment",
        DATA,
        "--treatment",
        "prompt_variant",
        "--control",
        "0",
        "--metrics",
        "task_completed,thumbs_up",
        "--ratio",
        "cost_usd/task_completed",
        "--guardrail",
        "retained_7d:-0.01",
        "--cuped",
        "session_minutes",
      ],
      { cwd },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /Effect on task_completed: 1 vs 0 \(Welch t, CUPED\)\s+\+0\.0453 {2}SE 0\.0043/,
    );
    expect(run.stdout).toMatch(/cost_usd\/task_completed 1 vs 0\s+−0\.00275/);
    expect(run.stdout).toMatch(/retained_7d 1 vs 0, non-inferiority \(margin -0\.01\)\s+holds/);
    expect(run.stdout).toMatch(/\[pass\] Arm sizes match the planned split/);
    expect(run.stdout).toMatch(/CUPED reduced the variance of the effect by 3\.5% \(task_completed\)/);
  });

  it("--cluster with --covariates (Lin, CR2) and --format json", async () => {
    const run = await runCli(
      [
        "experiment",
        DATA,
        "--treatment",
        "wave",
        "--control",
        "2",
        "--metrics",
        "task_completed",
        "--cluster",
        "workspace_id",
        "--covariates",
        "signup_week,opt_in_agent_mode",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.result.comparisons[0].inference).toBe("CR2");
    expect(doc.result.comparisons[0].adjustment).toBe("lin");
    expect(doc.result.n.clusters).toBe(50);
    expect(doc.result.srm.unit).toBe("clusters");
  });

  it("usage and data errors map to exit codes 2 and 3", async () => {
    const a = await runCli(
      ["experiment", DATA, "--treatment", "prompt_variant", "--metrics", "task_completed"],
      {
        cwd,
      },
    );
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/error\[E_USAGE\]/);
    const b = await runCli(
      ["experiment", DATA, "--treatment", "prompt_variant", "--control", "7", "--metrics", "task_completed"],
      { cwd },
    );
    expect(b.code).toBe(3);
    expect(b.stderr).toMatch(/error\[E_UNKNOWN_LEVEL\]/);
    const c = await runCli(
      ["experiment", DATA, "--treatment", "prompt_variant", "--control", "0", "--ratio", "cost_usd"],
      { cwd },
    );
    expect(c.code).toBe(2);
    const d = await runCli(
      [
        "experiment",
        DATA,
        "--treatment",
        "prompt_variant",
        "--control",
        "0",
        "--metrics",
        "task_completed",
        "--planned-split",
        "50/25/25",
      ],
      { cwd },
    );
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/error\[E_EXPERIMENT_SPLIT\]/);
  });
});
