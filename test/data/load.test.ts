import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/core/frame.js";
import { DATASET_DECIMALS, generateDataset } from "../../src/data/generate/dataset.js";
import { loadFrame } from "../../src/data/load.js";
import { writeDataset } from "../../src/data/write.js";
import { fixturePath, saasFixture } from "../helpers/fixture.js";
import { runDuckDB, tempDir } from "./helpers.js";

const dir = tempDir();

function kinds(f: Frame): Record<string, string> {
  return Object.fromEntries(f.names.map((n) => [n, f.column(n).kind]));
}

/** Frames equal column by column: same names, kinds, values (NaN-aware) and decoded strings. */
function expectSameFrame(actual: Frame, expected: Frame): void {
  expect(actual.names).toEqual(expected.names);
  expect(actual.nrows).toBe(expected.nrows);
  for (const name of expected.names) {
    const a = actual.column(name);
    const e = expected.column(name);
    expect(a.kind, name).toBe(e.kind);
    if (a.kind === "str" && e.kind === "str") {
      const decode = (c: typeof a) => Array.from(c.codes, (k) => (k < 0 ? null : c.levels[k]));
      expect(decode(a), name).toEqual(decode(e));
    } else if (a.kind !== "str" && e.kind !== "str") {
      expect(Array.from(a.values), name).toEqual(Array.from(e.values));
    }
  }
}

describe("loadFrame round trips", () => {
  const frame = generateDataset({ seed: 11, users: 3000, scenario: "cluster" });

  it("reads back a generated CSV exactly, with integer columns as i32 and tiers as text", async () => {
    const path = join(dir, "rt.csv");
    await writeDataset(frame, path, { decimals: DATASET_DECIMALS });
    const back = await loadFrame(path);
    expectSameFrame(back, frame);
    expect(kinds(back)).toMatchObject({ user_id: "i32", engagement_tier: "str", query_confidence: "f64" });
  });

  it("reads gzipped CSV (by extension and by content), TSV and Parquet", async () => {
    for (const name of ["rt.csv.gz", "rt.tsv", "rt.parquet"]) {
      const path = join(dir, name);
      await writeDataset(frame, path, { decimals: DATASET_DECIMALS });
      expectSameFrame(await loadFrame(path), frame);
    }
    const csv = join(dir, "plain.csv");
    await writeDataset(frame, csv, { decimals: DATASET_DECIMALS });
    const disguised = join(dir, "gzipped-but-named.csv");
    const { readFileSync } = await import("node:fs");
    writeFileSync(disguised, gzipSync(readFileSync(csv)));
    expectSameFrame(await loadFrame(disguised), frame);
  });

  it("reads NDJSON / JSON Lines and JSON arrays", async () => {
    const rows = [
      { id: 1, y: 0.5, g: "a", flag: true },
      { id: 2, y: null, g: null, flag: false },
      { id: 3, y: 2.25, g: "b", flag: true },
    ];
    const nd = join(dir, "rows.ndjson");
    writeFileSync(nd, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const jl = join(dir, "rows.jsonl");
    writeFileSync(jl, `${rows.map((r) => JSON.stringify(r)).join("\n")}\n`);
    const arr = join(dir, "rows.json");
    writeFileSync(arr, JSON.stringify(rows));
    for (const p of [nd, jl, arr]) {
      const f = await loadFrame(p);
      expect(f.toRecords()).toEqual([
        { id: 1, y: 0.5, g: "a", flag: 1 },
        { id: 2, y: null, g: null, flag: 0 },
        { id: 3, y: 2.25, g: "b", flag: 1 },
      ]);
      expect(kinds(f)).toEqual({ id: "i32", y: "f64", g: "str", flag: "i32" });
    }
  });

  it("runs SQL against a DuckDB database file, and against an in-memory database", async () => {
    const db = join(dir, "warehouse.duckdb");
    await runDuckDB(db, [
      "CREATE TABLE events (user_id INTEGER, week SMALLINT, revenue DECIMAL(10,2), day DATE, ts TIMESTAMP, big BIGINT, tag VARCHAR)",
      `INSERT INTO events VALUES
        (1, 3, 10.25, DATE '1970-01-11', TIMESTAMP '1970-01-01 00:01:00.5', 5000000000, 'x'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL),
        (3, 5, 1.10, DATE '2024-01-15', TIMESTAMP '2024-01-15 12:00:00', -1, 'a long label, more than twelve bytes')`,
    ]);
    const f = await loadFrame({ duckdb: db, sql: "SELECT * FROM events ORDER BY user_id;" });
    expect(kinds(f)).toEqual({
      user_id: "i32",
      week: "f64",
      revenue: "f64",
      day: "f64",
      ts: "f64",
      big: "f64",
      tag: "str",
    });
    expect(f.toRecords()).toEqual([
      { user_id: 1, week: 3, revenue: 10.25, day: 10, ts: 60.5, big: 5000000000, tag: "x" },
      { user_id: 2, week: null, revenue: null, day: null, ts: null, big: null, tag: null },
      {
        user_id: 3,
        week: 5,
        revenue: 1.1,
        day: 19737,
        ts: 1705320000,
        big: -1,
        tag: "a long label, more than twelve bytes",
      },
    ]);
    const parallel = await Promise.all(
      [1, 2, 3].map((k) =>
        loadFrame({ duckdb: db, sql: `SELECT user_id FROM events WHERE user_id <= ${k}` }),
      ),
    );
    expect(parallel.map((p) => p.nrows)).toEqual([1, 2, 3]);
    const mem = await loadFrame({
      sql: "SELECT range::INT AS i, range % 3 = 0 AS b, 'k' || (range % 2) AS s FROM range(5000)",
    });
    expect(mem.nrows).toBe(5000);
    expect(kinds(mem)).toEqual({ i: "i32", b: "i32", s: "str" });
    const s = mem.column("s");
    expect(s.kind === "str" && s.levels).toEqual(["k0", "k1"]);
    const b = mem.numeric("b");
    expect([b[0], b[1], b[3]]).toEqual([1, 0, 1]);
  });

  it("loads only the requested columns, in the requested order", async () => {
    const path = join(dir, "rt.csv");
    const f = await loadFrame(path, { columns: ["task_completed", "workspace_id"] });
    expect(f.names).toEqual(["task_completed", "workspace_id"]);
    expect(Array.from(f.numeric("workspace_id"))).toEqual(Array.from(frame.numeric("workspace_id")));
  });

  it("keeps BIGINT columns as f64 when a value does not fit in int32, and dictionary-encodes many levels", async () => {
    const f = await loadFrame({
      sql: "SELECT CASE WHEN range = 4000 THEN 3000000000 ELSE range END AS id, 'level-' || (range % 700) || '-with-a-long-suffix' AS lbl, 'v' || (range % 500) AS short FROM range(6000)",
    });
    expect(f.column("id").kind).toBe("f64");
    expect(f.value("id", 4000)).toBe(3000000000);
    expect(f.value("id", 4001)).toBe(4001);
    const lbl = f.column("lbl");
    const short = f.column("short");
    expect(lbl.kind === "str" && lbl.levels.length).toBe(700);
    expect(short.kind === "str" && short.levels.length).toBe(500);
    expect(f.value("lbl", 5999)).toBe(`level-${5999 % 700}-with-a-long-suffix`);
    expect(f.value("short", 5999)).toBe(`v${5999 % 500}`);
  });

  it("handles awkward names and text: quotes, spaces, UTF-8, empty cells (duplicate names are refused: load-errors)", async () => {
    const path = join(dir, "awkward.csv");
    writeFileSync(path, 'a,b,my col,"q""uote"\n1,2,naïve,😀 emoji and more than twelve bytes\n3,4,,café\n');
    const f = await loadFrame(path);
    expect(f.names).toEqual(["a", "b", "my col", 'q"uote']);
    expect(f.toRecords()).toEqual([
      { a: 1, b: 2, "my col": "naïve", 'q"uote': "😀 emoji and more than twelve bytes" },
      { a: 3, b: 4, "my col": null, 'q"uote': "café" },
    ]);
    const sel = await loadFrame(path, { columns: ['q"uote', "my col"] });
    expect(sel.names).toEqual(['q"uote', "my col"]);
  });

  it("loads the tutorial fixture (50,000 rows) identically to the test helper", async () => {
    const f = await loadFrame(fixturePath("saas_llm_logs_seed42.csv.gz"));
    const ref = saasFixture();
    expect(f.nrows).toBe(50_000);
    for (const name of ref.names) {
      const c = ref.column(name);
      if (c.kind === "str") expect(f.value(name, 49_999)).toBe(ref.value(name, 49_999));
      else expect(Array.from(f.numeric(name)), name).toEqual(Array.from(c.values));
    }
  });
});
