import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressFrame } from "../../../src/core/compress-frame.js";
import { TrueliftError } from "../../../src/core/errors.js";
import { Frame } from "../../../src/core/frame.js";
import type { Engine } from "../../../src/data/engines/engine.js";
import { postgresEngine } from "../../../src/data/engines/postgres.js";
import { asyncErrorCode } from "../../helpers/error-code.js";
import { saasFixture } from "../../helpers/fixture.js";
import { freePort } from "../../helpers/services/ports.js";
import { type PostgresService, postgresBinDir, startPostgres } from "../../helpers/services/postgres.js";
import { expectCompressedEqual } from "./compare.js";
import { FIXTURE_COLUMNS, FIXTURE_REQUEST, generatedCase, NASTY_NAMES } from "./frames.js";
import { loadPostgres } from "./load-postgres.js";

const available = postgresBinDir() !== null;
if (!available)
  console.warn(
    "PostgreSQL tests skipped: no server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql).",
  );

describe.skipIf(!available)("PostgreSQL engine (live server on 127.0.0.1)", () => {
  let server: PostgresService;
  let engine: Engine;
  let startMs = 0;
  beforeAll(async () => {
    const t0 = Date.now();
    const s = await startPostgres();
    startMs = Date.now() - t0;
    if (s === null) throw new Error("PostgreSQL binaries vanished");
    server = s;
    const fixture = saasFixture().select([...FIXTURE_COLUMNS]);
    await loadPostgres(server, "saas", fixture);
    await server.admin("CREATE ROLE auth_user LOGIN PASSWORD 'right-password'");
    await server.admin("CREATE ROLE noread LOGIN PASSWORD 'noread-password'");
    await server.admin("CREATE SEQUENCE s");
    await server.admin("GRANT USAGE ON SEQUENCE s TO PUBLIC");
    engine = await postgresEngine({ url: server.url() });
  }, 60_000);
  afterAll(async () => {
    await engine?.close();
    await server?.stop();
  });

  it("starts the server well under 10 s", () => {
    expect(startMs).toBeLessThan(10_000);
  });

  it("equals compressFrame on the tutorial fixture", async () => {
    const source = { type: "table", path: ["public", "saas"] } as const;
    const t = await engine.compress(FIXTURE_REQUEST, source);
    expectCompressedEqual(t, compressFrame(saasFixture(), FIXTURE_REQUEST));
    const d = engine.describe(source);
    expect(d).toMatchObject({
      engine: "postgres",
      host: `127.0.0.1:${server.port}`,
      user: "postgres",
      table: "public.saas",
    });
    expect(JSON.stringify(d)).not.toContain("truelift-test-superuser");
  });

  it("equals compressFrame on generated frames with NULLs and filters", async () => {
    let i = 0;
    await fc.assert(
      fc.asyncProperty(generatedCase(), async ({ frame, request }) => {
        const name = `gen_${i++}`;
        await loadPostgres(server, name, frame);
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
      data[name] = j === 0 ? ["'; DROP TABLE t; --", "b", "'; DROP TABLE t; --", null] : [1 + j, 2 * j, 3, j];
    });
    const frame = Frame.fromObject(data);
    await loadPostgres(server, 'x"; DROP TABLE saas; --', frame);
    const request = {
      keys: [NASTY_NAMES[0]],
      measures: NASTY_NAMES.slice(1),
      crossProducts: true,
      where: [
        {
          column: NASTY_NAMES[0],
          op: "in" as const,
          values: ["'; DROP TABLE saas; --", "b", "'; DROP TABLE t; --"],
        },
      ],
    };
    const t = await engine.compress(request, { type: "table", path: ['x"; DROP TABLE saas; --'] });
    expectCompressedEqual(t, compressFrame(frame, request));
    expect((await server.admin("SELECT count(*)::int AS n FROM saas")).rows[0].n).toBe(50_000);
  });

  it("counts NULL keys and measures like compressFrame", async () => {
    const frame = Frame.fromObject({ g: ["a", null, "a", "b", null], y: [1, 2, null, 4, null] });
    await loadPostgres(server, "nulls", frame);
    const t = await engine.compress({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["nulls"] });
    expect(t.nullRows).toEqual({ g: 2, y: 2 });
    expect(t.droppedRows).toBe(3);
    expectCompressedEqual(t, compressFrame(frame, { keys: ["g"], measures: ["y"] }));
  });

  it("maps connection, credential, table, column, permission, write and timeout failures to codes", async () => {
    const req = { keys: ["engagement_tier"], measures: ["cost_usd"] };
    const table = { type: "table", path: ["saas"] } as const;
    const refused = `postgres://postgres:x@127.0.0.1:${await freePort()}/postgres`;
    expect(await asyncErrorCode(postgresEngine({ url: refused }))).toBe("E_DB_CONNECTION");
    const badAuth = server.url("auth_user", "wrong-password");
    expect(await asyncErrorCode(postgresEngine({ url: badAuth }))).toBe("E_DB_AUTH");
    const e = await postgresEngine({ url: badAuth }).catch((x: unknown) => x);
    expect(e instanceof TrueliftError && e.message).not.toContain("wrong-password");
    // the password may come from PGPASSWORD instead of the URL
    process.env.PGPASSWORD = "right-password";
    try {
      const viaEnv = await postgresEngine({ url: `postgres://auth_user@127.0.0.1:${server.port}/postgres` });
      await viaEnv.close();
    } finally {
      delete process.env.PGPASSWORD;
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
    const noread = await postgresEngine({ url: server.url("noread", "noread-password") });
    try {
      expect(await asyncErrorCode(noread.compress(req, table))).toBe("E_DB_PERMISSION");
    } finally {
      await noread.close();
    }
    expect(
      await asyncErrorCode(engine.compress(req, { type: "sql", sql: "DELETE FROM saas RETURNING *" })),
    ).toBe("E_SQL_NOT_READ_ONLY");
    // passes the text check, stopped by the READ ONLY transaction
    const sneaky = {
      type: "sql",
      sql: "SELECT 'a' AS engagement_tier, nextval('s')::float8 AS cost_usd",
    } as const;
    expect(await asyncErrorCode(engine.compress(req, sneaky))).toBe("E_SQL_NOT_READ_ONLY");
    const slowEngine = await postgresEngine({ url: server.url(), timeoutMs: 200 });
    try {
      const slow = {
        type: "sql",
        sql: "SELECT 'a' AS engagement_tier, 1.0 AS cost_usd FROM pg_sleep(3)",
      } as const;
      expect(await asyncErrorCode(slowEngine.compress(req, slow))).toBe("E_DB_TIMEOUT");
    } finally {
      await slowEngine.close();
    }
    expect((await server.admin("SELECT count(*)::int AS n FROM saas")).rows[0].n).toBe(50_000);
  });
});
