import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../data/helpers.js";
import { type PostgresService, postgresBinDir, startPostgres } from "../helpers/services/postgres.js";

// A database password, given in --db or in PGPASSWORD, never shows in what truelift writes: stdout, stderr (with
// --explain-sql too), --out, a run's results.json and report — on success and on the error paths (wrong password,
// unreachable server, query time limit). The built CLI is run as a process, so that PGPASSWORD reaches the driver.

const BIN = fileURLToPath(new URL("../../bin/truelift.js", import.meta.url));
const PASSWORD = "Pw-7f3c-never-echo";
const WRONG = "Wrong-9d1e-never-echo";
const CLUSTER = [
  "cluster",
  "--outcome",
  "y",
  "--treatment",
  "arm",
  "--treated-values",
  "1",
  "--cluster",
  "ws",
];
const SEED = ["--seed", "7"];

function cli(args: readonly string[], cwd: string, env: Record<string, string> = {}) {
  const { PGPASSWORD: _unused, ...base } = process.env;
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd,
    env: { ...base, NO_COLOR: "1", ...env },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Every file under `dir`, concatenated. */
function allText(dir: string): string {
  return readdirSync(dir, { recursive: true, encoding: "utf8", withFileTypes: false })
    .map((f) => {
      try {
        return readFileSync(join(dir, f), "utf8");
      } catch {
        return ""; // a folder
      }
    })
    .join("\n");
}

function expectNoSecret(...texts: string[]): void {
  for (const t of texts) {
    expect(t).not.toContain(PASSWORD);
    expect(t).not.toContain(WRONG);
    expect(t).not.toContain(encodeURIComponent(PASSWORD));
  }
}

describe.skipIf(postgresBinDir() === null)("database passwords are never echoed (live PostgreSQL)", () => {
  let server: PostgresService;
  let withPassword: string;
  let noPassword: string;
  beforeAll(async () => {
    const s = await startPostgres();
    if (s === null) throw new Error("PostgreSQL binaries vanished");
    server = s;
    await server.admin(
      "CREATE TABLE ev AS SELECT g % 20 AS ws, (g % 20) % 2 AS arm, ((g * 7919) % 13)::float8 AS y FROM generate_series(1, 2000) AS s(g)",
    );
    await server.admin(`CREATE ROLE analyst LOGIN PASSWORD '${PASSWORD}'`);
    await server.admin("GRANT SELECT ON ev TO analyst");
    withPassword = server.url("analyst", PASSWORD);
    noPassword = server.url("analyst", "");
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });

  it("a password in --db: stdout, stderr (--explain-sql) and --out carry none", () => {
    const cwd = tempDir("truelift-cred-");
    const r = cli(
      [
        ...CLUSTER,
        ...SEED,
        "--db",
        withPassword,
        "--table",
        "ev",
        "--explain-sql",
        "--format",
        "json",
      ].concat(["--out", "res.json"]),
      cwd,
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).path).toMatchObject({
      engine: "postgres",
      user: "analyst",
      rowsScanned: 2000,
    });
    expectNoSecret(r.stdout, r.stderr, allText(cwd));
  });

  it("a password in PGPASSWORD: stdout, stderr and --out carry none", () => {
    const cwd = tempDir("truelift-cred-");
    const r = cli([...CLUSTER, ...SEED, "--db", noPassword, "--table", "ev", "--out", "res.json"], cwd, {
      PGPASSWORD: PASSWORD,
    });
    expect(r.code).toBe(0);
    expectNoSecret(r.stdout, r.stderr, allText(cwd));
  });

  it("a run spec with the password in its db: results.json and the report carry none", () => {
    const cwd = tempDir("truelift-cred-run-");
    writeFileSync(
      join(cwd, "analysis.json"),
      JSON.stringify({
        version: 1,
        data: { warehouse: { db: withPassword, table: "ev" } },
        analyses: [
          {
            id: "spill",
            design: "cluster",
            data: "warehouse",
            spec: {
              outcome: "y",
              treatment: { column: "arm", treatedValues: [1] },
              cluster: "ws",
              inference: { seed: 7 },
            },
          },
        ],
      }),
    );
    const r = cli(["run", "analysis.json", "--out", "report"], cwd);
    expect(r.code).toBe(0);
    const written = allText(join(cwd, "report"));
    expect(written).toContain("warehouse"); // the provenance names the data source …
    expectNoSecret(r.stdout, r.stderr, written); // … never its password
  });

  it("error paths: a wrong password (--db and PGPASSWORD), an unreachable server, the time limit", () => {
    const cwd = tempDir("truelift-cred-err-");
    const wrongInUrl = cli(
      [...CLUSTER, ...SEED, "--db", server.url("analyst", WRONG), "--table", "ev", "--format", "json"],
      cwd,
    );
    expect(wrongInUrl.code).toBe(4);
    expect(wrongInUrl.stderr).toMatch(/E_DB_AUTH/);
    const wrongInEnv = cli([...CLUSTER, ...SEED, "--db", noPassword, "--table", "ev"], cwd, {
      PGPASSWORD: WRONG,
    });
    expect(wrongInEnv.code).toBe(4);
    expect(wrongInEnv.stderr).toMatch(/E_DB_AUTH/);
    const unreachable = cli(
      [...CLUSTER, ...SEED, "--db", `postgres://analyst:${PASSWORD}@127.0.0.1:1/postgres`, "--table", "ev"],
      cwd,
    );
    expect(unreachable.code).toBe(4);
    expect(unreachable.stderr).toMatch(/E_DB_CONNECTION/);
    const slow = "SELECT ws, arm, y FROM ev, LATERAL (SELECT pg_sleep(0.01 + 0 * ws)) AS z"; // 20 s, over the 1 s limit
    const timedOut = cli(
      [...CLUSTER, ...SEED, "--db", withPassword, "--sql", slow, "--timeout", "1", "--explain-sql"],
      cwd,
      { PGPASSWORD: PASSWORD },
    );
    expect(timedOut.code).toBe(4);
    expect(timedOut.stderr).toMatch(/E_DB_TIMEOUT/);
    for (const r of [wrongInUrl, wrongInEnv, unreachable, timedOut]) expectNoSecret(r.stdout, r.stderr);
    expectNoSecret(allText(cwd));
  });
});
