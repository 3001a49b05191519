import { describe, expect, test } from "vitest";
import { z } from "zod";
import { Frame } from "../../../src/core/frame.js";
import {
  PROPENSITY_SPEC_SCHEMA,
  parsePropensitySpec,
  propensity,
} from "../../../src/designs/propensity/index.js";
import { errorCode, thrown } from "../../helpers/error-code.js";

function frame(overrides: Record<string, (number | string | null)[]> = {}): Frame {
  const n = 40;
  const d = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
  return Frame.fromObject({
    d,
    y: Array.from({ length: n }, (_, i) => (i * 7) % 5),
    x: Array.from({ length: n }, (_, i) => ((i * 13) % 17) / 17),
    tier: Array.from({ length: n }, (_, i) => ["a", "b", "c"][Math.floor(i / 3) % 3]),
    ...overrides,
  });
}
const spec = { treatment: "d", outcome: "y", covariates: ["x", "tier"] };

describe("propensity errors by code", () => {
  test("a valid small frame runs", () => {
    expect(propensity(frame(), spec).n.obs).toBe(40);
  });
  test("treatment not 0/1", () => {
    const e = thrown(() => propensity(frame({ d: Array.from({ length: 40 }, (_, i) => i % 3) }), spec));
    expect(e.code).toBe("E_NOT_BINARY");
    expect(e.message).toContain("'d'");
  });
  test("one arm empty", () => {
    const e = thrown(() => propensity(frame({ d: new Array(40).fill(0) }), spec));
    expect(e.code).toBe("E_CONSTANT_TREATMENT");
    expect(e.message).toContain("no opt-in");
  });
  test("perfect separation names the covariate", () => {
    const d = Array.from({ length: 40 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const tier = d.map((v, i) => (v === 1 && i % 2 === 0 ? "vip" : ["a", "b", "c"][Math.floor(i / 3) % 3]));
    const e = thrown(() => propensity(frame({ d, tier }), spec));
    expect(e.code).toBe("E_PERFECT_SEPARATION");
    expect(e.message).toContain("'tier'");
    expect(e.details.level).toBe("vip");
    const x = d.map((v, i) => (v === 1 ? 10 + i : i / 40));
    const e2 = thrown(() => propensity(frame({ x }), spec));
    expect(e2.code).toBe("E_PERFECT_SEPARATION");
    expect(e2.details.covariate).toBe("x");
    for (const err of [e, e2]) {
      expect(err.hint).toContain("predicts the treatment");
      expect(err.hint).not.toContain("outcome");
    }
  });

  test("no overlap after trimming", () => {
    const e = thrown(() =>
      propensity(frame(), { ...spec, trim: { rule: "bounds", lower: 0.45, upper: 0.55 } }),
    );
    expect(e.code).toBe("E_PS_NO_OVERLAP");
    expect(e.hint).toMatch(/Loosen/);
  });
  test("the spec schema publishes as JSON Schema", () => {
    const schema = z.toJSONSchema(PROPENSITY_SPEC_SCHEMA, { io: "input" }) as { required?: string[] };
    expect(schema.required).toEqual(["treatment", "outcome", "covariates"]);
  });
  test("spec, columns and values", () => {
    expect(errorCode(() => parsePropensitySpec({ treatment: "d", outcome: "y", covariates: [] }))).toBe(
      "E_INVALID_SPEC",
    );
    expect(
      thrown(() => parsePropensitySpec({ ...spec, trim: { rule: "bounds", lower: 0.7, upper: 0.9 } }))
        .message,
    ).toContain("spec.trim");
    expect(errorCode(() => propensity(frame(), { ...spec, covariates: ["nope"] }))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => propensity(frame({ y: new Array(40).fill("a") }), spec))).toBe("E_COLUMN_TYPE");
    const yMissing: (number | null)[] = Array.from({ length: 40 }, (_, i) => i % 2);
    yMissing[3] = null;
    expect(errorCode(() => propensity(frame({ y: yMissing }), spec))).toBe("E_MISSING_VALUES");
    expect(
      errorCode(() =>
        propensity(frame(), {
          ...spec,
          covariates: [{ column: "tier", kind: "categorical", reference: "zz" }],
        }),
      ),
    ).toBe("E_UNKNOWN_LEVEL");
  });
  test("matching options", () => {
    expect(thrown(() => parsePropensitySpec({ ...spec, matching: { k: 0 } })).message).toContain(
      "spec.matching.k",
    );
    expect(errorCode(() => parsePropensitySpec({ ...spec, matching: { caliper: -1 } }))).toBe(
      "E_INVALID_SPEC",
    );
    expect(
      thrown(() => parsePropensitySpec({ ...spec, matching: { estimand: "ATE", replace: false } })).message,
    ).toContain("needs replace: true");
    expect(errorCode(() => parsePropensitySpec({ ...spec, matching: { ties: "random" } }))).toBe(
      "E_INVALID_SPEC",
    );
  });
});

/** One covariate that nearly separates the groups: treated iff x > 0.5, except one flipped row on each side. */
function nearSeparation(flip: number, n = 200): Frame {
  const x: number[] = [];
  const d: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    let di = i / n > 0.5 ? 1 : 0;
    if (i === Math.round(flip * n)) di = 0;
    if (i === Math.round((1 - flip) * n)) di = 1;
    x.push(i / n);
    d.push(di);
    y.push(i / n + di + ((i * 7919) % 13) / 13);
  }
  return Frame.fromObject({ x, d, y });
}

/** Treatment drawn from a steep logistic in a normal covariate: poor but not perfect overlap. */
function poorOverlap(slope: number, n = 2000): Frame {
  let s = 1;
  const u = () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s + 0.5) / 2147483648;
  };
  const x: number[] = [];
  const d: number[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
    const di = u() < 1 / (1 + Math.exp(-slope * xi)) ? 1 : 0;
    x.push(xi);
    d.push(di);
    y.push(xi + di + u());
  }
  return Frame.fromObject({ x, d, y });
}

describe("propensity: poor overlap", () => {
  const xSpec = { treatment: "d", outcome: "y", covariates: ["x"] };
  test("scores of exactly 0 or 1 give a coded overlap error naming trimming (not 'Replace infinite values')", () => {
    const e = thrown(() => propensity(poorOverlap(15), xSpec));
    expect(e.code).toBe("E_PS_NO_OVERLAP");
    expect(e.hint).toContain("--trim crump");
    expect(e.hint).toContain("fewer covariates");
  });
  test("Crump trimming rescues the same data: it computes on the trimmed rows", () => {
    const r = propensity(poorOverlap(15), { ...xSpec, trim: { rule: "crump" } });
    expect(Number.isFinite(r.ipw.ate.estimate)).toBe(true);
    expect(r.trim?.dropped.treated ?? 0).toBeGreaterThan(0);
  });
  test("near-separation: one row with a large share of the weight fails the weights diagnostic, naming trimming", () => {
    const r = propensity(nearSeparation(0.6), xSpec);
    const w = r.diagnostics.find((q) => q.code === "D_PS_WEIGHTS");
    expect(w?.severity).toBe("fail");
    expect(w?.message).toContain("--trim crump");
  });
});
