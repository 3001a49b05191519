import { describe, expect, it } from "vitest";
import { loopProgress } from "../../src/cli/progress.js";
import { loadFrame } from "../../src/data/index.js";
import { propensityDesign } from "../../src/designs/propensity/design.js";
import { registerDesign } from "../../src/designs/shared/register.js";
import { runCli } from "./run-cli.js";

const SAAS = new URL("../fixtures/saas_llm_logs_seed42.csv.gz", import.meta.url).pathname;

describe("progress of long loops", () => {
  it("the propensity bootstrap reports every replicate through DesignInputs.onProgress", async () => {
    const frame = await loadFrame(SAAS);
    const spec = {
      treatment: "opt_in_agent_mode",
      outcome: "task_completed",
      covariates: ["engagement_tier", "query_confidence"],
      bootstrap: { reps: 25, seed: 1 },
    };
    const seen: { label: string; done: number; total: number }[] = [];
    const a = await registerDesign(propensityDesign).analyze(frame, spec, {
      onProgress: (p) => seen.push(p),
    });
    expect(seen.length).toBe(26);
    expect(seen.map((p) => p.done)).toEqual(Array.from({ length: 26 }, (_, i) => i));
    expect(seen.every((p) => p.total === 25 && p.label === "bootstrap")).toBe(true);
    const plain = await registerDesign(propensityDesign).analyze(frame, spec);
    expect(a.result).toEqual(plain.result); // progress never changes the numbers
  });

  it("the CLI shows a bar only on a terminal outside CI; off otherwise (test output unchanged)", async () => {
    expect(loopProgress("propensity", { stderrIsTTY: false, env: {} }).onProgress).toBeUndefined();
    expect(loopProgress("propensity", { stderrIsTTY: true, env: { CI: "1" } }).onProgress).toBeUndefined();
    expect(loopProgress("propensity", { stderrIsTTY: true, env: {} }).onProgress).toBeTypeOf("function");
    const r = await runCli(
      ["propensity", SAAS, "--treatment", "opt_in_agent_mode", "--outcome", "task_completed"].concat([
        "--covariates",
        "engagement_tier,query_confidence",
        "--bootstrap",
        "20",
        "--seed",
        "1",
      ]),
      { cwd: process.cwd() },
    );
    expect(r).toMatchObject({ code: 0, stderr: "" });
  });
});
