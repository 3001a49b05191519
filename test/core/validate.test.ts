import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { Frame } from "../../src/core/frame.js";
import { type ColumnRequirement, validateColumns } from "../../src/core/validate.js";

function errorOf(frame: Frame, reqs: readonly ColumnRequirement[]): TrueliftError {
  try {
    validateColumns(frame, reqs);
  } catch (e) {
    expect(e).toBeInstanceOf(TrueliftError);
    return e as TrueliftError;
  }
  throw new Error("expected validateColumns to throw");
}

const frame = Frame.fromObject({
  y: [1, 0, 1, 0],
  d: Int32Array.from([0, 1, 1, 0]),
  x: [0.5, 1.5, 2.5, 3.5],
  tier: ["light", "heavy", "light", "medium"],
  ws: Int32Array.from([3, 3, 4, 4]),
});

describe("validateColumns", () => {
  it("accepts columns that meet their requirements", () => {
    expect(() =>
      validateColumns(frame, [
        { column: "y", kind: "binary" },
        { column: "d", kind: "binary" },
        { column: "x", kind: "numeric" },
        { column: "tier", kind: "categorical" },
        { column: "ws", kind: "categorical" },
        { column: "tier", kind: "any" },
      ]),
    ).not.toThrow();
  });

  it("E_COLUMN_MISSING lists every missing column at once and suggests a case fix", () => {
    const e = errorOf(frame, [
      { column: "Y", kind: "binary" },
      { column: "x", kind: "numeric" },
      { column: "zz", kind: "any" },
    ]);
    expect(e.code).toBe("E_COLUMN_MISSING");
    expect(e.details.missing).toEqual(["Y", "zz"]);
    expect(e.hint).toContain("'y'");
  });

  it("E_COLUMN_TYPE when text is used as a number or a treatment", () => {
    const e = errorOf(frame, [{ column: "tier", kind: "numeric" }]);
    expect(e.code).toBe("E_COLUMN_TYPE");
    expect(e.message).toContain("'light'");
    expect(errorOf(frame, [{ column: "tier", kind: "binary" }]).code).toBe("E_COLUMN_TYPE");
  });

  it("E_NOT_BINARY shows the offending values and 1-based rows", () => {
    const e = errorOf(frame, [{ column: "x", kind: "binary" }]);
    expect(e.code).toBe("E_NOT_BINARY");
    expect(e.details.rows).toEqual([1, 2, 3, 4]);
    expect(e.details.values).toEqual([0.5, 1.5, 2.5, 3.5]);
    expect(e.message).toContain("rows 1, 2, 3, 4");
    const d2 = Frame.fromObject({ t: Int32Array.from([0, 1, 2, 1, -1]) });
    const e2 = errorOf(d2, [{ column: "t", kind: "binary" }]);
    expect(e2.details.rows).toEqual([3, 5]);
    expect(e2.details.count).toBe(2);
  });

  it("E_MISSING_VALUES lists the first offending data rows (1-based) for NaN, null text and empty text", () => {
    const n = 40;
    const y = Array.from({ length: n }, (_, i) => (i % 4 === 1 ? null : i % 2));
    const f = Frame.fromObject({
      y,
      g: Array.from({ length: n }, (_, i) => (i === 2 ? null : i === 5 ? "" : "a")),
    });
    const e = errorOf(f, [{ column: "y", kind: "binary" }]);
    expect(e.code).toBe("E_MISSING_VALUES");
    expect(e.details.count).toBe(10);
    expect(e.details.rows).toEqual([2, 6, 10, 14, 18, 22, 26, 30, 34, 38]);
    expect(e.message).toBe("Column 'y' has 10 missing values (rows 2, 6, 10, 14, 18, … (10 in all)).");
    const g = errorOf(f, [{ column: "g", kind: "categorical" }]);
    expect(g.code).toBe("E_MISSING_VALUES");
    expect(g.details.rows).toEqual([3, 6]);
    expect(() => validateColumns(f, [{ column: "y", kind: "binary", allowMissing: true }])).not.toThrow();
  });

  it("reports missing values before non-binary values, and checks requirements in order", () => {
    const f = Frame.fromObject({ t: [0, 2, null], u: [5, 6, 7] });
    expect(errorOf(f, [{ column: "t", kind: "binary" }]).code).toBe("E_MISSING_VALUES");
    expect(
      errorOf(f, [
        { column: "u", kind: "binary" },
        { column: "t", kind: "binary" },
      ]).code,
    ).toBe("E_NOT_BINARY");
  });

  it("rejects an unknown requirement kind as a spec error", () => {
    const e = errorOf(frame, [{ column: "y", kind: "ordinal" as never }]);
    expect(e.code).toBe("E_INVALID_SPEC");
  });
});
