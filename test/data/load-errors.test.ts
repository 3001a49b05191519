import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { validateColumns } from "../../src/core/validate.js";
import type { LoadOptions } from "../../src/data/load.js";
import { loadFrame } from "../../src/data/load.js";
import type { LoadSource } from "../../src/data/load-source.js";
import { thrown } from "../helpers/error-code.js";
import { runDuckDB, tempDir } from "./helpers.js";

const dir = tempDir();
const file = (name: string, content: string | Uint8Array) => {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
};

async function loadError(source: LoadSource, options?: LoadOptions): Promise<TrueliftError> {
  try {
    await loadFrame(source, options);
  } catch (e) {
    expect(e).toBeInstanceOf(TrueliftError);
    return e as TrueliftError;
  }
  throw new Error("expected loadFrame to throw");
}

describe("loadFrame errors", () => {
  it("E_FILE_NOT_FOUND for a missing path and a missing DuckDB file", async () => {
    const e = await loadError(join(dir, "nope.csv"));
    expect(e.code).toBe("E_FILE_NOT_FOUND");
    expect(e.category).toBe("data");
    expect(e.message).toContain("nope.csv");
    expect((await loadError({ duckdb: join(dir, "nope.duckdb"), sql: "SELECT 1" })).code).toBe(
      "E_FILE_NOT_FOUND",
    );
    expect((await loadError(join(dir, "missing-dir", "x.csv"))).code).toBe("E_FILE_NOT_FOUND");
  });

  it("E_UNSUPPORTED_FORMAT for an unknown extension, and for content that contradicts the extension", async () => {
    const xlsx = file("book.xlsx", Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4]));
    const e1 = await loadError(xlsx);
    expect(e1.code).toBe("E_UNSUPPORTED_FORMAT");
    const renamed = file("book.csv", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]));
    const e2 = await loadError(renamed);
    expect(e2.code).toBe("E_UNSUPPORTED_FORMAT");
    expect(e2.message).toContain("ZIP");
    const png = file("img.csv", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect((await loadError(png)).message).toContain("PNG");
    const notParquet = file("data.parquet", "a,b\n1,2\n");
    expect((await loadError(notParquet)).code).toBe("E_UNSUPPORTED_FORMAT");
    const parquetNamedCsv = file("p.csv", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(8)]));
    expect((await loadError(parquetNamedCsv)).code).toBe("E_UNSUPPORTED_FORMAT");
    // A Parquet file with an unknown extension is recognised by its signature and then fails to parse.
    const truncated = file("data.bin", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(4)]));
    expect((await loadError(truncated)).code).toBe("E_READ_FAILED");
  });

  it("E_READ_FAILED for malformed CSV, JSON and Parquet, an empty file, and a directory", async () => {
    const ragged = file("ragged.csv", "a,b\n1,2\n3,4,5\n6,7\n");
    const e = await loadError(ragged);
    expect(e.code).toBe("E_READ_FAILED");
    expect(e.message).toContain("ragged.csv");
    expect(e.details.duckdb).toEqual(expect.any(String));
    expect((await loadError(file("short.csv", "a,b\n1,2\n3\n"))).code).toBe("E_READ_FAILED");
    expect((await loadError(file("bad.ndjson", '{"a":1}\n{"a":2,\n'))).code).toBe("E_READ_FAILED");
    expect(
      (await loadError(file("trunc.parquet", Buffer.concat([Buffer.from("PAR1"), Buffer.alloc(4)])))).code,
    ).toBe("E_READ_FAILED");
    expect((await loadError(file("empty.csv", ""))).code).toBe("E_READ_FAILED");
    const sub = join(dir, "folder.csv");
    mkdirSync(sub);
    expect((await loadError(sub)).code).toBe("E_READ_FAILED");
    const notDb = file("not-a-db.duckdb", "hello, I am text\n");
    expect((await loadError({ duckdb: notDb, sql: "SELECT 1" })).code).toBe("E_READ_FAILED");
  });

  it("E_QUERY_FAILED for bad SQL, with the SQL attached", async () => {
    const e = await loadError({ sql: "SELEC 1" });
    expect(e.code).toBe("E_QUERY_FAILED");
    expect(e.category).toBe("engine");
    expect(e.details.sql).toBe("SELEC 1");
    const db = join(dir, "w.duckdb");
    await runDuckDB(db, ["CREATE TABLE t AS SELECT 1 AS x"]);
    const e2 = await loadError({ duckdb: db, sql: "SELECT * FROM no_such_table" });
    expect(e2.code).toBe("E_QUERY_FAILED");
    expect(e2.message).toContain("no_such_table");
    expect(e2.details.sql).toBe("SELECT * FROM no_such_table");
  });

  it("E_COLUMN_MISSING names the missing columns, lists what exists, and suggests case fixes", async () => {
    const csv = file("cols.csv", "user_id,Task_Completed\n1,0\n");
    const e = await loadError(csv, { columns: ["user_id", "task_completed", "nope"] });
    expect(e.code).toBe("E_COLUMN_MISSING");
    expect(e.details.missing).toEqual(["task_completed", "nope"]);
    expect(e.details.available).toEqual(["user_id", "Task_Completed"]);
    expect(e.hint).toContain("Task_Completed");
    const q = await loadError({ sql: "SELECT 1 AS a" }, { columns: ["b"] });
    expect(q.code).toBe("E_COLUMN_MISSING");
  });

  it("rejects an empty query and a multi-character delimiter as usage errors", async () => {
    expect((await loadError({ sql: " ; " })).code).toBe("E_INVALID_ARGUMENT");
    const csv = file("d.csv", "a;b\n1;2\n");
    expect((await loadError(csv, { delimiter: ";;" })).code).toBe("E_INVALID_ARGUMENT");
    const ok = await loadFrame(csv, { delimiter: ";" });
    expect(ok.names).toEqual(["a", "b"]);
  });

  it("E_EMPTY_DATA for a CSV with a header but no rows (plain and gzipped), not 'holds text'", async () => {
    for (const p of [file("header-only.csv", "a,b\n"), file("header-only.csv.gz", gzipSync("a,b\n"))]) {
      const e = await loadError(p);
      expect(e.code).toBe("E_EMPTY_DATA");
      expect(e.message).toContain("has a header but no rows");
    }
  });

  it("E_NONFINITE_VALUES naming the column for inf / -inf / Infinity (sniffed as DATE, as text, or after the sample)", async () => {
    const asDate = await loadFrame(file("inf-date.csv", "a,b\n1,inf\n2,-inf\n3,Infinity\n"));
    expect(Array.from(asDate.numeric("b"))).toEqual([Infinity, -Infinity, Infinity]);
    const e1 = thrown(() => validateColumns(asDate, [{ column: "b", kind: "numeric" }]));
    expect(e1.code).toBe("E_NONFINITE_VALUES");
    expect(e1.message).toContain("Column 'b'");
    const asText = await loadFrame(file("inf-text.csv", "a,b\n1,2.5\n2,INF\n3,+Infinity\n"));
    expect(thrown(() => validateColumns(asText, [{ column: "b", kind: "numeric" }])).code).toBe(
      "E_NONFINITE_VALUES",
    );
    const late = file(
      "inf-late.csv",
      `a,b\n${Array.from({ length: 30000 }, (_, i) => `${i},${i}\n`).join("")}5,inf\n`,
    );
    const e2 = await loadError(late);
    expect(e2.code).toBe("E_NONFINITE_VALUES");
    expect(e2.message).toContain("Column 'b'");
  });

  it("a corrupt or truncated .gz says the file is not valid gzip (not a type error, not a silent prefix)", async () => {
    const good = gzipSync(`a,b\n${Array.from({ length: 5000 }, (_, i) => `${i},${i * 3}\n`).join("")}`);
    const corrupt = Uint8Array.from(good, (x, k) => (k >= 200 && k < 260 ? x ^ 0x55 : x));
    for (const bytes of [
      corrupt,
      good.subarray(0, good.length >> 1),
      Buffer.from([0x1f, 0x8b, 9, 9, 9, 9]),
    ]) {
      const e = await loadError(file("broken.csv.gz", bytes));
      expect(e.code).toBe("E_READ_FAILED");
      expect(e.message).toContain("is not valid gzip");
    }
  });

  it("a ';'- or tab-delimited .csv read as one column: the hint names the delimiter it probably uses", async () => {
    const semi = await loadError(file("semi.csv", "a;b\n1;2\n3;4\n"));
    expect(semi.code).toBe("E_READ_FAILED");
    expect(semi.hint).toContain("';'");
    const tab = await loadError(file("tab.csv", "a\tb\n1\t2\n3\t4\n"));
    expect(tab.hint).toContain("tab");
    expect((await loadFrame(file("one.csv", "a;b\nx\ny\n"))).names).toEqual(["a;b"]);
  });

  it("E_DUPLICATE_COLUMN names both copies instead of silently renaming the second", async () => {
    const e = await loadError(file("dup.csv", "task_completed,x,task_completed\n1,2,0\n0,3,1\n"));
    expect(e.code).toBe("E_DUPLICATE_COLUMN");
    expect(e.message).toContain("'task_completed' (columns 1 and 3)");
  });
});
