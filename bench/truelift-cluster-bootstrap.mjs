// truelift side of bench/cluster-bootstrap: load the users and the cluster outcome, join on user_id, run the
// tutorial's cluster analysis, and time the 500-replicate pairs cluster bootstrap of the naive / WLS effect and the
// two-exposure direct and spillover effects (the Python baseline's `bootstrap` section). Prints one JSON object.
// Needs `npm run build` first (or TRUELIFT_DIST pointing at a compiled src/).
import { performance } from "node:perf_hooks";

const dist = process.env.TRUELIFT_DIST ?? new URL("../dist", import.meta.url).pathname;
const { loadFrame } = await import(`${dist}/data/index.js`);
const { cluster, layoutCluster, parseClusterSpec, clusterExposure, clusterSuffStats, pairsClusterBootstrap } =
  await import(`${dist}/designs/cluster/index.js`);

const [usersPath, outcomePath, repsArg] = process.argv.slice(2);
const reps = Number(repsArg ?? 500);
const t0 = performance.now();
const users = await loadFrame(usersPath, {
  columns: ["user_id", "workspace_id", "wave", "opt_in_agent_mode"],
});
const outcome = await loadFrame(outcomePath);
// Join on user_id (both files are keyed by it; the outcome file is in user_id order).
const ids = outcome.numeric("user_id");
const values = outcome.numeric("session_minutes_obs");
const pos = new Map();
for (let i = 0; i < ids.length; i++) pos.set(ids[i], i);
const uid = users.numeric("user_id");
const y = new Float64Array(users.nrows);
for (let i = 0; i < y.length; i++) y[i] = values[pos.get(uid[i])];
const data = users.withColumn("session_minutes_obs", y);
const tLoad = (performance.now() - t0) / 1000;

const spec = {
  outcome: "session_minutes_obs",
  treatment: { column: "wave", treatedValues: [1] },
  cluster: "workspace_id",
  exposure: { column: "opt_in_agent_mode" },
  inference: { pairs: false, smallK: "never", seed: 7 },
};

function analysis() {
  const t = performance.now();
  const res = cluster(data, spec);
  return { res, seconds: (performance.now() - t) / 1000 };
}

/** The bootstrap section: cluster sufficient statistics (one pass over the rows per model) + `reps` replicates. */
function bootstrap() {
  const t = performance.now();
  const s = parseClusterSpec(spec);
  const layout = layoutCluster(data, s);
  const ex = clusterExposure(data, layout, s.exposure);
  const one = clusterSuffStats(layout, [layout.d], ["Intercept", "treatment"]);
  const two = clusterSuffStats(layout, [layout.d, ex.spill], ["Intercept", "direct", "spillover"]);
  const boot = pairsClusterBootstrap(
    [
      {
        stats: one,
        quantities: [
          { name: "naive", weights: [0, 1] },
          { name: "wls", weights: [0, 1] },
        ],
      },
      {
        stats: two,
        quantities: [
          { name: "direct", weights: [0, 1, 0] },
          { name: "spillover", weights: [0, 0, 1] },
        ],
      },
    ],
    { reps, seed: 7, alpha: 0.05 },
  );
  return { boot, seconds: (performance.now() - t) / 1000 };
}

const first = analysis();
const firstBoot = bootstrap();
const warm = Array.from({ length: 5 }, () => bootstrap().seconds).sort((a, b) => a - b);
const warmAnalysis = Array.from({ length: 3 }, () => analysis().seconds).sort((a, b) => a - b);
const r = first.res;
const ci = Object.fromEntries(firstBoot.boot.estimates.map((e) => [`boot_ci_${e.name}`, e.ci]));
console.log(
  JSON.stringify({
    tool: "truelift",
    node: process.version,
    reps: firstBoot.boot.reps,
    estimates: {
      naive: r.naive.userLevel.estimate,
      naive_se: r.naive.userLevel.se,
      wls: r.estimate.estimate,
      wls_se: r.estimate.se,
      direct: r.twoExposure.direct.estimate,
      direct_se: r.twoExposure.direct.se,
      spillover: r.twoExposure.spillover.estimate,
      spillover_se: r.twoExposure.spillover.se,
      ...ci,
    },
    seconds: {
      load: tLoad,
      analysis: first.seconds,
      analysisWarm: warmAnalysis[1],
      bootstrap: firstBoot.seconds,
      bootstrapWarm: warm[2],
    },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  }),
);
