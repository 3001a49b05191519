import { describe, expect, it } from "vitest";
import { did } from "../../../src/designs/did/did.js";
import { didCharts } from "../../../src/designs/did/result-charts.js";
import type { DidSpec } from "../../../src/designs/did/spec.js";
import { compileChart, renderSvg } from "../../../src/report/vega.js";
import { errorCode, thrown } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

interface Coefs {
  names: string[];
  params: number[];
  bse: number[];
}
interface FeCoefs {
  names: string[];
  params: number[];
  bse_fixest: number[];
  nobs: number;
}
interface Expected {
  clusters: number;
  cells: { treated: number; post: number; n: number; mean: number }[];
  two_by_two: Coefs;
  regression: Coefs;
  twfe: FeCoefs;
  event_study: FeCoefs & {
    bins: number[];
    wald_leads: { chi2: number; F: number; df1: number; df2: number; p: number };
  };
  anticipation: FeCoefs;
  covariate_shifts: Record<string, Coefs>;
  naive: Record<"post_gap" | "before_after", { estimate: number; se: number; p: number }>;
}

const golden = loadGolden<Expected>("did", "tutorial").expected;
const TUTORIAL: DidSpec = {
  outcome: "task_completed",
  time: "signup_week",
  treatment: { startColumn: "treatment_week" },
  cluster: "workspace_id",
  covariates: ["engagement_tier"],
};
const frame = readFixture("saas_llm_logs_seed42.csv.gz");
const res = did(frame, TUTORIAL);

describe("did on the tutorial fixture (golden: statsmodels, test/golden/did/tutorial.json)", () => {
  it("resolves the two-wave design and stops the window before wave 2 starts", () => {
    expect(res.design).toBe("two-group");
    expect(res.layout.window).toEqual({ from: 0, to: 29, rowsOutside: 50000 - 28839 });
    expect(res.layout.controlStart).toBe(30);
    expect(res.diagnostics.find((d) => d.code === "D_DID_WINDOW")?.severity).toBe("info");
    expect(res.n.obs).toBe(28839);
    expect(res.n.clusters).toBe(golden.clusters);
  });

  it("2×2 table: cells, changes and DiD", () => {
    const t = res.twoByTwo!;
    expect(t.cells.map((c) => c.n)).toEqual(golden.cells.map((c) => c.n)); // 9590 / 4878 / 9633 / 4738
    expectClose(
      t.cells.map((c) => c.mean),
      golden.cells.map((c) => c.mean),
      TOL.estimate,
    );
    expectClose(t.term.estimate, golden.two_by_two.params[0], TOL.estimate);
    expectClose(t.term.se, golden.two_by_two.bse[0], TOL.se);
    expectClose(t.treatedChange - t.controlChange, t.term.estimate, TOL.identity);
    expect(t.term.estimate).toBeCloseTo(0.0527, 4);
  });

  it("regression DiD: every coefficient and CR1 SE", () => {
    const reg = res.regression!;
    expect(reg.terms.map((t) => t.name)).toEqual(golden.regression.names);
    expectClose(
      reg.terms.map((t) => t.estimate),
      golden.regression.params,
      TOL.estimate,
    );
    expectClose(
      reg.terms.map((t) => t.se),
      golden.regression.bse,
      TOL.se,
    );
    expect(res.estimate).toEqual(reg.effect);
    expect(res.estimateSource).toBe("regression");
    expect(res.estimate.df).toBe(49);
  });

  it("TWFE (workspace + week absorbed) with fixest's nested-K convention", () => {
    expectClose(res.twfe.effect.estimate, golden.twfe.params[0], TOL.estimate);
    expectClose(res.twfe.effect.se, golden.twfe.bse_fixest[0], TOL.se);
    expect(res.twfe.absorb).toEqual(["workspace_id", "signup_week"]);
  });

  it("placebo trend matches the tutorial", () => {
    const slope = res.placebo!.slopeDifference;
    expect(res.placebo!.center).toBe(10);
    expect(slope.estimate).toBeCloseTo(-0.00095056, 7);
    expect(slope.pValue).toBeCloseTo(0.4472, 4); // t(49); the tutorial's 0.4435 is the normal reference
    const normal = did(frame, { ...TUTORIAL, inference: "normal" });
    expect(normal.placebo!.slopeDifference.pValue).toBeCloseTo(0.4435, 4);
  });

  it("event study: leads and lags with binned end point, reference −1, joint Wald test of leads", () => {
    const es = res.eventStudy!;
    const estimated = es.rows.filter((r) => !r.reference);
    expect(estimated.map((r) => r.relTime)).toEqual(golden.event_study.bins);
    expectClose(
      estimated.map((r) => r.estimate),
      golden.event_study.params,
      TOL.estimate,
    );
    expectClose(
      estimated.map((r) => r.se),
      golden.event_study.bse_fixest,
      TOL.se,
    );
    expect(es.rows.find((r) => r.reference)).toMatchObject({ relTime: -1, estimate: 0, se: null });
    expect(estimated[0].binned).toBe(true);
    const w = golden.event_study.wald_leads;
    expectClose(es.leadsTest.chi2, w.chi2, TOL.se);
    expect([es.leadsTest.df1, es.leadsTest.df2]).toEqual([w.df1, w.df2]);
    expectClose(es.leadsTest.pValue, w.p, TOL.pValue);
  });

  it("anticipation check and covariate shifts", () => {
    expectClose(res.anticipation!.term.estimate, golden.anticipation.params[0], TOL.estimate);
    expectClose(res.anticipation!.term.se, golden.anticipation.bse_fixest[0], TOL.se);
    for (const s of res.covariateShifts) {
      const g = golden.covariate_shifts[s.level as string];
      expectClose(s.did, g.params[0], TOL.estimate);
    }
  });

  it("naive contrasts (Welch)", () => {
    for (const [key, g] of [
      ["postGap", golden.naive.post_gap],
      ["beforeAfter", golden.naive.before_after],
    ] as const) {
      const t = res.naive[key];
      expectClose(t.estimate, g.estimate, TOL.estimate);
      expectClose(t.se, g.se, TOL.se);
      expectClose(t.pValue, g.p, { rtol: 1e-6, atol: 1e-15 });
    }
  });

  it("diagnostics: parallel trends pass, enough clusters, balanced groups", () => {
    const by = (code: string) => res.diagnostics.find((d) => d.code === code);
    expect(by("D_DID_PARALLEL_TRENDS")?.severity).toBe("pass");
    expect(by("D_DID_PARALLEL_TRENDS")?.message).toMatch(/no evidence against parallel trends/);
    expect(by("D_FEW_CLUSTERS")?.severity).toBe("pass");
    expect(by("D_DID_GROUP_IMBALANCE")?.severity).toBe("pass");
    expect(by("D_DID_ANTICIPATION")?.severity).toBe("pass");
    expect(by("D_DID_TIME_VARYING_COVARIATE")?.severity).toBe("pass");
  });

  it("the group-column form of the spec gives the same answer", () => {
    const alt = did(frame, {
      ...TUTORIAL,
      treatment: { column: "wave", treatedValues: [1], start: 20 },
      window: { to: 29 },
    });
    expectClose(alt.estimate.estimate, res.estimate.estimate, TOL.identity);
    expectClose(alt.estimate.se, res.estimate.se, TOL.identity);
  });

  it("anticipation shifts the effective start and the window", () => {
    const a = did(frame, { ...TUTORIAL, anticipation: 2 });
    expect(a.layout.start).toEqual({ nominal: 20, effective: 18 });
    expect(a.layout.window.to).toBe(27);
    expect(a.twoByTwo!.cells[3].n).toBeGreaterThan(res.twoByTwo!.cells[3].n - 1000);
  });

  it("trend rows: one mean per group and period; counterfactual = comparison + pre-period gap", () => {
    const rows = res.trends.rows;
    expect(rows.filter((r) => r.group === "treated")).toHaveLength(30);
    expect(rows.reduce((s, r) => s + r.n, 0)).toBe(28839);
    const cf = res.trends.counterfactual;
    expect(cf.map((c) => c.period)).toEqual([19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29]); // from the last pre-period
    const c = res.twoByTwo!.cells;
    const gap = c[2].mean - c[0].mean;
    const comp20 = rows.find((r) => r.group === "comparison" && r.period === 20)!;
    expectClose(cf[1].mean, comp20.mean + gap, TOL.identity);
  });

  it("charts: trend (with counterfactual) and event study compile without warnings and render", async () => {
    const charts = didCharts(res);
    expect(charts.csDynamic).toBeNull();
    for (const spec of [charts.trend, charts.eventStudy!]) {
      const compiled = await compileChart(spec);
      expect(compiled.warnings).toEqual([]);
    }
    const svg = await renderSvg(charts.eventStudy!);
    expect(svg).toMatch(/^<svg/);
  });

  it("result is frozen and JSON-serialisable", () => {
    expect(Object.isFrozen(res)).toBe(true);
    expect(JSON.parse(JSON.stringify(res)).estimate.estimate).toBe(res.estimate.estimate);
  });
});

describe("did: bad input gets a coded error before any computation", () => {
  const small = readFixture("saas_llm_logs_seed42.csv.gz");
  const cases: [string, DidSpec, string][] = [
    ["missing column", { ...TUTORIAL, outcome: "nope" }, "E_COLUMN_MISSING"],
    ["text outcome", { ...TUTORIAL, outcome: "engagement_tier" }, "E_COLUMN_TYPE"],
    [
      "non-binary group without treatedValues",
      { ...TUTORIAL, treatment: { column: "wave", start: 20 } },
      "E_NOT_BINARY",
    ],
    ["unknown spec field", { ...TUTORIAL, extra: 1 } as unknown as DidSpec, "E_INVALID_SPEC"],
    ["negative anticipation", { ...TUTORIAL, anticipation: -1 }, "E_INVALID_SPEC"],
    ["reserved column name", { ...TUTORIAL, covariates: ["post"] }, "E_INVALID_SPEC"],
    ["window with no rows", { ...TUTORIAL, window: { from: 100 } }, "E_EMPTY_DATA"],
    ["no pre-period", { ...TUTORIAL, window: { from: 20, to: 29 } }, "E_TOO_FEW_PERIODS"],
    [
      "start after all data",
      { ...TUTORIAL, treatment: { column: "wave", treatedValues: [1], start: 80 } },
      "E_TOO_FEW_PERIODS",
    ],
    [
      "everyone treated alike",
      { ...TUTORIAL, treatment: { startColumn: "engagement_tier" } },
      "E_COLUMN_TYPE",
    ],
  ];
  for (const [label, spec, code] of cases) {
    it(label, () => expect(errorCode(() => did(small, spec))).toBe(code));
  }

  it("constant treatment", () => {
    const f = small.withColumn("same", new Float64Array(small.nrows).fill(20));
    expect(errorCode(() => did(f, { ...TUTORIAL, treatment: { startColumn: "same" } }))).toBe(
      "E_CONSTANT_TREATMENT",
    );
  });

  it("NaN outcome", () => {
    const y = Float64Array.from(small.numeric("task_completed"));
    y[7] = Number.NaN;
    expect(errorCode(() => did(small.withColumn("task_completed", y), TUTORIAL))).toBe("E_MISSING_VALUES");
  });

  it("constant outcome (overall, or within each group) is refused instead of SE 0 and a trends 'pass'", () => {
    const spec: DidSpec = { ...TUTORIAL, covariates: [] };
    const flat = small.withColumn("task_completed", new Float64Array(small.nrows).fill(1));
    const e = thrown(() => did(flat, spec));
    expect(e.code).toBe("E_OUTCOME_CONSTANT");
    expect(e.message).toContain("'task_completed'");
    const start = small.numeric("treatment_week");
    const byGroup = Float64Array.from(start, (s) => (Number.isNaN(s) || s === 0 ? 0 : 1));
    expect(errorCode(() => did(small.withColumn("task_completed", byGroup), spec))).toBe(
      "E_OUTCOME_CONSTANT",
    );
  });

  it("zero-variance cells: the SE is null with a failing diagnostic, never a valid-looking 0", () => {
    const week = small.numeric("signup_week");
    const wave = small.numeric("wave");
    const g = Float64Array.from(wave, (w) => (w === 1 ? 1 : 0));
    const y = Float64Array.from(
      g,
      (gi, i) => gi + 2 * (week[i] >= 20 ? 1 : 0) + 0.5 * gi * (week[i] >= 20 ? 1 : 0),
    );
    const r = did(small.withColumn("g", g).withColumn("cells", y), {
      ...TUTORIAL,
      outcome: "cells",
      covariates: [],
      treatment: { column: "g", start: 20 },
      window: { from: 0, to: 29 },
    });
    expect(r.estimate.estimate).toBeCloseTo(0.5, 10);
    expect(r.estimate.se).toBeNull();
    expect(r.estimate.ci).toBeNull();
    const d = r.diagnostics.find((q) => q.code === "D_DID_ZERO_SE");
    expect(d?.severity).toBe("fail");
  });

  it("treatment collinear with time is refused, naming both columns", () => {
    const t = small.numeric("signup_week");
    const treatedIsPost = Float64Array.from(t, (w) => (w >= 20 ? 1 : 0));
    const e = thrown(() =>
      did(small.withColumn("late", treatedIsPost), {
        ...TUTORIAL,
        covariates: [],
        treatment: { column: "late", start: 20 },
      }),
    );
    expect(e.code).toBe("E_TREATMENT_COLLINEAR_TIME");
    expect(e.message).toContain("'late'");
    expect(e.message).toContain("'signup_week'");
  });

  it("one cluster", () => {
    const f = small.withColumn("one", new Float64Array(small.nrows));
    expect(errorCode(() => did(f, { ...TUTORIAL, cluster: "one" }))).toBe("E_TOO_FEW_CLUSTERS");
  });
});
