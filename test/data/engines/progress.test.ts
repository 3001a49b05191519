import { existsSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { describe, expect, it } from "vitest";
import { clickhouseEngine } from "../../../src/data/engines/clickhouse.js";
import { duckdbEngine } from "../../../src/data/engines/duckdb.js";
import { openEngine } from "../../../src/data/engines/open.js";
import type { Select } from "../../../src/sql/ast.js";
import { CLICKHOUSE_SERVER, useClickHouseCluster } from "../../helpers/services/clickhouse.js";
import { tempDir } from "../helpers.js";

// A running query's progress where the engine reports it (DuckDB: percent of the scan; ClickHouse: rows read of
// its estimate, from system.processes); PostgreSQL has none for a SELECT. Progress never changes a result.

type Report = { label: string; done: number; total: number };

const sqlSource = (sql: string): Select => ({ type: "select", columns: [], from: { type: "sql", sql } });

describe("query progress", () => {
  it("DuckDB reports the percent of a long scan (total 100), and the same rows as without progress", async () => {
    // DuckDB knows the progress of a file scan (not of range()): 10M rows in 200 row groups, a costly aggregate.
    const file = join(tempDir("truelift-progress-"), "big.parquet");
    const db = await DuckDBInstance.create(":memory:");
    const writer = await db.connect();
    await writer.run(
      `COPY (SELECT i % 7 AS g, i * 0.5 AS y FROM range(10000000) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 50000)`,
    );
    writer.closeSync();
    db.closeSync();
    const seen: Report[] = [];
    const query = sqlSource(
      `SELECT g, count(*) AS n, avg(length(printf('%.6f|%.3e', y, sqrt(y)))) AS m FROM read_parquet('${file}') GROUP BY g ORDER BY g`,
    );
    const withProgress = await duckdbEngine({ onProgress: (p) => seen.push(p) });
    const plain = await duckdbEngine();
    try {
      const a = await withProgress.run(query);
      expect(a.rows).toBe(7);
      expect(a).toEqual(await plain.run(query));
    } finally {
      await withProgress.close();
      await plain.close();
    }
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) {
      expect(p).toMatchObject({ label: "of the scan (duckdb)", total: 100 });
      expect(p.done).toBeGreaterThanOrEqual(0);
      expect(p.done).toBeLessThanOrEqual(100);
    }
    const done = seen.map((p) => p.done);
    expect([...done].sort((x, y) => x - y)).toEqual(done); // never goes back
  }, 120_000);

  it("no callback, no polling: openEngine without onProgress reports nothing", async () => {
    const engine = await openEngine();
    try {
      const t = await engine.run(sqlSource("SELECT 1 AS x"));
      expect(t.rows).toBe(1);
    } finally {
      await engine.close();
    }
  });
});

describe.skipIf(!existsSync(CLICKHOUSE_SERVER))("query progress on ClickHouse (live server)", () => {
  const cluster = useClickHouseCluster();

  it("reports rows read of the server's estimate while the query runs", async () => {
    // A MergeTree table (numbers() has no estimate of its rows in 18.16) and a costly aggregate.
    await cluster().nodes[0].exec(
      "CREATE TABLE big ENGINE = MergeTree ORDER BY tuple() AS SELECT number % 7 AS g, toFloat64(number) AS y FROM numbers(50000000)",
    );
    const seen: Report[] = [];
    const engine = await clickhouseEngine({ url: cluster().nodes[0].url(), onProgress: (p) => seen.push(p) });
    const t = await engine.run(
      sqlSource("SELECT g, count() AS n, avg(length(toString(sqrt(y)))) AS m FROM big GROUP BY g ORDER BY g"),
    );
    await engine.close();
    expect(t.rows).toBe(7);
    expect(seen.length).toBeGreaterThan(0);
    for (const p of seen) {
      expect(p.label).toBe("rows read (clickhouse)");
      expect(p.total).toBeGreaterThanOrEqual(50_000_000); // an estimate: whole granules of 8192 rows
      expect(p.total).toBeLessThan(50_100_000);
      expect(p.done).toBeGreaterThanOrEqual(0);
      expect(p.done).toBeLessThanOrEqual(p.total);
    }
  }, 120_000);
});
