#!/usr/bin/env node
// Benchmark: the five tutorial pipelines (DiD, propensity, RDD, synthetic control, cluster randomization), each
// exactly as ../shared/baselines/python/<method>.py runs it (same steps, same 500 replicates, seed 7), truelift vs
// the Python baseline, in one run on the same machine. Every side runs in its own process; the Python scripts run
// unchanged with single-threaded BLAS (as run_all.sh). The run fails unless every point estimate equals the
// baseline's within the stated tolerance (bootstrap intervals: within Monte Carlo error, different RNGs).
//
//   npm run build && node bench/tutorial.mjs [--reps 500] [--only did,rdd] [--dist dist]
//
// Results go to bench/results/tutorial.json: per pipeline the wall time of each side (its own section timer,
// from after the imports, as the baselines' `total`), the ratio, the sections, and the estimate pairs.
import { existsSync } from "node:fs";
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  arg,
  blasSingleThreadEnv,
  distDir,
  machineInfo,
  python,
  runJson,
  runLines,
  sharedDir,
  writeResult,
} from "./lib.mjs";

const reps = Number(arg("reps", "500"));
const dist = resolve(arg("dist", distDir));
const data = join(sharedDir, "fixtures", "saas_llm_logs_seed42.csv");
const outcomeFile = join(sharedDir, "fixtures", "cluster_outcome_seed42.csv");
const baselineDir = join(sharedDir, "baselines", "python");
const METHODS = ["did", "propensity", "rdd", "synth", "cluster"];
const only = arg("only", null)?.split(",") ?? METHODS;

const mod = (p) => import(pathToFileURL(join(dist, p)).href);

// Runs a baseline script unchanged and prints its process CPU seconds (user + system) as a last JSON line.
const WITH_CPU = `
import json, os, resource, runpy, sys
path = sys.argv[1]
sys.argv = [path] + sys.argv[2:]
sys.path.insert(0, os.path.dirname(path))
runpy.run_path(path, run_name="__main__")
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpuSeconds": ru.ru_utime + ru.ru_stime}))
`;

/** Section timer like the baselines' common.Timer: seconds per section, `total` since construction. */
function timer() {
  const t0 = performance.now();
  const sections = {};
  return {
    async section(name, fn) {
      const t = performance.now();
      const out = await fn();
      sections[name] = Number(((performance.now() - t) / 1000).toFixed(4));
      return out;
    },
    done() {
      sections.total = Number(((performance.now() - t0) / 1000).toFixed(4));
      return sections;
    },
  };
}

// ---------------------------------------------------------------------------------------------- truelift sides

async function didSide() {
  const { loadFrame, ols, parseFormula } = await mod("index.js");
  const T = timer();
  const df = await T.section("load", () => loadFrame(data));
  const est = {};
  let a;
  await T.section("two_by_two", () => {
    const week = df.numeric("signup_week");
    const keep = new Uint8Array(df.nrows);
    for (let i = 0; i < keep.length; i++) keep[i] = week[i] < 30 ? 1 : 0;
    a = df.filter(keep);
    const w = a.numeric("signup_week");
    const wave = a.numeric("wave");
    const post = new Float64Array(a.nrows);
    const treated = new Float64Array(a.nrows);
    for (let i = 0; i < a.nrows; i++) {
      post[i] = w[i] >= 20 ? 1 : 0;
      treated[i] = wave[i] === 1 ? 1 : 0;
    }
    a = a.withColumn("post", post).withColumn("treated", treated);
    // The saturated 2×2 regression's interaction is the difference of the four cell means' differences.
    const cells = ols(a, parseFormula("task_completed ~ treated*post"));
    est.did_2x2 = cells.terms.find((t) => t.name === "treated:post").estimate;
  });
  await T.section("regression", () => {
    const fit = ols(a, {
      ...parseFormula("task_completed ~ treated*post + C(engagement_tier)"),
      vcov: { type: "cluster", by: ["workspace_id"] },
    });
    const term = fit.terms.find((t) => t.name === "treated:post");
    est.did_reg = term.estimate;
    est.did_reg_se = term.se;
  });
  await T.section("placebo", () => {
    const post = a.numeric("post");
    const keep = new Uint8Array(a.nrows);
    for (let i = 0; i < keep.length; i++) keep[i] = post[i] === 0 ? 1 : 0;
    const pre0 = a.filter(keep);
    const w = pre0.numeric("signup_week");
    const since = new Float64Array(pre0.nrows);
    for (let i = 0; i < since.length; i++) since[i] = w[i] - 10;
    const pre = pre0.withColumn("weeks_since_start", since);
    const fit = ols(pre, {
      ...parseFormula("task_completed ~ treated*weeks_since_start + C(engagement_tier)"),
      // statsmodels' cluster covariance tests with the normal (use_t=False), not t(G − 1).
      vcov: { type: "cluster", by: ["workspace_id"], dist: "normal" },
    });
    const term = fit.terms.find((t) => t.name === "treated:weeks_since_start");
    est.pretrend_slope_diff = term.estimate;
    est.pretrend_p = term.pValue;
  });
  return { method: "did", estimates: est, timings_s: T.done() };
}

async function propensitySide() {
  const { loadFrame } = await mod("data/index.js");
  const ps = await mod("designs/propensity/index.js");
  const T = timer();
  const df = await T.section("load", () => loadFrame(data));
  const spec = {
    treatment: "opt_in_agent_mode",
    outcome: "task_completed",
    covariates: ["engagement_tier", "query_confidence"],
    // scikit-learn's LogisticRegression() default: L2 penalty with C = 1.
    model: { penalty: { type: "l2", C: 1 } },
  };
  const est = {};
  let res;
  let run;
  await T.section("fit_and_estimate", () => {
    // The analysis once, staged as propensity() runs it; the bootstrap section then runs only the replicates on
    // it (as the baseline's sections split them), not the whole analysis a second time.
    run = ps.stagePropensityRows(df, { ...spec, bootstrap: { reps, seed: 7 } }).run;
    res = run.finish(null).result;
    est.naive = res.naive.difference.estimate;
    est.ipw_ate = res.ipw.ate.estimate;
    est.ipw_att = res.ipw.att.estimate;
    est.nn1_att = res.matching.estimate;
    est.auc = res.model.auc;
  });
  await T.section("balance", () => {
    const heavy = res.balance.rows.find((r) => r.covariate === "engagement_tier[heavy]");
    const qc = res.balance.rows.find((r) => r.covariate === "query_confidence");
    est.smd_heavy_raw = heavy.smdRaw;
    est.smd_heavy_weighted = heavy.smdAte;
    est.smd_qc_raw = qc.smdRaw;
    est.smd_qc_weighted = qc.smdAte;
  });
  await T.section("bootstrap", () => {
    const b = ps.ipwBootstrap(run.bootstrapInput);
    est.boot_ci_ipw_ate = b.ate.ci;
    est.boot_ci_ipw_att = b.att.ci;
  });
  return { method: "propensity", estimates: est, timings_s: T.done() };
}

async function rddSide() {
  const { loadFrame } = await mod("data/index.js");
  const { parseRddSpec } = await mod("designs/rdd/spec.js");
  const { layoutRdd } = await mod("designs/rdd/layout.js");
  const { fitSettings, rddFit } = await mod("designs/rdd/estimate.js");
  const { rddBootstrap } = await mod("designs/rdd/bootstrap.js");
  const T = timer();
  const df = await T.section("load", () => loadFrame(data));
  const spec = parseRddSpec({
    outcome: "task_completed",
    running: "query_confidence",
    cutoff: 0.85,
    treated: "below",
    kernel: "uniform",
    support: "open",
    vce: "hc3",
  });
  const BWS = [0.05, 0.1, 0.15, 0.2];
  const est = {};
  let sides;
  let st;
  await T.section("bandwidth_sweep", () => {
    const layout = layoutRdd(df, spec);
    st = fitSettings(spec, null);
    sides = { ...layout, left: { ...layout.left, t: null }, right: { ...layout.right, t: null } };
    for (const bw of BWS) {
      const f = rddFit(sides, st, { h: [bw, bw], b: [bw, bw] });
      est[`effect_bw${bw.toFixed(2)}`] = f.effect.conventional.estimate;
      est[`se_bw${bw.toFixed(2)}`] = f.effect.conventional.se;
    }
  });
  await T.section("quadratic", () => {
    const q = rddFit(sides, { ...st, p: 2, q: 3 }, { h: [0.1, 0.1], b: [0.1, 0.1] });
    est.quadratic_effect = q.effect.conventional.estimate;
    est.quadratic_p = q.effect.conventional.pValue;
  });
  await T.section("density_bins", () => {
    // The baseline's literal edges, counted on the loaded column (half-open [lo, hi)).
    const x = df.numeric("query_confidence");
    const edges = [0.8, 0.82, 0.84, 0.86, 0.88, 0.9];
    for (let k = 0; k < 5; k++) {
      let n = 0;
      for (let i = 0; i < x.length; i++) if (x[i] >= edges[k] && x[i] < edges[k + 1]) n++;
      est[`bin_${edges[k].toFixed(2)}`] = n;
    }
  });
  await T.section("bootstraps", () => {
    const boot = (p, bw, stream) =>
      rddBootstrap(sides.left, sides.right, { ...st, p, q: p + 1 }, [bw, bw], { reps, seed: 7, stream }).ci;
    est.boot_ci_headline = boot(1, 0.1, 0);
    BWS.forEach((bw, i) => {
      est[`boot_ci_bw${bw.toFixed(2)}`] = boot(1, bw, i + 1);
    });
    est.boot_ci_quadratic = boot(2, 0.1, BWS.length + 1);
  });
  return { method: "rdd", estimates: est, timings_s: T.done() };
}

async function synthSide() {
  const { loadFrame } = await mod("data/index.js");
  const sy = await mod("designs/synth/index.js");
  const T = timer();
  const df = await T.section("load", () => loadFrame(data));
  const ids = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
  const est = {};
  let cells;
  let problem;
  let fit;
  await T.section("panel", () => {
    const spec = sy.parseSynthSpec({
      outcome: "task_completed",
      unit: "workspace_id",
      time: "signup_week",
      treated: ids(0, 25),
      donors: ids(25, 50),
      treatmentStart: 20,
      window: { from: 0, to: 29 },
    });
    cells = sy.synthCells(df, spec);
    const panel = sy.synthPanel(cells, cells.sums, cells.counts);
    problem = {
      treated: panel.treated,
      donors: panel.donors,
      nDonors: panel.nDonors,
      preCount: panel.preCount,
      predictors: null,
      customV: null,
    };
  });
  await T.section("weights", () => {
    fit = sy.fitProblem(problem, { solver: "exact" });
    est.gap = fit.meanGap;
    est.pre_rmse = fit.preRmspe;
    est.n_nonzero_donors = [...fit.weights].filter((w) => w > 0.001).length;
    const order = [...fit.weights.keys()].sort((i, j) => fit.weights[j] - fit.weights[i]).slice(0, 3);
    est.top_weights = Object.fromEntries(order.map((j) => [cells.donorUnits[j], fit.weights[j]]));
  });
  await T.section("placebo", () => {
    const placebo = sy.inSpacePlacebos(problem, fit, cells.donorUnits, null);
    est.placebo_sd = placebo.gapSd;
    est.placebo_p = placebo.meanGapTest.pValue;
  });
  await T.section("leave_one_out", () => {
    est.loo_range = sy.leaveOneOut(problem, fit.weights, cells.donorUnits, 0.001).gapRange;
  });
  await T.section("bootstrap", () => {
    est.boot_ci = sy.synthBootstrap(
      df,
      cells,
      problem,
      { weights: fit.weights, v: null },
      { outcome: "task_completed", reps, seed: 7, alpha: 0.05 },
    ).ci;
  });
  return { method: "synth", estimates: est, timings_s: T.done() };
}

async function clusterSide() {
  const { loadFrame } = await mod("data/index.js");
  const cl = await mod("designs/cluster/index.js");
  const T = timer();
  const df = await T.section("load", async () => {
    const users = await loadFrame(data);
    const outcome = await loadFrame(outcomeFile);
    // Left join on user_id, validated 1:1 (as the baseline's merge).
    const ids = outcome.numeric("user_id");
    const values = outcome.numeric("session_minutes_obs");
    const pos = new Map();
    for (let i = 0; i < ids.length; i++) {
      if (pos.has(ids[i])) throw new Error(`duplicate user_id ${ids[i]} in the outcome file`);
      pos.set(ids[i], i);
    }
    const uid = users.numeric("user_id");
    const y = new Float64Array(users.nrows);
    for (let i = 0; i < y.length; i++) y[i] = pos.has(uid[i]) ? values[pos.get(uid[i])] : Number.NaN;
    return users.withColumn("session_minutes_obs", y);
  });
  const spec = {
    outcome: "session_minutes_obs",
    treatment: { column: "workspace_id", treatedValues: Array.from({ length: 25 }, (_, i) => i) },
    cluster: "workspace_id",
    exposure: { column: "opt_in_agent_mode" },
    inference: { pairs: false, smallK: "never", seed: 7 },
  };
  const est = {};
  // One cluster() call computes the naive, workspace-mean WLS and two-exposure fits together; its time is
  // reported under `naive` (wls and two_exposure are 0: no separate work).
  await T.section("naive", () => {
    const r = cl.cluster(df, spec);
    est.naive = r.naive.userLevel.estimate;
    est.naive_se = r.naive.userLevel.se;
    est.wls = r.estimate.estimate;
    est.wls_se = r.estimate.se;
    est.direct = r.twoExposure.direct.estimate;
    est.direct_se = r.twoExposure.direct.se;
    est.spillover = r.twoExposure.spillover.estimate;
    est.spillover_se = r.twoExposure.spillover.se;
  });
  await T.section("bootstrap", () => {
    const s = cl.parseClusterSpec(spec);
    const layout = cl.layoutCluster(df, s);
    const ex = cl.clusterExposure(df, layout, s.exposure);
    const one = cl.clusterSuffStats(layout, [layout.d], ["Intercept", "treatment"]);
    const two = cl.clusterSuffStats(layout, [layout.d, ex.spill], ["Intercept", "direct", "spillover"]);
    const boot = cl.pairsClusterBootstrap(
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
    for (const e of boot.estimates) est[`boot_ci_${e.name}`] = e.ci;
  });
  return { method: "cluster", estimates: est, timings_s: T.done() };
}

const SIDES = {
  did: didSide,
  propensity: propensitySide,
  rdd: rddSide,
  synth: synthSide,
  cluster: clusterSide,
};

// ------------------------------------------------------------------------------------------------- comparison

/**
 * Tolerances of the estimate check, per key: `rel` (relative, of a number), `abs` (absolute), `mc` (a bootstrap
 * interval: each end within this fraction of the baseline interval's width: the RNGs differ, so they agree only
 * within Monte Carlo error), `skip` (reported, not asserted, with the reason).
 */
function tolerance(method, key) {
  if (method === "propensity" && key === "boot_ci_nn1_att")
    return { skip: "truelift has no matching bootstrap (its 1-NN SE is Abadie–Imbens)" };
  if (key.startsWith("boot_ci")) return { mc: 0.25 };
  if (method === "propensity") {
    // scikit-learn's lbfgs stops at its own tolerance; truelift's L2 Newton fit converges fully.
    if (key === "nn1_att")
      return { abs: 0.001, why: "scikit-learn's NearestNeighbors keeps one of tied controls" };
    if (key.startsWith("smd_") && key.endsWith("_weighted")) return { abs: 1e-4 };
    if (key === "smd_qc_raw")
      return {
        rel: 1e-4,
        why: "continuous covariate: truelift's pooled SD uses n − 1, the baseline's np.var n",
      };
    return { rel: 1e-4 };
  }
  if (method === "synth") {
    // SLSQP (ftol 1e-12) vs truelift's exact active-set simplex QP: the same optimum up to SLSQP's tolerance.
    if (key === "placebo_p" || key === "n_nonzero_donors") return { abs: 0 };
    return { rel: 1e-3 };
  }
  return { rel: 1e-8 };
}

function compare(method, ours, theirs) {
  const rows = [];
  let ok = true;
  for (const key of Object.keys(theirs)) {
    const a = ours[key];
    const b = theirs[key];
    const tol = tolerance(method, key);
    let pass;
    let diff;
    if ("skip" in tol) {
      pass = true;
      diff = "not compared";
    } else if (a === undefined) {
      pass = false;
      diff = "missing";
    } else if (Array.isArray(b) && Array.isArray(a)) {
      const width = Math.abs(b[1] - b[0]);
      diff = Math.max(...b.map((v, i) => Math.abs(a[i] - v))) / width;
      pass = "mc" in tol ? diff <= tol.mc : diff <= (tol.rel ?? 0);
    } else if (typeof b === "object" && b !== null) {
      diff = Math.max(...Object.keys(b).map((k) => Math.abs((a[k] ?? Number.NaN) - b[k]) / Math.abs(b[k])));
      pass = diff <= (tol.rel ?? 0);
    } else if ("abs" in tol) {
      diff = Math.abs(a - b);
      pass = diff <= tol.abs;
    } else {
      diff = Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
      pass = diff <= tol.rel;
    }
    if (!pass) ok = false;
    rows.push({ key, truelift: a, python: b, diff, tolerance: tol, pass });
  }
  return { ok, rows };
}

if (arg("side", null) !== null) {
  const side = SIDES[arg("side", null)];
  const out = await side();
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ ...out, cpuSeconds: (cpu.user + cpu.system) / 1e6 }));
} else {
  const load0 = loadavg();
  const self = fileURLToPath(import.meta.url);
  if (!existsSync(python))
    throw new Error(
      `${python} not found (apt-get install python3-pandas python3-statsmodels python3-sklearn python3-scipy)`,
    );
  const pipelines = {};
  let failed = false;
  for (const m of only) {
    const t0 = performance.now();
    const ours = runJson("node", [self, "--side", m, "--reps", String(reps), "--dist", dist], {
      maxBuffer: 1 << 26,
    });
    const oursProcess = (performance.now() - t0) / 1000;
    const extra = m === "cluster" ? ["--outcome", outcomeFile] : [];
    const t1 = performance.now();
    const lines = runLines(
      python,
      ["-c", WITH_CPU, join(baselineDir, `${m}.py`), "--data", data, "--reps", String(reps), ...extra],
      { cwd: baselineDir, env: blasSingleThreadEnv, maxBuffer: 1 << 26 },
    );
    const theirs = { ...JSON.parse(lines[lines.length - 2]), ...JSON.parse(lines[lines.length - 1]) };
    const theirsProcess = (performance.now() - t1) / 1000;
    const check = compare(m, ours.estimates, theirs.estimates);
    for (const r of check.rows) {
      console.error(
        `${r.pass ? "ok  " : "FAIL"} ${m}.${r.key}: truelift ${JSON.stringify(r.truelift)} python ${JSON.stringify(r.python)} (diff ${typeof r.diff === "number" ? r.diff.toExponential(2) : r.diff}, tolerance ${JSON.stringify(r.tolerance)})`,
      );
    }
    if (!check.ok) failed = true;
    const ratio = Number((theirs.timings_s.total / ours.timings_s.total).toFixed(1));
    console.error(
      `${m}: truelift ${ours.timings_s.total} s, python ${theirs.timings_s.total} s, ratio ${ratio}×`,
    );
    const sectionRatio = {};
    for (const [k, v] of Object.entries(theirs.timings_s)) {
      const o = ours.timings_s[k];
      if (k !== "total" && typeof o === "number" && o > 0) sectionRatio[k] = Number((v / o).toFixed(1));
    }
    const cpuRatio = Number((theirs.cpuSeconds / ours.cpuSeconds).toFixed(1));
    console.error(
      `${m}: process CPU truelift ${ours.cpuSeconds} s, python ${theirs.cpuSeconds} s, ratio ${cpuRatio}×`,
    );
    pipelines[m] = {
      seconds: { truelift: ours.timings_s.total, python: theirs.timings_s.total },
      ratio,
      cpuSeconds: { truelift: ours.cpuSeconds, python: theirs.cpuSeconds },
      cpuRatio,
      processSeconds: { truelift: Number(oursProcess.toFixed(3)), python: Number(theirsProcess.toFixed(3)) },
      sections: { truelift: ours.timings_s, python: theirs.timings_s },
      sectionRatio,
      estimatesAgree: check.ok,
      estimates: check.rows,
      versions: theirs.versions,
    };
  }
  const sum = (side) => Object.values(pipelines).reduce((s, p) => s + p.seconds[side], 0);
  const total = {
    truelift: Number(sum("truelift").toFixed(4)),
    python: Number(sum("python").toFixed(4)),
  };
  total.ratio = Number((total.python / total.truelift).toFixed(1));
  const cpuSum = (side) => Object.values(pipelines).reduce((s, p) => s + p.cpuSeconds[side], 0);
  total.cpuSeconds = {
    truelift: Number(cpuSum("truelift").toFixed(3)),
    python: Number(cpuSum("python").toFixed(3)),
  };
  total.cpuRatio = Number((total.cpuSeconds.python / total.cpuSeconds.truelift).toFixed(1));
  console.error(`total: truelift ${total.truelift} s, python ${total.python} s, ratio ${total.ratio}×`);
  const out = {
    benchmark: "tutorial",
    task: `the five tutorial pipelines as ../shared/baselines/python/*.py run them, ${reps} replicates, seed 7, 50,000-row fixture`,
    date: new Date().toISOString(),
    machine: machineInfo(load0),
    note: "One run per side and pipeline, each in its own process, pipelines in sequence; Python unchanged with single-threaded BLAS, truelift on one thread. seconds = each side's own section timer from after its imports (the baselines' timings_s.total: load + every section); processSeconds = the whole child process (interpreter start-up and imports included); cpuSeconds = that process's user + system CPU (all threads, imports included; steadier than wall time when the shared machine is loaded, see machine.loadAverage*). Ratio = python / truelift. Point estimates are asserted equal within the stated tolerance (relative 1e-8 for the closed-form OLS numbers; 1e-4 for scikit-learn's lbfgs L2 fit; 1e-3 for SLSQP weights); bootstrap intervals use different RNGs and are asserted only within Monte Carlo error (each end within 25% of the baseline interval's width). The propensity bootstrap of truelift refits the model and recomputes IPW ATE/ATT per replicate; the baseline also redoes the 1-NN matching per replicate (truelift has no matching bootstrap: its matching SE is Abadie–Imbens).",
    reps,
    total,
    pipelines,
    allEstimatesAgree: !failed,
  };
  writeResult("tutorial", out);
  console.log(
    JSON.stringify({
      total,
      ratios: Object.fromEntries(Object.entries(pipelines).map(([k, p]) => [k, p.ratio])),
    }),
  );
  if (failed) {
    console.error("estimates disagree with the baseline (see FAIL lines above)");
    process.exitCode = 1;
  }
}
