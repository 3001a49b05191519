import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../data/helpers.js";
import { runCli } from "./run-cli.js";

const cwd = tempDir("truelift-fail-on-");
const SAAS = new URL("../fixtures/saas_llm_logs_seed42.csv.gz", import.meta.url).pathname;
const _PS_ARGS = [
  "--treatment",
  "opt_in_agent_mode",
  "--outcome",
  "task_completed",
  "--covariates",
  "engagement_tier,query_confidence",
];
const RDD_ARGS = ["--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "0.85"];

describe("--fail-on", () => {
  const rdd = ["rdd", SAAS, ...RDD_ARGS, "--treated", "below"];

  it("exits 6 with one coded line when a check is at least as severe, 0 otherwise (same stdout)", async () => {
    const plain = await runCli(rdd, { cwd });
    expect(plain.code).toBe(0);
    const warn = await runCli([...rdd, "--fail-on", "warn"], { cwd });
    expect(warn.code).toBe(6);
    expect(warn.stdout).toBe(plain.stdout);
    expect(warn.stderr).toMatch(
      /^error\[E_CHECK_FAILED\]: 1 check at or above 'warn': D_RDD_MASS_POINTS \(warn\)\. {2}Fix: /,
    );
    const fail = await runCli(["--fail-on", "fail", ...rdd], { cwd });
    expect(fail).toMatchObject({ code: 0, stderr: "" });
    const bad = await runCli([...rdd, "--fail-on", "maybe"], { cwd });
    expect(bad.code).toBe(2);
    expect(existsSync(join(cwd, "truelift-report"))).toBe(false);
  });
});
