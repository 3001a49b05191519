import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { COMMANDS } from "../../src/cli/registry.js";
import { hashFile } from "../../src/data/hash.js";
import { tempDir } from "../data/helpers.js";
import { runCli } from "./run-cli.js";

const cwd = tempDir("truelift-cli-");
const ERROR_LINE = /^error\[E_[A-Z_]+\]: .+ {2}Fix: .+\n$/;

describe("truelift (in-process)", () => {
  it("--help lists the commands and exits 0; --version prints the package version", async () => {
    const help = await runCli(["--help"], { cwd });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("generate");
    expect(help.stdout).toContain("inspect");
    expect(help.stdout).toContain("--format <format>");
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    const v = await runCli(["--version"], { cwd });
    expect(v).toMatchObject({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
    const sub = await runCli(["generate", "--help"], { cwd });
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--users <n>");
    expect(sub.stdout).toContain("--cluster");
  });

  it("every registered command loads and shows its help (option keys match their flags)", async () => {
    for (const entry of COMMANDS) {
      const r = await runCli([entry.name, "--help"], { cwd });
      expect(r.code, `${entry.name}: ${r.stderr}`).toBe(0);
      expect(r.stdout).toContain(`Usage: truelift ${entry.name}`);
      const viaHelp = await runCli(["help", entry.name], { cwd });
      expect(viaHelp.stdout).toBe(r.stdout);
    }
  });

  it("generate writes the dataset and prints one summary line with rows, columns, path, sha256, seconds", async () => {
    const r = await runCli(["generate", "--seed", "42", "--users", "1_000", "--out", "small.csv"], { cwd });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const sha = await hashFile(join(cwd, "small.csv"));
    expect(sha).toBe("3d1126c2520772225aaef23c948444872f8834f75e1fd566219562ddd51d3cbc"); // same as the library
    expect(r.stdout).toMatch(
      new RegExp(
        `^Wrote 1000 rows × 16 columns to small\\.csv \\(csv, \\d+ bytes, sha256 ${sha}\\) in \\d+\\.\\d\\d s\\.\\n$`,
      ),
    );
  });

  it("generate --format json (global flag before or after the command), --cluster, Parquet", async () => {
    for (const args of [
      ["--format", "json", "generate", "--users", "500", "--out", "c.parquet", "--cluster", "--seed", "3"],
      [
        "generate",
        "--users",
        "500",
        "--out",
        "c.parquet",
        "--scenario",
        "cluster",
        "--seed",
        "3",
        "--format",
        "json",
      ],
    ]) {
      const r = await runCli(args, { cwd });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout);
      expect(out).toMatchObject({
        command: "generate",
        rows: 500,
        format: "parquet",
        seed: 3,
        scenario: "cluster",
      });
      expect(out.columns).toHaveLength(17);
      expect(out.sha256).toBe(await hashFile(join(cwd, "c.parquet")));
      expect(out.path).toBe(join(cwd, "c.parquet"));
    }
    const md = await runCli(["generate", "--users", "10", "--out", "m.csv", "--format", "md"], { cwd });
    expect(md.stdout).toMatch(/^\| rows \| columns \| path/);
  });

  it("usage errors exit 2 with one clean line: bad flag, missing value, unknown command, bad values", async () => {
    const cases: [string[], string][] = [
      [["generate", "--bogus"], "unknown option '--bogus'"],
      [["generate", "--users"], "argument missing"],
      [["genrate"], "unknown command 'genrate'"],
      [["generate", "--users", "2.5", "--out", "x.csv"], "--users must be an integer"],
      [["generate", "--users", "0", "--out", "x.csv"], "--users must be an integer"],
      [["generate", "--seed", "abc", "--out", "x.csv"], "--seed must be an integer"],
      [["generate", "--users", "10"], "--out"],
      [["generate", "--users", "10", "--out", "x.xlsx"], "x.xlsx"],
      [["generate", "--out", "x.csv", "--scenario", "nope"], "--scenario must be one of"],
      [["--format", "yaml", "generate", "--out", "x.csv"], "--format must be one of"],
      [["inspect"], "either a file or --sql"],
    ];
    for (const [args, text] of cases) {
      const r = await runCli(args, { cwd });
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stdout, args.join(" ")).toBe("");
      expect(r.stderr, args.join(" ")).toMatch(ERROR_LINE);
      expect(r.stderr, args.join(" ")).toContain(text);
    }
    expect(existsSync(join(cwd, "x.csv"))).toBe(false);
    const unknown = await runCli(["genrate"], { cwd });
    expect(unknown.stderr).toContain("Did you mean generate?");
    const bare = await runCli([], { cwd });
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain("Usage: truelift");
  });

  it("data errors exit 3 with the error code, no stack trace; DEBUG=truelift adds the stack", async () => {
    const missing = await runCli(["inspect", "nope.csv"], { cwd });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(ERROR_LINE);
    expect(missing.stderr).toMatch(
      /^error\[E_FILE_NOT_FOUND\]: No such file: '.*nope\.csv'\. {2}Fix: Check the path/,
    );
    expect(missing.stderr).not.toContain("    at ");
    writeFileSync(join(cwd, "ragged.csv"), "a,b\n1,2\n3,4,5\n");
    const ragged = await runCli(["inspect", "ragged.csv"], { cwd });
    expect(ragged.code).toBe(3);
    expect(ragged.stderr).toMatch(/^error\[E_READ_FAILED\]/);
    const cols = await runCli(["inspect", "small.csv", "--columns", "user_id,nope"], { cwd });
    expect(cols.code).toBe(3);
    expect(cols.stderr).toMatch(/^error\[E_COLUMN_MISSING\]: Column 'nope' is not in/);
    const debug = await runCli(["inspect", "nope.csv"], { cwd, env: { NO_COLOR: "1", DEBUG: "truelift" } });
    expect(debug.code).toBe(3);
    expect(debug.stderr.split("\n")[0]).toMatch(/^error\[E_FILE_NOT_FOUND\]/);
    expect(debug.stderr).toContain("    at ");
  });

  it("engine errors exit 4 (a failing SQL query)", async () => {
    const r = await runCli(["inspect", "--sql", "SELEC 1"], { cwd });
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/^error\[E_QUERY_FAILED\]: The SQL query failed: Parser Error/);
  });

  it("colours the error label only on a terminal without NO_COLOR", async () => {
    const tty = await runCli(["inspect", "nope.csv"], { cwd, env: {}, tty: true });
    expect(tty.stderr.startsWith("\u001b[1;31merror\u001b[0m[E_FILE_NOT_FOUND]")).toBe(true);
    const noColor = await runCli(["inspect", "nope.csv"], { cwd, env: { NO_COLOR: "1" }, tty: true });
    expect(noColor.stderr.startsWith("error[E_FILE_NOT_FOUND]")).toBe(true);
    const pipe = await runCli(["inspect", "nope.csv"], { cwd, env: {}, tty: false });
    expect(pipe.stderr.startsWith("error[E_FILE_NOT_FOUND]")).toBe(true);
  });

  it("inspect summarises a file (text and json) and a SQL query", async () => {
    const text = await runCli(["inspect", "small.csv"], { cwd });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^small\.csv: 1000 rows × 16 columns, sha256 3d1126c2/);
    expect(text.stdout).toMatch(/engagement_tier\s+str\s+missing\s+0\s+3 levels/);
    const json = await runCli(["inspect", "small.csv", "--columns", "task_completed", "--format", "json"], {
      cwd,
    });
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({
      rows: 1000,
      columns: [{ name: "task_completed", kind: "i32", missing: 0, min: 0, max: 1 }],
    });
    writeFileSync(join(cwd, "table.dat"), "a,b\n1,x\n2,y\n");
    expect((await runCli(["inspect", "table.dat"], { cwd })).stderr).toMatch(
      /^error\[E_UNSUPPORTED_FORMAT\]/,
    );
    const forced = await runCli(["inspect", "table.dat", "--input-format", "csv", "--format", "json"], {
      cwd,
    });
    expect(JSON.parse(forced.stdout)).toMatchObject({
      rows: 2,
      columns: [{ name: "a" }, { name: "b", levels: 2 }],
    });
    const sql = await runCli(["inspect", "--sql", "SELECT 1 AS a, NULL::DOUBLE AS b"], { cwd });
    expect(sql.code).toBe(0);
    expect(sql.stdout).toMatch(/^query: 1 rows × 2 columns\n/);
  });
});
