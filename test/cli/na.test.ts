import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseGlobalOptions } from "../../src/cli/args.js";
import { Frame } from "../../src/core/frame.js";
import { loadDesigns } from "../../src/designs/registry.js";
import { missingCounts, refuseMissing, usedColumns } from "../../src/designs/shared/missing.js";
import { analyzeOnEngine } from "../../src/run/compressed.js";
import { RUN_DATA_SCHEMA } from "../../src/run/spec.js";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-na-cli-"));

// The tutorial fixture's first 20,000 rows with R-style NA in task_completed (every 97th row) and Stata-style '.'
// in session_minutes (every 131st row); the expected counts are taken from the text itself.
const lines = gunzipSync(readFileSync(fixturePath("saas_llm_logs_seed42.csv.gz")))
  .toString("utf8")
  .split("\n")
  .slice(0, 20001);
const header = lines[0].split(",");
const TASK = header.indexOf("task_completed");
const MINUTES = header.indexOf("session_minutes");
const edited = lines.map((line, r) => {
  if (r === 0) return line;
  const f = line.split(",");
  if (r % 97 === 0) f[TASK] = "NA";
  if (r % 131 === 0) f[MINUTES] = ".";
  return f.join(",");
});
const text = `${edited.join("\n")}\n`;
const TASK_NA = edited.filter((l, r) => r > 0 && l.split(",")[TASK] === "NA").length;
const MINUTES_NA = edited.filter((l, r) => r > 0 && l.split(",")[MINUTES] === ".").length;
writeFileSync(join(cwd, "na.csv"), text);
writeFileSync(join(cwd, "na.csv.gz"), gzipSync(Buffer.from(text)));

async function rddDesign() {
  const rdd = (await loadDesigns()).find((d) => d.name === "rdd");
  if (rdd === undefined) throw new Error("no rdd design");
  return rdd;
}

const RDD = ["rdd", "--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "0.85"];

describe("--na: missing-value markers through the CLI", () => {
  it("parses --na as a comma-separated list (trimmed)", () => {
    expect(TASK_NA).toBe(206);
    expect(MINUTES_NA).toBe(152);
    expect(parseGlobalOptions({ na: "NA, ., -99" }).na).toEqual(["NA", ".", "-99"]);
    expect(parseGlobalOptions({}).na).toBeUndefined();
  });

  it("loads NA cells as numeric missing values and counts them (inspect); '.' only when listed", async () => {
    const plain = await runCli(["--format", "json", "inspect", "na.csv"], { cwd });
    expect(plain.code).toBe(0);
    const cols = (JSON.parse(plain.stdout) as { columns: { name: string; kind: string; missing: number }[] })
      .columns;
    const col = (name: string) => cols.find((c) => c.name === name);
    expect(col("task_completed")).toMatchObject({ kind: "f64", missing: TASK_NA });
    expect(col("session_minutes")?.kind).toBe("str");
    const listed = await runCli(["--format", "json", "inspect", "na.csv.gz", "--na", "NA,."], { cwd });
    const cols2 = (
      JSON.parse(listed.stdout) as { columns: { name: string; kind: string; missing: number }[] }
    ).columns;
    expect(cols2.find((c) => c.name === "session_minutes")).toMatchObject({
      kind: "f64",
      missing: MINUTES_NA,
    });
  });

  it("a design that drops missing rows records missing {column: rows}, same on both load paths", async () => {
    const runs = [];
    for (const file of ["na.csv", "na.csv.gz"]) {
      const run = await runCli(["--format", "json", ...RDD, file], { cwd });
      expect(run.code, run.stderr).toBe(0);
      runs.push(JSON.parse(run.stdout));
    }
    for (const out of runs) {
      expect(out.missing).toEqual({ task_completed: TASK_NA });
      expect(JSON.stringify(out.result)).toContain(`"dropped":${TASK_NA}`);
    }
    // The gzip file goes to DuckDB, which sees NULLs and hands the design the rows: the same numbers.
    expect(runs[1].path.rowDetail).toBe("the data have missing values");
    expect(runs[1].result.estimate).toEqual(runs[0].result.estimate);
    const text = await runCli([...RDD, "na.csv"], { cwd });
    expect(text.stdout).toContain(`Missing values in the columns used`);
    expect(text.stdout).toContain(`'task_completed' ${TASK_NA} rows`);
  });

  it("a design that refuses names the column and the count (E_MISSING_VALUES)", async () => {
    const exp = await runCli(
      ["--format", "json", "experiment", "na.csv", "--treatment", "prompt_variant", "--control", "0"].concat([
        "--metrics",
        "task_completed,thumbs_up",
      ]),
      { cwd },
    );
    expect(exp.code).not.toBe(0);
    expect(exp.stderr).toContain("E_MISSING_VALUES");
    expect(exp.stderr).toContain(`'task_completed' has ${TASK_NA} missing values`);
    const did = await runCli(
      ["did", "na.csv", "--na", "NA,.", "--outcome", "session_minutes", "--time", "signup_week"].concat([
        "--start-column",
        "treatment_week",
      ]),
      { cwd },
    );
    expect(did.stderr).toContain("E_MISSING_VALUES");
    expect(did.stderr).toContain(`'session_minutes' has ${MINUTES_NA} missing values`);
    // Without --na, '.' keeps the column text: a type error, not a missing-value count.
    const text = await runCli(
      ["did", "na.csv", "--outcome", "session_minutes", "--time", "signup_week", "--start-column"].concat([
        "treatment_week",
      ]),
      { cwd },
    );
    expect(text.stderr).toContain("E_COLUMN_TYPE");
  });

  it("the engine's compress path reads the file with the same markers (NULLs, counted per column)", async () => {
    const rdd = await rddDesign();
    const spec = { outcome: "session_minutes", running: "query_confidence", cutoff: 0.85 };
    await expect(
      analyzeOnEngine(rdd, spec, { file: join(cwd, "na.csv.gz"), na: ["NA", "."] }),
    ).rejects.toMatchObject({
      code: "E_MISSING_VALUES",
      details: { columns: { session_minutes: MINUTES_NA }, engineNulls: true },
    });
    await expect(analyzeOnEngine(rdd, spec, { file: join(cwd, "na.csv.gz") })).rejects.toMatchObject({
      code: "E_COLUMN_TYPE",
      details: { column: "session_minutes" },
    });
  });

  it("a run spec's file source takes na", () => {
    expect(RUN_DATA_SCHEMA.safeParse({ path: "x.csv", na: ["NA", "."] }).success).toBe(true);
    expect(RUN_DATA_SCHEMA.safeParse({ path: "x.csv", na: "NA" }).success).toBe(false);
  });
});

describe("missing-value counts (designs/shared/missing)", () => {
  const f = Frame.fromObject({ y: [1, null, 3, null], tier: ["a", null, "b", "a"], x: [1, 2, 3, 4] });

  it("counts missing rows per column, listing only columns with some", () => {
    expect(missingCounts(f, ["y", "tier", "x", "absent", "y"])).toEqual({ y: 2, tier: 1 });
  });

  it("refuses numeric columns with their counts; text columns are left to type checks", () => {
    expect(() => refuseMissing(f, ["x", "tier"])).not.toThrow();
    expect(() => refuseMissing(f, ["y", "x"], "metric")).toThrow(
      expect.objectContaining({
        code: "E_MISSING_VALUES",
        message: "The metric column 'y' has 2 missing values (of 4 rows).",
        details: expect.objectContaining({ missing: { y: 2 } }),
      }),
    );
  });

  it("finds a design's used columns from its cell request", async () => {
    const rdd = await rddDesign();
    const used = usedColumns(rdd, { outcome: "y", running: "x", cutoff: 2 }, f);
    expect(used).toEqual(expect.arrayContaining(["y", "x"]));
    expect(usedColumns(rdd, { outcome: 1 }, f)).toBeNull();
  });
});
