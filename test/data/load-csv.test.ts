import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Frame } from "../../src/core/frame.js";
import { loadFrame } from "../../src/data/load.js";
import { fastCsvColumns } from "../../src/data/load-csv.js";
import { fixturePath } from "../helpers/fixture.js";
import { tempDir } from "./helpers.js";

const dir = tempDir();

/** Same names, kinds, values (NaN-aware, -0 ≠ 0), codes and levels (order included). */
function expectIdentical(actual: Frame, expected: Frame): void {
  expect(actual.names).toEqual(expected.names);
  expect(actual.nrows).toBe(expected.nrows);
  for (const name of expected.names) {
    const a = actual.column(name);
    const e = expected.column(name);
    expect(a.kind, name).toBe(e.kind);
    if (a.kind === "str" && e.kind === "str") {
      expect(a.levels, name).toEqual(e.levels);
      expect(Array.from(a.codes), name).toEqual(Array.from(e.codes));
    } else if (a.kind !== "str" && e.kind !== "str") {
      const av = Array.from(a.values);
      const ev = Array.from(e.values);
      expect(
        av.every((v, i) => Object.is(v, ev[i])),
        name,
      ).toBe(true);
    }
  }
}

/**
 * Loads `text` as a plain file (the fast path when it qualifies) and as a gzip copy (always DuckDB's reader), and
 * checks both frames are identical; returns whether the fast path took the file.
 */
async function sameAsDuckDB(
  name: string,
  text: string,
  options: { columns?: string[] } = {},
): Promise<boolean> {
  const plain = join(dir, name);
  const gz = join(dir, `${name}.gz`);
  writeFileSync(plain, text);
  writeFileSync(gz, gzipSync(Buffer.from(text)));
  const fast = await loadFrame(plain, options);
  const duck = await loadFrame(gz, options);
  expectIdentical(fast, duck);
  const delim = name.endsWith(".tsv") ? "\t" : ",";
  return fastCsvColumns(new TextEncoder().encode(text), delim, options.columns ?? null) !== null;
}

describe("fast CSV path", () => {
  it("reads the 50,000-row tutorial fixture exactly as DuckDB does (all columns, and a subset)", async () => {
    const text = gunzipSync(readFileSync(fixturePath("saas_llm_logs_seed42.csv.gz"))).toString("utf8");
    expect(await sameAsDuckDB("fixture.csv", text)).toBe(true);
    expect(
      await sameAsDuckDB("fixture-cols.csv", text, {
        columns: ["task_completed", "engagement_tier", "cost_usd"],
      }),
    ).toBe(true);
  });

  it.each([
    ["ints, decimals and words", "a,b,c\n1,0.5,light\n2,1.25,heavy\n-3,-0.125,light\n"],
    ["CRLF line ends, no final newline", "a,b,c\r\n1,0.5,x_y\r\n22,0.75,zz"],
    ["missing values in every kind", "a,b,c,d\n1,,light,4\n,0.5,,5\n3,0.25,heavy,\n"],
    ["a column empty at first", "a,b,c\n,xy,\n,xy,\n7,xy,zw\n"],
    ["integers beyond int32", "a,b\n1,2147483648\n2,-2147483649\n3,99999999999999\n"],
    ["integers mixed with decimals early", "a,b\n1,2\n2,2.5\n3,4\n"],
    ["one-digit and long fields", "a,b\n0,123456789012345\n9,0\n"],
    ["decimals with 15 digits", "a,b\n1,0.12345678901234\n2,12345.6789012345\n"],
    [
      "17-digit decimals and 18-digit integers",
      "a,b\n-0.28788816994691463,123456789012345678\n0.26208805262902884,-99999999999999999\n",
    ],
  ])("%s: fast path, same frame as DuckDB", async (_label, text) => {
    expect(await sameAsDuckDB(`fast-${_label.replace(/\W+/g, "-")}.csv`, text)).toBe(true);
  });

  it("reads 3,000 random doubles at every precision exactly as DuckDB does", async () => {
    let seed = 12345;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const rows = Array.from({ length: 3000 }, (_, i) => {
      const x = (next() - 0.5) * 10 ** Math.floor(next() * 8);
      const fixed = x.toFixed(1 + (i % 15));
      const full = String(x).includes("e") ? "0.5" : String(x);
      return `${i},${/^-0\.0*$/.test(fixed) ? "0.25" : fixed},${full}`;
    });
    expect(await sameAsDuckDB("random.csv", `id,fixed,full\n${rows.join("\n")}\n`)).toBe(true);
  });

  it("reads TSV and a column subset in the requested order", async () => {
    expect(await sameAsDuckDB("t.tsv", "a\tb\tc\n1\txy\t0.5\n2\tyz\t1.5\n")).toBe(true);
    expect(await sameAsDuckDB("sub.csv", "a,b,c\n1,xy,0.5\n2,yz,1.5\n", { columns: ["c", "a"] })).toBe(true);
  });

  it.each([
    ["quoted fields", 'a,b\n1,"x, y"\n2,z\n'],
    ["booleans", "a,b\n1,true\n2,false\n"],
    ["infinity words", "a,b\n1,inf\n2,3\n"],
    ["dates", "a,b\n1,2024-01-02\n2,2024-02-03\n"],
    ["exponent notation", "a,b\n1,1e5\n2,2.5\n"],
    ["leading zeros", "a,b\n1,007\n2,010\n"],
    ["negative zero", "a,b\n1,-0.0\n2,1.5\n"],
    ["nineteen-digit integers", "a,b\n1,1234567890123456789\n2,1\n"],
    ["an all-empty column", "a,b\n1,\n2,\n"],
    ["numbers mixed with text", "a,b\n1,xy\n2,3\n"],
    ["one-letter words", "a,b\n1,x\n2,y\n"],
    ["spaces in a field", "a,b\n1,light user\n2,heavy\n"],
    ["non-ASCII text", "a,b\n1,café\n2,thé\n"],
    ["a blank line", "a,b\n1,2\n\n3,4\n"],
  ])("%s: left to DuckDB, same frame", async (_label, text) => {
    expect(await sameAsDuckDB(`slow-${_label.replace(/\W+/g, "-")}.csv`, text)).toBe(false);
  });

  it("declines files DuckDB would reject, so its error codes stay", async () => {
    const ragged = join(dir, "ragged.csv");
    writeFileSync(ragged, "a,b\n1,2\n3\n");
    expect(fastCsvColumns(readFileSync(ragged), ",", null)).toBeNull();
    await expect(loadFrame(ragged)).rejects.toMatchObject({ code: "E_READ_FAILED" });
    const ok = join(dir, "ok.csv");
    writeFileSync(ok, "a,b\n1,2\n");
    await expect(loadFrame(ok, { columns: ["a", "zz"] })).rejects.toMatchObject({ code: "E_COLUMN_MISSING" });
    await expect(loadFrame(ok, { columns: ["a", "a"] })).rejects.toMatchObject({
      code: "E_INVALID_ARGUMENT",
    });
    const headerOnly = join(dir, "header-only.csv");
    writeFileSync(headerOnly, "a,b\n");
    await expect(loadFrame(headerOnly)).rejects.toMatchObject({ code: "E_EMPTY_DATA" });
  });

  it("parses decimals to the correctly rounded double (mantissa / 10^k)", () => {
    const values = ["0.1", "0.7469", "123.456", "-9.999999999", "0.30000000000000"];
    const text = `a,b\n${values.map((v, i) => `${i},${v}`).join("\n")}\n`;
    const cols = fastCsvColumns(new TextEncoder().encode(text), ",", ["b"]);
    const b = cols?.get("b");
    expect(b?.kind).toBe("f64");
    if (b?.kind === "f64") expect(Array.from(b.values)).toEqual(values.map(Number));
  });
});
