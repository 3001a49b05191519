#!/usr/bin/env node
// Benchmark: TWFE `y ~ D | unit + period` and the event study (leads 5, lags 10, binned end points, reference −1),
// both CR1 by unit, on a generated 1M-row staggered panel (20,000 units × 50 periods), truelift vs statsmodels.
//
//   npm run build && node bench/did-panel.mjs [--units 20000] [--periods 50] [--repeat 3] [--warm 3]
//
// Each side runs in its own process (so peak RSS is its own), `repeat` times; seconds are medians. The panel is
// written once to bench/data/ with `truelift generate --scenario staggered --seed 1`. statsmodels has no absorbed
// fixed effects, so its side applies the exact two-way within transformation of a balanced panel and fits the
// demeaned regression (see bench/python/did_panel.py): coefficients equal TWFE's exactly; cluster SEs differ only by
// K in (N−1)/(N−K), which is rescaled before the SEs are compared (see `agreement`). Results go to
// bench/results/did-panel.json; the run fails if estimates differ by more than 1e-8 (relative) or rescaled SEs by
// more than 1e-6 (relative).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import {
  arg,
  here,
  machineInfo,
  median,
  packageVersion,
  python,
  root,
  runJson,
  writeResult,
} from "./lib.mjs";

const LOAD_AT_START = loadavg();
const units = Number(arg("units", "20000"));
const periods = Number(arg("periods", "50"));
const repeat = Number(arg("repeat", "3"));
const warm = arg("warm", "3");
const EST_TOL = 1e-8;
const SE_TOL = 1e-6;

function timed(cmd, args) {
  const runs = Array.from({ length: repeat }, () => runJson(cmd, args));
  const pick = (f) => median(runs.map(f));
  const out = {
    ...runs[0],
    seconds: Object.fromEntries(Object.keys(runs[0].seconds).map((k) => [k, pick((r) => r.seconds[k])])),
    cpuSeconds: Object.fromEntries(
      Object.keys(runs[0].cpuSeconds).map((k) => [k, pick((r) => r.cpuSeconds[k])]),
    ),
    peakRssBytes: pick((r) => r.peakRssBytes),
  };
  return out;
}

mkdirSync(join(here, "data"), { recursive: true });
const file = join(here, "data", `panel_staggered_seed1_${units}x${periods}.csv`);
if (!existsSync(file)) {
  const t = Date.now();
  execFileSync(
    "node",
    [
      "bin/truelift.js",
      "generate",
      "--scenario",
      "staggered",
      "--seed",
      "1",
      "--units",
      String(units),
      "--periods",
      String(periods),
      "--out",
      file,
    ],
    { cwd: root },
  );
  console.error(`generated ${units}×${periods} panel in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

const truelift = timed("node", [join(here, "truelift-did-panel.mjs"), file, warm]);
console.error(`truelift: ${JSON.stringify(truelift.seconds)}`);
if (!existsSync(python)) throw new Error(`${python} not found: the peer needs Debian's python3-statsmodels`);
const statsmodels = timed(python, [join(here, "python", "did_panel.py"), file, warm]);
console.error(`statsmodels: ${JSON.stringify(statsmodels.seconds)}`);

// K of the cluster factor (N−1)/(N−K): statsmodels fits the demeaned regression, K = k slopes; truelift/fixest
// "nested" drops the unit effects (nested in the unit cluster) and counts the T − 1 period effects and the
// intercept, K = k + T. Both use G/(G−1). So V_truelift = V_statsmodels · (N − k) / (N − k − T).
const N = truelift.rows;
const T = truelift.fixedEffects.columns.find((c) => c.column === "period").levels;
const seScale = (k) => Math.sqrt((N - k) / (N - k - T));

const rel = (a, b) => Math.abs(a - b) / Math.abs(b);
function compare(tl, sm, k) {
  return {
    estimateRelDiff: rel(tl.estimate, sm.estimate),
    seRelDiffRaw: rel(tl.se, sm.se),
    seRelDiffRescaled: rel(tl.se, sm.se * seScale(k)),
  };
}
const twfeAgree = compare(truelift.twfe, statsmodels.twfe, statsmodels.twfe.k);
const esRows = truelift.eventStudy.rows.map((r) => {
  const p = statsmodels.eventStudy.rows.find((x) => x.relTime === r.relTime);
  return { relTime: r.relTime, ...compare(r, p, statsmodels.eventStudy.k) };
});
const maxOf = (rows, key) => Math.max(...rows.map((r) => r[key]));
const agreement = {
  seRelation:
    "truelift SE = statsmodels SE · sqrt((N − k)/(N − k − T)): statsmodels' K is the k slopes of the demeaned regression; truelift/fixest's nested rule drops the unit effects (nested in the cluster) but counts the T − 1 period effects plus the intercept (K = k + T). Both apply G/(G − 1).",
  N,
  T,
  seScale: { twfe: seScale(statsmodels.twfe.k), eventStudy: seScale(statsmodels.eventStudy.k) },
  tolerance: { estimateRel: EST_TOL, seRelRescaled: SE_TOL },
  twfe: twfeAgree,
  eventStudy: {
    maxEstimateRelDiff: maxOf(esRows, "estimateRelDiff"),
    maxSeRelDiffRaw: maxOf(esRows, "seRelDiffRaw"),
    maxSeRelDiffRescaled: maxOf(esRows, "seRelDiffRescaled"),
    rows: esRows,
  },
};
const pass =
  twfeAgree.estimateRelDiff < EST_TOL &&
  twfeAgree.seRelDiffRescaled < SE_TOL &&
  agreement.eventStudy.maxEstimateRelDiff < EST_TOL &&
  agreement.eventStudy.maxSeRelDiffRescaled < SE_TOL;
agreement.pass = pass;

const ratio = (a, b) => Number((a / b).toFixed(2));
const s = statsmodels.seconds;
const t = truelift.seconds;
const out = {
  benchmark: "did-panel",
  models: {
    twfe: "y ~ D | unit + period, CR1 by unit",
    eventStudy:
      "y ~ Σ_{e ∈ [−5, 10], e ≠ −1} 1[clamp(period − first_treat, −5, 10) = e] | unit + period (treated units; end points binned), CR1 by unit",
  },
  data: {
    file: `bench/data/panel_staggered_seed1_${units}x${periods}.csv`,
    command: `node bin/truelift.js generate --scenario staggered --units ${units} --periods ${periods} --seed 1 --out <file>`,
    rows: N,
    units,
    periods,
  },
  date: new Date().toISOString(),
  machine: machineInfo(LOAD_AT_START),
  versions: {
    truelift: packageVersion(),
    statsmodels: statsmodels.version,
    pandas: statsmodels.pandas,
    numpy: statsmodels.numpy,
    python: statsmodels.python,
    node: process.version,
  },
  repeat,
  warmRepeats: Number(warm),
  note: "seconds are medians over `repeat` processes. load = reading unit, period, first_treat, y from the CSV (truelift: DuckDB into typed arrays; statsmodels: pandas). twfe / eventStudy = building D or the event-time dummies + the fit with absorbed unit and period effects (truelift: ols with absorb; statsmodels: exact two-way within transformation in pandas + sm.OLS) + CR1 by unit; first call in a fresh process (cold JIT); *Warm = median of the next `warmRepeats` calls in that process. cpuSeconds = user + system CPU time of the same cold sections (process.cpuUsage / time.process_time; includes every thread), less sensitive than wall time to other load on the machine (see machine.loadAverage*).",
  seconds: { truelift: t, statsmodels: s },
  cpuSeconds: { truelift: truelift.cpuSeconds, statsmodels: statsmodels.cpuSeconds },
  ratio: {
    twfe: ratio(s.twfe, t.twfe),
    twfeWarm: ratio(s.twfeWarm, t.twfeWarm),
    eventStudy: ratio(s.eventStudy, t.eventStudy),
    eventStudyWarm: ratio(s.eventStudyWarm, t.eventStudyWarm),
    loadPlusBoth: ratio(s.load + s.twfe + s.eventStudy, t.load + t.twfe + t.eventStudy),
  },
  cpuRatio: {
    twfe: ratio(statsmodels.cpuSeconds.twfe, truelift.cpuSeconds.twfe),
    eventStudy: ratio(statsmodels.cpuSeconds.eventStudy, truelift.cpuSeconds.eventStudy),
  },
  peakRssBytes: { truelift: truelift.peakRssBytes, statsmodels: statsmodels.peakRssBytes },
  estimates: {
    twfe: { truelift: truelift.twfe, statsmodels: statsmodels.twfe },
    eventStudy: { truelift: truelift.eventStudy.rows, statsmodels: statsmodels.eventStudy.rows },
  },
  agreement,
};
writeResult("did-panel", out);
console.log(
  JSON.stringify(
    {
      seconds: out.seconds,
      ratio: out.ratio,
      cpuSeconds: out.cpuSeconds,
      cpuRatio: out.cpuRatio,
      agreement: { ...agreement, eventStudy: { ...agreement.eventStudy, rows: undefined } },
    },
    null,
    2,
  ),
);
if (!pass) {
  console.error("did-panel: truelift and statsmodels disagree beyond the tolerances (see agreement)");
  process.exit(1);
}
