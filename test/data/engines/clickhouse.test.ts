import { existsSync } from "node:fs";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressFrame } from "../../../src/core/compress-frame.js";
import { Frame } from "../../../src/core/frame.js";
import { clickhouseEngine } from "../../../src/data/engines/clickhouse.js";
import type { Engine } from "../../../src/data/engines/engine.js";
import { asyncErrorCode } from "../../helpers/error-code.js";
import { saasFixture } from "../../helpers/fixture.js";
import {
  CH_SECRET_PASSWORD,
  CLICKHOUSE_SERVER,
  type ClickHouseCluster,
  startClickHouseCluster,
} from "../../helpers/services/clickhouse.js";
import { freePort } from "../../helpers/services/ports.js";
import { expectCompressedEqual } from "./compare.js";
import { FIXTURE_COLUMNS, FIXTURE_REQUEST, generatedCase, NASTY_NAMES } from "./frames.js";
import { loadClickHouse } from "./load-clickhouse.js";

const available = existsSync(CLICKHOUSE_SERVER);
if (!available)
  console.warn(
    `ClickHouse tests skipped: ${CLICKHOUSE_SERVER} is absent (apt-get install clickhouse-server).`,
  );

describe.skipIf(!available)("ClickHouse engine (two live shards on 127.0.0.1, Distributed table)", () => {
  let cluster: ClickHouseCluster;
  let engine: Engine;
  let startMs = 0;
  beforeAll(async () => {
    const t0 = Date.now();
    const c = await startClickHouseCluster();
    startMs = Date.now() - t0;
    if (c === null) throw new Error("ClickHouse binary vanished");
    cluster = c;
    await loadClickHouse(cluster, "saas", saasFixture().select([...FIXTURE_COLUMNS]));
    engine = await clickhouseEngine({ url: cluster.nodes[0].url() });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await cluster?.stop();
  });

  it("starts both servers well under 10 s", () => {
    expect(startMs).toBeLessThan(10_000);
  });

  it("splits inserts about 50/50 between the two shards", async () => {
    const counts = await Promise.all(
      cluster.nodes.map((n) => n.exec("SELECT count() FROM saas_local FORMAT TSV")),
    );
    const [a, b] = counts.map((x) => Number(x.trim()));
    expect(a + b).toBe(50_000);
    expect(Math.abs(a - b)).toBeLessThan(2_000); // rand() sharding: sd of a − b is about 224
  });

  it("equals compressFrame on the tutorial fixture through the Distributed table", async () => {
    const t = await engine.compress(FIXTURE_REQUEST, { type: "table", path: ["saas"] });
    expectCompressedEqual(t, compressFrame(saasFixture(), FIXTURE_REQUEST));
    expect(engine.describe({ type: "table", path: ["saas"] })).toMatchObject({
      engine: "clickhouse",
      table: "saas",
    });
  });

  it("equals compressFrame on a user query over the Distributed table (aggregated on one server)", async () => {
    const t = await engine.compress(FIXTURE_REQUEST, {
      type: "sql",
      sql: "SELECT * FROM saas WHERE wave >= 0;",
    });
    expectCompressedEqual(t, compressFrame(saasFixture(), FIXTURE_REQUEST));
  });

  it("equals compressFrame on generated frames with NULLs and filters", async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(generatedCase(), async ({ frame, request }) => {
        const name = `gen_${i++}`;
        await loadClickHouse(cluster, name, frame);
        expectCompressedEqual(
          await engine.compress(request, { type: "table", path: [name] }),
          compressFrame(frame, request),
        );
      }),
      { numRuns: 20, seed: 14 },
    );
  });

  it("takes SQL payloads as column names and filter values, and injects nothing", async () => {
    const data: Record<string, (number | null)[] | (string | null)[]> = {};
    NASTY_NAMES.forEach((name, j) => {
      data[name] =
        j === 0
          ? ["'; DROP TABLE t; --", "b\\' OR 1=1 --", "'; DROP TABLE t; --", null]
          : [1 + j, 2 * j, 3, j];
    });
    const frame = Frame.fromObject(data);
    await loadClickHouse(cluster, "nasty`; DROP TABLE saas; --", frame);
    const request = {
      keys: [NASTY_NAMES[0]],
      measures: NASTY_NAMES.slice(1),
      crossProducts: true,
      where: [
        { column: NASTY_NAMES[0], op: "in" as const, values: ["'; DROP TABLE t; --", "b\\' OR 1=1 --"] },
      ],
    };
    const t = await engine.compress(request, { type: "table", path: ["nasty`; DROP TABLE saas; --"] });
    expectCompressedEqual(t, compressFrame(frame, request));
    expect((await cluster.nodes[0].exec("SELECT count() FROM saas FORMAT TSV")).trim()).toBe("50000");
  });

  it("counts NULL keys and measures like compressFrame", async () => {
    const frame = Frame.fromObject({ g: ["a", null, "a", "b", null], y: [1, 2, null, 4, null] });
    await loadClickHouse(cluster, "nulls", frame);
    const t = await engine.compress({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["nulls"] });
    expect(t.nullRows).toEqual({ g: 2, y: 2 });
    expect(t.droppedRows).toBe(3);
    expectCompressedEqual(t, compressFrame(frame, { keys: ["g"], measures: ["y"] }));
  });

  it("maps connection, credential, table, column, permission, write and timeout failures to codes", async () => {
    const req = { keys: ["engagement_tier"], measures: ["cost_usd"] };
    const table = { type: "table", path: ["saas"] } as const;
    expect(
      await asyncErrorCode(clickhouseEngine({ url: `http://127.0.0.1:${await freePort()}/default` })),
    ).toBe("E_DB_CONNECTION");
    expect(await asyncErrorCode(clickhouseEngine({ url: cluster.nodes[0].url("secret", "wrong") }))).toBe(
      "E_DB_AUTH",
    );
    const ok = await clickhouseEngine({ url: cluster.nodes[0].url("secret", CH_SECRET_PASSWORD) });
    expect((await ok.compress(req, table)).groups).toBe(3);
    expect(JSON.stringify(ok.describe(table))).not.toContain(CH_SECRET_PASSWORD);
    process.env.CLICKHOUSE_USER = "secret";
    process.env.CLICKHOUSE_PASSWORD = CH_SECRET_PASSWORD;
    try {
      const viaEnv = await clickhouseEngine({ url: cluster.nodes[0].url() });
      expect(viaEnv.describe(table).user).toBe("secret");
    } finally {
      delete process.env.CLICKHOUSE_USER;
      delete process.env.CLICKHOUSE_PASSWORD;
    }
    expect(await asyncErrorCode(engine.compress(req, { type: "table", path: ["nope"] }))).toBe(
      "E_DB_UNKNOWN_TABLE",
    );
    expect(
      await asyncErrorCode(engine.compress({ keys: ["engagement_tier"], measures: ["nope"] }, table)),
    ).toBe("E_COLUMN_MISSING");
    expect(
      await asyncErrorCode(
        engine.run({
          type: "select",
          columns: [{ expr: { type: "column", name: "nope" }, alias: "a" }],
          from: table,
        }),
      ),
    ).toBe("E_DB_UNKNOWN_COLUMN");
    const limited = async () => {
      const e = await clickhouseEngine({ url: cluster.nodes[0].url("limited") });
      await e.compress(req, table);
    };
    expect(await asyncErrorCode(limited)).toBe("E_DB_PERMISSION");
    expect(
      await asyncErrorCode(engine.compress(req, { type: "sql", sql: "INSERT INTO saas SELECT * FROM saas" })),
    ).toBe("E_SQL_NOT_READ_ONLY");
    const slowEngine = await clickhouseEngine({ url: cluster.nodes[0].url(), timeoutMs: 500 });
    const slow = {
      type: "sql",
      sql: "SELECT toString(number % 3) AS engagement_tier, toFloat64(number) AS cost_usd FROM system.numbers",
    } as const;
    expect(await asyncErrorCode(slowEngine.compress(req, slow))).toBe("E_DB_TIMEOUT");
    expect((await cluster.nodes[0].exec("SELECT count() FROM saas FORMAT TSV")).trim()).toBe("50000");
  });
});
