// Peak memory and wall time of the design commands' bootstraps at large replicate counts (issue 16: bootstrap
// memory must not grow with the replicate count; propensity --bootstrap 100000 on the fixture ≤ 1 GB).
// Each run is a child process measured by GNU time (`/usr/bin/time -f "%e %U %S %M"`: wall s, user s, sys s,
// peak RSS KiB). Usage: npm run build && node bench/bootstrap-memory.mjs [--reps 100000]
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { arg, machineInfo, packageVersion, root, sharedDir, writeResult } from "./lib.mjs";

const reps = Number(arg("reps", "100000"));
const fixture = join(sharedDir, "fixtures", "saas_llm_logs_seed42.csv");
if (!existsSync("/usr/bin/time"))
  throw new Error("bench/bootstrap-memory needs GNU time (apt-get install -y time)");

/** Runs the CLI under GNU time (its figures written to a file with -o); returns wall, cpu and peak RSS. */
function measure(args) {
  const timeFile = join(mkdtempSync(join(tmpdir(), "truelift-bench-")), "time.txt");
  execFileSync("/usr/bin/time", ["-o", timeFile, "-f", "%e %U %S %M", "node", "bin/truelift.js", ...args], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const [wall, user, sys, rssKiB] = readFileSync(timeFile, "utf8")
    .trim()
    .split("\n")
    .pop()
    .split(" ")
    .map(Number);
  return { wallSeconds: wall, cpuSeconds: user + sys, peakRssMB: Math.round((rssKiB / 1024) * 10) / 10 };
}

/** The propensity IPW bootstrap on the fixture with `n` replicates. */
const propensityCase = (n) => ({
  name: n === reps ? "propensity-ipw-bootstrap" : `propensity-ipw-bootstrap-${n}`,
  args: [
    "propensity",
    fixture,
    "--treatment",
    "opt_in_agent_mode",
    "--outcome",
    "task_completed",
    "--covariates",
    "engagement_tier,query_confidence",
    "--estimator",
    "ipw",
    "--bootstrap",
    String(n),
    "--seed",
    "7",
    "--format",
    "json",
  ],
});
const cases = [propensityCase(reps), propensityCase(1000)];

const results = [];
for (const c of cases) {
  const m = measure(c.args);
  results.push({
    name: c.name,
    command: `truelift ${c.args.join(" ").replace(fixture, "saas_llm_logs_seed42.csv")}`,
    ...m,
  });
  console.log(
    `${c.name}: ${m.wallSeconds} s wall, ${m.cpuSeconds.toFixed(1)} s CPU, peak RSS ${m.peakRssMB} MB`,
  );
}
const big = results[0];
const file = writeResult("bootstrap-memory", {
  description:
    "Peak RSS of a design command's bootstrap at a large replicate count versus 1,000 replicates (replicates are streamed: memory must not grow with the count). Target: propensity --bootstrap 100000 on the 50,000-row fixture ≤ 1 GB.",
  truelift: packageVersion(),
  machine: machineInfo(),
  reps,
  targetPeakRssMB: 1024,
  meetsTarget: big.peakRssMB <= 1024,
  results,
});
console.log(`wrote ${file}`);
