import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { type CsSpec, callawaySantAnna } from "../../../src/designs/did/cs/index.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

// Published did numbers on mpdta (test/golden/did/cs-mpdta.json): point estimates are printed to 4 dp, so
// |ours − published| ≤ 5e-5 is "rounds to the published value". did's pre-test p-value is printed to 5 dp.
const ROUND4 = 5e-5;
const ROUND5 = 5e-6;
// Published SEs come from did's multiplier bootstrap (999/1000 Rademacher draws, IQR-scaled): Monte Carlo error
// of such an SE is about 4–5 % (sd of an IQR-based scale with B = 1000). We run 9,999 draws so our own MC error
// is ~1.5 %, and accept a relative difference below 15 % (≈ 3 sd of the published numbers' noise).
const BOOT_REL = 0.15;

interface Row {
  group?: number;
  time?: number;
  e?: number;
  att: number;
  se_boot: number;
}
interface Expected {
  att_gt: Row[];
  dynamic: { overall: Row; by_event_time: Row[] };
  group: { overall: Row; by_group: Row[] };
  pretest_pvalue: { value: number };
}
const golden = loadGolden<Expected>("did", "cs-mpdta");
const drGolden = (golden as unknown as { expected_dr_lpop: Expected & { pretest_pvalue: number } })
  .expected_dr_lpop;

const mpdta = readFixture("mpdta.csv.gz");
const base: CsSpec = { outcome: "lemp", unit: "countyreal", time: "year", group: "first.treat" };

function close(actual: number | null | undefined, expected: number, tol: number, what: string): void {
  expect(actual, what).not.toBeNull();
  expect(Math.abs((actual as number) - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
    tol,
  );
}

describe("callawaySantAnna on mpdta, est_method = reg (did README)", () => {
  const res = callawaySantAnna(mpdta, { ...base, estMethod: "reg" });

  it("reproduces all twelve ATT(g,t) to the published 4 dp", () => {
    expect(res.attGt).toHaveLength(12);
    golden.expected.att_gt.forEach((row, k) => {
      expect(res.attGt[k].group).toBe(row.group);
      expect(res.attGt[k].time).toBe(row.time);
      close(res.attGt[k].estimate, row.att, ROUND4, `ATT(${row.group},${row.time})`);
    });
  });

  it("reproduces the dynamic aggregation (overall and every event time)", () => {
    const dyn = res.aggregations.dynamic!;
    close(dyn.overall.estimate, golden.expected.dynamic.overall.att, ROUND4, "dynamic overall");
    expect(dyn.rows.map((r) => r.key)).toEqual(golden.expected.dynamic.by_event_time.map((r) => r.e));
    golden.expected.dynamic.by_event_time.forEach((row, m) => {
      close(dyn.rows[m].estimate, row.att, ROUND4, `e = ${row.e}`);
    });
  });

  it("reproduces the group aggregation (overall and every group)", () => {
    const grp = res.aggregations.group!;
    close(grp.overall.estimate, golden.expected.group.overall.att, ROUND4, "group overall");
    expect(grp.rows.map((r) => r.key)).toEqual([2004, 2006, 2007]);
    golden.expected.group.by_group.forEach((row, m) => {
      close(grp.rows[m].estimate, row.att, ROUND4, `group ${row.group}`);
    });
  });

  it("reproduces did's Wald pre-test p-value (0.16812)", () => {
    expect(res.preTest!.df).toBe(5);
    close(res.preTest!.pValue, golden.expected.pretest_pvalue.value, ROUND5, "pre-test p");
    expect(res.diagnostics.find((d) => d.code === "D_CS_PRETEST")?.severity).toBe("pass");
  });

  it("has analytic SEs of the published (bootstrap) magnitude, cell sizes and sample counts", () => {
    expect(res.seSource).toBe("analytic");
    golden.expected.att_gt.forEach((row, k) => {
      const se = res.attGt[k].se as number;
      expect(Math.abs(se / row.se_boot - 1), `se ATT(${row.group},${row.time})`).toBeLessThan(BOOT_REL);
    });
    expect(res.n).toMatchObject({ units: 500, periods: 5, groups: 3, rows: 2500, droppedUnits: 0 });
    expect(res.groupSizes).toEqual([
      { group: 0, units: 309 },
      { group: 2004, units: 20 },
      { group: 2006, units: 40 },
      { group: 2007, units: 131 },
    ]);
    expect(res.attGt[0]).toMatchObject({ n: 329, nTreated: 20, nControl: 309, baseTime: 2003, post: true });
    // Varying base period: pre-period cells compare with the period just before.
    expect(res.attGt[4]).toMatchObject({
      group: 2006,
      time: 2004,
      baseTime: 2003,
      post: false,
      eventTime: -2,
    });
    expect(res.attGt[7]).toMatchObject({ group: 2006, time: 2007, baseTime: 2005, post: true });
  });

  it("computes the simple and calendar aggregations as did's weighted averages", () => {
    const post = res.attGt.filter((r) => r.post);
    const size: Record<number, number> = { 2004: 20, 2006: 40, 2007: 131 };
    const w = post.map((r) => size[r.group]);
    const simple =
      post.reduce((a, r, i) => a + (r.estimate as number) * w[i], 0) / w.reduce((a, b) => a + b, 0);
    expect(res.aggregations.simple!.overall.estimate).toBeCloseTo(simple, 12);
    close(res.aggregations.simple!.overall.estimate, -0.04, ROUND4, "simple (did README: -0.04)");
    const cal = res.aggregations.calendar!;
    expect(cal.rows.map((r) => r.key)).toEqual([2004, 2005, 2006, 2007]);
    const at2006 = post.filter((r) => r.time === 2006);
    const exp2006 =
      at2006.reduce((a, r) => a + (r.estimate as number) * size[r.group], 0) /
      at2006.reduce((a, r) => a + size[r.group], 0);
    expect(cal.rows[2].estimate).toBeCloseTo(exp2006, 12);
    expect(cal.overall.estimate).toBeCloseTo(
      cal.rows.reduce((a, r) => a + (r.estimate as number), 0) / 4,
      12,
    );
  });

  it("multiplier-bootstrap SEs agree with the published bootstrap SEs within Monte Carlo error", () => {
    const boot = callawaySantAnna(mpdta, {
      ...base,
      estMethod: "reg",
      bootstrap: { reps: 9999, seed: 2021 },
    });
    expect(boot.seSource).toBe("bootstrap");
    const rel = (a: number | null, b: number) => Math.abs((a as number) / b - 1);
    golden.expected.att_gt.forEach((row, k) => {
      expect(rel(boot.attGt[k].se, row.se_boot), `ATT(${row.group},${row.time})`).toBeLessThan(BOOT_REL);
    });
    const dyn = boot.aggregations.dynamic!;
    expect(rel(dyn.overall.se, golden.expected.dynamic.overall.se_boot)).toBeLessThan(BOOT_REL);
    golden.expected.dynamic.by_event_time.forEach((row, m) => {
      expect(rel(dyn.rows[m].se, row.se_boot), `e = ${row.e}`).toBeLessThan(BOOT_REL);
    });
    const grp = boot.aggregations.group!;
    expect(rel(grp.overall.se, golden.expected.group.overall.se_boot)).toBeLessThan(BOOT_REL);
    golden.expected.group.by_group.forEach((row, m) => {
      expect(rel(grp.rows[m].se, row.se_boot), `group ${row.group}`).toBeLessThan(BOOT_REL);
    });
    // Simultaneous bands: sup-t critical value above the pointwise one, bands contain the pointwise CIs.
    expect(boot.criticalValue.band!).toBeGreaterThan(boot.criticalValue.pointwise);
    expect(boot.criticalValue.band!).toBeLessThan(4);
    for (const r of boot.attGt) {
      expect(r.bandLow!).toBeLessThan(r.ciLow as number);
      expect(r.bandHigh!).toBeGreaterThan(r.ciHigh as number);
    }
    expect(dyn.bandCriticalValue!).toBeGreaterThan(1.96);
    expect(dyn.rows[0].bandLow).toBeCloseTo(
      (dyn.rows[0].estimate as number) - dyn.bandCriticalValue! * (dyn.rows[0].se as number),
      14,
    );
  });
});

describe("callawaySantAnna on mpdta with xformla = ~lpop (did's default doubly robust)", () => {
  const spec: CsSpec = { ...base, covariates: ["lpop"] };
  const dr = callawaySantAnna(mpdta, spec);

  it("reproduces the published DR ATT(g,t), event study and pre-test", () => {
    expect(dr.estMethod).toBe("dr");
    drGolden.att_gt.forEach((row, k) => {
      close(dr.attGt[k].estimate, row.att, ROUND4, `DR ATT(${row.group},${row.time})`);
    });
    const dyn = dr.aggregations.dynamic!;
    close(dyn.overall.estimate, drGolden.dynamic.overall.att, ROUND4, "DR dynamic overall");
    drGolden.dynamic.by_event_time.forEach((row, m) => {
      close(dyn.rows[m].estimate, row.att, ROUND4, `DR e = ${row.e}`);
    });
    close(dr.preTest!.pValue, drGolden.pretest_pvalue, ROUND5, "DR pre-test p");
  });

  it("ipw and reg are close to dr (within 0.01) with the covariate", () => {
    const reg = callawaySantAnna(mpdta, { ...spec, estMethod: "reg" });
    const ipw = callawaySantAnna(mpdta, { ...spec, estMethod: "ipw" });
    dr.attGt.forEach((row, k) => {
      expect(Math.abs((reg.attGt[k].estimate as number) - (row.estimate as number))).toBeLessThan(0.01);
      expect(Math.abs((ipw.attGt[k].estimate as number) - (row.estimate as number))).toBeLessThan(0.01);
      expect(Math.abs((ipw.attGt[k].se as number) / (row.se as number) - 1)).toBeLessThan(0.05);
    });
  });

  it("without covariates reg, ipw and dr coincide (constant propensity score)", () => {
    const reg = callawaySantAnna(mpdta, { ...base, estMethod: "reg" });
    for (const m of ["ipw", "dr"] as const) {
      const other = callawaySantAnna(mpdta, { ...base, estMethod: m });
      other.attGt.forEach((row, k) => {
        expect(row.estimate).toBeCloseTo(reg.attGt[k].estimate as number, 12);
        expect(row.se).toBeCloseTo(reg.attGt[k].se as number, 12);
      });
      expect(other.aggregations.dynamic!.overall.se).toBeCloseTo(
        reg.aggregations.dynamic!.overall.se as number,
        12,
      );
    }
  });
});

describe("base period and comparison group conventions on mpdta", () => {
  const varying = callawaySantAnna(mpdta, { ...base, estMethod: "reg" });

  it("universal base period: g − 1 cells are 0 with no SE, post cells equal the varying ones", () => {
    const uni = callawaySantAnna(mpdta, { ...base, estMethod: "reg", basePeriod: "universal" });
    expect(uni.attGt).toHaveLength(15);
    for (const r of uni.attGt) {
      expect(r.baseTime).toBe(r.group - 1);
      if (r.time === r.group - 1) {
        expect(r.estimate).toBe(0);
        expect(r.se).toBeNull();
      }
      if (r.post) {
        const v = varying.attGt.find((x) => x.group === r.group && x.time === r.time)!;
        expect(r.estimate).toBeCloseTo(v.estimate as number, 14);
        expect(r.se).toBeCloseTo(v.se as number, 14);
      }
    }
    // Long differences before treatment: ATT(2007, 2004) = y2004 − y2006 contrast, the sum of the short ones.
    const short = varying.attGt.filter((r) => r.group === 2007 && r.time >= 2005 && r.time <= 2006);
    const long = uni.attGt.find((r) => r.group === 2007 && r.time === 2004)!;
    expect(long.estimate).toBeCloseTo(-(short[0].estimate as number) - (short[1].estimate as number), 12);
    const e1 = uni.aggregations.dynamic!.rows.find((r) => r.key === -1)!;
    expect(e1.estimate).toBe(0);
    expect(e1.se).toBeNull();
  });

  it("not-yet-treated comparison: later-treated units join the comparison group until they are treated", () => {
    const ny = callawaySantAnna(mpdta, { ...base, estMethod: "reg", control: "notYet" });
    const cell = (g: number, t: number) => ny.attGt.find((r) => r.group === g && r.time === t)!;
    expect(cell(2004, 2004).nControl).toBe(309 + 40 + 131);
    expect(cell(2004, 2006).nControl).toBe(309 + 131);
    expect(cell(2004, 2007).nControl).toBe(309);
    // With no later group left, the cell equals the never-treated one.
    expect(cell(2007, 2007).estimate).toBeCloseTo(varying.attGt[11].estimate as number, 14);
    expect(cell(2004, 2004).estimate).not.toBeCloseTo(varying.attGt[0].estimate as number, 6);
  });

  it("anticipation = 1 moves the base period to g − 2 and drops groups without a pre-period", () => {
    const ant = callawaySantAnna(mpdta, { ...base, estMethod: "reg", anticipation: 1 });
    expect([...new Set(ant.attGt.map((r) => r.group))]).toEqual([2006, 2007]);
    const c = ant.attGt.find((r) => r.group === 2006 && r.time === 2006)!;
    expect(c.baseTime).toBe(2004);
  });
});

describe("dynamic aggregation options (did's min_e, max_e, balance_e)", () => {
  const full = callawaySantAnna(mpdta, { ...base, estMethod: "reg" }).aggregations.dynamic!;

  it("minE / maxE keep a window of event times; the overall averages e ≥ 0 inside it", () => {
    const win = callawaySantAnna(mpdta, {
      ...base,
      estMethod: "reg",
      aggregations: { dynamic: { minE: -1, maxE: 1 } },
    }).aggregations.dynamic!;
    expect(win.rows.map((r) => r.key)).toEqual([-1, 0, 1]);
    win.rows.forEach((r) => {
      const f = full.rows.find((x) => x.key === r.key)!;
      expect(r.estimate).toBe(f.estimate);
      expect(r.se).toBe(f.se);
    });
    expect(win.overall.estimate).toBeCloseTo(
      ((full.rows[3].estimate as number) + (full.rows[4].estimate as number)) / 2,
      14,
    );
    expect(win.options).toEqual({ minE: -1, maxE: 1 });
  });

  it("balanceE keeps groups observed balanceE periods after treatment", () => {
    const res = callawaySantAnna(mpdta, {
      ...base,
      estMethod: "reg",
      aggregations: { dynamic: { balanceE: 1 } },
    });
    const bal = res.aggregations.dynamic!;
    expect(bal.rows.map((r) => r.key)).toEqual([-2, -1, 0, 1]);
    const cell = (g: number, t: number) =>
      res.attGt.find((r) => r.group === g && r.time === t)!.estimate as number;
    // Only groups 2004 (20 units) and 2006 (40 units) have e = 1 within the sample.
    expect(bal.rows[2].estimate).toBeCloseTo((20 * cell(2004, 2004) + 40 * cell(2006, 2006)) / 60, 14);
    expect(bal.rows[3].estimate).toBeCloseTo((20 * cell(2004, 2005) + 40 * cell(2006, 2007)) / 60, 14);
  });

  it("aggregations can be switched off", () => {
    const res = callawaySantAnna(mpdta, {
      ...base,
      estMethod: "reg",
      aggregations: { simple: false, dynamic: false, calendar: false },
    });
    expect(Object.keys(res.aggregations)).toEqual(["group"]);
  });
});

describe("speed", () => {
  it("mpdta with analytic SEs takes milliseconds; a 100× panel (250k rows) well under a few seconds", () => {
    callawaySantAnna(mpdta, { ...base, estMethod: "dr" });
    let t0 = performance.now();
    callawaySantAnna(mpdta, { ...base, estMethod: "dr", covariates: ["lpop"] });
    const small = performance.now() - t0;
    expect(small).toBeLessThan(100);

    const rep = 100;
    const N = mpdta.nrows * rep;
    const cols = ["lemp", "countyreal", "year", "first.treat", "lpop"].map((c) => mpdta.numeric(c));
    const out = cols.map(() => new Float64Array(N));
    for (let r = 0; r < rep; r++) {
      for (let i = 0; i < mpdta.nrows; i++) {
        const j = r * mpdta.nrows + i;
        out[0][j] = cols[0][i] + 0.01 * Math.sin(j);
        out[1][j] = cols[1][i] + 100000 * r;
        out[2][j] = cols[2][i];
        out[3][j] = cols[3][i];
        out[4][j] = cols[4][i] + 0.001 * Math.cos(r);
      }
    }
    const big = Frame.fromObject({ y: out[0], id: out[1], t: out[2], g: out[3], x: out[4] });
    t0 = performance.now();
    const res = callawaySantAnna(big, { outcome: "y", unit: "id", time: "t", group: "g", covariates: ["x"] });
    const large = performance.now() - t0;
    expect(res.n.units).toBe(50000);
    expect(large).toBeLessThan(3000);
  });
});
