#!/usr/bin/env node
// Benchmark: the cluster tutorial's 500-replicate workspace bootstrap (naive, WLS, two-exposure direct and
// spillover) — truelift's pairs cluster bootstrap on cluster sufficient statistics vs the Python baseline
// ../shared/baselines/python/cluster.py (pandas concat of resampled workspaces + statsmodels refits), same data,
// one run each, each side in its own process.
//
//   npm run build && node bench/cluster-bootstrap.mjs [--reps 500]
// (or TRUELIFT_DIST=/path/to/compiled/src node bench/cluster-bootstrap.mjs)
// Results go to bench/results/cluster-bootstrap.json. Needs Debian's python3-pandas / python3-statsmodels.
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import {
  arg,
  blasSingleThreadEnv,
  here,
  machineInfo,
  python,
  runJson,
  sharedDir,
  writeResult,
} from "./lib.mjs";

const reps = Number(arg("reps", "500"));
const users = join(sharedDir, "fixtures", "saas_llm_logs_seed42.csv");
const outcome = join(sharedDir, "fixtures", "cluster_outcome_seed42.csv");
const baseline = join(sharedDir, "baselines", "python", "cluster.py");
for (const f of [users, outcome, baseline, python]) if (!existsSync(f)) throw new Error(`missing ${f}`);

const loadBefore = loadavg();
const truelift = runJson(
  "node",
  [join(here, "truelift-cluster-bootstrap.mjs"), users, outcome, String(reps)],
  { env: blasSingleThreadEnv },
);
const peer = runJson(python, [baseline, "--data", users, "--outcome", outcome, "--reps", String(reps)], {
  env: blasSingleThreadEnv,
});
const loadAfter = loadavg();

const t = truelift.estimates;
const p = peer.estimates;
const rel = (a, b) => Math.abs(a - b) / Math.abs(b);
const agreement = {
  estimatesMaxRelDiff: Math.max(...["naive", "wls", "direct", "spillover"].map((k) => rel(t[k], p[k]))),
  seMaxRelDiff: Math.max(...["naive_se", "wls_se", "direct_se", "spillover_se"].map((k) => rel(t[k], p[k]))),
  bootstrapCi: Object.fromEntries(
    ["naive", "wls", "direct", "spillover"].map((k) => [
      k,
      { truelift: t[`boot_ci_${k}`], python: p[`boot_ci_${k}`] },
    ]),
  ),
};
if (agreement.estimatesMaxRelDiff > 1e-8 || agreement.seMaxRelDiff > 1e-6) {
  throw new Error(`estimates disagree: ${JSON.stringify(agreement)}`);
}
const ratio = {
  bootstrap: Number((peer.timings_s.bootstrap / truelift.seconds.bootstrap).toFixed(1)),
  bootstrapWarm: Number((peer.timings_s.bootstrap / truelift.seconds.bootstrapWarm).toFixed(1)),
  analysis: Number(
    (
      (peer.timings_s.naive + peer.timings_s.wls + peer.timings_s.two_exposure) /
      truelift.seconds.analysis
    ).toFixed(1),
  ),
};
const out = {
  benchmark: "cluster-bootstrap",
  what: `${reps}-replicate workspace (pairs cluster) bootstrap of the naive, WLS, direct and spillover estimates on the tutorial fixture (50,000 users, 50 workspaces)`,
  date: new Date().toISOString(),
  machine: { ...machineInfo(), loadAverage1m: { before: loadBefore[0], after: loadAfter[0] } },
  note: "one run per side, each in its own process; truelift `bootstrap` = building the cluster sufficient statistics (one pass over the rows per model) + all replicates, first call in a fresh process (cold JIT), `bootstrapWarm` = median of the next five calls; Python `bootstrap` = the baseline's section (pd.concat of resampled workspaces + smf.ols / sm.WLS refits). Bootstrap intervals come from different RNGs and agree within Monte Carlo error only.",
  underLoad: loadBefore[0] > cpus().length * 0.5 || loadAfter[0] > cpus().length * 0.5,
  truelift,
  python: peer,
  ratio,
  agreement,
  acceptance: { required: ">= 100x faster bootstrap", met: ratio.bootstrap >= 100 },
};
writeResult("cluster-bootstrap", out);
console.log(JSON.stringify(out, null, 2));
