import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-source-"));
const DID = [
  "did",
  "--outcome",
  "task_completed",
  "--time",
  "signup_week",
  "--start-column",
  "treatment_week",
];

describe("design commands: where the data come from", () => {
  it("--table or --sql without --db is a usage error, not silently ignored", async () => {
    for (const flag of [
      ["--table", "events"],
      ["--sql", "SELECT 1"],
    ]) {
      const run = await runCli([...DID, fixturePath("saas_llm_logs_seed42.csv.gz"), ...flag], { cwd });
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^error\[E_USAGE\].*--db/);
    }
  });

  it("no data file, --db or --moments is a usage error; an unknown --emit-sql dialect too", async () => {
    const none = await runCli(DID, { cwd });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^error\[E_USAGE\]/);
    const dialect = await runCli([...DID, "--table", "t", "--emit-sql", "oracle"], { cwd });
    expect(dialect.code).toBe(2);
    expect(dialect.stderr).toMatch(/^error\[E_USAGE\].*bigquery/);
  });

  it("--emit-sql prints the compress query for the dialect and runs nothing", async () => {
    const run = await runCli([...DID, "--table", "proj.ds.events", "--emit-sql", "bigquery"], { cwd });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/GROUP BY/);
    expect(run.stdout).toContain("`proj`.`ds`.`events`");
  });

  it("an unreachable --db is an engine error (exit 4) with its code", async () => {
    const run = await runCli([...DID, "--db", "postgres://nobody@127.0.0.1:1/none", "--table", "t"], { cwd });
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/^error\[E_DB_CONNECTION\]/);
  });

  it("says which parts of a compressed analysis needed row detail, on screen and in the JSON path", async () => {
    const args = [
      "propensity",
      fixturePath("saas_llm_logs_seed42.csv.gz"),
      "--treatment",
      "opt_in_agent_mode",
      "--outcome",
      "task_completed",
      "--covariates",
      "engagement_tier,session_minutes",
    ];
    const text = await runCli(args, { cwd });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Row detail — covariate 'session_minutes': numeric/);
    const json = await runCli([...args, "--format", "json"], { cwd });
    const path = JSON.parse(json.stdout).path;
    expect(path.mode).toBe("compressed");
    expect(path.rowParts).toEqual([
      { part: "covariate 'session_minutes'", reason: expect.stringMatching(/^numeric/) },
    ]);
  });

  it("a small plain CSV is read straight into memory, with the numbers the engine path gives", async () => {
    const csv = join(cwd, "fixture.csv");
    writeFileSync(csv, gunzipSync(readFileSync(fixturePath("saas_llm_logs_seed42.csv.gz"))));
    const direct = await runCli([...DID, csv, "--format", "json"], { cwd });
    const engine = await runCli([...DID, fixturePath("saas_llm_logs_seed42.csv.gz"), "--format", "json"], {
      cwd,
    });
    const a = JSON.parse(direct.stdout);
    const b = JSON.parse(engine.stdout);
    expect(a.path).toMatchObject({ mode: "rows", engine: "memory", rowsScanned: 50000 });
    expect(a.path.rowDetail).toMatch(/small text file/);
    expect(b.path.mode).toBe("compressed");
    expect(a.result.estimate.estimate).toBeCloseTo(b.result.estimate.estimate, 12);
    expect(a.result.estimate.se).toBeCloseTo(b.result.estimate.se, 12);
  });
});
