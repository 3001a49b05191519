import { describe, expect, test } from "vitest";
import {
  balanceTable,
  layoutPropensity,
  matchedDifferences,
  matchWeights,
  nearestNeighbourMatch,
  parsePropensitySpec,
  propensity,
  propensityCharts,
  propensityFit,
  rosenbaumBounds,
  rosenbaumDiagnostic,
} from "../../../src/designs/propensity/index.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { saasFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";
import { LALONDE_COVARIATES, lalondeFrame } from "./lalonde.js";

const SPEC = {
  treatment: "opt_in_agent_mode",
  outcome: "task_completed",
  covariates: ["engagement_tier", "query_confidence"],
};

interface BalanceGolden {
  covariate: string;
  smdRaw: number;
  smdAte: number;
  smdAtt: number;
  varianceRatioRaw: number | null;
  varianceRatioAte: number | null;
  varianceRatioAtt: number | null;
}
interface PythonGolden {
  names: string[];
  coefficients: number[];
  auc: number;
  ipwAteWls: number;
  ipwAttWls: number;
  ipwAte: number;
  ipwAteSe: number;
  ipwAtt: number;
  ipwAttSe: number;
  naive: number;
  raAte: number;
  raAteSe: number;
  raAtt: number;
  raAttSe: number;
  aipwAte: number;
  aipwAteSe: number;
  aipwAtt: number;
  aipwAttSe: number;
  balancePooled: BalanceGolden[];
  balanceTreated: BalanceGolden[];
  crumpAlpha: number;
  eValueAteRisk: number;
  essAte: { treated: number; control: number };
  essAtt: { control: number };
  l2?: PythonGolden;
}

/** SEs from the finite-difference sandwich of the golden script: agreement to ~1e-8 relative. */
const SANDWICH = { rtol: 1e-6, atol: 0 };
/** The unpenalised MLE from two Newton solvers: the acceptance asks for 1e-6. */
const COEF = { rtol: 1e-8, atol: 1e-9 };

describe("propensity on the tutorial fixture (acceptance numbers)", () => {
  const fitted = propensityFit(saasFixture(), SPEC);
  const res = fitted.result;
  const g = loadGolden<PythonGolden>("propensity", "fixture").expected;

  test("printed acceptance values", () => {
    expect(res.naive.difference.estimate.toFixed(4)).toBe("0.2106");
    expect(res.model.auc.toFixed(3)).toBe("0.744");
    expect(res.ipw.ate.estimate.toFixed(4)).toBe("0.0848");
    expect(res.ipw.att.estimate.toFixed(4)).toBe("0.0767");
    expect(res.doublyRobust.aipw.ate.estimate.toFixed(4)).toBe("0.0847");
    // 1-NN with replacement, all tied controls weighted equally (fixtures README; golden: match-fixture.json)
    expect(res.matching.estimate.toFixed(4)).toBe("0.0797");
    expect(res.matching.options.ties).toBe("all");
    const heavy = res.balance.rows.find((r) => r.covariate === "engagement_tier[heavy]");
    const qc = res.balance.rows.find((r) => r.covariate === "query_confidence");
    expect(heavy?.smdRaw?.toFixed(3)).toBe("0.742");
    expect(qc?.smdRaw?.toFixed(3)).toBe("-0.032");
    expect(Math.abs(heavy?.smdAte ?? 1)).toBeLessThan(0.01);
    expect(res.estimand).toBe("ATE");
    expect(res.estimator).toBe("aipw");
    expect(res.estimate).toEqual(res.doublyRobust.aipw.ate);
  });

  test("coefficients and AUC against statsmodels / numpy", () => {
    expect(res.model.coefficients.map((c) => c.name)).toEqual(g.names);
    expectClose(
      res.model.coefficients.map((c) => c.estimate),
      [0.747054, -2.598069, -1.21044, -0.198849],
      { atol: 1e-6 },
    );
    expectClose(
      res.model.coefficients.map((c) => c.estimate),
      g.coefficients,
      COEF,
    );
    expectClose(res.model.auc, g.auc, TOL.estimate);
  });

  test("IPW equals the weighted-regression slope; sandwich SEs match the stacked M-estimator", () => {
    expectClose(res.ipw.ate.estimate, g.ipwAteWls, TOL.estimate);
    expectClose(res.ipw.att.estimate, g.ipwAttWls, TOL.estimate);
    expectClose(res.ipw.ate.se, g.ipwAteSe, SANDWICH);
    expectClose(res.ipw.att.se, g.ipwAttSe, SANDWICH);
    expectClose(res.naive.difference.estimate, g.naive, TOL.estimate);
  });

  test("regression adjustment and AIPW against numpy / statsmodels", () => {
    const dr = res.doublyRobust;
    expectClose(dr.ra.ate.estimate, g.raAte, TOL.estimate);
    expectClose(dr.ra.att.estimate, g.raAtt, TOL.estimate);
    expectClose(dr.aipw.ate.estimate, g.aipwAte, TOL.estimate);
    expectClose(dr.aipw.att.estimate, g.aipwAtt, TOL.estimate);
    expectClose(dr.ra.ate.se, g.raAteSe, SANDWICH);
    expectClose(dr.ra.att.se, g.raAttSe, SANDWICH);
    expectClose(dr.aipw.ate.se, g.aipwAteSe, TOL.se);
    expectClose(dr.aipw.att.se, g.aipwAttSe, TOL.se);
  });

  test("balance table (cobalt conventions) and weights", () => {
    expect(res.balance.denominator).toBe("pooled");
    expect(res.balance.rows.map((r) => r.covariate)).toEqual(g.balancePooled.map((r) => r.covariate));
    for (const [i, row] of g.balancePooled.entries()) {
      const { covariate: _, ...nums } = row;
      expectClose(res.balance.rows[i], nums, TOL.estimate, row.covariate);
    }
    expectClose(res.weights.ATE.treated.ess, g.essAte.treated, TOL.estimate);
    expectClose(res.weights.ATE.control.ess, g.essAte.control, TOL.estimate);
    expectClose(res.weights.ATT.control.ess, g.essAtt.control, TOL.estimate);
    expect(res.diagnostics.find((d) => d.code === "D_PS_BALANCE")?.severity).toBe("pass");
    expect(res.diagnostics.find((d) => d.code === "D_PS_OVERLAP")?.severity).toBe("pass");
  });

  test("L2 (C = 1) option: +0.0849 / +0.0768", () => {
    const l2 = propensity(saasFixture(), { ...SPEC, model: { penalty: { type: "l2", C: 1 } } });
    const gl = g.l2 as PythonGolden;
    expect(l2.ipw.ate.estimate.toFixed(4)).toBe("0.0849");
    expect(l2.ipw.att.estimate.toFixed(4)).toBe("0.0768");
    expectClose(
      l2.model.coefficients.map((c) => c.estimate),
      gl.coefficients,
      COEF,
    );
    expectClose(l2.ipw.ate.estimate, gl.ipwAteWls, TOL.estimate);
    expectClose(l2.ipw.ate.se, gl.ipwAteSe, SANDWICH);
    expectClose(l2.ipw.att.se, gl.ipwAttSe, SANDWICH);
  });

  test("E-value of the IPW ATE on the risk-ratio scale", () => {
    const ipw = propensity(saasFixture(), { ...SPEC, estimator: "ipw" });
    expectClose(ipw.sensitivity.eValue?.point, g.eValueAteRisk, TOL.estimate);
    expect(ipw.sensitivity.eValue?.ciBound).toBeGreaterThan(1);
    expect(ipw.sensitivity.eValue?.ciBound).toBeLessThan(ipw.sensitivity.eValue?.point as number);
  });

  test("result is frozen, JSON-serialisable, with scores aligned to rows", () => {
    expect(Object.isFrozen(res)).toBe(true);
    expect(Object.isFrozen(res.balance.rows[0])).toBe(true);
    const json = JSON.parse(JSON.stringify(res));
    expect(json.scores).toBeUndefined();
    expect(fitted.scores.length).toBe(50_000);
    expect(res.provenance.engine).toBe("memory");
    expect(res.overlap.bins.length).toBe(40);
    expect(res.model.calibration.bins.length).toBe(10);
    expect(JSON.stringify(res)).not.toContain("NaN");
  });
});

describe("propensity on MatchIt's lalonde", () => {
  const frame = lalondeFrame();
  const spec = { treatment: "treat", outcome: "re78", covariates: LALONDE_COVARIATES };
  const res = propensity(frame, spec);
  const g = loadGolden<PythonGolden>("propensity", "lalonde_python").expected;
  const r = loadGolden<{
    coefficients: Record<string, number>;
    balanceAtt: { covariate: string[]; smd: number[]; varianceRatio: (number | null)[] };
    balanceAte: { covariate: string[]; smd: number[]; varianceRatio: (number | null)[] };
    ipwAte: number;
    ipwAtt: number;
  }>("propensity", "lalonde_matchit").expected;

  test("propensity coefficients against R glm", () => {
    const rName = (n: string) =>
      n === "Intercept" ? "(Intercept)" : n.startsWith("C(race)[T.") ? `race${n.slice(10, -1)}` : n;
    for (const c of res.model.coefficients) {
      expectClose(c.estimate, r.coefficients[rName(c.name)], { rtol: 1e-6, atol: 1e-12 }, c.name);
    }
    expectClose(
      res.model.coefficients.map((c) => c.estimate),
      g.coefficients,
      COEF,
    );
  });

  test("IPW ATE / ATT against R lm(weights) and the sandwich against numpy", () => {
    expectClose(res.ipw.ate.estimate, r.ipwAte, { rtol: 1e-6 });
    expectClose(res.ipw.att.estimate, r.ipwAtt, { rtol: 1e-6 });
    expectClose(res.ipw.ate.estimate, g.ipwAteWls, TOL.estimate);
    expectClose(res.ipw.ate.se, g.ipwAteSe, SANDWICH);
    expectClose(res.ipw.att.se, g.ipwAttSe, SANDWICH);
    expectClose(res.doublyRobust.ra.ate.se, g.raAteSe, SANDWICH);
    expectClose(res.doublyRobust.ra.att.se, g.raAttSe, SANDWICH);
    expectClose(res.doublyRobust.aipw.ate.estimate, g.aipwAte, TOL.estimate);
    expectClose(res.doublyRobust.aipw.att.se, g.aipwAttSe, TOL.se);
  });

  test("SMDs against MatchIt (ATT: treated SD; ATE: pooled SD) and variance ratios", () => {
    const att = propensity(frame, { ...spec, estimand: "ATT", balance: { denominator: "treated" } });
    const name = (c: string) => c.replace(/^race\[(.*)\]$/, "race$1");
    for (const [table, golden] of [
      [att.balance, r.balanceAtt],
      [res.balance, r.balanceAte],
    ] as const) {
      for (const row of table.rows) {
        const j = golden.covariate.indexOf(name(row.covariate));
        expect(j, row.covariate).toBeGreaterThanOrEqual(0);
        expectClose(row.smdRaw, golden.smd[j], { rtol: 1e-8, atol: 1e-12 }, row.covariate);
        if (!row.binary)
          expectClose(row.varianceRatioRaw, golden.varianceRatio[j], { rtol: 1e-8 }, row.covariate);
      }
    }
    for (const [i, row] of g.balanceTreated.entries()) {
      const { covariate: _, ...nums } = row;
      expectClose(att.balance.rows[i], nums, TOL.estimate, row.covariate);
    }
    expect(res.diagnostics.find((d) => d.code === "D_PS_OVERLAP")?.severity).not.toBe("pass");
  });

  test("Crump trimming threshold and refit", () => {
    const trimmedFit = propensityFit(frame, { ...spec, trim: { rule: "crump" } });
    const trimmed = trimmedFit.result;
    expectClose(trimmed.trim?.lower, g.crumpAlpha, TOL.estimate);
    expectClose(trimmed.trim?.upper, 1 - g.crumpAlpha, TOL.estimate);
    const dropped = (trimmed.trim?.dropped.treated ?? 0) + (trimmed.trim?.dropped.control ?? 0);
    expect(dropped).toBeGreaterThan(0);
    expect(trimmed.n.obs + dropped).toBe(frame.nrows);
    expect(trimmed.n.droppedReasons).toEqual({ trimmed: dropped });
    expect(trimmed.diagnostics.some((d) => d.code === "D_PS_TRIMMED")).toBe(true);
    expect(Number.isNaN(trimmedFit.scores[trimmedFit.scores.findIndex((v) => Number.isNaN(v))])).toBe(true);
    const bounds = propensity(frame, { ...spec, trim: { rule: "bounds", lower: 0.05, upper: 0.95 } });
    expect(bounds.trim?.lower).toBe(0.05);
    expect(bounds.n.obs).toBeLessThan(frame.nrows);
  });
});

interface MatchedGolden {
  covariate: string[];
  meanTreated: number[];
  meanControl: number[];
  smd: number[];
  varianceRatio: (number | null)[];
  weights: number[];
  matchedControl: number[];
  notNearest: number;
  tiedTreated: number;
  att: number;
  smdPooled?: number[];
  dropped?: number[];
}

/** Matched SMDs, means and variance ratios: same matched set, same formulas — agreement to rounding. */
const MATCHED = { rtol: 1e-8, atol: 1e-12 };

describe("matched-sample balance against MatchIt on lalonde (1-NN with replacement, ATT, treated SD)", () => {
  const frame = lalondeFrame();
  const spec = { treatment: "treat", outcome: "re78", covariates: LALONDE_COVARIATES };
  const g = loadGolden<Record<"glm" | "distmat" | "noTies", MatchedGolden>>(
    "propensity",
    "lalonde_matchit_matched",
  ).expected;
  const layout = layoutPropensity(frame, parsePropensitySpec(spec));
  const t = layout.t;
  const ones = new Float64Array(t.length).fill(1);
  const options = { threshold: 0.1, estimand: "ATT", denominator: "treated" } as const;
  const name = (c: string) => c.replace(/^race\[(.*)\]$/, "race$1");
  const compare = (table: ReturnType<typeof balanceTable>, e: MatchedGolden, smd = e.smd) => {
    expect(table.rows.length).toBe(e.covariate.length);
    for (const row of table.rows) {
      const j = e.covariate.indexOf(name(row.covariate));
      expect(j, row.covariate).toBeGreaterThanOrEqual(0);
      expectClose(row.smdMatched, smd[j], MATCHED, `${row.covariate} smd`);
      expectClose(row.meanTreatedMatched, e.meanTreated[j], MATCHED, `${row.covariate} treated mean`);
      expectClose(row.meanControlMatched, e.meanControl[j], MATCHED, `${row.covariate} control mean`);
      expectClose(row.varianceRatioMatched, row.binary ? null : e.varianceRatio[j], MATCHED, row.covariate);
    }
    expectClose(table.maxAbsSmdMatched, Math.max(...smd.map(Math.abs)), MATCHED, "max |SMD|");
  };

  test("balanceTable with MatchIt's own weights reproduces summary(m, standardize = TRUE)", () => {
    // distance = "glm": this MatchIt 4.5.1 build always takes the control to the left in score order (see the
    // golden script), so its matched set is not the nearest-neighbour one — the balance formulas are still checked.
    expect(g.glm.notNearest).toBeGreaterThan(0);
    compare(
      balanceTable(layout.balance, t, ones, ones, { ...options, matched: Float64Array.from(g.glm.weights) }),
      g.glm,
    );
  });

  test("1-NN ties: 'first' gives MatchIt's nearest-neighbour matched set (distance matrix), its SMDs and ATT", () => {
    const p = propensityFit(frame, spec).scores;
    const m = nearestNeighbourMatch(p, Uint8Array.from(t), layout.y, { ties: "first" });
    expect(m.sets.map((s) => s.matches[0])).toEqual(g.distmat.matchedControl);
    expectClose(m.estimate, g.distmat.att, MATCHED, "ATT");
    compare(balanceTable(layout.balance, t, ones, ones, { ...options, matched: matchWeights(m) }), g.distmat);
    // truelift's default pools the tied controls instead: exactly the treated units MatchIt saw ties for.
    const all = nearestNeighbourMatch(p, Uint8Array.from(t), layout.y);
    expect(all.sets.filter((s) => s.matches.length > 1).length).toBe(g.distmat.tiedTreated);
  });

  test("propensity() end to end on lalonde without duplicate controls (no ties: 'all' = MatchIt's set)", () => {
    expect(g.noTies.tiedTreated).toBe(0);
    const keep = new Uint8Array(frame.nrows).fill(1);
    for (const r of g.noTies.dropped ?? []) keep[r] = 0;
    const sub = frame.filter(keep);
    const att = propensity(sub, { ...spec, estimand: "ATT", balance: { denominator: "treated" } });
    expect(att.balance.denominator).toBe("treated");
    compare(att.balance, g.noTies);
    expectClose(att.matching.estimate, g.noTies.att, MATCHED, "ATT");
    // The pooled denominator (cobalt's default for the table) from the same matched means.
    const pooled = propensity(sub, spec);
    compare(pooled.balance, g.noTies, g.noTies.smdPooled);
  });

  test("no matching weights: matched columns null; wrong length: error by code", () => {
    const b = balanceTable(layout.balance, t, ones, ones, options);
    expect(b.maxAbsSmdMatched).toBeNull();
    expect(b.rows.every((r) => r.smdMatched === null && r.meanControlMatched === null)).toBe(true);
    expect(
      errorCode(() =>
        balanceTable(layout.balance, t, ones, ones, { ...options, matched: new Float64Array(3) }),
      ),
    ).toBe("E_LENGTH_MISMATCH");
  });
});

describe("Rosenbaum bounds on the 1-NN matched sets", () => {
  const frame = saasFixture();
  const fitted = propensityFit(frame, SPEC);
  const res = fitted.result;

  test("fixture: the bounds are those of the matched-set differences, re-derived from the matched sets", () => {
    const t = Uint8Array.from(frame.numeric("opt_in_agent_mode"));
    const y = frame.numeric("task_completed");
    const m = nearestNeighbourMatch(fitted.scores, t, y, { level: 0.95 });
    // the design matches on units of identical rows (matchRowsByUnits): the same rule, summed in another order
    expectClose(m.estimate, res.matching.estimate, TOL.identity);
    const d: number[] = [];
    for (const s of m.sets) {
      if (t[s.row] !== 1) continue;
      let c = 0;
      for (const j of s.matches) c += y[j];
      d.push(y[s.row] - c / s.matches.length);
    }
    expect(d.length).toBe(res.matching.treatedMatched);
    expectClose(matchedDifferences(m, y), d, TOL.identity);
    expectClose(d.reduce((a, b) => a + b, 0) / d.length, res.matching.estimate, TOL.identity);
    const b = rosenbaumBounds(d);
    const r = res.sensitivity.rosenbaum;
    expect(r?.direction).toBe("increase");
    expect(r?.statistic).toBe(b.statistic);
    expect(r?.pairs).toBe(b.pairs);
    expect((r?.pairs ?? 0) + (r?.zeros ?? 0)).toBe(res.matching.treatedMatched);
    expectClose(r?.rows, b.rows, TOL.identity);
    expectClose(r?.gammaCritical, b.gammaCritical, TOL.identity);
    expect(r?.gammaCritical?.toFixed(2)).toBe("1.46");
    expect(r?.rows.map((x) => x.gamma)).toEqual([1, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.7, 1.8, 1.9, 2]);
    const diag = res.diagnostics.find((x) => x.code === "D_PS_ROSENBAUM");
    expect(diag?.severity).toBe("info");
    expect(diag?.evidence.gammaCritical).toBe(Number(b.gammaCritical?.toFixed(4)));
    expect(diag?.evidence.pairs).toBe(b.pairs);
    expect(diag?.message).toBe(
      "An unmeasured trait would have to change the odds of opting in by a factor of Γ = 1.46 within matched pairs before the matched effect stops being significant at 5 %.",
    );
  });

  test("matched balance on the fixture: tiers match exactly, the result stays small and frozen", () => {
    expect(res.balance.maxAbsSmdMatched).toBeLessThan(0.01);
    expect(Object.isFrozen(res.sensitivity.rosenbaum)).toBe(true);
    expect("sets" in res.matching || "weights" in res.matching).toBe(false);
    expect(JSON.stringify(res.sensitivity).length).toBeLessThan(5_000);
    const love = propensityCharts(res).love as unknown as { data: { values: { stage: string }[] } };
    expect(new Set(love.data.values.map((v) => v.stage)).has("Matched (1-NN)")).toBe(true);
  });

  test("spec: custom Γ sweep, validation errors by code", () => {
    const small = propensity(lalondeFrame(), {
      treatment: "treat",
      outcome: "re78",
      covariates: LALONDE_COVARIATES,
      sensitivity: { gammas: [1, 1.25, 3] },
    });
    expect(small.sensitivity.rosenbaum?.rows.map((r) => r.gamma)).toEqual([1, 1.25, 3]);
    for (const gammas of [[], [0.5], [1, Number.POSITIVE_INFINITY], [Number.NaN]]) {
      expect(
        errorCode(() => propensity(frame, { ...SPEC, sensitivity: { gammas } })),
        String(gammas),
      ).toBe("E_INVALID_SPEC");
    }
    expect(() => propensity(frame, { ...SPEC, sensitivity: { gammas: [0.9] } })).toThrow(
      /spec\.sensitivity\.gammas/,
    );
    expect(errorCode(() => propensity(frame, { ...SPEC, sensitivity: { gamma: [1] } } as never))).toBe(
      "E_INVALID_SPEC",
    );
  });

  test("diagnostic sentences: not significant at Γ = 1, significant at every Γ, decrease, not computed", () => {
    const flat = rosenbaumBounds([1, -1, 2, -2, 3, -3, 0.5]);
    const notSig = rosenbaumDiagnostic({ ...flat, direction: "increase" }, 7);
    expect(notSig.message).toMatch(
      /^The matched effect is not significant at 5 % even without hidden bias \(Γ = 1/,
    );
    expect(notSig.evidence.gammaCritical).toBeNull();
    const always = rosenbaumDiagnostic(
      { ...flat, pValue: 1e-6, gammaCritical: null, direction: "decrease" },
      7,
    );
    expect(always.message).toMatch(/^The matched decrease stays significant at 5 % however strongly/);
    const none = rosenbaumDiagnostic(null, 12);
    expect(none.severity).toBe("info");
    expect(none.message).toMatch(/not computed: fewer than two of the 12 matched/);
  });
});

describe("matching options and the matching diagnostic", () => {
  const fixture = saasFixture();
  const run = (matching: Record<string, unknown>) => propensity(fixture, { ...SPEC, matching });
  const verdict = (res: ReturnType<typeof propensity>) =>
    res.diagnostics.find((d) => d.code === "D_PS_MATCHING");

  test("default 1-NN with all ties passes; k and the distance reach the matching", () => {
    const res = propensity(fixture, SPEC);
    expect(verdict(res)?.severity).toBe("pass");
    const k3 = run({ k: 3, distance: "logit" });
    expect(k3.matching.options).toMatchObject({ k: 3, distance: "logit" });
    expect(k3.matching.treatedMatched).toBe(13451);
    const ate = run({ estimand: "ATE" });
    expect(ate.matching.estimand).toBe("ATE");
    expect(ate.matching.controlsUnmatched).toBe(0);
    expect(ate.sensitivity.rosenbaum?.pairs).toBeGreaterThan(0);
  });

  test("without replacement the matched groups stay unbalanced; a narrow caliper drops opt-in users", () => {
    const greedy = run({ replace: false });
    expect(greedy.balance.maxAbsSmdMatched as number).toBeGreaterThan(0.1);
    expect(verdict(greedy)?.severity).toBe("warn");
    expect(verdict(greedy)?.message).toMatch(/still differ on engagement_tier/);
    const narrow = run({ caliper: 1e-9 });
    expect(narrow.matching.treatedUnmatched).toBeGreaterThan(0);
    expect(verdict(narrow)?.message).toMatch(/found no comparison user inside the caliper/);
    expect(verdict(narrow)?.evidence.treatedUnmatched).toBe(narrow.matching.treatedUnmatched);
  });
});
