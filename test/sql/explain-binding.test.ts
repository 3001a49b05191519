import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CompressRequest } from "../../src/core/compress.js";
import { compressQuery, nullCountQuery } from "../../src/sql/compress-query.js";
import { DIALECTS } from "../../src/sql/dialects/index.js";
import { render } from "../../src/sql/render.js";
import { NASTY_NAMES } from "../data/engines/frames.js";

/**
 * The binding check of design.md §6: every rendered query must parse and bind (names resolve, types check) in
 * DuckDB's EXPLAIN, with identifiers that are SQL payloads. DuckDB also reads the PostgreSQL and Snowflake text.
 */
describe("DuckDB EXPLAIN binds the rendered queries", () => {
  let instance: DuckDBInstance;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(":memory:");
    const conn = await instance.connect();
    const cols = NASTY_NAMES.map(
      (n, j) => `${DIALECTS.duckdb.quoteIdent(n)} ${j === 0 ? "VARCHAR" : "DOUBLE"}`,
    );
    await conn.run(`CREATE TABLE ${DIALECTS.duckdb.quoteIdent('t"; DROP TABLE t; --')} (${cols.join(", ")})`);
    conn.closeSync();
  });
  afterAll(() => instance.closeSync());

  const request: CompressRequest = {
    keys: [NASTY_NAMES[0]],
    measures: NASTY_NAMES.slice(1),
    crossProducts: true,
    where: [
      { column: NASTY_NAMES[0], op: "in", values: ["'; DROP TABLE t; --", "b"] },
      { column: NASTY_NAMES[1], op: "between", low: -1, high: 2.5 },
    ],
  };
  const source = { type: "table", path: ['t"; DROP TABLE t; --'] } as const;

  it.each(["duckdb", "postgres", "snowflake"] as const)("%s text binds", async (dialect) => {
    const conn = await instance.connect();
    try {
      for (const q of [compressQuery(request, source), nullCountQuery(request, source)]) {
        const { text, params } = render(q, DIALECTS[dialect]);
        const plan = await conn.runAndReadAll(`EXPLAIN ${text}`, [...params]);
        expect(plan.currentRowCount).toBeGreaterThan(0);
      }
      const rows = await conn.runAndReadAll(
        `SELECT count(*) FROM ${DIALECTS.duckdb.quoteIdent('t"; DROP TABLE t; --')}`,
      );
      expect(rows.getRows()[0][0]).toBe(0n);
    } finally {
      conn.closeSync();
    }
  });

  it("a query naming a missing column does not bind", async () => {
    const conn = await instance.connect();
    try {
      const { text, params } = render(
        compressQuery({ keys: [], measures: ["nope"] }, source),
        DIALECTS.duckdb,
      );
      await expect(conn.runAndReadAll(`EXPLAIN ${text}`, [...params])).rejects.toThrow(/nope/);
    } finally {
      conn.closeSync();
    }
  });
});
