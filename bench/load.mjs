#!/usr/bin/env node
// Benchmark: loading the 50,000-row tutorial fixture (../shared/fixtures/saas_llm_logs_seed42.csv), truelift's
// loadFrame vs pandas read_csv of the same columns (all 16, and the DiD tutorial's five), each side in its own
// process, in the same run.
//
//   npm run build && node bench/load.mjs [--repeat 15] [--dist dist]
//
// Per side and column set: `first` = the first load in a fresh process (truelift: includes importing its loader;
// pandas: pandas is already imported), `warm` = the median of the next `--repeat` loads, wall and CPU (user +
// system, every thread: steadier than wall time on this shared machine). Results go to bench/results/load.json.
import { loadavg } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import {
  arg,
  blasSingleThreadEnv,
  cpuNow,
  distDir,
  machineInfo,
  median,
  python,
  runJson,
  sharedDir,
  writeResult,
} from "./lib.mjs";

const repeat = Number(arg("repeat", "15"));
const dist = resolve(arg("dist", distDir));
const data = join(sharedDir, "fixtures", "saas_llm_logs_seed42.csv");
const DID_COLUMNS = ["workspace_id", "engagement_tier", "signup_week", "wave", "task_completed"];

const PANDAS = `
import json, sys, time
import pandas as pd
path, repeat, cols = sys.argv[1], int(sys.argv[2]), sys.argv[3]
usecols = None if cols == "all" else cols.split(",")
def once():
    t, c = time.perf_counter(), time.process_time()
    df = pd.read_csv(path, usecols=usecols)
    return time.perf_counter() - t, time.process_time() - c, df
w0, c0, df = once()
runs = [once()[:2] for _ in range(repeat)]
med = lambda xs: sorted(xs)[len(xs) // 2]
print(json.dumps({"rows": len(df), "columns": len(df.columns), "first": {"wall": w0, "cpu": c0},
                  "warm": {"wall": med([r[0] for r in runs]), "cpu": med([r[1] for r in runs])}}))
`;

async function trueliftSide(cols) {
  const t = performance.now();
  const c = cpuNow();
  const { loadFrame } = await import(pathToFileURL(join(dist, "data", "index.js")).href);
  const options = cols === "all" ? {} : { columns: cols.split(",") };
  let frame = await loadFrame(data, options);
  const first = { wall: (performance.now() - t) / 1000, cpu: cpuNow() - c };
  const walls = [];
  const cpus = [];
  for (let r = 0; r < repeat; r++) {
    const t1 = performance.now();
    const c1 = cpuNow();
    frame = await loadFrame(data, options);
    walls.push((performance.now() - t1) / 1000);
    cpus.push(cpuNow() - c1);
  }
  return {
    rows: frame.nrows,
    columns: frame.names.length,
    first,
    warm: { wall: median(walls), cpu: median(cpus) },
  };
}

if (arg("side", null) !== null) {
  console.log(JSON.stringify(await trueliftSide(arg("cols", "all"))));
} else {
  const load0 = loadavg();
  const self = fileURLToPath(import.meta.url);
  const sets = { all: "all", did: DID_COLUMNS.join(",") };
  const results = {};
  for (const [name, cols] of Object.entries(sets)) {
    const truelift = runJson("node", [
      self,
      "--side",
      "1",
      "--cols",
      cols,
      "--repeat",
      String(repeat),
      "--dist",
      dist,
    ]);
    const pandas = runJson(python, ["-c", PANDAS, data, String(repeat), cols], { env: blasSingleThreadEnv });
    const r = (a, b) => Number((a / b).toFixed(1));
    results[name] = {
      columns: cols === "all" ? "all 16" : DID_COLUMNS,
      truelift,
      pandas,
      ratio: {
        warmWall: r(pandas.warm.wall, truelift.warm.wall),
        warmCpu: r(pandas.warm.cpu, truelift.warm.cpu),
        firstWall: r(pandas.first.wall, truelift.first.wall),
      },
    };
    console.error(name, JSON.stringify(results[name].ratio), JSON.stringify({ truelift, pandas }));
  }
  const out = {
    benchmark: "load",
    task: "load the 50,000-row fixture CSV (2.7 MB): truelift loadFrame vs pandas read_csv, same columns",
    date: new Date().toISOString(),
    machine: machineInfo(load0),
    note: "Each side in its own process; seconds. first = the first load in the process (truelift includes importing its loader), warm = median of the next `repeat` loads; cpu = user + system CPU seconds (all threads). ratio = pandas / truelift. The shared machine's load average is recorded: wall times under load are inflated, CPU ratios are the steadier comparison.",
    repeat,
    results,
  };
  writeResult("load", out);
  console.log(JSON.stringify(Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.ratio]))));
}
