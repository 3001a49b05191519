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
