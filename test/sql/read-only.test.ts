import { describe, expect, it } from "vitest";
import { assertReadOnlyQuery, assertReadOnlySql } from "../../src/sql/read-only.js";
import { errorCode } from "../helpers/error-code.js";

describe("assertReadOnlySql", () => {
  it.each([
    "SELECT * FROM events",
    "  with a as (select 1 as x) select * from a;",
    "(SELECT 1)",
    "SELECT 'DROP TABLE t; DELETE' AS note, \"update\" FROM t -- DROP TABLE t",
    "SELECT cluster, load, system FROM system.numbers /* ; DELETE */",
    "SELECT $tag$ ; INSERT $tag$ AS s",
  ])("accepts %s", (sql) => {
    expect(errorCode(() => assertReadOnlySql(sql))).toBeUndefined();
  });

  it.each([
    "",
    "DELETE FROM t",
    "SELECT 1; DROP TABLE t",
    "SELECT 1;\nSELECT 2",
    "WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d",
    "SELECT * INTO copy FROM t",
    "INSERT INTO t SELECT 1",
    "COPY t TO '/tmp/x'",
    "SET statement_timeout = 0",
    "SELECT 'a'; ATTACH 'x.db'",
  ])("refuses %s", (sql) => {
    expect(errorCode(() => assertReadOnlySql(sql))).toBe("E_SQL_NOT_READ_ONLY");
  });

  it("checks user queries nested in a select", () => {
    const inner = { type: "select", columns: [], from: { type: "sql", sql: "DELETE FROM t" } } as const;
    const outer = { type: "select", columns: [], from: { type: "subquery", query: inner } } as const;
    expect(errorCode(() => assertReadOnlyQuery(outer))).toBe("E_SQL_NOT_READ_ONLY");
    expect(
      errorCode(() =>
        assertReadOnlyQuery({ type: "select", columns: [], from: { type: "table", path: ["t"] } }),
      ),
    ).toBeUndefined();
  });
});
