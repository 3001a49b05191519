// Warehouse scale (issue 14): each design's tutorial analysis on a generated Parquet file of 10M (and 100M) rows,
// run as compress → estimate by the CLI, beside one DuckDB GROUP BY scan of the same columns in the same run.
// Reports wall, CPU, peak RSS (GNU time), rows scanned and cells transferred (the result's `path`).
//
// Usage: npm run build && node bench/scale.mjs [--sizes 10000000,100000000] [--designs did,rdd,propensity,cluster]
//        [--limit 600] (seconds per run) [--data-dir bench/data]
// The 10M file is generated (`truelift generate --cluster`); the 100M file is ten copies of it with shifted
// user ids (DuckDB COPY), so both are deterministic.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { arg, machineInfo, packageVersion, root, timedRun, writeResult } from "./lib.mjs";
import { DESIGNS } from "./scale-designs.mjs";

const sizes = arg("sizes", "10000000,100000000").split(",").map(Number);
const dataDir = arg("data-dir", join(root, "bench", "data"));
mkdirSync(dataDir, { recursive: true });
const BASE = 10_000_000;
const only = arg("designs", "did,rdd,propensity,cluster").split(",");
/** A design run longer than this is stopped and recorded as timed out. */
const limitSeconds = Number(arg("limit", "600"));

/** Runs a command under GNU time with the design time limit (see `timedRun`). */
function run(cmd, args) {
  return timedRun(cmd, args, { limitSeconds });
}

function ensureData(rows) {
  const base = join(dataDir, `scale-${BASE}.parquet`);
  if (!existsSync(base)) {
    console.log(`generating ${base} …`);
    execFileSync(
      "node",
      ["bin/truelift.js", "generate", "--seed", "42", "--users", String(BASE), "--cluster", "--out", base],
      {
        cwd: root,
        stdio: "inherit",
      },
    );
  }
  if (rows === BASE) return base;
  const copies = rows / BASE;
  const file = join(dataDir, `scale-${rows}.parquet`);
  if (!existsSync(file)) {
    console.log(`writing ${file} (${copies} copies) …`);
    const sql =
      `COPY (SELECT * REPLACE (user_id + k * ${BASE} AS user_id) FROM read_parquet('${base}'), range(${copies}) t(k)) ` +
      `TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 1000000)`;
    execFileSync("node", ["-e", duckdbScript(sql)], { cwd: root, stdio: "inherit" });
  }
  return file;
}

/** A node one-liner that runs SQL in a fresh in-memory DuckDB and prints the row count of the result. */
function duckdbScript(sql) {
  return `import("@duckdb/node-api").then(async ({ DuckDBInstance }) => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const r = await c.runAndReadAll(${JSON.stringify(sql)});
    console.log(JSON.stringify({ rows: r.getRows().length }));
  });`;
}

const results = [];
for (const rows of sizes) {
  const file = ensureData(rows);
  for (const [design, opts] of Object.entries(DESIGNS).filter(([d]) => only.includes(d))) {
    // A design that is not yet flat at a smaller size (estimation still per row) would exhaust memory here.
    const smaller = results.find((r) => r.design === design && r.rows < rows && !r.skipped);
    if (smaller !== undefined && (smaller.peakRssMB > 1024 || smaller.wallSeconds > 120)) {
      const skipped = `not flat at ${smaller.rows} rows (${smaller.peakRssMB} MB, ${smaller.wallSeconds} s): estimation still expands the cells to rows`;
      results.push({ design, rows, skipped });
      console.log(`${design} @ ${rows}: skipped (${skipped})`);
      continue;
    }
    const emitted = run("node", ["bin/truelift.js", design, file, ...opts, "--emit-sql", "duckdb"]);
    const entry = { design, rows, fileBytes: statSync(file).size };
    if (emitted.exit !== 0) {
      entry.skipped = `no compressed path: ${emitted.errorText.slice(0, 200)}`;
      results.push(entry);
      console.log(`${design} @ ${rows}: skipped (${entry.skipped})`);
      continue;
    }
    const scan = run("node", ["-e", duckdbScript(emitted.stdout.trim())]);
    const t = run("node", ["bin/truelift.js", design, file, ...opts, "--format", "json"]);
    if (t.exit !== 0) {
      Object.assign(entry, {
        error: t.errorText.slice(0, 400),
        wallSeconds: t.wallSeconds,
        peakRssMB: t.peakRssMB,
      });
      results.push(entry);
      console.log(`${design} @ ${rows}: failed (${entry.error})`);
      continue;
    }
    const doc = JSON.parse(t.stdout);
    Object.assign(entry, {
      wallSeconds: t.wallSeconds,
      cpuSeconds: t.cpuSeconds,
      peakRssMB: t.peakRssMB,
      path: doc.path,
      estimate: doc.result.estimate.estimate,
      scan: { wallSeconds: scan.wallSeconds, cpuSeconds: scan.cpuSeconds, peakRssMB: scan.peakRssMB },
      ratioToScan: Math.round((t.wallSeconds / scan.wallSeconds) * 100) / 100,
    });
    results.push(entry);
    console.log(
      `${design} @ ${rows}: ${t.wallSeconds} s wall (${entry.ratioToScan}× the ${scan.wallSeconds} s scan), ` +
        `${t.cpuSeconds} s CPU, peak ${t.peakRssMB} MB, ${doc.path.cells} cells from ${doc.path.rowsScanned} rows`,
    );
  }
}

// Designs not run this time keep their previous entries (e.g. `--designs rdd` refreshes only RDD's rows).
const previousFile = join(root, "bench", "results", "scale.json");
if (existsSync(previousFile)) {
  const previous = JSON.parse(readFileSync(previousFile, "utf8")).results ?? [];
  results.unshift(...previous.filter((r) => !only.includes(r.design) || !sizes.includes(r.rows)));
}
const out = writeResult("scale", {
  description:
    "Each design's tutorial analysis on generated Parquet (10M rows; 100M = ten copies), run by the CLI as compress → estimate (DuckDB), beside one DuckDB GROUP BY of the same columns (the design's own compress query, run alone in a fresh process). Targets at 100M rows: each design ≤ 3× that scan, peak RSS ≤ 1 GB.",
  truelift: packageVersion(),
  machine: machineInfo(),
  targets: { ratioToScan: 3, peakRssMB: 1024 },
  results,
});
console.log(`wrote ${out}`);
