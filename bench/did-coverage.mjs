#!/usr/bin/env node
// The slow simulation tier of the DiD design: bias, RMSE and 95 % CI coverage of Callaway–Sant'Anna (dr and reg)
// and of TWFE / the TWFE event study against the generator's known truth, plus the size and power of the
// pre-trend tests. Not a timing benchmark and not part of `npm test` (it takes minutes).
//
//   npm run build && node bench/did-coverage.mjs [--seeds 200] [--coverage-seeds 500] [--pretest-seeds 1000]
//     [--units 500] [--periods 24] [--pretest-large-units 2000]
//
// 1. Seeds 1 … `seeds` of the `staggered` scenario (cohorts 8, 12, 16 with 20 % of units each, 40 % never treated,
//    τ = 0.5 + 0.2·(t − g), parallel trends hold unconditionally; x shifts with the cohort): per event time and for
//    the overall ATT, mean bias, bias / mean SE, RMSE, the SD of the estimates, mean SE / SD and the coverage of
//    the analytic 95 % CI, for
//    - CS dr and CS reg (`callawaySantAnna`, never-treated controls, covariate x, varying base period): the
//      dynamic aggregation by event time against `truth.dynamic`, the simple aggregation against `truth.overall`;
//    - TWFE `y ~ D | unit + period` (CR1 by unit, t(G − 1)) against `truth.overall` — it is not the same estimand
//      and is biased with effects that grow with exposure (Goodman-Bacon 2021);
//    - the TWFE event study (leads 5, lags 10, end points binned, reference −1): by event time against
//      `truth.dynamic` (the binned lead −5 against 0; the binned lag +10 has no single truth and is skipped).
// 2. Seeds 1 … `coverage-seeds`: coverage of the CS dr overall ATT (simple aggregation) — must land in 93–97 %.
// 3. Rejection rates at 5 % of the pre-trend tests on seeds 1 … `pretest-seeds` of `staggered` (size) and
//    `trend-violation` (power; eventually-treated units gain 0.05 per period): the event study's joint Wald test
//    of the leads (default window, and with every lag unbinned), and CS's Wald pre-test of all pre-period
//    ATT(g,t) (30 restrictions here). The CS pre-test's size is also measured with `pretest-large-units` units
//    (seeds 1 … `seeds`), to separate a finite-sample effect from a defect.
// Prints a table and writes bench/results/did-coverage.json.
import { execFileSync } from "node:child_process";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import {
  callawaySantAnna,
  didVcov,
  eventStudy,
  layoutDid,
  parseDidSpec,
  twfe,
} from "../dist/designs/did/index.js";
import { generatePanel } from "../dist/index.js";
import { arg, machineInfo, packageVersion, root, writeResult } from "./lib.mjs";

const LOAD_AT_START = loadavg();
const SEEDS = Number(arg("seeds", "200"));
const COVERAGE_SEEDS = Number(arg("coverage-seeds", "500"));
const PRETEST_SEEDS = Number(arg("pretest-seeds", "1000"));
const LARGE_UNITS = Number(arg("pretest-large-units", "2000"));
const UNITS = Number(arg("units", "500"));
const PERIODS = Number(arg("periods", "24"));
const LEADS = 5;
const LAGS = 10;
const ALPHA = 0.05;
const COVERAGE_BAND = [0.93, 0.97];

const started = performance.now();
const elapsed = () => ((performance.now() - started) / 1000).toFixed(1);

/** Accumulates (estimate, se, truth, covered) per key and summarises them. */
class Tally {
  constructor() {
    this.cells = new Map();
  }
  add(key, estimate, se, ciLow, ciHigh, truth) {
    if (!this.cells.has(key)) this.cells.set(key, { err: [], se: [], cover: 0, n: 0, nulls: 0 });
    const c = this.cells.get(key);
    if (estimate === null || se === null || ciLow === null || ciHigh === null) {
      c.nulls++;
      return;
    }
    c.n++;
    c.err.push(estimate - truth);
    c.se.push(se);
    if (ciLow <= truth && truth <= ciHigh) c.cover++;
  }
  summary() {
    const out = [];
    const keys = [...this.cells.keys()].sort((a, b) => (a === "overall" ? 1 : b === "overall" ? -1 : a - b));
    for (const key of keys) {
      const c = this.cells.get(key);
      const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
      const bias = mean(c.err);
      const meanSe = mean(c.se);
      const sd = Math.sqrt(c.err.reduce((s, e) => s + (e - bias) ** 2, 0) / (c.n - 1));
      const coverage = c.cover / c.n;
      out.push({
        key,
        n: c.n,
        nulls: c.nulls,
        meanBias: bias,
        meanSe,
        biasOverSe: bias / meanSe,
        rmse: Math.sqrt(mean(c.err.map((e) => e * e))),
        sdEstimate: sd,
        seOverSd: meanSe / sd,
        coverage,
        coverageMcSe: Math.sqrt((coverage * (1 - coverage)) / c.n),
      });
    }
    return out;
  }
}

const truthAt = (truth) => new Map(truth.dynamic.map((d) => [d.eventTime, d.att]));

function csFit(frame, estMethod, aggregations) {
  return callawaySantAnna(frame, {
    outcome: "y",
    unit: "unit",
    time: "period",
    group: "first_treat",
    covariates: ["x"],
    estMethod,
    control: "never",
    alpha: ALPHA,
    aggregations,
  });
}

function twfeFits(frame) {
  const layout = layoutDid(
    frame,
    parseDidSpec({ outcome: "y", time: "period", treatment: { startColumn: "first_treat" }, unit: "unit" }),
  );
  const ctx = { vcov: didVcov("unit", "t"), alpha: ALPHA };
  const maxLag = PERIODS; // larger than any relative period: nothing binned on the right
  return {
    twfe: twfe(layout, ctx),
    es: eventStudy(layout, ctx, { leads: LEADS, lags: LAGS }),
    esUnbinned: eventStudy(layout, ctx, { leads: LEADS, lags: maxLag }),
  };
}

const rejects = (p) => (p !== null && p !== undefined && p < ALPHA ? 1 : 0);

// ---- 1 + 3 (size): the staggered scenario ------------------------------------------------------------------
const tallies = {
  csDr: { dynamic: new Tally(), overall: new Tally() },
  csReg: { dynamic: new Tally(), overall: new Tally() },
  twfe: { overall: new Tally() },
  twfeEventStudy: { dynamic: new Tally() },
};
const pretest = {
  staggered: { esDefault: 0, esUnbinned: 0, cs: 0, n: 0, csDf: null },
  "trend-violation": { esDefault: 0, esUnbinned: 0, cs: 0, n: 0, csDf: null },
};
function addPretests(scenario, cs, f) {
  const p = pretest[scenario];
  p.cs += rejects(cs.preTest?.pValue);
  p.csDf = cs.preTest?.df ?? null;
  p.esDefault += rejects(f.es.leadsTest.pValue);
  p.esUnbinned += rejects(f.esUnbinned.leadsTest.pValue);
  p.n++;
}
const csDrOverallBySeed = [];
const truthOverall = [];

for (let seed = 1; seed <= SEEDS; seed++) {
  const { frame, truth } = generatePanel({ seed, scenario: "staggered", units: UNITS, periods: PERIODS });
  const truthE = truthAt(truth);
  truthOverall.push(truth.overall);
  const f = twfeFits(frame);
  for (const [name, estMethod] of [
    ["csDr", "dr"],
    ["csReg", "reg"],
  ]) {
    const cs = csFit(frame, estMethod, { simple: true, dynamic: true });
    const s = cs.aggregations.simple.overall;
    tallies[name].overall.add(
      "overall",
      s.estimate,
      s.se,
      s.ci?.[0] ?? null,
      s.ci?.[1] ?? null,
      truth.overall,
    );
    for (const r of cs.aggregations.dynamic.rows) {
      if (!truthE.has(r.key)) continue;
      tallies[name].dynamic.add(r.key, r.estimate, r.se, r.ciLow, r.ciHigh, truthE.get(r.key));
    }
    if (name === "csDr") {
      csDrOverallBySeed.push([seed, s.estimate, s.se, truth.overall]);
      if (seed <= PRETEST_SEEDS) addPretests("staggered", cs, f);
    }
  }
  const e = f.twfe.effect;
  tallies.twfe.overall.add("overall", e.estimate, e.se, e.ci?.[0] ?? null, e.ci?.[1] ?? null, truth.overall);
  for (const r of f.es.rows) {
    if (r.reference || (r.binned && r.relTime > 0)) continue;
    const t = r.binned ? 0 : truthE.get(r.relTime);
    tallies.twfeEventStudy.dynamic.add(r.relTime, r.estimate, r.se, r.ciLow, r.ciHigh, t);
  }
  if (seed % 50 === 0) console.error(`staggered: ${seed}/${SEEDS} seeds, ${elapsed()} s`);
}
const tSection1 = elapsed();

// ---- 2 (+ 3, size): CS dr overall coverage over COVERAGE_SEEDS seeds and the pre-tests over PRETEST_SEEDS seeds
// (seeds 1 … SEEDS were done above) -----------------------------------------------------------------------------
const lastSeed = Math.max(COVERAGE_SEEDS, PRETEST_SEEDS);
for (let seed = SEEDS + 1; seed <= lastSeed; seed++) {
  const { frame, truth } = generatePanel({ seed, scenario: "staggered", units: UNITS, periods: PERIODS });
  const cs = csFit(frame, "dr", { simple: true });
  const s = cs.aggregations.simple.overall;
  if (seed <= COVERAGE_SEEDS) csDrOverallBySeed.push([seed, s.estimate, s.se, truth.overall]);
  if (seed <= PRETEST_SEEDS) addPretests("staggered", cs, twfeFits(frame));
  if (seed % 100 === 0) console.error(`coverage / size: ${seed}/${lastSeed} seeds, ${elapsed()} s`);
}
const coverageTally = new Tally();
for (const [, est, se, t] of csDrOverallBySeed) {
  const z = 1.959963984540054;
  coverageTally.add("overall", est, se, est - z * se, est + z * se, t);
}
const tSection2 = elapsed();

// ---- 3 (power): the trend-violation scenario ------------------------------------------------------------------
for (let seed = 1; seed <= PRETEST_SEEDS; seed++) {
  const { frame } = generatePanel({ seed, scenario: "trend-violation", units: UNITS, periods: PERIODS });
  addPretests("trend-violation", csFit(frame, "dr", { simple: true }), twfeFits(frame));
  if (seed % 100 === 0) console.error(`trend-violation: ${seed}/${PRETEST_SEEDS} seeds, ${elapsed()} s`);
}
const tSection3 = elapsed();

// ---- 3b: the CS pre-test's size with more units (finite-sample check) -----------------------------------------
let largeRejects = 0;
for (let seed = 1; seed <= SEEDS; seed++) {
  const { frame } = generatePanel({ seed, scenario: "staggered", units: LARGE_UNITS, periods: PERIODS });
  largeRejects += rejects(csFit(frame, "dr", { simple: true }).preTest?.pValue);
  if (seed % 50 === 0)
    console.error(`CS pre-test, ${LARGE_UNITS} units: ${seed}/${SEEDS} seeds, ${elapsed()} s`);
}
const csPretestLarge = { units: LARGE_UNITS, seeds: SEEDS, rejection: largeRejects / SEEDS };

// ---- report ------------------------------------------------------------------------------------------------
const results = {
  csDr: { overall: tallies.csDr.overall.summary()[0], dynamic: tallies.csDr.dynamic.summary() },
  csReg: { overall: tallies.csReg.overall.summary()[0], dynamic: tallies.csReg.dynamic.summary() },
  twfe: { overall: tallies.twfe.overall.summary()[0] },
  twfeEventStudy: { dynamic: tallies.twfeEventStudy.dynamic.summary() },
};
const cov500 = coverageTally.summary()[0];
const rate = (p, k) => p[k] / p.n;
const pretestRates = Object.fromEntries(
  Object.entries(pretest).map(([scenario, p]) => [
    scenario,
    {
      seeds: p.n,
      eventStudyLeads: rate(p, "esDefault"),
      eventStudyLeadsUnbinnedLags: rate(p, "esUnbinned"),
      callawaySantAnnaPreTest: rate(p, "cs"),
      callawaySantAnnaPreTestDf: p.csDf,
      mcSeAt5Percent: Math.sqrt((0.05 * 0.95) / p.n),
    },
  ]),
);
const inBand = cov500.coverage >= COVERAGE_BAND[0] && cov500.coverage <= COVERAGE_BAND[1];

const f3 = (x) => (x === null || x === undefined ? "    –" : x.toFixed(3).padStart(7));
const pct = (x) => `${(100 * x).toFixed(1).padStart(5)}%`;
function table(title, rows) {
  console.log(`\n${title}`);
  console.log("    key      n    bias  meanSE  bias/SE    RMSE  SD(est)  SE/SD  cover95");
  for (const r of rows) {
    console.log(
      `${String(r.key).padStart(7)} ${String(r.n).padStart(6)} ${f3(r.meanBias)} ${f3(r.meanSe)} ${f3(r.biasOverSe)}  ${f3(r.rmse)} ${f3(r.sdEstimate)} ${f3(r.seOverSd)}  ${pct(r.coverage)}`,
    );
  }
}
table(`CS dr — dynamic aggregation by event time (${SEEDS} seeds)`, [
  ...results.csDr.dynamic,
  results.csDr.overall,
]);
table(`CS reg — dynamic aggregation by event time (${SEEDS} seeds)`, [
  ...results.csReg.dynamic,
  results.csReg.overall,
]);
table(
  `TWFE event study (leads ${LEADS}, lags ${LAGS} binned) by event time, and TWFE y ~ D | unit + period`,
  [...results.twfeEventStudy.dynamic, results.twfe.overall],
);
console.log(
  `\nCS dr overall ATT, ${COVERAGE_SEEDS} seeds: coverage ${pct(cov500.coverage)} (MC SE ${(100 * cov500.coverageMcSe).toFixed(1)} pts), bias ${cov500.meanBias.toFixed(4)}, RMSE ${cov500.rmse.toFixed(4)} — ${inBand ? "inside" : "OUTSIDE"} ${COVERAGE_BAND.map(pct).join("–")}`,
);
console.log("\nPre-trend tests, rejection rate at 5 %:");
for (const [s, r] of Object.entries(pretestRates)) {
  console.log(
    `  ${s.padEnd(16)} event-study leads ${pct(r.eventStudyLeads)}  (lags unbinned ${pct(r.eventStudyLeadsUnbinnedLags)})  CS pre-test ${pct(r.callawaySantAnnaPreTest)} (df ${r.callawaySantAnnaPreTestDf})  [${r.seeds} seeds]`,
  );
}
console.log(
  `  staggered, ${LARGE_UNITS} units: CS pre-test ${pct(csPretestLarge.rejection)}  [${csPretestLarge.seeds} seeds]`,
);

const out = {
  benchmark: "did-coverage",
  date: new Date().toISOString(),
  machine: machineInfo(LOAD_AT_START),
  versions: {
    truelift: packageVersion(),
    node: process.version,
    gitHead: (() => {
      try {
        return execFileSync("git", ["rev-parse", "HEAD"], { cwd: root }).toString().trim();
      } catch {
        return null;
      }
    })(),
  },
  settings: {
    generator: {
      scenarios: ["staggered", "trend-violation"],
      units: UNITS,
      periods: PERIODS,
      otherOptions:
        "generatePanel defaults: cohorts [8, 12, 16], shares 0.2 each, τ = 0.5 + 0.2·(t − g), σ = 1",
    },
    seeds: {
      table: { from: 1, to: SEEDS },
      coverage: { from: 1, to: COVERAGE_SEEDS },
      pretest: { from: 1, to: PRETEST_SEEDS },
      pretestLargeUnits: { from: 1, to: SEEDS, units: LARGE_UNITS },
    },
    callawaySantAnna: {
      estMethods: ["dr", "reg"],
      control: "never",
      basePeriod: "varying",
      covariates: ["x"],
      ses: "analytic",
    },
    twfe: { model: "y ~ D | unit + period", vcov: "CR1 by unit, t(G − 1)" },
    eventStudy: { leads: LEADS, lags: LAGS, binned: true, reference: -1, unbinnedVariantLags: PERIODS },
    alpha: ALPHA,
    coverageBand: COVERAGE_BAND,
  },
  definitions: {
    meanBias: "mean over seeds of (estimate − truth), truth = the generator's sample ATT of that seed",
    biasOverSe: "meanBias / mean SE",
    rmse: "sqrt(mean (estimate − truth)²)",
    seOverSd: "mean SE / SD of the estimates across seeds (≈ 1 when SEs are calibrated)",
    coverage:
      "share of seeds whose analytic 95 % CI contains the truth; coverageMcSe its binomial Monte Carlo SE",
  },
  seconds: {
    staggeredTable: Number(tSection1),
    coverageAndSize: Number(tSection2) - Number(tSection1),
    power: Number(tSection3) - Number(tSection2),
    pretestLargeUnits: Number(elapsed()) - Number(tSection3),
    total: Number(elapsed()),
  },
  truthOverall: { mean: truthOverall.reduce((s, x) => s + x, 0) / truthOverall.length },
  results,
  csDrOverallCoverage: { seeds: COVERAGE_SEEDS, ...cov500, inBand },
  pretestRejection: { ...pretestRates, staggeredLargeUnits: csPretestLarge },
  csDrOverallBySeed: { columns: ["seed", "estimate", "se", "truth"], rows: csDrOverallBySeed },
};
writeResult("did-coverage", out);
console.log(`\nwrote bench/results/did-coverage.json (${elapsed()} s)`);
if (!inBand) process.exitCode = 1;
