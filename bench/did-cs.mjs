#!/usr/bin/env node
// Benchmark: Callaway–Sant'Anna (`callawaySantAnna`: every ATT(g,t) + the four aggregations) on mpdta
// (500 counties × 5 years, test/fixtures/mpdta.csv.gz) and on a generated panel 100× larger (50,000 units × 5
// periods, cohorts 2, 4, 5 like mpdta's 2004, 2006, 2007), est methods `reg` and `dr`, analytic SEs and a 999-draw
// multiplier bootstrap. truelift only: no implementation of Callaway–Sant'Anna is installed on this machine (R's
// `did` / `DRDID` are not, nor the PyPI ports `csdid` / `differences`), so there is no peer and no ratio.
//
//   npm run build && node bench/did-cs.mjs [--repeat 3] [--warm 3] [--large-units 50000]
//
// Every (data, estMethod, SEs) configuration runs in its own process (`--worker`), `repeat` times; seconds are
// medians. Results go to bench/results/did-cs.json.
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { arg, cpuNow, machineInfo, median, packageVersion, root, runJson, writeResult } from "./lib.mjs";

const LOAD_AT_START = loadavg();
const BOOT_REPS = 999;
const BOOT_SEED = 20240601;

/** mpdta from the test fixture: gunzip + a plain CSV parse (every column is numeric). */
async function mpdtaFrame(Frame) {
  const text = gunzipSync(readFileSync(join(root, "test", "fixtures", "mpdta.csv.gz"))).toString("utf8");
  const lines = text.trim().split(/\r?\n/);
  const header = lines[0].split(",");
  const cols = header.map(() => new Float64Array(lines.length - 1));
  for (let r = 1; r < lines.length; r++) {
    const cells = lines[r].split(",");
    for (let j = 0; j < header.length; j++) cols[j][r - 1] = Number(cells[j]);
  }
  return Frame.fromObject(Object.fromEntries(header.map((h, j) => [h, cols[j]])));
}

async function worker(dataName, estMethod, ses, warm) {
  const lib = { ...(await import("../dist/index.js")), ...(await import("../dist/designs/did/index.js")) };
  const t0 = performance.now();
  let frame;
  let spec;
  if (dataName === "mpdta") {
    frame = await mpdtaFrame(lib.Frame);
    spec = { outcome: "lemp", unit: "countyreal", time: "year", group: "first.treat", covariates: ["lpop"] };
  } else {
    const units = Number(dataName.split(":")[1]);
    frame = generatePanelFrame(lib, units);
    spec = { outcome: "y", unit: "unit", time: "period", group: "first_treat", covariates: ["x"] };
  }
  const tData = (performance.now() - t0) / 1000;
  const full = {
    ...spec,
    estMethod,
    control: "never",
    bootstrap: ses === "bootstrap" ? { reps: BOOT_REPS, seed: BOOT_SEED } : false,
  };
  const once = () => {
    const c1 = cpuNow();
    const t1 = performance.now();
    const res = lib.callawaySantAnna(frame, full);
    return { res, seconds: (performance.now() - t1) / 1000, cpu: cpuNow() - c1 };
  };
  const cold = once();
  const warmTimes = Array.from({ length: warm }, () => once().seconds).sort((a, b) => a - b);
  const r = cold.res;
  const simple = r.aggregations.simple?.overall;
  const dyn = r.aggregations.dynamic?.overall;
  console.log(
    JSON.stringify({
      rows: frame.nrows,
      units: r.n.units,
      periods: r.n.periods,
      cells: r.attGt.length,
      simple: { estimate: simple?.estimate ?? null, se: simple?.se ?? null },
      dynamic: { estimate: dyn?.estimate ?? null, se: dyn?.se ?? null },
      seSource: r.seSource,
      seconds: {
        data: Number(tData.toFixed(4)),
        fit: Number(cold.seconds.toFixed(4)),
        fitWarm: Number(warmTimes[Math.floor(warm / 2)].toFixed(4)),
      },
      cpuSeconds: { fit: Number(cold.cpu.toFixed(4)) },
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    }),
  );
}

function generatePanelFrame(lib, units) {
  return lib.generatePanel({ seed: 1, scenario: "staggered", units, periods: 5, cohorts: [2, 4, 5] }).frame;
}

if (process.argv.includes("--worker")) {
  const i = process.argv.indexOf("--worker");
  const [dataName, estMethod, ses, warm] = process.argv.slice(i + 1, i + 5);
  await worker(dataName, estMethod, ses, Number(warm));
} else {
  const repeat = Number(arg("repeat", "3"));
  const warm = arg("warm", "3");
  const large = Number(arg("large-units", "50000"));
  const self = fileURLToPath(import.meta.url);
  const datasets = [
    { name: "mpdta", label: "mpdta (500 units × 5 periods, covariate lpop)" },
    {
      name: `generated:${large}`,
      label: `generatePanel staggered seed 1, ${large} units × 5 periods, cohorts [2, 4, 5], covariate x`,
    },
  ];
  const results = [];
  for (const d of datasets) {
    for (const estMethod of ["reg", "dr"]) {
      for (const ses of ["analytic", "bootstrap"]) {
        const runs = Array.from({ length: repeat }, () =>
          runJson("node", [self, "--worker", d.name, estMethod, ses, warm]),
        );
        const pick = (f) => median(runs.map(f));
        const row = {
          data: d.label,
          estMethod,
          ses: ses === "bootstrap" ? `multiplier bootstrap, ${BOOT_REPS} Rademacher draws` : "analytic",
          ...runs[0],
          seconds: Object.fromEntries(
            Object.keys(runs[0].seconds).map((k) => [k, pick((r) => r.seconds[k])]),
          ),
          cpuSeconds: { fit: pick((r) => r.cpuSeconds.fit) },
          peakRssBytes: pick((r) => r.peakRssBytes),
        };
        results.push(row);
        console.error(
          `${d.name} ${estMethod} ${ses}: fit ${row.seconds.fit} s (CPU ${row.cpuSeconds.fit} s, warm ${row.seconds.fitWarm} s), ATT ${row.simple.estimate?.toFixed(4)} (SE ${row.simple.se?.toFixed(4)})`,
        );
      }
    }
  }
  const out = {
    benchmark: "did-cs",
    model:
      "callawaySantAnna: control never-treated, varying base period, one covariate, every ATT(g,t) + simple/dynamic/group/calendar aggregations",
    peer: null,
    peerNote:
      "No peer: Callaway–Sant'Anna lives in R (`did`, `DRDID`) and Stata (`csdid`); on this machine R has none of did, DRDID or fixest and no Python port (the PyPI packages `csdid`, `differences`) is installed, so only truelift is timed. Correctness against did is covered by test/designs/did/cs-*.test.ts (golden numbers), not here.",
    date: new Date().toISOString(),
    machine: machineInfo(LOAD_AT_START),
    versions: {
      truelift: packageVersion(),
      node: process.version,
    },
    repeat,
    warmRepeats: Number(warm),
    bootstrap: { reps: BOOT_REPS, seed: BOOT_SEED },
    note: "seconds are medians over `repeat` processes. data = reading mpdta (gunzip + CSV parse) or generating the panel; fit = one callawaySantAnna call, the first in a fresh process (cold JIT); fitWarm = median of the next `warmRepeats` calls in that process; cpuSeconds.fit = user + system CPU time of the cold call (less sensitive than wall time to other load on the machine, see machine.loadAverage*).",
    results,
  };
  writeResult("did-cs", out);
  console.log(JSON.stringify(out, null, 2));
}
