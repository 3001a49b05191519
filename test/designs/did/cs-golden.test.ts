import { describe, expect, it } from "vitest";
import { type CsSpec, callawaySantAnna } from "../../../src/designs/did/cs/index.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

// Analytic (influence-function) SEs and every aggregation against an independent numpy/statsmodels
// re-implementation of did's compute.att_gt / aggte and DRDID's panel estimators
// (test/golden/scripts/did_cs_mpdta.py). Estimates at TOL.estimate (1e-8 relative); SEs, Wald statistic and
// p-value at TOL.se (1e-6 relative): the logit fits are iterative on both sides.
interface Cell {
  group: number;
  time: number;
  att: number;
  se: number | null;
}
interface Agg {
  att: number;
  se: number;
}
interface Case {
  spec: {
    estMethod: "reg" | "ipw" | "dr";
    covariates: string[];
    control: "never" | "notYet";
    basePeriod: "varying" | "universal";
    anticipation?: number;
  };
  att_gt: Cell[];
  pretest: { W: number; df: number; pvalue: number };
  simple: Agg;
  dynamic: { overall: Agg; by_event_time: (Agg & { e: number })[] };
  group: { overall: Agg; by_group: (Agg & { group: number })[] };
  calendar: { overall: Agg; by_time: (Agg & { time: number })[] };
}

const golden = loadGolden<Record<string, Case>>("did", "cs-mpdta-python");
const mpdta = readFixture("mpdta.csv.gz");
const base: CsSpec = { outcome: "lemp", unit: "countyreal", time: "year", group: "first.treat" };

describe.each(Object.entries(golden.expected))("mpdta, %s: analytic SEs and aggregations", (_name, c) => {
  const res = callawaySantAnna(mpdta, { ...base, ...c.spec });

  it("ATT(g,t) estimates and SEs", () => {
    expect(res.attGt.map((r) => [r.group, r.time])).toEqual(c.att_gt.map((r) => [r.group, r.time]));
    expectClose(
      res.attGt.map((r) => r.estimate),
      c.att_gt.map((r) => r.att),
      TOL.estimate,
      "att",
    );
    expectClose(
      res.attGt.map((r) => r.se),
      c.att_gt.map((r) => r.se),
      TOL.se,
      "se",
    );
  });

  it("Wald pre-test", () => {
    expect(res.preTest!.df).toBe(c.pretest.df);
    expectClose(res.preTest!.statistic, c.pretest.W, TOL.se, "W");
    expectClose(res.preTest!.pValue, c.pretest.pvalue, TOL.se, "p");
  });

  it("simple, dynamic, group and calendar aggregations (estimates and SEs)", () => {
    const a = res.aggregations;
    const term = (t: { estimate: number; se: number | null }) => ({ att: t.estimate, se: t.se });
    const row = (r: { estimate: number | null; se: number | null }) => ({ att: r.estimate, se: r.se });
    expectClose(term(a.simple!.overall), c.simple, TOL.se, "simple");
    expectClose(term(a.dynamic!.overall), c.dynamic.overall, TOL.se, "dynamic");
    expect(a.dynamic!.rows.map((r) => r.key)).toEqual(c.dynamic.by_event_time.map((r) => r.e));
    expectClose(
      a.dynamic!.rows.map(row),
      c.dynamic.by_event_time.map((r) => ({ att: r.att, se: r.se })),
      TOL.se,
      "e",
    );
    expectClose(term(a.group!.overall), c.group.overall, TOL.se, "group");
    expectClose(
      a.group!.rows.map(row),
      c.group.by_group.map((r) => ({ att: r.att, se: r.se })),
      TOL.se,
      "g",
    );
    expectClose(term(a.calendar!.overall), c.calendar.overall, TOL.se, "calendar");
    expect(a.calendar!.rows.map((r) => r.key)).toEqual(c.calendar.by_time.map((r) => r.time));
    expectClose(
      a.calendar!.rows.map(row),
      c.calendar.by_time.map((r) => ({ att: r.att, se: r.se })),
      TOL.se,
      "t",
    );
    // Estimates alone at the estimate tolerance.
    expectClose(a.dynamic!.overall.estimate, c.dynamic.overall.att, TOL.estimate, "dynamic estimate");
    expectClose(a.group!.overall.estimate, c.group.overall.att, TOL.estimate, "group estimate");
  });
});
