import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/core/frame.js";
import { loadFrame } from "../../src/data/load.js";
import { fastCsvColumns } from "../../src/data/load-csv.js";
import { DEFAULT_NA, naMarkers, resolveSource } from "../../src/data/load-source.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("truelift-na-");
const FIXTURE = "test/golden/load/na_markers.csv";

interface PandasColumn {
  readonly numeric: boolean;
  readonly values: readonly (number | string | null)[];
  readonly missing: number;
}
const golden = JSON.parse(readFileSync("test/golden/load/na_markers_pandas.json", "utf8")) as {
  default: Record<string, PandasColumn>;
  custom: { na: string[]; frame: Record<string, PandasColumn> };
};

/** A column's cells as pandas shows them: numbers, strings, null for missing. */
function cells(frame: Frame, name: string): (number | string | null)[] {
  const col = frame.column(name);
  if (col.kind === "str") return Array.from(col.codes, (c) => (c < 0 ? null : col.levels[c]));
  return Array.from(col.values, (v) => (Number.isNaN(v) ? null : v));
}

function missing(frame: Frame, name: string): number {
  return cells(frame, name).filter((v) => v === null).length;
}

function expectPandas(frame: Frame, expected: Record<string, PandasColumn>): void {
  expect(frame.names).toEqual(Object.keys(expected));
  for (const [name, col] of Object.entries(expected)) {
    expect(frame.column(name).kind !== "str", name).toBe(col.numeric);
    expect(cells(frame, name), name).toEqual(col.values);
    expect(missing(frame, name), name).toBe(col.missing);
  }
}

/** Same kinds and cells through the fast path (plain file) and DuckDB (gzip copy); whether the fast path took it. */
async function bothPaths(name: string, text: string, na?: string[]): Promise<Frame> {
  const plain = join(dir, name);
  writeFileSync(plain, text);
  writeFileSync(`${plain}.gz`, gzipSync(Buffer.from(text)));
  const options = na === undefined ? {} : { na };
  const fast = await loadFrame(plain, options);
  const duck = await loadFrame(`${plain}.gz`, options);
  expect(fast.names).toEqual(duck.names);
  for (const n of duck.names) {
    expect(fast.column(n).kind, n).toBe(duck.column(n).kind);
    expect(cells(fast, n), n).toEqual(cells(duck, n));
  }
  return fast;
}

describe("missing-value markers (na)", () => {
  it("reads the fixture as pandas read_csv does with its default na_values (NA, NaN, empty → missing)", async () => {
    const frame = await loadFrame(FIXTURE);
    expectPandas(frame, golden.default);
    expect(frame.column("y").kind).toBe("f64");
    expect(frame.column("x").kind).toBe("f64");
  });

  it("reads Stata's '.' and a -99 sentinel as missing when listed (pandas keep_default_na=False)", async () => {
    const frame = await loadFrame(FIXTURE, { na: golden.custom.na });
    expectPandas(frame, golden.custom.frame);
    expect(frame.column("score").kind).toBe("f64");
  });

  it("gives the same frame through the fast path and DuckDB, default and custom markers", async () => {
    const text = readFileSync(FIXTURE, "utf8");
    await bothPaths("fixture.csv", text);
    await bothPaths("fixture-custom.csv", text, golden.custom.na);
    // Files the fast path takes: NA cells in integer, decimal and word columns; a numeric sentinel; CRLF lines.
    const rows = "id,y,x,tier\n1,0.5,3,light\n2,NA,4,heavy\n3,1.25,NA,NA\n4,-99,5,heavy\n5,,-99,light\n";
    const a = await bothPaths("fast.csv", rows);
    expect(
      fastCsvColumns(new TextEncoder().encode(rows), ",", null, naMarkers(undefined, ",")),
    ).not.toBeNull();
    expect(cells(a, "x")).toEqual([3, 4, null, 5, -99]);
    expect(cells(a, "tier")).toEqual(["light", "heavy", null, "heavy", "light"]);
    const b = await bothPaths("fast-custom.csv", rows.replaceAll("\n", "\r\n"), ["NA", "-99"]);
    expect(cells(b, "y")).toEqual([0.5, null, 1.25, null, null]);
    expect(cells(b, "x")).toEqual([3, 4, null, 5, null]);
    expect(b.column("id").kind).toBe("i32");
    // A marker that looks like a one-digit integer, and one that is a word in a text column.
    const c = await bothPaths("digit.csv", "id,k,w\n1,9,ok\n2,3,none\n3,9,ok\n", ["9", "none"]);
    expect(cells(c, "k")).toEqual([null, 3, null]);
    expect(cells(c, "w")).toEqual(["ok", null, "ok"]);
    // NA is an ordinary word once the markers leave it out (readr's na = character() without "").
    const d = await bothPaths("plain-na.csv", "id,tier\n1,NA\n2,light\n", []);
    expect(cells(d, "tier")).toEqual(["NA", "light"]);
  });

  it("uses the markers in the DuckDB read options (nullstr), the empty field always included", () => {
    expect(DEFAULT_NA).toEqual(["", "NA", "NaN"]);
    expect(naMarkers(["NA", ".", "-99", "NA"], ",")).toEqual(["", "NA", ".", "-99"]);
    const src = resolveSource(FIXTURE, { na: ["NA", "it's"] });
    expect(src.sql).toContain("nullstr = ['', 'NA', 'it''s']");
    expect(src.na).toEqual(["", "NA", "it's"]);
  });

  it("refuses a marker that can never match a field (E_INVALID_ARGUMENT)", async () => {
    for (const bad of ["a,b", 'say "x"', "line\nbreak"]) {
      await expect(loadFrame(FIXTURE, { na: [bad] })).rejects.toMatchObject({
        code: "E_INVALID_ARGUMENT",
        details: { marker: bad },
      });
    }
    const tsv = join(dir, "t.tsv");
    copyFileSync(FIXTURE, join(dir, "copy.csv"));
    writeFileSync(tsv, "a\tb\n1\t2\n");
    await expect(loadFrame(tsv, { na: ["x\ty"] })).rejects.toMatchObject({ code: "E_INVALID_ARGUMENT" });
    // A comma is an ordinary marker for a tab-delimited file.
    expect(cells(await loadFrame(tsv, { na: ["1,5"] }), "a")).toEqual([1]);
  });
});
