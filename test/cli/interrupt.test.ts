import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { REPORT_FILES } from "../../src/report/report-types.js";
import { tempDir } from "../data/helpers.js";

const BIN = fileURLToPath(new URL("../../bin/truelift.js", import.meta.url));

function start(
  args: readonly string[],
  cwd: string,
): { child: ChildProcess; exit: Promise<[number | null, string | null]> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: "ignore",
  });
  const exit = new Promise<[number | null, string | null]>((resolve) =>
    child.once("exit", (code, signal) => resolve([code, signal])),
  );
  return { child, exit };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("interrupts leave no temporary files and no empty or partial output (built CLI)", () => {
  it("SIGTERM while `generate` writes: the temporary files are removed, nothing is published, exit 143", async () => {
    const cwd = tempDir("truelift-int-gen-");
    const { child, exit } = start(
      ["generate", "--seed", "1", "--users", "1000000", "--out", "big.csv.gz"],
      cwd,
    );
    let seen = false;
    for (let i = 0; i < 3000 && !seen; i++) {
      seen = allFiles(cwd).some((f) => f.endsWith(".tmp"));
      if (!seen) await sleep(10);
    }
    expect(seen).toBe(true);
    child.kill("SIGTERM");
    const [code] = await exit;
    expect(allFiles(cwd).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    if (existsSync(join(cwd, "big.csv.gz")))
      expect(code).toBe(0); // finished before the signal
    else expect(code).toBe(143);
  }, 60_000);

  it("SIGINT ~1 s into `demo`: the report folder is absent or complete, with no .tmp files", async () => {
    const cwd = tempDir("truelift-int-demo-");
    const { child, exit } = start(["demo", "--quick", "--users", "2000", "--out", "report"], cwd);
    await sleep(1000);
    child.kill("SIGINT");
    const [code, signal] = await exit;
    expect(allFiles(cwd).filter((f) => f.endsWith(".tmp"))).toEqual([]);
    const dir = join(cwd, "report");
    if (existsSync(dir)) expect(readdirSync(dir).sort()).toEqual(Object.values(REPORT_FILES).sort());
    expect(code === 130 || code === 0 || signal === "SIGINT").toBe(true);
  }, 60_000);
});

const SAAS = fileURLToPath(new URL("../fixtures/saas_llm_logs_seed42.csv.gz", import.meta.url));
const RDD_BIG = [
  "rdd",
  SAAS,
  "--outcome",
  "task_completed",
  "--running",
  "query_confidence",
  "--cutoff",
  "0.85",
].concat(["--treated", "below", "--bw", "0.1", "--bootstrap", "50000", "--seed", "7", "--out", "res.json"]);
const PROPENSITY_BIG = ["propensity", SAAS, "--treatment", "opt_in_agent_mode", "--outcome", "task_completed"]
  .concat(["--covariates", "engagement_tier,query_confidence", "--bootstrap", "100000", "--seed", "1"])
  .concat(["--threads", "2", "--out", "res.json"]);

describe("Ctrl-C (and SIGTERM) stop a long design run within a second (built CLI)", () => {
  // The only wall-clock bound of the suite: from the signal to the process's exit, 1.5 s of slack for a loaded
  // machine (measured ≈ 15–40 ms). Each run would compute for minutes (50,000–100,000 replicates).
  const cases = [
    { name: "rdd bootstrap", args: RDD_BIG, signal: "SIGINT", code: 130 },
    { name: "rdd bootstrap", args: RDD_BIG, signal: "SIGTERM", code: 143 },
    { name: "propensity bootstrap on 2 worker threads", args: PROPENSITY_BIG, signal: "SIGINT", code: 130 },
    { name: "propensity bootstrap on 2 worker threads", args: PROPENSITY_BIG, signal: "SIGTERM", code: 143 },
  ] as const;
  for (const c of cases) {
    it(`${c.signal} ~1 s into the ${c.name}: exits within 1.5 s, ${c.code} or killed by the signal, no --out or .tmp`, async () => {
      const cwd = tempDir("truelift-int-design-");
      const { child, exit } = start(c.args, cwd);
      await sleep(1000);
      expect(child.exitCode, "still computing when the signal is sent").toBeNull();
      const sent = performance.now();
      child.kill(c.signal);
      const [code, signal] = await exit;
      const elapsed = performance.now() - sent;
      expect(elapsed).toBeLessThan(1500);
      expect(code === c.code || signal === c.signal).toBe(true);
      expect(allFiles(cwd)).toEqual([]);
    }, 60_000);
  }
});
