import { describe, expect, it } from "vitest";
import { MAX_REPLICATES } from "../../src/core/options.js";
import { clusterDesign } from "../../src/designs/cluster/design.js";
import { propensityDesign } from "../../src/designs/propensity/design.js";
import { rddDesign } from "../../src/designs/rdd/design.js";
import { synthDesign } from "../../src/designs/synth/design.js";
import { tempDir } from "../data/helpers.js";
import { runCli } from "./run-cli.js";

const cwd = tempDir("truelift-guards-");
const SAAS = new URL("../fixtures/saas_llm_logs_seed42.csv.gz", import.meta.url).pathname;
const PS = ["--treatment", "opt_in_agent_mode", "--outcome", "task_completed"];
const PS_ARGS = [...PS, "--covariates", "engagement_tier,query_confidence"];
const RDD_ARGS = ["--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "0.85"];
const BIG = ["--bootstrap", "1e9", "--seed", "1"];

describe("replicate limits (no unbounded allocation)", () => {
  const commands: Record<string, string[]> = {
    propensity: PS_ARGS,
    rdd: [...RDD_ARGS, "--treated", "below"],
    synth: [
      ...["--outcome", "task_completed", "--unit", "workspace_id", "--time", "signup_week"],
      ...["--treated-units", "0-24", "--donors", "25-49", "--treatment-start", "20", "--window", "0:29"],
    ],
    cluster: ["--outcome", "task_completed", "--treatment", "wave", "--cluster", "workspace_id"],
  };
  for (const [name, args] of Object.entries(commands)) {
    it(`${name} --bootstrap 1e9 is refused at once with E_INVALID_ARGUMENT and a hint`, async () => {
      const r = await runCli([name, SAAS, ...args, ...BIG], { cwd });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^error\[E_INVALID_ARGUMENT\]: --bootstrap must be an integer from \d+ to 100000/,
      );
      expect(r.stderr).toContain("Fix: Use at most 100,000 replicates");
    });
  }

  it("the spec schemas cap reps at MAX_REPLICATES (E_INVALID_SPEC), and accept the cap itself", () => {
    const boot = { reps: MAX_REPLICATES + 1, seed: 1 };
    const ps = { treatment: "d", outcome: "y", covariates: ["x"] };
    expect(() => propensityDesign.parse({ ...ps, bootstrap: boot })).toThrow(/reps|bootstrap/);
    expect(() =>
      propensityDesign.parse({ ...ps, bootstrap: { reps: MAX_REPLICATES, seed: 1 } }),
    ).not.toThrow();
    expect(() => rddDesign.parse({ outcome: "y", running: "x", cutoff: 0, bootstrap: boot })).toThrow(
      expect.objectContaining({ code: "E_INVALID_SPEC" }),
    );
    expect(() =>
      synthDesign.parse({
        outcome: "y",
        unit: "u",
        time: "t",
        treated: [1],
        treatmentStart: 2,
        bootstrap: boot,
      }),
    ).toThrow(expect.objectContaining({ code: "E_INVALID_SPEC" }));
    expect(() =>
      clusterDesign.parse({
        outcome: "y",
        treatment: { column: "d" },
        cluster: "c",
        inference: { pairs: { reps: MAX_REPLICATES + 1 } },
      }),
    ).toThrow(expect.objectContaining({ code: "E_INVALID_SPEC" }));
  });
});
