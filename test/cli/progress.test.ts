import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loopProgress } from "../../src/cli/progress.js";
import { loadFrame } from "../../src/data/index.js";
import { propensityDesign } from "../../src/designs/propensity/design.js";
import { registerDesign } from "../../src/designs/shared/register.js";
import { tempDir } from "../data/helpers.js";
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

  // Worker threads need the compiled worker script, so this runs the built library (`npm run build`).
  const built = (path: string) => new URL(`../../dist/${path}`, import.meta.url);
  it.skipIf(!existsSync(fileURLToPath(built("designs/propensity/ipw-bootstrap-worker.js"))))(
    "with --threads 2 the workers' progress reaches the callback (monotone, to the total), same result",
    () => {
      const script = `
        import { loadFrame } from ${JSON.stringify(built("data/index.js").href)};
        import { propensityParallel } from ${JSON.stringify(built("designs/propensity/propensity.js").href)};
        const frame = await loadFrame(${JSON.stringify(SAAS)});
        const spec = { treatment: "opt_in_agent_mode", outcome: "task_completed",
          covariates: ["engagement_tier", "query_confidence"], bootstrap: { reps: 400, seed: 1 } };
        const seen = [];
        const a = await propensityParallel(frame, spec, { threads: 2, onProgress: (p) => seen.push(p) });
        const b = await propensityParallel(frame, spec, { threads: 2 });
        console.log(JSON.stringify({ seen, same: JSON.stringify(a) === JSON.stringify(b) }));`;
      const file = join(tempDir("truelift-progress-"), "threads.mjs");
      writeFileSync(file, script);
      const r = spawnSync(process.execPath, [file], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      const out = JSON.parse(r.stdout) as {
        seen: { label: string; done: number; total: number }[];
        same: boolean;
      };
      expect(out.same).toBe(true);
      const done = out.seen.map((p) => p.done);
      expect(out.seen.every((p) => p.label === "bootstrap" && p.total === 400)).toBe(true);
      expect(done[0]).toBe(0);
      expect(done.at(-1)).toBe(400);
      expect(done.length).toBeGreaterThan(2); // reports arrive while the workers run, not only at the end
      expect(done.length).toBeLessThanOrEqual(102);
      for (let i = 1; i < done.length; i++) expect(done[i]).toBeGreaterThanOrEqual(done[i - 1]);
    },
    60_000,
  );
});
