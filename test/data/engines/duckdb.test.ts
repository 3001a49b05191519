import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compressFrame } from "../../../src/core/compress-frame.js";
import { Frame } from "../../../src/core/frame.js";
import { duckdbEngine } from "../../../src/data/engines/duckdb.js";
import { duckdbDialect } from "../../../src/sql/dialects/duckdb.js";
import { asyncErrorCode } from "../../helpers/error-code.js";
import { fixturePath, saasFixture } from "../../helpers/fixture.js";
import { expectCompressedEqual } from "./compare.js";
import { FIXTURE_REQUEST, generatedCase, NASTY_NAMES } from "./frames.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "truelift-duckdb-engine-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a frame into a new DuckDB database file as table `name` (NULLs as NULL) and returns the path. */
async function databaseWith(frame: Frame, name = "t"): Promise<string> {
  const path = join(dir, `db-${Math.random().toString(36).slice(2)}.duckdb`);
  const instance = await DuckDBInstance.create(path);
  const conn = await instance.connect();
  try {
    const cols = frame.names.map(
      (c) => `${duckdbDialect.quoteIdent(c)} ${frame.column(c).kind === "str" ? "VARCHAR" : "DOUBLE"}`,
    );
    await conn.run(`CREATE TABLE ${duckdbDialect.quoteIdent(name)} (${cols.join(", ")})`);
    const app = await conn.createAppender(name);
    for (let i = 0; i < frame.nrows; i++) {
      for (const c of frame.names) {
        const v = frame.value(c, i);
        if (v === null || (typeof v === "number" && Number.isNaN(v))) app.appendNull();
        else if (typeof v === "string") app.appendVarchar(v);
        else app.appendDouble(v);
      }
      app.endRow();
    }
    app.closeSync();
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  return path;
}

describe("DuckDB engine", () => {
  it("equals compressFrame on the tutorial fixture (gzipped CSV read by read_csv)", async () => {
    const engine = await duckdbEngine();
    try {
      const source = {
        type: "file",
        format: "csv",
        path: fixturePath("saas_llm_logs_seed42.csv.gz"),
      } as const;
      const t = await engine.compress(FIXTURE_REQUEST, source);
      expectCompressedEqual(t, compressFrame(saasFixture(), FIXTURE_REQUEST));
      expect(t.groups).toBeGreaterThan(3);
      expect(engine.describe(source)).toEqual({ engine: "duckdb", file: source.path });
    } finally {
      await engine.close();
    }
  });

  it("reads Parquet with read_parquet, and SQL over a DuckDB database file", async () => {
    const parquet = join(dir, "saas.parquet");
    const csv = fixturePath("saas_llm_logs_seed42.csv.gz").replaceAll("'", "''");
    const maker = await DuckDBInstance.create(join(dir, "saas.duckdb"));
    const conn = await maker.connect();
    await conn.run(`CREATE TABLE saas AS SELECT * FROM read_csv('${csv}')`);
    await conn.run(`COPY saas TO '${parquet.replaceAll("'", "''")}' (FORMAT parquet)`);
    conn.closeSync();
    maker.closeSync();
    const expected = compressFrame(saasFixture(), FIXTURE_REQUEST);
    const memory = await duckdbEngine();
    try {
      expectCompressedEqual(
        await memory.compress(FIXTURE_REQUEST, { type: "file", format: "parquet", path: parquet }),
        expected,
      );
    } finally {
      await memory.close();
    }
    const file = await duckdbEngine({ database: join(dir, "saas.duckdb") });
    try {
      expectCompressedEqual(
        await file.compress(FIXTURE_REQUEST, { type: "table", path: ["saas"] }),
        expected,
      );
      const q = { type: "sql", sql: "SELECT * FROM saas WHERE wave IS NOT NULL;" } as const;
      expectCompressedEqual(await file.compress(FIXTURE_REQUEST, q), expected);
    } finally {
      await file.close();
    }
  });

  it("equals compressFrame on generated frames with NULLs and filters (database file, table source)", async () => {
    await fc.assert(
      fc.asyncProperty(generatedCase(), async ({ frame, request }) => {
        const engine = await duckdbEngine({ database: await databaseWith(frame) });
        try {
          expectCompressedEqual(
            await engine.compress(request, { type: "table", path: ["t"] }),
            compressFrame(frame, request),
          );
        } finally {
          await engine.close();
        }
      }),
      { numRuns: 25, seed: 14 },
    );
  });

  it("takes SQL payloads as column names and filter values, and injects nothing", async () => {
    const data: Record<string, (number | null)[] | (string | null)[]> = {};
    NASTY_NAMES.forEach((name, j) => {
      data[name] = j === 0 ? ["'; DROP TABLE t; --", "b", "'; DROP TABLE t; --", null] : [1 + j, 2 * j, 3, j];
    });
    const frame = Frame.fromObject(data);
    const path = await databaseWith(frame);
    const request = {
      keys: [NASTY_NAMES[0]],
      measures: NASTY_NAMES.slice(1),
      crossProducts: true,
      where: [{ column: NASTY_NAMES[0], op: "in" as const, values: ["'; DROP TABLE t; --", "b"] }],
    };
    const engine = await duckdbEngine({ database: path });
    try {
      expectCompressedEqual(
        await engine.compress(request, { type: "table", path: ["t"] }),
        compressFrame(frame, request),
      );
      const again = await engine.run({ type: "select", columns: [], from: { type: "table", path: ["t"] } });
      expect(again.rows).toBe(4);
    } finally {
      await engine.close();
    }
  });

  it("maps bad input to catalogued codes", async () => {
    const frame = Frame.fromObject({ g: ["a", "b"], y: [1, 2] });
    const engine = await duckdbEngine({ database: await databaseWith(frame), timeoutMs: 300 });
    try {
      const req = { keys: ["g"], measures: ["y"] };
      expect(await asyncErrorCode(engine.compress(req, { type: "table", path: ["nope"] }))).toBe(
        "E_DB_UNKNOWN_TABLE",
      );
      expect(
        await asyncErrorCode(
          engine.compress({ keys: ["g"], measures: ["zz"] }, { type: "table", path: ["t"] }),
        ),
      ).toBe("E_COLUMN_MISSING");
      expect(await asyncErrorCode(engine.compress(req, { type: "sql", sql: "DELETE FROM t" }))).toBe(
        "E_SQL_NOT_READ_ONLY",
      );
      expect(
        await asyncErrorCode(engine.compress(req, { type: "sql", sql: "SELECT * FROM t; DROP TABLE t" })),
      ).toBe("E_SQL_NOT_READ_ONLY");
      const drop = { type: "sql", sql: "DROP TABLE t" } as const;
      expect(await asyncErrorCode(engine.run({ type: "select", columns: [], from: drop }))).toBe(
        "E_SQL_NOT_READ_ONLY",
      );
      const slow = {
        type: "sql",
        sql: "SELECT range % 3 AS g, range * 1.0 AS y FROM range(5000000000)",
      } as const;
      expect(await asyncErrorCode(engine.compress(req, slow))).toBe("E_DB_TIMEOUT");
      expect(
        await asyncErrorCode(
          engine.compress(req, { type: "file", format: "csv", path: join(dir, "none.csv") }),
        ),
      ).toBe("E_FILE_NOT_FOUND");
      // a user query that reads the table works, and the engine described it by the query's hash
      const q = { type: "sql", sql: "SELECT * FROM t WHERE y > 0" } as const;
      expect((await engine.compress(req, q)).groups).toBe(2);
      expect(engine.describe(q).sqlSha256).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await engine.close();
    }
  });

  it("counts NULL keys and measures like compressFrame and leaves those rows out", async () => {
    const frame = Frame.fromObject({ g: ["a", null, "a", "b", null], y: [1, 2, null, 4, null] });
    const engine = await duckdbEngine({ database: await databaseWith(frame) });
    try {
      const t = await engine.compress({ keys: ["g"], measures: ["y"] }, { type: "table", path: ["t"] });
      expect(t.nullRows).toEqual({ g: 2, y: 2 });
      expect(t.droppedRows).toBe(3);
      expect(t.rowsScanned).toBe(5);
      expectCompressedEqual(t, compressFrame(frame, { keys: ["g"], measures: ["y"] }));
    } finally {
      await engine.close();
    }
  });
});
