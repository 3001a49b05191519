#!/usr/bin/env node
// Benchmark: the tutorial's clustered DiD regression (`task_completed ~ treated*post + C(engagement_tier)`,
// CR1 by workspace_id, rows with signup_week < 30) on generated data, truelift vs statsmodels in one run.
//
//   npm run build && node bench/did-regression.mjs [--sizes 1000000,10000000] [--peer-sizes 1000000]
//     [--parquet-sizes 10000000] [--repeat 3]
// Every size is loaded from CSV; sizes in --parquet-sizes are also loaded from Parquet (truelift only).
//
// Each side runs in its own process (so peak RSS is its own); each size is timed `repeat` times and the median
// reported. Results go to bench/results/did-regression.json. Needs Debian's python3-statsmodels for the peer.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { arg, here, machineInfo, median, python, root, runJson, writeResult } from "./lib.mjs";

const sizes = arg("sizes", "1000000,10000000").split(",").map(Number);
const peerSizes = new Set(arg("peer-sizes", "1000000").split(",").map(Number));
const parquetSizes = new Set(arg("parquet-sizes", "10000000").split(",").map(Number));
const repeat = Number(arg("repeat", "3"));

function timed(cmd, args) {
  const runs = Array.from({ length: repeat }, () => runJson(cmd, args));
  const pick = (f) => median(runs.map(f));
  return {
    ...runs[0],
    seconds: Object.fromEntries(Object.keys(runs[0].seconds).map((k) => [k, pick((r) => r.seconds[k])])),
    runs,
  };
}

mkdirSync(join(here, "data"), { recursive: true });
const results = [];
function ensureData(n, ext) {
  const file = join(here, "data", `saas_seed1_${n}.${ext}`);
  if (!existsSync(file)) {
    const t = Date.now();
    execFileSync(
      "node",
      ["bin/truelift.js", "generate", "--seed", "1", "--users", String(n), "--out", file],
      {
        cwd: root,
      },
    );
    console.error(`generated ${n} rows (${ext}) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  return file;
}

for (const n of sizes) {
  const file = ensureData(n, "csv");
  const truelift = timed("node", [join(here, "truelift-did.mjs"), file]);
  const row = { rows: n, truelift };
  if (parquetSizes.has(n))
    row.trueliftParquet = timed("node", [join(here, "truelift-did.mjs"), ensureData(n, "parquet")]);

  if (peerSizes.has(n) && existsSync(python)) {
    const peer = timed(python, [join(here, "python", "did_regression.py"), file]);
    row.statsmodels = peer;
    row.ratio = {
      fit: Number((peer.seconds.fit / truelift.seconds.fit).toFixed(2)),
      fitWarm: Number((peer.seconds.fitWarm / truelift.seconds.fitWarm).toFixed(2)),
      loadPlusFit: Number(
        ((peer.seconds.load + peer.seconds.fit) / (truelift.seconds.load + truelift.seconds.fit)).toFixed(2),
      ),
    };
    row.agreement = {
      estimateRelDiff: Math.abs(truelift.estimate - peer.estimate) / Math.abs(peer.estimate),
      seRelDiff: Math.abs(truelift.se - peer.se) / peer.se,
    };
  }
  for (const side of ["truelift", "trueliftParquet", "statsmodels"]) if (row[side]) delete row[side].runs;
  results.push(row);
  console.error(JSON.stringify(row));
}

const out = {
  benchmark: "did-regression",
  model: "task_completed ~ treated*post + C(engagement_tier), CR1 by workspace_id, signup_week < 30",
  date: new Date().toISOString(),
  machine: machineInfo(),
  repeat,
  note: "seconds are medians over `repeat` processes; fit = filter + derive columns + model fit + CR1 vcov (both sides); fit is the first call in a fresh process (cold JIT), fitWarm the median of the next five calls in that process",
  results,
};
writeResult("did-regression", out);
console.log(JSON.stringify(out, null, 2));
