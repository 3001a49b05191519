import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "./run-cli.js";

describe("truelift demo", () => {
  it("runs the analyses on generated data, prints JSON and writes results.json", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const run = await runCli(
      ["demo", "--users", "20000", "--seed", "5", "--format", "json", "--out", "rep"],
      { cwd },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const printed = JSON.parse(run.stdout);
    const written = JSON.parse(readFileSync(join(cwd, "rep", "results.json"), "utf8"));
    expect(written).toEqual(printed);
    expect(printed.analyses.map((a: { rollout: string }) => a.rollout)).toEqual([
      "staged waves",
      "opt-in toggle",
      "shared workspaces",
    ]);
    for (const a of printed.analyses) {
      // every analysis reports an interval, and truelift's interval is the one that should hold the truth
      expect(a.ci[0]).toBeLessThan(a.ci[1]);
      expect(Number.isFinite(a.naive)).toBe(true);
    }
    const optIn = printed.analyses[1];
    expect(optIn.naive - optIn.truth).toBeGreaterThan(0.08); // selection: volunteers are power users
    expect(Math.abs(optIn.estimate - optIn.truth)).toBeLessThan(4 * optIn.se);
  });

  it("a --data path that does not exist exits 3 and writes nothing", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const run = await runCli(["demo", "--data", "nope.csv", "--out", "rep"], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error\[E_FILE_NOT_FOUND\]/);
    expect(existsSync(join(cwd, "rep", "results.json"))).toBe(false);
  });
});
