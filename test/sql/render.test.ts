import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { agg, cast, col, param, type Select } from "../../src/sql/ast.js";
import { compressQuery, explainSql } from "../../src/sql/compress-query.js";
import type { DialectName } from "../../src/sql/dialects/base.js";
import { DIALECTS } from "../../src/sql/dialects/index.js";
import { inlineValue, render, renderInline } from "../../src/sql/render.js";

const NASTY = 'x"; DROP TABLE t; --';

/** SELECT VAR_POP(CAST(<nasty> AS float)) AS v FROM s.t WHERE <nasty> IN ('it''s', 2) */
const small: Select = {
  type: "select",
  columns: [{ expr: agg("var_pop", cast(col(NASTY), "float")), alias: "v" }],
  from: { type: "table", path: ["s", "t"] },
  where: { type: "in", expr: col(NASTY), values: [param("it's"), param(2)] },
};

const CASES: readonly { dialect: DialectName; text: string; params: readonly unknown[]; inline: string }[] = [
  {
    dialect: "duckdb",
    text: 'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN ($1, $2))',
    params: ["it's", 2],
    inline:
      'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN (\'it\'\'s\', 2))',
  },
  {
    dialect: "postgres",
    text: 'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE PRECISION)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN ($1, $2))',
    params: ["it's", 2],
    inline:
      'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE PRECISION)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN (\'it\'\'s\', 2))',
  },
  {
    dialect: "clickhouse",
    text: "SELECT varPopStable(CAST(`x\"; DROP TABLE t; --` AS Float64)) AS `v`\nFROM `s`.`t`\nWHERE (`x\"; DROP TABLE t; --` IN ('it\\'s', 2))",
    params: [],
    inline:
      "SELECT varPopStable(CAST(`x\"; DROP TABLE t; --` AS Float64)) AS `v`\nFROM `s`.`t`\nWHERE (`x\"; DROP TABLE t; --` IN ('it\\'s', 2))",
  },
  {
    dialect: "bigquery",
    text: 'SELECT VAR_POP(CAST(`x"; DROP TABLE t; --` AS FLOAT64)) AS `v`\nFROM `s`.`t`\nWHERE (`x"; DROP TABLE t; --` IN (@p1, @p2))',
    params: ["it's", 2],
    inline:
      "SELECT VAR_POP(CAST(`x\"; DROP TABLE t; --` AS FLOAT64)) AS `v`\nFROM `s`.`t`\nWHERE (`x\"; DROP TABLE t; --` IN ('it\\'s', 2))",
  },
  {
    dialect: "snowflake",
    text: 'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN (?, ?))',
    params: ["it's", 2],
    inline:
      'SELECT VAR_POP(CAST("x""; DROP TABLE t; --" AS DOUBLE)) AS "v"\nFROM "s"."t"\nWHERE ("x""; DROP TABLE t; --" IN (\'it\'\'s\', 2))',
  },
];

describe("render: exact SQL text per dialect", () => {
  it.each(CASES)("$dialect", ({ dialect, text, params, inline }) => {
    const r = render(small, DIALECTS[dialect]);
    expect(r.text).toBe(text);
    expect(r.params).toEqual(params);
    expect(renderInline(small, DIALECTS[dialect])).toBe(inline);
  });

  it("renders the compress query (DuckDB, bound) exactly", () => {
    const q = compressQuery(
      {
        keys: ["tier"],
        measures: ["y", "x"],
        crossProducts: true,
        where: [{ column: "week", op: "between", low: -1, high: 9.5 }],
      },
      { type: "table", path: ["events"] },
    );
    const r = render(q, DIALECTS.duckdb);
    expect(r.text).toBe(
      [
        'SELECT "tier" AS "truelift_k0",',
        '  CAST(COUNT(*) AS DOUBLE) AS "truelift_n",',
        '  AVG(CAST("y" AS DOUBLE)) AS "truelift_mean_0",',
        '  (VAR_POP(CAST("y" AS DOUBLE)) * CAST(COUNT(*) AS DOUBLE)) AS "truelift_m2_0",',
        '  AVG(CAST("x" AS DOUBLE)) AS "truelift_mean_1",',
        '  (VAR_POP(CAST("x" AS DOUBLE)) * CAST(COUNT(*) AS DOUBLE)) AS "truelift_m2_1",',
        '  (COVAR_POP(CAST("y" AS DOUBLE), CAST("x" AS DOUBLE)) * CAST(COUNT(*) AS DOUBLE)) AS "truelift_co_0_1"',
        'FROM "events"',
        'WHERE (((("week" BETWEEN $1 AND $2) AND ("tier" IS NOT NULL)) AND ("y" IS NOT NULL)) AND ("x" IS NOT NULL))',
        'GROUP BY "tier"',
      ].join("\n"),
    );
    expect(r.params).toEqual([-1, 9.5]);
  });

  it("explainSql inlines values for --emit-sql (ClickHouse, qualified table)", () => {
    const text = explainSql(
      { keys: [], measures: ["y"], where: [{ column: "arm", op: "in", values: ["a\\'; DROP TABLE t; --"] }] },
      { type: "table", path: ["db", "events"] },
      DIALECTS.clickhouse,
    );
    expect(text).toBe(
      [
        "SELECT CAST(count(*) AS Float64) AS `truelift_n`,",
        "  avg(CAST(`y` AS Float64)) AS `truelift_mean_0`,",
        "  (varPopStable(CAST(`y` AS Float64)) * CAST(count(*) AS Float64)) AS `truelift_m2_0`",
        "FROM `db`.`events`",
        "WHERE ((`arm` IN ('a\\\\\\'; DROP TABLE t; --')) AND (`y` IS NOT NULL))",
      ].join("\n"),
    );
  });

  it("wraps a user query as a subquery and reads files only on DuckDB", () => {
    const q: Select = {
      type: "select",
      columns: [],
      from: { type: "sql", sql: "SELECT 1 AS a -- note" },
      limit: 0,
    };
    expect(render(q, DIALECTS.postgres).text).toBe(
      'SELECT *\nFROM (\nSELECT 1 AS a -- note\n) AS "truelift_source"\nLIMIT 0',
    );
    const file: Select = {
      type: "select",
      columns: [],
      from: { type: "file", format: "parquet", path: "/d/x.parquet" },
    };
    expect(render(file, DIALECTS.duckdb)).toEqual({
      text: 'SELECT *\nFROM read_parquet($1) AS "truelift_source"',
      params: ["/d/x.parquet"],
    });
    const fileSource = { type: "file", format: "csv", path: "x.csv" } as const;
    expect(() => compressQuery({ keys: [], measures: ["y"] }, fileSource, DIALECTS.postgres)).toThrow(
      /postgres dialect/,
    );
    expect(compressQuery({ keys: [], measures: ["y"] }, fileSource, DIALECTS.duckdb).from).toEqual(
      fileSource,
    );
    for (const d of ["postgres", "clickhouse", "bigquery", "snowflake"] as const) {
      try {
        render(file, DIALECTS[d]);
        expect.unreachable();
      } catch (e) {
        expect(e instanceof TrueliftError && e.code).toBe("E_UNSUPPORTED_IN_DIALECT");
      }
    }
  });

  it("names functions per dialect, and refuses one a dialect lacks", () => {
    const q: Select = {
      type: "select",
      columns: [{ expr: { type: "call", fn: "current_database", args: [] }, alias: "db" }],
      from: { type: "table", path: ["t"] },
    };
    expect(render(q, DIALECTS.clickhouse).text).toBe("SELECT currentDatabase() AS `db`\nFROM `t`");
    expect(render(q, DIALECTS.postgres).text).toBe('SELECT CURRENT_DATABASE() AS "db"\nFROM "t"');
    expect(() => render(q, DIALECTS.bigquery)).toThrow(/bigquery dialect does not support/);
  });

  it("escapes inlined values per dialect and refuses what cannot be written", () => {
    expect(inlineValue("a'b\\c", DIALECTS.duckdb)).toBe("'a''b\\c'");
    expect(inlineValue("a'b\\c", DIALECTS.clickhouse)).toBe("'a\\'b\\\\c'");
    expect(inlineValue("a'b\\c", DIALECTS.snowflake)).toBe("'a''b\\\\c'");
    expect(inlineValue("line\nbreak", DIALECTS.bigquery)).toBe("'line\\nbreak'");
    expect(inlineValue(true, DIALECTS.clickhouse)).toBe("1");
    expect(inlineValue(null, DIALECTS.postgres)).toBe("NULL");
    expect(inlineValue(-0.5, DIALECTS.postgres)).toBe("(-0.5)");
    expect(() => inlineValue(Number.NaN, DIALECTS.postgres)).toThrow(TrueliftError);
    expect(() => inlineValue("nul\u0000", DIALECTS.clickhouse)).toThrow(TrueliftError);
    expect(() => DIALECTS.duckdb.quoteIdent("nul\u0000")).toThrow(TrueliftError);
  });

  it("refuses bad requests before generating SQL", () => {
    const bad = [
      { keys: [], measures: [] },
      { keys: ["g"], measures: ["g"] },
      { keys: [], measures: ["y"], where: [{ column: "g", op: "in" as const, values: [] }] },
      {
        keys: [],
        measures: ["y"],
        where: [{ column: "g", op: "between" as const, low: 0, high: Number.POSITIVE_INFINITY }],
      },
    ];
    for (const r of bad)
      expect(() => compressQuery(r, { type: "table", path: ["t"] })).toThrow(/compress request|filter/);
  });
});
