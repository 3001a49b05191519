// Interactive latency: `truelift --help` and each design's default CLI call on the tutorial fixture, process start
// to exit (median of --runs), beside the same call's Python peer (bench/python/latency.py, also a fresh process).
// Also times `<design> --help` (the design command's module load: node start + the bundle's chunks for that design,
// nothing computed) and `node -e 0` (node's own start), so the load share can be read off.
//
//   npm run build && node bench/latency.mjs [--runs 5] [--python-runs 5] [--cluster-python-runs 1] [--skip-python]
//                                           [--reuse-python | --reuse-python-for cluster]
//
// Writes bench/results/latency.json. `median` is wall time (GNU time's %e: 10 ms resolution), `cpuMedian` user +
// system CPU seconds (every thread), which the other engineers' load on this shared machine disturbs less.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import {
  arg,
  blasSingleThreadEnv,
  here,
  machineInfo,
  median,
  packageVersion,
  python,
  root,
  sharedDir,
  writeResult,
} from "./lib.mjs";
import { DESIGNS } from "./scale-designs.mjs";

const runs = Number(arg("runs", "5"));
const pythonRuns = Number(arg("python-runs", "5"));
// The cluster peer refits three models on 1,999 resampled panels with pandas (~1 min): one run unless asked.
const clusterPythonRuns = Number(arg("cluster-python-runs", "1"));
const skipPython = process.argv.includes("--skip-python");
// Keep the Python timings of the previous results/latency.json (the peer did not change; the cluster peer alone
// takes minutes on a loaded machine) for every call (`--reuse-python`) or the listed ones (`--reuse-python-for
// cluster`), and measure the rest; the result names what was reused and from which run.
const reuseFor = process.argv.includes("--reuse-python")
  ? ["help", "did", "rdd", "propensity", "synth", "cluster"]
  : (arg("reuse-python-for", "") || "").split(",").filter((x) => x !== "");
const previous =
  reuseFor.length > 0 ? JSON.parse(readFileSync(join(here, "results", "latency.json"), "utf8")) : null;
const reused = (call) =>
  previous && reuseFor.includes(call) ? (previous.calls[call]?.python ?? null) : undefined;
const data = arg("data", join(sharedDir, "fixtures", "saas_llm_logs_seed42.csv"));
const clusterOutcome = arg("cluster-outcome", join(sharedDir, "fixtures", "cluster_outcome_seed42.csv"));
const bin = join(root, "bin", "truelift.js");
const peer = join(root, "bench", "python", "latency.py");

/** The default (tutorial) call of each design: the calls issue 15 measured, and the first `--help` example of synth / cluster. */
const CALLS = {
  did: [
    data,
    "--outcome",
    "task_completed",
    "--time",
    "signup_week",
    "--start-column",
    "treatment_week",
    "--cluster",
    "workspace_id",
  ],
  rdd: [data, ...DESIGNS.rdd],
  propensity: [data, ...DESIGNS.propensity],
  synth: [
    data,
    "--outcome",
    "task_completed",
    "--unit",
    "workspace_id",
    "--time",
    "signup_week",
    "--treated-units",
    "0-24",
    "--donors",
    "25-49",
    "--treatment-start",
    "20",
    "--window",
    "0:29",
  ],
  cluster: [data, "--join", clusterOutcome, "--join-on", "user_id", ...DESIGNS.cluster],
};

/**
 * Wall and CPU (user + system, every thread) seconds of one process, start to exit, through GNU time; throws when
 * it fails. CPU time is what other load on the shared machine disturbs least.
 */
function measure(cmd, args, env = process.env) {
  const r = spawnSync("/usr/bin/time", ["-f", "\n%e %U %S", cmd, ...args], {
    cwd: root,
    env,
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.status}: ${r.stderr}`);
  const [e, u, sys] = r.stderr.trim().split("\n").pop().split(" ").map(Number);
  return { wall: e, cpu: u + sys };
}

function timeIt(n, cmd, args, env) {
  const m = Array.from({ length: n }, () => measure(cmd, args, env));
  return {
    median: round(median(m.map((x) => x.wall))),
    cpuMedian: round(median(m.map((x) => x.cpu))),
    runs: m.map((x) => round(x.wall)),
  };
}

const round = (s) => Math.round(s * 1e4) / 1e4;
const nodeEnv = { ...process.env, NO_COLOR: "1" };
const load0 = loadavg();

const nodeStart = timeIt(runs, process.execPath, ["-e", "0"], nodeEnv);
const calls = {};
calls.help = {
  command: "truelift --help",
  truelift: timeIt(runs, process.execPath, [bin, "--help"], nodeEnv),
  python:
    reused("help") !== undefined
      ? reused("help")
      : skipPython
        ? null
        : {
            ...timeIt(pythonRuns, python, [peer, "--design", "help"], blasSingleThreadEnv),
            peer: "import numpy, pandas, statsmodels.api, statsmodels.formula.api",
          },
};
for (const [design, args] of Object.entries(CALLS)) {
  const pyArgs = [
    peer,
    "--design",
    design,
    "--data",
    data,
    ...(design === "cluster" ? ["--outcome", clusterOutcome] : []),
  ];
  const n = design === "cluster" ? clusterPythonRuns : pythonRuns;
  calls[design] = {
    command: `truelift ${design} ${args.map((a) => (a === data ? "saas_llm_logs_seed42.csv" : a === clusterOutcome ? "cluster_outcome_seed42.csv" : a)).join(" ")}`,
    moduleLoad: timeIt(runs, process.execPath, [bin, design, "--help"], nodeEnv),
    truelift: timeIt(runs, process.execPath, [bin, design, ...args], nodeEnv),
    python:
      reused(design) !== undefined
        ? reused(design)
        : skipPython || n === 0
          ? null
          : timeIt(n, python, pyArgs, blasSingleThreadEnv),
  };
  process.stderr.write(
    `${design}: truelift ${calls[design].truelift.median}s, python ${calls[design].python?.median ?? "-"}s\n`,
  );
}
for (const c of Object.values(calls)) {
  c.ratio = c.python === null ? null : round(c.truelift.median / c.python.median);
  c.withinTarget = c.truelift.median <= 0.5;
}

const file = writeResult("latency", {
  benchmark: "latency",
  description:
    "Process start to exit (seconds, median of runs) of `truelift --help` and each design's default CLI call on the tutorial fixture, beside the same call's Python peer (bench/python/latency.py); moduleLoad is `truelift <design> --help`; target ≤ 0.5 s per call.",
  data: {
    file: data.replace(`${sharedDir}/`, "../shared/"),
    clusterOutcome: clusterOutcome.replace(`${sharedDir}/`, "../shared/"),
  },
  date: new Date().toISOString(),
  machine: machineInfo(load0),
  versions: { truelift: packageVersion() },
  ...(previous
    ? {
        pythonReused: {
          calls: reuseFor,
          // the run that measured them (a reused result points on to its own source)
          from: previous.pythonReused?.from ?? { date: previous.date, machine: previous.machine },
        },
      }
    : {}),
  nodeStart,
  calls,
});
console.log(file);
