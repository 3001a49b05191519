import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cancelRunningQueries, runningQueries } from "../../src/data/engines/cancel.js";
import { duckdbEngine } from "../../src/data/engines/duckdb.js";
import { CLICKHOUSE_SERVER, useClickHouseCluster } from "../helpers/services/clickhouse.js";
import { type PostgresService, postgresBinDir, startPostgres } from "../helpers/services/postgres.js";

// Ctrl-C (SIGINT) and SIGTERM during the compress query cancel it on the engine's server: the built CLI exits
// 130 / 143 and the server has no query of ours running right after (pg_stat_activity / system.processes).

const BIN = fileURLToPath(new URL("../../bin/truelift.js", import.meta.url));
const CLUSTER = [
  "cluster",
  ...["--outcome", "y", "--treatment", "arm", "--treated-values", "1", "--cluster", "ws", "--seed", "1"],
];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function start(args: readonly string[]): { child: ChildProcess; exit: Promise<[number | null, string]> } {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d) => {
    stderr += String(d);
  });
  const exit = new Promise<[number | null, string]>((resolve) =>
    child.once("exit", (code) => resolve([code, stderr])),
  );
  return { child, exit };
}

/** Polls `check` every 50 ms until it is true; false after `ms`. */
async function eventually(ms: number, check: () => Promise<boolean>): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await sleep(50);
  }
  return false;
}

describe("an engine query is cancellable (in process)", () => {
  it("DuckDB: cancelRunningQueries interrupts a running query, which fails with E_DB_TIMEOUT", async () => {
    const engine = await duckdbEngine();
    try {
      const slow = engine
        .run({
          type: "select",
          columns: [],
          from: { type: "sql", sql: "SELECT sum(i * i) AS s FROM range(100000000000) t(i)" },
        })
        .then(
          () => "finished",
          (e: { code?: string }) => e.code,
        );
      expect(await eventually(10_000, async () => runningQueries() === 1)).toBe(true);
      await sleep(200);
      expect(await cancelRunningQueries()).toBe(1);
      expect(await slow).toBe("E_DB_TIMEOUT");
      expect(runningQueries()).toBe(0);
    } finally {
      await engine.close();
    }
  });

  it("nothing to cancel when no query runs", async () => {
    expect(await cancelRunningQueries()).toBe(0);
  });
});

describe.skipIf(postgresBinDir() === null)("Ctrl-C on PostgreSQL (live server, built CLI)", () => {
  let server: PostgresService;
  beforeAll(async () => {
    const s = await startPostgres();
    if (s === null) throw new Error("PostgreSQL binaries vanished");
    server = s;
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
  });
  // 1000 rows at 0.1 s each (the sleep depends on the row, so it runs per row): a 100 s GROUP BY, far longer than
  // the test may take. Without the cancel, the server runs it to its end after the client is gone.
  const SLOW =
    "SELECT g % 20 AS ws, g % 2 AS arm, (g % 7)::float8 AS y FROM generate_series(1, 1000) AS s(g), LATERAL (SELECT pg_sleep(0.1 + 0 * g)) AS z";
  const active = async () =>
    Number(
      (
        await server.admin(
          "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(0.1 + 0 * g)%' AND pid <> pg_backend_pid()",
        )
      ).rows[0].n,
    );

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal} during the compress query cancels it on the server and exits ${code}`, async () => {
      const { child, exit } = start([...CLUSTER, "--db", server.url(), "--sql", SLOW]);
      expect(await eventually(30_000, async () => (await active()) === 1)).toBe(true);
      child.kill(signal);
      const [exitCode, stderr] = await exit;
      expect(exitCode).toBe(code);
      expect(await active()).toBe(0); // cancelled before the process ended, not left to run for 100 s
      expect(stderr).not.toContain("truelift-test-superuser");
    }, 60_000);
  }
});

describe.skipIf(!existsSync(CLICKHOUSE_SERVER))("Ctrl-C on ClickHouse (live server, built CLI)", () => {
  const cluster = useClickHouseCluster();
  // A GROUP BY over 10^12 generated rows: hours, far longer than the test may take.
  const SLOW =
    "SELECT number % 20 AS ws, number % 2 AS arm, toFloat64(number % 7) AS y FROM numbers(1000000000000)";
  const running = async () =>
    Number(
      (
        await cluster().nodes[0].exec(
          "SELECT count() FROM system.processes WHERE query LIKE '%numbers(1000000000000)%' AND query NOT LIKE '%system.processes%'",
        )
      ).trim(),
    );

  it("SIGINT during the compress query kills it on the server (KILL QUERY) and exits 130", async () => {
    const url = cluster()
      .nodes[0].url()
      .replace(/^http:\/\//, "clickhouse://");
    const { child, exit } = start([...CLUSTER, "--db", url, "--sql", SLOW]);
    expect(await eventually(30_000, async () => (await running()) === 1)).toBe(true);
    child.kill("SIGINT");
    const [exitCode] = await exit;
    expect(exitCode).toBe(130);
    expect(await running()).toBe(0);
  }, 90_000);
});
