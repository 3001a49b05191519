// truelift side of bench/did-panel: load a generated unit × period panel, then (a) TWFE `y ~ D | unit + period`
// and (b) the event study (leads 5, lags 10, binned end points, reference −1), both CR1 by unit, through `ols`
// with `absorb: ["unit", "period"]`. Prints one JSON object (coefficients, SEs, K, section seconds, peak RSS).
// Needs `npm run build` first.
//
//   node bench/truelift-did-panel.mjs <panel.csv> [warmRepeats]
import { performance } from "node:perf_hooks";
import { loadFrame, ols } from "../dist/index.js";
import { cpuNow, median } from "./lib.mjs";

const LEADS = 5;
const LAGS = 10;

const path = process.argv[2];
const warmRepeats = Number(process.argv[3] ?? "3");
const c0 = cpuNow();
const t0 = performance.now();
const data = await loadFrame(path, { columns: ["unit", "period", "first_treat", "y"] });
const tLoad = (performance.now() - t0) / 1000;
const cLoad = cpuNow() - c0;

const vcov = { type: "cluster", by: ["unit"] };
const absorb = ["unit", "period"];

// (a) TWFE: build D_it = 1[first_treat > 0 and period ≥ first_treat], fit y ~ D | unit + period.
function twfeOnce() {
  const c1 = cpuNow();
  const t1 = performance.now();
  const g = data.numeric("first_treat");
  const t = data.numeric("period");
  const d = new Float64Array(data.nrows);
  for (let i = 0; i < d.length; i++) d[i] = g[i] > 0 && t[i] >= g[i] ? 1 : 0;
  const fit = ols(data.withColumn("D", d), {
    outcome: "y",
    terms: [{ factors: [{ kind: "numeric", column: "D" }] }],
    absorb,
    vcov,
  });
  return { fit, seconds: (performance.now() - t1) / 1000, cpu: cpuNow() - c1 };
}

// (b) Event study: dummies 1[clamp(t − g, −LEADS, LAGS) = e] for treated units, e ≠ −1; never-treated rows are 0.
function eventStudyOnce() {
  const c1 = cpuNow();
  const t1 = performance.now();
  const g = data.numeric("first_treat");
  const t = data.numeric("period");
  const bins = [];
  for (let e = -LEADS; e <= LAGS; e++) if (e !== -1) bins.push(e);
  const cols = bins.map(() => new Float64Array(data.nrows));
  const slot = new Int32Array(LEADS + LAGS + 1).fill(-1);
  bins.forEach((e, j) => {
    slot[e + LEADS] = j;
  });
  for (let i = 0; i < data.nrows; i++) {
    if (!(g[i] > 0)) continue;
    const e = Math.min(Math.max(t[i] - g[i], -LEADS), LAGS);
    const j = slot[e + LEADS];
    if (j >= 0) cols[j][i] = 1;
  }
  let frame = data;
  const names = bins.map((e) => `rel[${e}]`);
  names.forEach((name, j) => {
    frame = frame.withColumn(name, cols[j]);
  });
  const fit = ols(frame, {
    outcome: "y",
    terms: names.map((column) => ({ factors: [{ kind: "numeric", column }] })),
    absorb,
    vcov,
  });
  return { fit, bins, seconds: (performance.now() - t1) / 1000, cpu: cpuNow() - c1 };
}

// First call in a fresh process (cold JIT), then `warmRepeats` more (their median is "warm").
const tw = twfeOnce();
const twWarm = median(Array.from({ length: warmRepeats }, () => twfeOnce().seconds));
const es = eventStudyOnce();
const esWarm = median(Array.from({ length: warmRepeats }, () => eventStudyOnce().seconds));

const d = tw.fit.terms.find((x) => x.name === "D");
const r4 = (x) => Number(x.toFixed(4));
console.log(
  JSON.stringify({
    tool: "truelift",
    node: process.version,
    rows: data.nrows,
    twfe: { estimate: d.estimate, se: d.se, k: tw.fit.k, dfResid: tw.fit.dfResid, vcov: tw.fit.vcov },
    eventStudy: {
      k: es.fit.k,
      rows: es.bins.map((e, j) => {
        const term = es.fit.terms.find((x) => x.name === `rel[${e}]`);
        return { relTime: e, estimate: term.estimate, se: term.se, index: j };
      }),
    },
    fixedEffects: tw.fit.fixedEffects,
    clusters: tw.fit.n.clusters?.[0] ?? null,
    seconds: {
      load: r4(tLoad),
      twfe: r4(tw.seconds),
      twfeWarm: r4(twWarm),
      eventStudy: r4(es.seconds),
      eventStudyWarm: r4(esWarm),
    },
    cpuSeconds: { load: r4(cLoad), twfe: r4(tw.cpu), eventStudy: r4(es.cpu) },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
