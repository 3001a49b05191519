import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { buildDesign } from "../../src/models/design-matrix.js";
import { codeTerms, factorLabel, parseFormula } from "../../src/models/formula.js";

/**
 * Column names patsy 0.5.3 gives for these formulas on a frame with numeric x, z and text g (a–d), h (p–r):
 * `patsy.dmatrices(f, d)[1].design_info.column_names` (generated once, hard-coded here).
 */
const PATSY_NAMES: Record<string, string[]> = {
  'y ~ C(g,Treatment( reference = "c" ))': [
    "Intercept",
    'C(g, Treatment(reference="c"))[T.a]',
    'C(g, Treatment(reference="c"))[T.b]',
    'C(g, Treatment(reference="c"))[T.d]',
  ],
  "y~C( g , Treatment('c'))*x": [
    "Intercept",
    "C(g, Treatment('c'))[T.a]",
    "C(g, Treatment('c'))[T.b]",
    "C(g, Treatment('c'))[T.d]",
    "x",
    "C(g, Treatment('c'))[T.a]:x",
    "C(g, Treatment('c'))[T.b]:x",
    "C(g, Treatment('c'))[T.d]:x",
  ],
  "y ~ x:z + C(g) + x": ["Intercept", "C(g)[T.b]", "C(g)[T.c]", "C(g)[T.d]", "x:z", "x"],
  "y ~ C(g):C(h)": [
    "Intercept",
    "C(h)[T.q]",
    "C(h)[T.r]",
    "C(g)[T.b]:C(h)[p]",
    "C(g)[T.c]:C(h)[p]",
    "C(g)[T.d]:C(h)[p]",
    "C(g)[T.b]:C(h)[q]",
    "C(g)[T.c]:C(h)[q]",
    "C(g)[T.d]:C(h)[q]",
    "C(g)[T.b]:C(h)[r]",
    "C(g)[T.c]:C(h)[r]",
    "C(g)[T.d]:C(h)[r]",
  ],
  "y ~ C(h) + C(g):C(h)": [
    "Intercept",
    "C(h)[T.q]",
    "C(h)[T.r]",
    "C(g)[T.b]:C(h)[p]",
    "C(g)[T.c]:C(h)[p]",
    "C(g)[T.d]:C(h)[p]",
    "C(g)[T.b]:C(h)[q]",
    "C(g)[T.c]:C(h)[q]",
    "C(g)[T.d]:C(h)[q]",
    "C(g)[T.b]:C(h)[r]",
    "C(g)[T.c]:C(h)[r]",
    "C(g)[T.d]:C(h)[r]",
  ],
  "y ~ x*z*C(h)": [
    "Intercept",
    "C(h)[T.q]",
    "C(h)[T.r]",
    "x",
    "x:C(h)[T.q]",
    "x:C(h)[T.r]",
    "z",
    "z:C(h)[T.q]",
    "z:C(h)[T.r]",
    "x:z",
    "x:z:C(h)[T.q]",
    "x:z:C(h)[T.r]",
  ],
  "y ~ C(g)*C(h) - 1": [
    "C(g)[a]",
    "C(g)[b]",
    "C(g)[c]",
    "C(g)[d]",
    "C(h)[T.q]",
    "C(h)[T.r]",
    "C(g)[T.b]:C(h)[T.q]",
    "C(g)[T.c]:C(h)[T.q]",
    "C(g)[T.d]:C(h)[T.q]",
    "C(g)[T.b]:C(h)[T.r]",
    "C(g)[T.c]:C(h)[T.r]",
    "C(g)[T.d]:C(h)[T.r]",
  ],
  "y ~ -1 + x": ["x"],
  "y ~ x + 1 + 0 + 1": ["Intercept", "x"],
  "y ~ (x + z):C(h)": [
    "Intercept",
    "x:C(h)[p]",
    "x:C(h)[q]",
    "x:C(h)[r]",
    "z:C(h)[p]",
    "z:C(h)[q]",
    "z:C(h)[r]",
  ],
  "y ~ z:x + x:z": ["Intercept", "z:x"],
  "y ~ x - x + z": ["Intercept", "z"],
  "y ~ x:C(g)": ["Intercept", "x:C(g)[a]", "x:C(g)[b]", "x:C(g)[c]", "x:C(g)[d]"],
  "y ~ C(g) + x:C(g)": [
    "Intercept",
    "C(g)[T.b]",
    "C(g)[T.c]",
    "C(g)[T.d]",
    "x:C(g)[a]",
    "x:C(g)[b]",
    "x:C(g)[c]",
    "x:C(g)[d]",
  ],
  "y ~ 0 + C(g):x": ["C(g)[a]:x", "C(g)[b]:x", "C(g)[c]:x", "C(g)[d]:x"],
  "y ~ C(h):C(g):x + x": [
    "Intercept",
    "x",
    "C(g)[T.b]:x",
    "C(g)[T.c]:x",
    "C(g)[T.d]:x",
    "C(h)[T.q]:C(g)[a]:x",
    "C(h)[T.r]:C(g)[a]:x",
    "C(h)[T.q]:C(g)[b]:x",
    "C(h)[T.r]:C(g)[b]:x",
    "C(h)[T.q]:C(g)[c]:x",
    "C(h)[T.r]:C(g)[c]:x",
    "C(h)[T.q]:C(g)[d]:x",
    "C(h)[T.r]:C(g)[d]:x",
  ],
  "y ~ C(g, Treatment('b')):C(h) + C(h)": [
    "Intercept",
    "C(h)[T.q]",
    "C(h)[T.r]",
    "C(g, Treatment('b'))[T.a]:C(h)[p]",
    "C(g, Treatment('b'))[T.c]:C(h)[p]",
    "C(g, Treatment('b'))[T.d]:C(h)[p]",
    "C(g, Treatment('b'))[T.a]:C(h)[q]",
    "C(g, Treatment('b'))[T.c]:C(h)[q]",
    "C(g, Treatment('b'))[T.d]:C(h)[q]",
    "C(g, Treatment('b'))[T.a]:C(h)[r]",
    "C(g, Treatment('b'))[T.c]:C(h)[r]",
    "C(g, Treatment('b'))[T.d]:C(h)[r]",
  ],
  "y ~ 0 + C(g) + C(h)": ["C(g)[a]", "C(g)[b]", "C(g)[c]", "C(g)[d]", "C(h)[T.q]", "C(h)[T.r]"],
  "y ~ x*C(g) - x": [
    "Intercept",
    "C(g)[T.b]",
    "C(g)[T.c]",
    "C(g)[T.d]",
    "x:C(g)[a]",
    "x:C(g)[b]",
    "x:C(g)[c]",
    "x:C(g)[d]",
  ],
  "y ~ (x + C(h))*z": ["Intercept", "C(h)[T.q]", "C(h)[T.r]", "x", "z", "C(h)[T.q]:z", "C(h)[T.r]:z", "x:z"],
};

const frame = Frame.fromObject({
  y: Array.from({ length: 12 }, (_, i) => i),
  g: Array.from("abcdabcdabcd"),
  x: Array.from({ length: 12 }, (_, i) => i * i),
  z: Array.from({ length: 12 }, (_, i) => i % 5),
  h: Array.from("pqrpqrpqrpqr"),
});

describe("parseFormula + patsy coding", () => {
  for (const [formula, names] of Object.entries(PATSY_NAMES)) {
    it(`names and orders columns like patsy: ${formula}`, () => {
      const d = buildDesign(frame, { ...parseFormula(formula), absorb: [], clusterBy: [], missing: "drop" });
      expect(d.names).toEqual(names);
      expect(d.columns.length).toBe(names.length - (d.intercept ? 1 : 0));
    });
  }

  it("parses the DiD formula into the canonical spec", () => {
    const f = parseFormula("task_completed ~ treated*post + C(engagement_tier)");
    expect(f).toEqual({
      outcome: "task_completed",
      intercept: true,
      terms: [
        { factors: [{ kind: "numeric", column: "treated" }] },
        { factors: [{ kind: "numeric", column: "post" }] },
        {
          factors: [
            { kind: "numeric", column: "treated" },
            { kind: "numeric", column: "post" },
          ],
        },
        { factors: [{ kind: "categorical", column: "engagement_tier", label: "C(engagement_tier)" }] },
      ],
    });
    expect(Object.isFrozen(f.terms)).toBe(true);
  });

  it("reads reference levels given as strings, keywords or numbers", () => {
    const t = (s: string) => parseFormula(`y ~ ${s}`).terms[0].factors[0];
    expect(t("C(g, Treatment('b'))")).toMatchObject({ reference: "b", label: "C(g, Treatment('b'))" });
    expect(t('C(g, Treatment(reference="b"))')).toMatchObject({ reference: "b" });
    expect(t("C(wave, Treatment(2))")).toMatchObject({ reference: "2", label: "C(wave, Treatment(2))" });
  });

  it("labels structured categorical factors like patsy would", () => {
    expect(factorLabel({ kind: "categorical", column: "tier" })).toBe("C(tier)");
    expect(factorLabel({ kind: "categorical", column: "tier", reference: "heavy" })).toBe(
      "C(tier, Treatment('heavy'))",
    );
    expect(factorLabel({ kind: "numeric", column: "x" })).toBe("x");
  });

  it("codes numeric columns used as categoricals with integer-looking labels", () => {
    const d = buildDesign(frame, {
      ...parseFormula("y ~ C(z, Treatment(2))"),
      absorb: [],
      clusterBy: [],
      missing: "drop",
    });
    expect(d.names).toEqual([
      "Intercept",
      "C(z, Treatment(2))[T.0]",
      "C(z, Treatment(2))[T.1]",
      "C(z, Treatment(2))[T.3]",
      "C(z, Treatment(2))[T.4]",
    ]);
  });

  it("codes terms without data through codeTerms", () => {
    const { columns } = codeTerms(parseFormula("y ~ x * C(g)").terms, true, () => ({
      labels: ["a", "b"],
      reference: 0,
    }));
    expect(columns.map((c) => c.name)).toEqual(["Intercept", "C(g)[T.b]", "x", "x:C(g)[T.b]"]);
  });

  it.each([
    ["y ~ x +", 7],
    ["~ x", 0],
    ["y ~ log(x)", 4],
    ["y ~ x ** 2", 7],
    ["y ~ C(x, Sum)", 9],
    ["y ~ C(x, Treatment('a)", 19],
    ["y ~ x + 2", 8],
    ["y ~ x # comment", 6],
    ["y ~ (x - 1)", 4],
  ])("rejects %s with E_FORMULA_SYNTAX at the right position", (formula, pos) => {
    try {
      parseFormula(formula);
      expect.unreachable();
    } catch (e) {
      expect((e as { code: string }).code).toBe("E_FORMULA_SYNTAX");
      expect((e as { details: { position: number } }).details.position).toBe(pos);
    }
  });
});
