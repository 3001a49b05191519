#!/usr/bin/env node
// Benchmark: the cluster tutorial's 500-replicate workspace bootstrap (naive, WLS, two-exposure direct and
// spillover) — truelift's pairs cluster bootstrap on cluster sufficient statistics vs the Python baseline
// ../shared/baselines/python/cluster.py (pandas concat of resampled workspaces + statsmodels refits), same data,
// one run each, each side in its own process.
//
//   npm run build && node bench/cluster-bootstrap.mjs [--reps 500]
// (or TRUELIFT_DIST=/path/to/compiled/src node bench/cluster-bootstrap.mjs)
// Results go to bench/results/cluster-bootstrap.json. Needs Debian's python3-pandas / python3-statsmodels.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const reps = Number(arg("reps", "500"));
const shared = join(root, "..", "shared");
const users = join(shared, "fixtures", "saas_llm_logs_seed42.csv");
const outcome = join(shared, "fixtures", "cluster_outcome_seed42.csv");
const baseline = join(shared, "baselines", "python", "cluster.py");
const python = "/usr/bin/python3";
for (const f of [users, outcome, baseline, python]) if (!existsSync(f)) throw new Error(`missing ${f}`);

const env = { ...process.env, OPENBLAS_NUM_THREADS: "1", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
const runJson = (cmd, args) =>
  JSON.parse(
    execFileSync(cmd, args, { cwd: root, env, maxBuffer: 1 << 24 })
      .toString()
      .trim()
      .split("\n")
      .pop(),
  );

const loadBefore = loadavg();
const truelift = runJson("node", [
  join(here, "truelift-cluster-bootstrap.mjs"),
  users,
  outcome,
  String(reps),
]);
const peer = runJson(python, [baseline, "--data", users, "--outcome", outcome, "--reps", String(reps)]);
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
  machine: {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    memoryBytes: totalmem(),
    node: process.version,
    loadAverage1m: { before: loadBefore[0], after: loadAfter[0] },
  },
  note: "one run per side, each in its own process; truelift `bootstrap` = building the cluster sufficient statistics (one pass over the rows per model) + all replicates, first call in a fresh process (cold JIT), `bootstrapWarm` = median of the next five calls; Python `bootstrap` = the baseline's section (pd.concat of resampled workspaces + smf.ols / sm.WLS refits). Bootstrap intervals come from different RNGs and agree within Monte Carlo error only.",
  underLoad: loadBefore[0] > cpus().length * 0.5 || loadAfter[0] > cpus().length * 0.5,
  truelift,
  python: peer,
  ratio,
  agreement,
  acceptance: { required: ">= 100x faster bootstrap", met: ratio.bootstrap >= 100 },
};
mkdirSync(join(here, "results"), { recursive: true });
writeFileSync(join(here, "results", "cluster-bootstrap.json"), `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));
