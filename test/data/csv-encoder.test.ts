import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { CsvEncoder, type CsvFormatOptions } from "../../src/data/csv-encoder.js";

function encode(frames: Frame | Frame[], options: CsvFormatOptions = {}): string {
  const parts: Buffer[] = [];
  const enc = new CsvEncoder((b) => parts.push(Buffer.from(b)), options);
  for (const f of Array.isArray(frames) ? frames : [frames]) enc.write(f);
  enc.end();
  return Buffer.concat(parts).toString("utf8");
}

describe("CsvEncoder", () => {
  it("prints integers plainly, fixed decimals pandas-style, and shortest round-trip otherwise", () => {
    const f = Frame.fromObject({
      id: Int32Array.from([0, -7, 2147483647, -2147483648]),
      minutes: [7, 7.03, 0.5, 12.999],
      cost: [0.037, 0.0221, 0.0081, 1],
      raw: [0.1, 3, Number.NaN, 1e-7],
    });
    const text = encode(f, { decimals: { minutes: 2, cost: 4 } });
    expect(text).toBe(
      "id,minutes,cost,raw\n0,7.0,0.037,0.1\n-7,7.03,0.0221,3.0\n2147483647,0.5,0.0081,\n-2147483648,13.0,1.0,1e-7\n",
    );
  });

  it("quotes only strings that need it, writes missing strings as empty cells", () => {
    const f = Frame.fromObject({ s: ["plain", 'say "hi"', "a,b", null, "line\nbreak"] });
    expect(encode(f)).toBe('s\nplain\n"say ""hi"""\n"a,b"\n\n"line\nbreak"\n');
  });

  it("writes TSV, and only quotes tabs there", () => {
    const f = Frame.fromObject({ a: ["x,y", "t\tu"], b: [1, 2] });
    expect(encode(f, { delimiter: "\t" })).toBe('a\tb\nx,y\t1.0\n"t\tu"\t2.0\n');
  });

  it("gives the same bytes whatever the chunking, across buffer flushes", () => {
    const n = 120_000;
    const ids = Int32Array.from({ length: n }, (_, i) => i);
    const xs = Float64Array.from({ length: n }, (_, i) => i / 7);
    const labels = {
      kind: "str" as const,
      codes: Int32Array.from({ length: n }, (_, i) => i % 3),
      levels: ["a", "bb", "ccc"],
    };
    const whole = Frame.fromColumns({
      id: { kind: "i32", values: ids },
      x: { kind: "f64", values: xs },
      l: labels,
    });
    const chunks = [0, 1000, 50_000, n].slice(1).map((end, k, ends) => {
      const start = k === 0 ? 0 : ends[k - 1];
      return whole.take(Int32Array.from({ length: end - start }, (_, i) => start + i));
    });
    const a = encode(whole, { decimals: { x: 3 } });
    const b = encode(chunks, { decimals: { x: 3 } });
    expect(b).toBe(a);
    expect(a.split("\n")[8]).toBe("7,1.0,bb");
  });

  it("handles strings longer than the buffer", () => {
    const long = "x".repeat(3 << 20);
    const text = encode(Frame.fromObject({ s: [long, "y"] }));
    expect(text).toBe(`s\n${long}\ny\n`);
  });

  it("rejects chunks whose columns differ from the first, and bad decimals", () => {
    const enc = new CsvEncoder(() => undefined);
    enc.write(Frame.fromObject({ a: [1] }));
    expect(() => enc.write(Frame.fromObject({ b: [1] }))).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
    expect(() => new CsvEncoder(() => undefined, { decimals: { a: 2.5 } })).toThrow(
      expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
    );
  });
});
