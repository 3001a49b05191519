import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { Frame } from "../../src/core/frame.js";
import { parseFormula } from "../../src/models/formula.js";
import { type OlsSpec, ols, olsFit } from "../../src/models/ols.js";
import type { Vcov } from "../../src/models/vcov/types.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { errorCode } from "../helpers/error-code.js";
import { cellData, expectSameFit, framesOf, rhs } from "./ols-frequency-data.js";

const FREQ = { count: "count", withinSS: "y_ss" } as const;
const RUNS = 50;

/** Fits rows and cells; either both throw the same code or both fit identically. */
function compare(data: Parameters<typeof framesOf>[0], spec: Omit<OlsSpec, "outcome" | "terms">): boolean {
  const { rows, cells } = framesOf(data);
  const formula = parseFormula(`y ~ ${rhs(data.keys)}`);
  let row: ReturnType<typeof ols> | null = null;
  let rowCode: string | null = null;
  try {
    row = ols(rows, { ...formula, ...spec });
  } catch (e) {
    if (!(e instanceof TrueliftError)) throw e;
    rowCode = e.code;
  }
  if (row === null) {
    expect(errorCode(() => ols(cells, { ...formula, ...spec, frequency: FREQ }))).toBe(rowCode);
    return false;
  }
  expectSameFit(ols(cells, { ...formula, ...spec, frequency: FREQ }), row);
  return true;
}

const VCOVS: readonly [string, Vcov][] = [
  ["iid", { type: "iid" }],
  ["HC0", { type: "hc", kind: "HC0" }],
  ["HC1", { type: "hc", kind: "HC1" }],
  ["HC2", { type: "hc", kind: "HC2" }],
  ["HC3", { type: "hc", kind: "HC3" }],
  ["CR1", { type: "cluster", by: ["g"] }],
  ["CR2", { type: "cluster", by: ["g"], kind: "CR2" }],
  ["CR3", { type: "cluster", by: ["g"], kind: "CR3" }],
];

describe("ols on frequency-weighted cells equals ols on the rows", () => {
  it("the generator makes cells of size 1 and larger, unbalanced", () => {
    const sizes = new Set<number>();
    for (const data of fc.sample(cellData, { numRuns: 20, seed: 1413 })) {
      for (const c of framesOf(data).cells.numeric("count")) sizes.add(c);
    }
    expect(sizes.has(1)).toBe(true);
    expect(Math.max(...sizes)).toBeGreaterThan(3);
  });

  for (const [label, vcov] of VCOVS) {
    it(`${label}: every field to 1e-10`, () => {
      let fitted = 0;
      fc.assert(
        fc.property(cellData, (data) => {
          if (compare(data, { vcov })) fitted++;
        }),
        { numRuns: RUNS, seed: 1414 },
      );
      expect(fitted).toBeGreaterThan(RUNS / 2);
    });
  }

  for (const [label, vcov] of VCOVS.filter(([l]) => l !== "CR2" && l !== "CR3")) {
    it(`${label} with an absorbed fixed effect (demeaned by count)`, () => {
      let fitted = 0;
      fc.assert(
        fc.property(cellData, (data) => {
          if (compare(data, { vcov, absorb: ["g"] })) fitted++;
        }),
        { numRuns: 30, seed: 1415 },
      );
      expect(fitted).toBeGreaterThan(15);
    });
  }

  it("CR1 with two absorbed fixed effects, two-way CR1, no intercept, normal reference", () => {
    fc.assert(
      fc.property(cellData, (data) => {
        compare(data, { vcov: { type: "cluster", by: ["g"] }, absorb: ["g", "a"] });
        compare(data, { vcov: { type: "cluster", by: ["g", "a"] } });
        compare(data, { vcov: { type: "hc", kind: "HC1" }, intercept: false });
        compare(data, { vcov: { type: "hc", kind: "HC3", dist: "normal" }, alpha: 0.1 });
      }),
      { numRuns: 25, seed: 1416 },
    );
  });

  it("withVcov on a frequency fit swaps the estimator exactly", () => {
    fc.assert(
      fc.property(cellData, (data) => {
        const { rows, cells } = framesOf(data);
        const formula = parseFormula(`y ~ ${rhs(data.keys)}`);
        let rowFit: ReturnType<typeof olsFit>;
        try {
          rowFit = olsFit(rows, formula);
        } catch {
          return;
        }
        const cellFit = olsFit(cells, { ...formula, frequency: FREQ });
        for (const [, vcov] of VCOVS) {
          let row: ReturnType<typeof ols> | null = null;
          try {
            row = withVcov(rowFit, vcov);
          } catch (e) {
            expect(errorCode(() => withVcov(cellFit, vcov))).toBe((e as TrueliftError).code);
          }
          if (row) expectSameFit(withVcov(cellFit, vcov), row);
        }
      }),
      { numRuns: 20, seed: 1417 },
    );
  });
});

describe("ols frequency: counts, drops and documented cases", () => {
  const rows = Frame.fromObject({
    y: [1, 2, 4, 3, 5, 7, 6, 9, 8, 12],
    t: ["a", "a", "a", "b", "b", "c", "c", "c", "c", "c"],
  });
  const cells = Frame.fromObject({
    y: [7 / 3, 4, 8.4],
    t: ["a", "b", "c"],
    n: [3, 2, 5],
    ss: [14 / 3, 2, 21.2],
  });

  it("a saturated model on as many cells as coefficients (N > K rows)", () => {
    const spec = { ...parseFormula("y ~ C(t)"), vcov: { type: "hc", kind: "HC1" } } as const;
    expectSameFit(ols(cells, { ...spec, frequency: { count: "n", withinSS: "ss" } }), ols(rows, spec));
  });

  it("dropped cells are counted in rows", () => {
    const withNa = Frame.fromObject({
      y: [7 / 3, 4, 8.4, null],
      t: ["a", "b", "c", "c"],
      n: [3, 2, 5, 4],
      ss: [1, 2, 3, 0],
    });
    const res = ols(withNa, { ...parseFormula("y ~ C(t)"), frequency: { count: "n", withinSS: "ss" } });
    expect(res.n).toEqual({ obs: 10, dropped: 4, droppedReasons: { "missing:y": 4 } });
    const ints = Frame.fromObject({ y: [1, 4, null], n: Int32Array.of(2, 3, 6), x: [0, 1, 1] });
    expect(ols(ints, { ...parseFormula("y ~ x"), frequency: { count: "n" } }).n.dropped).toBe(6);
  });

  it("without withinSS the coefficients match, RSS is the between-cell part", () => {
    const res = ols(cells, { ...parseFormula("y ~ C(t)"), frequency: { count: "n" } });
    const row = ols(rows, parseFormula("y ~ C(t)"));
    expect(res.terms[1].estimate).toBeCloseTo(row.terms[1].estimate, 12);
    expect(res.rss).toBeCloseTo(0, 12);
    expect(res.method).toBe("ols");
  });
});

describe("ols frequency: errors", () => {
  const spec = (count: string, withinSS?: string): OlsSpec => ({
    ...parseFormula("y ~ x"),
    frequency: withinSS === undefined ? { count } : { count, withinSS },
  });
  const frame = (n: (number | null)[], ss: (number | null)[] = [0, 0, 0, 0]) =>
    Frame.fromObject({ y: [1, 2, 3, 5], x: [0, 1, 2, 3], n, ss, s: ["a", "b", "c", "d"] });

  it.each([
    [[1, 0, 2, 3]],
    [[1, 1.5, 2, 3]],
    [[1, -2, 2, 3]],
    [[1, null, 2, 3]],
    [[1, Number.POSITIVE_INFINITY, 2, 3]],
  ])("count %j → E_BAD_FREQUENCY", (n) => {
    expect(errorCode(() => ols(frame(n), spec("n")))).toBe("E_BAD_FREQUENCY");
  });

  it.each([[[0, -1, 0, 0]], [[0, null, 0, 0]], [[0, Number.POSITIVE_INFINITY, 0, 0]]])(
    "withinSS %j → E_BAD_FREQUENCY",
    (ss) => {
      expect(errorCode(() => ols(frame([1, 2, 2, 1], ss), spec("n", "ss")))).toBe("E_BAD_FREQUENCY");
    },
  );

  it("frequency with analytic weights, or a malformed spec → E_INVALID_SPEC", () => {
    const f = frame([1, 2, 2, 1]);
    expect(errorCode(() => ols(f, { ...spec("n"), weights: "n" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => ols(f, spec("")))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => ols(f, spec("n", "")))).toBe("E_INVALID_SPEC");
  });

  it("text or absent count columns → E_COLUMN_TYPE / E_COLUMN_MISSING", () => {
    const f = frame([1, 2, 2, 1]);
    expect(errorCode(() => ols(f, spec("s")))).toBe("E_COLUMN_TYPE");
    expect(errorCode(() => ols(f, spec("nope")))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => ols(f, spec("n", "s")))).toBe("E_COLUMN_TYPE");
  });

  it("fewer rows than parameters counts rows, not cells", () => {
    const one = Frame.fromObject({ y: [1, 2], x: [0, 1], n: [1, 1] });
    expect(errorCode(() => ols(one, { ...parseFormula("y ~ x"), frequency: { count: "n" } }))).toBe(
      "E_TOO_FEW_OBSERVATIONS",
    );
  });
});
