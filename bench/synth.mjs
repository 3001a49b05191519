#!/usr/bin/env node
// Benchmark: the tutorial's synthetic control on the 50,000-user fixture, truelift vs the Python baseline
// ../shared/baselines/python/synth.py (pandas panel + scipy SLSQP weights), side by side, same data, one run.
//
//   npm run build && node bench/synth.mjs [--reps 500] [--dist dist] [--skip-python results.json]
//
// Sections (both sides): load (CSV → frame), panel (workspace × week means, interpolation, edge fill), weights
// (simplex QP), placebo (25 in-space placebos), leave_one_out (12 refits), bootstrap (`--reps` user-level
// replicates that rebuild the panel and refit the weights). Each side runs in its own process; the truelift side
// is this script re-invoked with `--side truelift` (importing the compiled library from `--dist`, default dist/).
// Results go to bench/results/synth.json with the ratio per section; the run fails if the deterministic numbers
// (gap, pre-RMSE, placebo SD and p, leave-one-out range) disagree beyond 1e-6 or the bootstrap speed-up is < 50×.
import { existsSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { arg, machineInfo, python, root, runJson, writeResult } from "./lib.mjs";

const reps = Number(arg("reps", "500"));
const data = resolve(root, arg("data", "../shared/fixtures/saas_llm_logs_seed42.csv"));
const dist = resolve(root, arg("dist", "dist"));

if (arg("side", null) === "truelift") {
  await truelift();
} else {
  await main();
}

async function truelift() {
  const synthMod = await import(pathToFileURL(join(dist, "designs", "synth", "index.js")).href);
  const dataMod = await import(pathToFileURL(join(dist, "data", "index.js")).href);
  const { synthCells, synthPanel, fitProblem, inSpacePlacebos, leaveOneOut, synthBootstrap, parseSynthSpec } =
    synthMod;
  const sections = {};
  const t0 = performance.now();
  let t = t0;
  const lap = (name) => {
    const now = performance.now();
    sections[name] = Number(((now - t) / 1000).toFixed(4));
    t = now;
  };
  const frame = await dataMod.loadFrame(data);
  lap("load");
  const ids = (a, b) => Array.from({ length: b - a }, (_, i) => a + i);
  const spec = parseSynthSpec({
    outcome: "task_completed",
    unit: "workspace_id",
    time: "signup_week",
    treated: ids(0, 25),
    donors: ids(25, 50),
    treatmentStart: 20,
    window: { from: 0, to: 29 },
  });
  const cells = synthCells(frame, spec);
  const panel = synthPanel(cells, cells.sums, cells.counts);
  lap("panel");
  const problem = {
    treated: panel.treated,
    donors: panel.donors,
    nDonors: panel.nDonors,
    preCount: panel.preCount,
    predictors: null,
    customV: null,
  };
  const fit = fitProblem(problem, { solver: "exact" });
  lap("weights");
  const placebo = inSpacePlacebos(problem, fit, cells.donorUnits, null);
  lap("placebo");
  const loo = leaveOneOut(problem, fit.weights, cells.donorUnits, 0.001);
  lap("leave_one_out");
  // `reps` user-level replicates that rebuild the panel and refit the weights.
  const bootstrapOnce = () =>
    synthBootstrap(
      frame,
      cells,
      problem,
      { weights: fit.weights, v: null },
      { outcome: "task_completed", reps, seed: 7, alpha: 0.05 },
    );
  const boot = bootstrapOnce();
  lap("bootstrap");
  sections.total = Number(((performance.now() - t0) / 1000).toFixed(4));
  // The same bootstrap again in this process (JIT warm).
  bootstrapOnce();
  t = performance.now();
  bootstrapOnce();
  lap("bootstrapWarm");
  const cpu = process.cpuUsage();
  sections.cpuTotal = Number(((cpu.user + cpu.system) / 1e6).toFixed(3));
  const order = [...fit.weights.keys()].sort((a, b) => fit.weights[b] - fit.weights[a]).slice(0, 3);
  console.log(
    JSON.stringify({
      method: "synth",
      estimates: {
        gap: fit.meanGap,
        pre_rmse: fit.preRmspe,
        n_nonzero_donors: [...fit.weights].filter((w) => w > 0.001).length,
        top_weights: Object.fromEntries(order.map((j) => [cells.donorUnits[j], fit.weights[j]])),
        placebo_sd: placebo.gapSd,
        placebo_p: placebo.meanGapTest.pValue,
        loo_range: loo.gapRange,
        boot_ci: boot.ci,
      },
      timings_s: sections,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

async function main() {
  const loadStart = loadavg();
  if (!existsSync(data)) throw new Error(`${data} not found (pass --data <saas_llm_logs_seed42.csv>)`);
  const tl = runJson("node", [
    fileURLToPath(import.meta.url),
    "--side",
    "truelift",
    "--reps",
    String(reps),
    "--data",
    data,
    "--dist",
    dist,
  ]);
  console.error(`truelift: ${JSON.stringify(tl.timings_s)}`);
  const skip = arg("skip-python", null);
  let py;
  let peerSource = "this run";
  if (skip) {
    const old = JSON.parse(readFileSync(resolve(root, skip), "utf8"));
    py = old.peer;
    peerSource = {
      reusedFrom: skip,
      date: old.date,
      loadAverageAtStart: old.machine.loadAverageAtStart,
      trueliftSecondsInThatRun: old.seconds.truelift,
      ratioInThatRun: old.ratio,
    };
  } else {
    const script = resolve(root, "../shared/baselines/python/synth.py");
    py = runJson(python, [script, "--data", data, "--reps", String(reps)], {
      cwd: dirname(script),
      env: { ...process.env, OPENBLAS_NUM_THREADS: "1" },
    });
  }
  console.error(`python: ${JSON.stringify(py.timings_s)}`);
  const ratio = Object.fromEntries(
    Object.keys(py.timings_s)
      .filter((k) => k in tl.timings_s && tl.timings_s[k] > 0)
      .map((k) => [k, Number((py.timings_s[k] / tl.timings_s[k]).toFixed(1))]),
  );
  ratio.bootstrapWarm = Number((py.timings_s.bootstrap / tl.timings_s.bootstrapWarm).toFixed(1));
  const e = tl.estimates;
  const p = py.estimates;
  const diff = {
    gap: Math.abs(e.gap - p.gap),
    pre_rmse: Math.abs(e.pre_rmse - p.pre_rmse),
    placebo_sd: Math.abs(e.placebo_sd - p.placebo_sd),
    placebo_p: Math.abs(e.placebo_p - p.placebo_p),
    loo_min: Math.abs(e.loo_range[0] - p.loo_range[0]),
    loo_max: Math.abs(e.loo_range[1] - p.loo_range[1]),
  };
  const pass = Object.values(diff).every((d) => d < 1e-5) && ratio.bootstrap >= 50;
  const out = {
    benchmark: "synth",
    data: { file: "../shared/fixtures/saas_llm_logs_seed42.csv", rows: 50000 },
    date: new Date().toISOString(),
    machine: machineInfo(loadStart),
    versions: { ...py.versions, node: process.version },
    reps,
    underLoad: loadStart[0] > cpus().length,
    note: "One run per side, each in its own process, same CSV (bootstrapWarm: the same replicates again in the truelift process; cpuTotal: CPU seconds of the truelift process; underLoad: load average above the core count at the start, so both sides ran slower than on a quiet machine). truelift: DuckDB load, exact simplex QP (quadprog + active-set refinement) for the headline fit, warm-started active-set QP elsewhere, bootstrap via per-profile multinomial counts (createRng(7, r) per replicate). Python: pandas groupby/unstack/interpolate per replicate and scipy SLSQP (ftol 1e-12). SLSQP stops ~1e-6 short of the exact optimum, so leave-one-out ends differ in the 6th decimal. Bootstrap intervals agree within Monte Carlo error only (different random numbers).",
    peerSource,
    seconds: { truelift: tl.timings_s, python: py.timings_s },
    ratio,
    estimates: { truelift: e, python: p },
    agreement: { absDiff: diff, tolerance: 1e-5, bootstrapSpeedupRequired: 50, pass },
    peer: py,
  };
  writeResult("synth", out);
  console.log(JSON.stringify({ ratio, pass, loadAverage: out.machine }, null, 2));
  if (!pass) process.exitCode = 1;
}
