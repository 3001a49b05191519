import { chmodSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempDir } from "../data/helpers.js";
import { runCli } from "./run-cli.js";

const cwd = tempDir("truelift-out-");
const SAAS = new URL("../fixtures/saas_llm_logs_seed42.csv.gz", import.meta.url).pathname;
const PS_ARGS = [
  "--treatment",
  "opt_in_agent_mode",
  "--outcome",
  "task_completed",
  "--covariates",
  "engagement_tier,query_confidence",
];
const RDD_ARGS = ["--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "0.85"];

describe("--out is checked before computing and honoured by the design commands", () => {
  writeFileSync(join(cwd, "a-file.txt"), "x");

  it("an --out under a file fails with E_WRITE_FAILED before the data is even read", async () => {
    const design = await runCli(["propensity", "missing.csv", ...PS_ARGS, "--out", "a-file.txt/r.json"], {
      cwd,
    });
    expect(design.code).toBe(4);
    expect(design.stderr).toMatch(/^error\[E_WRITE_FAILED\]: .*a-file\.txt.* {2}Fix: /);
    const demo = await runCli(["demo", "--data", "missing.csv", "--out", "a-file.txt/report"], { cwd });
    expect(demo.code).toBe(4);
    expect(demo.stderr).toMatch(/^error\[E_WRITE_FAILED\]: /);
    const dirAsFile = await runCli(["rdd", "missing.csv", ...RDD_ARGS, "--out", "."], { cwd });
    expect(dirAsFile.stderr).toMatch(/^error\[E_WRITE_FAILED\]: .*it is a directory/);
    const noDir = await runCli(["rdd", "missing.csv", ...RDD_ARGS, "--out", "no/such/dir/r.json"], { cwd });
    expect(noDir.stderr).toMatch(/^error\[E_WRITE_FAILED\]: .*does not exist/);
  });

  // The replicate count would take minutes to compute: a test that finishes within vitest's 5 s timeout proves
  // the --out check ran before any computing (and before the data was loaded: the code is the write error).
  const HUGE = ["--bootstrap", "100000", "--seed", "7"];

  it("an --out whose parent is a regular file fails with E_WRITE_FAILED before computing (works as root)", async () => {
    const rdd = await runCli(["rdd", SAAS, ...RDD_ARGS, ...HUGE, "--out", "a-file.txt/r.json"], { cwd });
    expect(rdd).toMatchObject({ code: 4, stdout: "" });
    expect(rdd.stderr).toMatch(/^error\[E_WRITE_FAILED\]: .*'.*a-file\.txt' is a file, not a directory/);
    const ps = await runCli(["propensity", SAAS, ...PS_ARGS, ...HUGE, "--out", "a-file.txt/deep/r.json"], {
      cwd,
    });
    expect(ps).toMatchObject({ code: 4, stdout: "" });
    expect(ps.stderr).toMatch(/^error\[E_WRITE_FAILED\]: /);
    expect(readFileSync(join(cwd, "a-file.txt"), "utf8")).toBe("x");
  });

  it.skipIf(process.getuid?.() === 0)(
    "an --out in a read-only directory (0555) fails with E_WRITE_FAILED before computing",
    async () => {
      const ro = join(cwd, "read-only");
      mkdirSync(ro, { recursive: true });
      chmodSync(ro, 0o555);
      try {
        const r = await runCli(["rdd", SAAS, ...RDD_ARGS, ...HUGE, "--out", "read-only/r.json"], { cwd });
        expect(r).toMatchObject({ code: 4, stdout: "" });
        expect(r.stderr).toMatch(/^error\[E_WRITE_FAILED\]: .*read-only/);
        expect(readdirSync(ro)).toEqual([]);
      } finally {
        chmodSync(ro, 0o755);
      }
    },
  );

  it("propensity --out result.json writes the --format json document (stdout keeps the text summary)", async () => {
    const r = await runCli(["propensity", SAAS, ...PS_ARGS, "--out", "ps.json"], { cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^\{/);
    const doc = JSON.parse(readFileSync(join(cwd, "ps.json"), "utf8"));
    expect(doc.command).toBe("propensity");
    expect(doc.result.diagnostics.length).toBeGreaterThan(0);
    const json = await runCli(["--format", "json", "propensity", SAAS, ...PS_ARGS], { cwd });
    expect(JSON.parse(json.stdout).result.estimate).toEqual(doc.result.estimate);
  });
});
