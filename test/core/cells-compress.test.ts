import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { comomentKey } from "../../src/core/cells.js";
import { compressFrameToCells } from "../../src/core/cells-compress.js";
import { Frame } from "../../src/core/frame.js";
import { errorCode } from "../helpers/error-code.js";

describe("compressFrameToCells", () => {
  it("groups by the keys in first-appearance order with count, mean and two-pass within-cell sums", () => {
    const f = Frame.fromObject({
      g: ["a", "b", "a", "a"],
      t: [1, 1, 1, 2],
      y: [1, 5, 3, 7],
      d: [0, 1, 1, 0],
    });
    const c = compressFrameToCells(f, { keys: ["g", "t"], measures: ["y", "d"], crossProducts: true });
    expect(c.frame.nrows).toBe(3);
    expect(c.frame.column("g")).toMatchObject({ kind: "str" });
    expect([0, 1, 2].map((i) => c.frame.value("g", i))).toEqual(["a", "b", "a"]);
    expect([...c.frame.numeric("t")]).toEqual([1, 1, 2]);
    expect([...c.frame.numeric(c.count)]).toEqual([2, 1, 1]);
    expect([...c.frame.numeric("y")]).toEqual([2, 5, 7]);
    expect([...c.frame.numeric(c.withinSS.y)]).toEqual([2, 0, 0]);
    expect([...c.frame.numeric(c.comoment[comomentKey("d", "y")])]).toEqual([1, 0, 0]);
    expect(c.rowsScanned).toBe(4);
  });

  it("keeps a missing key as its own cell and lets a NaN measure show in its cell's mean", () => {
    const f = Frame.fromObject({ g: ["a", null, "a"], y: [1, 2, Number.NaN] });
    const c = compressFrameToCells(f, { keys: ["g"], measures: ["y"] });
    expect(c.frame.nrows).toBe(2);
    expect(c.frame.value("g", 1)).toBeNull();
    expect(Number.isNaN(c.frame.numeric("y")[0])).toBe(true);
  });

  it("refuses a column that is both key and measure, and a missing column, by code", () => {
    const f = Frame.fromObject({ g: [1, 2], y: [1, 2] });
    expect(errorCode(() => compressFrameToCells(f, { keys: ["g"], measures: ["g"] }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => compressFrameToCells(f, { keys: ["h"], measures: ["y"] }))).toBe(
      "E_COLUMN_MISSING",
    );
  });

  it("matches the expanded rows: Σcount, Σcount·mean and Σ(withinSS + count·(mean − grand)²) equal the row totals", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            k: fc.integer({ min: 0, max: 3 }),
            j: fc.constantFrom("x", "y"),
            y: fc.integer({ min: -50, max: 50 }),
          }),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        (rows) => {
          const f = Frame.fromObject({
            k: rows.map((r) => r.k),
            j: rows.map((r) => r.j),
            y: rows.map((r) => r.y / 7),
          });
          const c = compressFrameToCells(f, { keys: ["k", "j"], measures: ["y"] });
          const n = c.frame.numeric(c.count);
          const m = c.frame.numeric("y");
          const ss = c.frame.numeric(c.withinSS.y);
          const y = f.numeric("y");
          const total = y.reduce((s, v) => s + v, 0);
          const grand = total / y.length;
          const tss = y.reduce((s, v) => s + (v - grand) ** 2, 0);
          let cn = 0;
          let cs = 0;
          let css = 0;
          for (let i = 0; i < n.length; i++) {
            cn += n[i];
            cs += n[i] * m[i];
            css += ss[i] + n[i] * (m[i] - grand) ** 2;
          }
          expect(cn).toBe(rows.length);
          expect(cs).toBeCloseTo(total, 9);
          expect(css).toBeCloseTo(tss, 8);
        },
      ),
      { numRuns: 100, seed: 7 },
    );
  });
});
