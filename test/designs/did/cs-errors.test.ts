import { describe, expect, it } from "vitest";
import type { Frame } from "../../../src/core/frame.js";
import { type CsSpec, callawaySantAnna } from "../../../src/designs/did/cs/index.js";
import { errorCode } from "../../helpers/error-code.js";
import { readFixture } from "../../helpers/fixture.js";

const mpdta = readFixture("mpdta.csv.gz");
const base: CsSpec = {
  outcome: "lemp",
  unit: "countyreal",
  time: "year",
  group: "first.treat",
  estMethod: "reg",
};

/** mpdta with one column's values replaced. */
function withValues(name: string, f: (v: Float64Array) => void): Frame {
  const v = Float64Array.from(mpdta.numeric(name));
  f(v);
  return mpdta.withColumn(name, v);
}

/** Rows where keep(row) is true. */
function rowsWhere(keep: (i: number) => boolean): Frame {
  const mask = new Uint8Array(mpdta.nrows);
  for (let i = 0; i < mpdta.nrows; i++) mask[i] = keep(i) ? 1 : 0;
  return mpdta.filter(mask);
}

const g = mpdta.numeric("first.treat");
const id = mpdta.numeric("countyreal");
const year = mpdta.numeric("year");

describe("callawaySantAnna: caller errors are coded and raised before computing", () => {
  it("missing columns and non-numeric time / group", () => {
    expect(errorCode(() => callawaySantAnna(mpdta, { ...base, outcome: "nope" }))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => callawaySantAnna(mpdta, { ...base, covariates: ["nope"] }))).toBe(
      "E_COLUMN_MISSING",
    );
    const textTime = mpdta.withColumn(
      "year",
      [...year].map((v) => `y${v}`),
    );
    expect(errorCode(() => callawaySantAnna(textTime, base))).toBe("E_COLUMN_TYPE");
    const textGroup = mpdta.withColumn(
      "first.treat",
      [...g].map((v) => String(v)),
    );
    expect(errorCode(() => callawaySantAnna(textGroup, base))).toBe("E_COLUMN_TYPE");
  });

  it("invalid specs", () => {
    expect(errorCode(() => callawaySantAnna(mpdta, { ...base, estMethod: "ols" as "reg" }))).toBe(
      "E_INVALID_SPEC",
    );
    expect(errorCode(() => callawaySantAnna(mpdta, { ...base, anticipation: -1 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => callawaySantAnna(mpdta, { ...base, alpha: 1.5 }))).toBe("E_INVALID_SPEC");
    expect(
      errorCode(() =>
        callawaySantAnna(mpdta, { ...base, bootstrap: { reps: 99 } as unknown as { seed: number } }),
      ),
    ).toBe("E_INVALID_SPEC");
    expect(
      errorCode(() => callawaySantAnna(mpdta, { ...base, aggregations: { dynamic: { minE: 2, maxE: 1 } } })),
    ).toBe("E_INVALID_SPEC");
  });

  it("group values that are not periods, and groups that vary within a unit", () => {
    const half = withValues("first.treat", (v) => {
      for (let i = 0; i < v.length; i++) if (v[i] === 2006) v[i] = 2005.5;
    });
    expect(errorCode(() => callawaySantAnna(half, base))).toBe("E_CS_GROUP_NOT_PERIOD");
    const varies = withValues("first.treat", (v) => {
      v[0] = 2006;
    });
    expect(errorCode(() => callawaySantAnna(varies, base))).toBe("E_CS_GROUP_VARIES");
  });

  it("no never-treated units with control = never is an error; notYet uses the last group as comparison", () => {
    const noNever = rowsWhere((i) => g[i] !== 0);
    expect(errorCode(() => callawaySantAnna(noNever, base))).toBe("E_CS_NO_NEVER_TREATED");
    const ny = callawaySantAnna(noNever, { ...base, control: "notYet" });
    expect(ny.periods).toEqual([2003, 2004, 2005, 2006]);
    expect([...new Set(ny.attGt.map((r) => r.group))]).toEqual([2004, 2006]);
    expect(ny.diagnostics.map((d) => d.code)).toContain("D_CS_LAST_GROUP_AS_CONTROL");
    expect(ny.attGt.find((r) => r.group === 2004 && r.time === 2006)!.nControl).toBe(131);
  });

  it("too few never-treated units is an error (did: 'never treated group is too small')", () => {
    let kept = 0;
    const seen = new Set<number>();
    const few = rowsWhere((i) => {
      if (g[i] !== 0) return true;
      if (!seen.has(id[i]) && seen.size < 3) {
        seen.add(id[i]);
        kept++;
      }
      return seen.has(id[i]);
    });
    expect(kept).toBe(3);
    expect(errorCode(() => callawaySantAnna(few, base))).toBe("E_CS_FEW_NEVER_TREATED");
    expect(errorCode(() => callawaySantAnna(few, { ...base, control: "notYet" }))).toBeUndefined();
  });

  it("missing outcomes, duplicate rows, constant or collinear covariates", () => {
    const nanY = withValues("lemp", (v) => {
      v[10] = Number.NaN;
    });
    expect(errorCode(() => callawaySantAnna(nanY, base))).toBe("E_MISSING_VALUES");
    const dup = withValues("year", (v) => {
      v[1] = v[0];
    });
    expect(errorCode(() => callawaySantAnna(dup, base))).toBe("E_CS_DUPLICATE_ROWS");
    const constant = mpdta.withColumn("one", new Float64Array(mpdta.nrows).fill(2));
    expect(errorCode(() => callawaySantAnna(constant, { ...base, covariates: ["one"] }))).toBe(
      "E_SINGULAR_DESIGN",
    );
    const lp = mpdta.numeric("lpop");
    const twice = mpdta.withColumn(
      "lpop2",
      Float64Array.from(lp, (v) => 2 * v + 1),
    );
    expect(errorCode(() => callawaySantAnna(twice, { ...base, covariates: ["lpop", "lpop2"] }))).toBe(
      "E_SINGULAR_DESIGN",
    );
    expect(
      errorCode(() => callawaySantAnna(mpdta, { ...base, bootstrap: { seed: 1, clusterBy: "treat" } })),
    ).toBe(undefined);
  });
});

describe("callawaySantAnna: input forms", () => {
  it("accepts text unit ids and missing groups (never treated)", () => {
    const ref = callawaySantAnna(mpdta, base);
    const text = mpdta.withColumn(
      "countyreal",
      [...id].map((v) => `c${v}`),
    );
    const a = callawaySantAnna(text, base);
    a.attGt.forEach((r, k) => {
      expect(r.estimate).toBe(ref.attGt[k].estimate);
    });
    const nullG = mpdta.withColumn(
      "first.treat",
      [...g].map((v) => (v === 0 ? null : v)),
    );
    const b = callawaySantAnna(nullG, base);
    expect(b.groupSizes[0]).toEqual({ group: 0, units: 309 });
    expect(b.attGt[5].estimate).toBe(ref.attGt[5].estimate);
  });

  it("a single period or no treated group with a pre-period are errors", () => {
    const one = rowsWhere((i) => year[i] === 2004);
    expect(errorCode(() => callawaySantAnna(one, base))).toBe("E_CS_TOO_FEW_PERIODS");
    const none = withValues("first.treat", (v) => {
      for (let i = 0; i < v.length; i++) if (v[i] !== 0) v[i] = 2003;
    });
    expect(errorCode(() => callawaySantAnna(none, base))).toBe("E_CS_NO_GROUPS");
  });
});

describe("callawaySantAnna: sample changes are diagnostics", () => {
  it("drops units not observed in every period (did's balanced panel)", () => {
    const unbalanced = rowsWhere((i) => i !== 7);
    const res = callawaySantAnna(unbalanced, base);
    expect(res.n.units).toBe(499);
    expect(res.n.droppedUnits).toBe(1);
    expect(res.diagnostics.find((d) => d.code === "D_CS_UNBALANCED_DROPPED")?.evidence.units).toBe(1);
  });

  it("drops units treated in the first period and treats groups after the sample as never treated", () => {
    const early = withValues("first.treat", (v) => {
      for (let i = 0; i < 5; i++) v[i] = 2003;
      for (let i = 5; i < 10; i++) v[i] = 2010;
    });
    const res = callawaySantAnna(early, base);
    expect(res.n.units).toBe(499);
    const codes = res.diagnostics.map((d) => d.code);
    expect(codes).toContain("D_CS_ALREADY_TREATED_DROPPED");
    expect(codes).toContain("D_CS_TREATED_AFTER_SAMPLE");
    expect(res.groupSizes[0]).toEqual({ group: 0, units: 310 });
  });

  it("warns about small groups", () => {
    const few = new Set<number>();
    for (let i = 0; i < mpdta.nrows && few.size < 3; i++) if (g[i] === 2004) few.add(id[i]);
    const small = rowsWhere((i) => g[i] !== 2004 || few.has(id[i]));
    const res = callawaySantAnna(small, base);
    const d = res.diagnostics.find((x) => x.code === "D_CS_SMALL_GROUP");
    expect(d?.evidence.groups).toEqual([2004]);
  });

  it("a cell without overlap is null, reported, and left out of the aggregations", () => {
    // A covariate that separates group 2004 from the never treated perfectly: the propensity score hits 1.
    const sep = Float64Array.from(g, (v, i) => (v === 2004 ? 10 + (id[i] % 7) : (id[i] % 5) / 5));
    const res = callawaySantAnna(mpdta.withColumn("sep", sep), {
      ...base,
      estMethod: "dr",
      covariates: ["sep"],
    });
    const bad = res.attGt.filter((r) => r.group === 2004);
    for (const r of bad) {
      expect(r.estimate).toBeNull();
      expect(r.se).toBeNull();
    }
    expect(res.diagnostics.find((d) => d.code === "D_CS_CELL_DROPPED")?.evidence.reasons).toContain(
      "overlap",
    );
    expect(res.aggregations.group!.rows.map((r) => r.key)).toEqual([2006, 2007]);
    expect(Number.isFinite(res.aggregations.simple!.overall.estimate)).toBe(true);
  });

  it("the result is frozen, JSON-serialisable data without NaN", () => {
    const res = callawaySantAnna(mpdta, { ...base, bootstrap: { seed: 5, reps: 199 } });
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.isFrozen(res.attGt[0])).toBe(true);
    const text = JSON.stringify(res);
    expect(text).not.toContain("NaN");
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(res)));
    expect(res.provenance).toMatchObject({ engine: "memory", seed: 5 });
  });
});
