// truelift side of bench/did-regression: load the generated file, then the tutorial's clustered DiD regression.
// Prints one JSON object (estimate, SE, section seconds, peak RSS). Needs `npm run build` first.
import { performance } from "node:perf_hooks";
import { loadFrame, ols, parseFormula } from "../dist/index.js";

const path = process.argv[2];
const t0 = performance.now();
const data = await loadFrame(path, {
  columns: ["workspace_id", "engagement_tier", "signup_week", "wave", "task_completed"],
});
const tLoad = (performance.now() - t0) / 1000;

function fitOnce() {
  const t1 = performance.now();
  const week = data.numeric("signup_week");
  const keep = new Uint8Array(data.nrows);
  for (let i = 0; i < keep.length; i++) keep[i] = week[i] < 30 ? 1 : 0;
  const a = data.filter(keep);
  const w = a.numeric("signup_week");
  const wave = a.numeric("wave");
  const post = new Float64Array(a.nrows);
  const treated = new Float64Array(a.nrows);
  for (let i = 0; i < a.nrows; i++) {
    post[i] = w[i] >= 20 ? 1 : 0;
    treated[i] = wave[i] === 1 ? 1 : 0;
  }
  const fit = ols(a.withColumn("post", post).withColumn("treated", treated), {
    ...parseFormula("task_completed ~ treated*post + C(engagement_tier)"),
    vcov: { type: "cluster", by: ["workspace_id"] },
  });
  return { fit, seconds: (performance.now() - t1) / 1000 };
}

// The first call in a fresh process is "cold" (V8 has not compiled the hot loops yet); the next five are "warm".
const cold = fitOnce();
const warm = Array.from({ length: 5 }, () => fitOnce().seconds).sort((x, y) => x - y);
const tFit = cold.seconds;
const fit = cold.fit;
const term = fit.terms.find((t) => t.name === "treated:post");
console.log(
  JSON.stringify({
    tool: "truelift",
    node: process.version,
    rows: data.nrows,
    rowsUsed: fit.n.obs,
    estimate: term.estimate,
    se: term.se,
    seconds: {
      load: Number(tLoad.toFixed(4)),
      fit: Number(tFit.toFixed(4)),
      fitWarm: Number(warm[2].toFixed(4)),
    },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
