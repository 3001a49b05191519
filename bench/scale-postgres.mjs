// Warehouse scale on PostgreSQL (issue 14): each design's tutorial analysis (bench/scale.mjs's DESIGNS) run by the
// CLI with `--db postgres://… --table …` on a 10M-row table, beside the design's own compress query alone
// (`--emit-sql postgres`, run by psql) in the same run. Target: the CLI ≤ 2× that GROUP BY.
// Reports wall, CPU, peak RSS (GNU time, of the client process: the server's CPU is another process's), rows
// scanned, groups, the ratio, and the server's plan of the compress query (EXPLAIN ANALYZE: aggregate strategy,
// parallel workers launched, hash batches, execution time).
//
// Usage: npm run build && node bench/scale-postgres.mjs [--designs did,rdd,propensity,cluster] [--limit 600]
//        [--parquet /work/main/bench/data/scale-10000000.parquet] [--pg-dir /var/tmp/truelift-bench-pg]
//        [--repeat 3] (runs of each side; the median is reported)
// The server is a local PostgreSQL (initdb once into --pg-dir, owned by the `postgres` OS user, trust on
// 127.0.0.1 only), started for the run and stopped at the end (one already running on it is used and left
// running); the table is loaded once (DuckDB writes a CSV, psql `\copy` reads it, then VACUUM ANALYZE) and kept
// in --pg-dir across runs. The load averages at start and end are recorded: the machine may be shared.
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { arg, machineInfo, median, packageVersion, root, timedRun, writeResult } from "./lib.mjs";
import { DESIGNS } from "./scale-designs.mjs";

const parquet = arg("parquet", "/work/main/bench/data/scale-10000000.parquet");
const pgDir = arg("pg-dir", "/var/tmp/truelift-bench-pg");
const only = arg("designs", "did,rdd,propensity,cluster").split(",");
const limitSeconds = Number(arg("limit", "600"));
const repeat = Number(arg("repeat", "3"));
const TABLE = "scale_10000000";

function postgresBin() {
  const base = "/usr/lib/postgresql";
  const v = readdirSync(base).sort((a, b) => Number(b) - Number(a))[0];
  return join(base, v, "bin");
}
const bin = postgresBin();

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const asPostgres = (cmd, args, opts = {}) =>
  execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], {
    stdio: "pipe",
    ...opts,
  });

/** initdb once (trust on 127.0.0.1: a bench server, never reachable from elsewhere), then start on a free port. */
async function startServer() {
  const data = join(pgDir, "data");
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  if (!existsSync(join(data, "PG_VERSION"))) {
    mkdirSync(pgDir, { recursive: true });
    chownSync(pgDir, uid, gid);
    console.log(`initdb ${data} …`);
    asPostgres("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      "--auth-host=trust",
      "--auth-local=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
    ]);
  }
  // A server already running on this directory (e.g. started by hand for psql) is used as it is, and left running.
  let running = false;
  try {
    asPostgres("pg_ctl", ["-D", data, "status"]);
    running = true;
  } catch {
    // not running
  }
  if (running) {
    const port = Number(readFileSync(join(data, "postmaster.pid"), "utf8").split("\n")[3]);
    return { port, url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop: () => undefined };
  }
  const sock = join(pgDir, "sock");
  mkdirSync(sock, { recursive: true });
  chownSync(sock, uid, gid);
  const port = await freePort();
  const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off`;
  asPostgres("pg_ctl", ["-D", data, "-l", join(pgDir, "log"), "-w", "-t", "60", "-o", opts, "start"]);
  const stop = () => {
    try {
      asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
    } catch {
      // already stopped
    }
  };
  process.once("exit", stop);
  return { port, url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}

/** psql as a client of the server: -X (no psqlrc), unaligned tuples only, stop on the first error. */
function psql(url, sql, opts = {}) {
  return execFileSync("psql", ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", sql], {
    encoding: "utf8",
    maxBuffer: 1 << 28,
    ...opts,
  });
}

/** DuckDB column types of the Parquet file → PostgreSQL types. */
const PG_TYPES = { INTEGER: "integer", BIGINT: "bigint", DOUBLE: "double precision", VARCHAR: "text" };

function duckdb(sql) {
  const script = `import("@duckdb/node-api").then(async ({ DuckDBInstance }) => {
    const db = await DuckDBInstance.create(":memory:");
    const c = await db.connect();
    const r = await c.runAndReadAll(${JSON.stringify(sql)});
    console.log(JSON.stringify(r.getRowsJS(), (k, v) => (typeof v === "bigint" ? Number(v) : v)));
  });`;
  return JSON.parse(execFileSync("node", ["-e", script], { cwd: root, encoding: "utf8" }).trim());
}

/** Loads the Parquet file into TABLE once: CSV by DuckDB, `\copy` by psql, VACUUM ANALYZE. */
function ensureTable(url) {
  const exists = psql(url, `SELECT to_regclass('public.${TABLE}') IS NOT NULL`).trim() === "t";
  if (exists) return false;
  const columns = duckdb(`DESCRIBE SELECT * FROM read_parquet('${parquet}')`).map(([name, type]) => {
    const t = PG_TYPES[type];
    if (t === undefined) throw new Error(`no PostgreSQL type for ${name} ${type}`);
    return `"${name}" ${t}`;
  });
  const dir = mkdtempSync(join(tmpdir(), "truelift-pg-load-"));
  const csv = join(dir, "scale.csv");
  try {
    console.log(`exporting ${parquet} to CSV …`);
    duckdb(`COPY (SELECT * FROM read_parquet('${parquet}')) TO '${csv}' (FORMAT csv, HEADER)`);
    console.log(`loading ${TABLE} …`);
    psql(url, `CREATE TABLE ${TABLE} (${columns.join(", ")})`);
    psql(url, `\\copy ${TABLE} FROM '${csv}' WITH (FORMAT csv, HEADER)`);
    psql(url, `VACUUM (FREEZE, ANALYZE) ${TABLE}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return true;
}

/** Runs a command under GNU time; at the limit it gets SIGINT, so the CLI cancels its query (see `timedRun`). */
function timed(cmd, args, env = process.env) {
  return timedRun(cmd, args, { limitSeconds, signal: "INT", env });
}

/** The median run (by wall time) of `n` runs of `f`. */
function medianRun(n, f) {
  const runs = Array.from({ length: n }, f);
  const wall = median(runs.map((r) => r.wallSeconds));
  return { ...runs.find((r) => r.wallSeconds === wall), walls: runs.map((r) => r.wallSeconds) };
}

/** The server's plan of a query: node types top-down, planned workers, and whether a hash aggregate spilled. */
function planOf(url, sql) {
  const json = JSON.parse(psql(url, `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`));
  const nodes = [];
  const walk = (n) => {
    nodes.push(
      `${n["Node Type"]}${n.Strategy ? `(${n.Strategy})` : ""}${n["Workers Launched"] ? `[${n["Workers Launched"]} workers]` : ""}${n["HashAgg Batches"] > 1 ? `[${n["HashAgg Batches"]} batches]` : ""}`,
    );
    for (const c of n.Plans ?? []) walk(c);
  };
  walk(json[0].Plan);
  return { nodes: nodes.join(" > "), executionMs: Math.round(json[0]["Execution Time"]) };
}

const loadStart = Date.now();
const loadAtStart = loadavg();
const server = await startServer();
const results = [];
let settings;
try {
  const loaded = ensureTable(server.url);
  if (loaded) console.log(`loaded ${TABLE} in ${Math.round((Date.now() - loadStart) / 1000)} s`);
  const tableRows = Number(psql(server.url, `SELECT count(*) FROM ${TABLE}`).trim());
  settings = Object.fromEntries(
    psql(
      server.url,
      "SELECT name, setting FROM pg_settings WHERE name IN ('server_version', 'work_mem', 'shared_buffers', 'max_parallel_workers_per_gather', 'jit') ORDER BY name",
    )
      .trim()
      .split("\n")
      .map((l) => l.split("|")),
  );
  const db = ["--db", server.url, "--table", TABLE];
  for (const [design, opts] of Object.entries(DESIGNS).filter(([d]) => only.includes(d))) {
    const entry = { design, rows: tableRows, engine: "postgres" };
    const emitted = timed("node", ["bin/truelift.js", design, ...db, ...opts, "--emit-sql", "postgres"]);
    if (emitted.exit !== 0) {
      entry.skipped = `no compressed path: ${emitted.errorText.slice(0, 200)}`;
      results.push(entry);
      console.log(`${design}: skipped (${entry.skipped})`);
      continue;
    }
    const sql = emitted.stdout.trim();
    psql(server.url, sql); // warm the cache once, so the first measured side does not pay for it
    const scan = medianRun(repeat, () =>
      timed("psql", ["-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-d", server.url, "-c", sql]),
    );
    const t = medianRun(repeat, () =>
      timed("node", ["bin/truelift.js", design, ...db, ...opts, "--format", "json"]),
    );
    if (t.exit !== 0) {
      Object.assign(entry, { error: t.errorText.slice(0, 400), wallSeconds: t.wallSeconds });
      results.push(entry);
      console.log(`${design}: failed (${entry.error})`);
      continue;
    }
    const doc = JSON.parse(t.stdout);
    const groups = scan.stdout.trim().split("\n").length;
    Object.assign(entry, {
      wallSeconds: t.wallSeconds,
      walls: t.walls,
      cpuSeconds: t.cpuSeconds,
      peakRssMB: t.peakRssMB,
      path: { ...doc.path, host: "127.0.0.1:<port>" },
      rowsScanned: doc.path.rowsScanned,
      groups: doc.path.cells,
      estimate: doc.result.estimate.estimate,
      scan: {
        wallSeconds: scan.wallSeconds,
        walls: scan.walls,
        cpuSeconds: scan.cpuSeconds,
        peakRssMB: scan.peakRssMB,
        groups,
        plan: planOf(server.url, sql),
      },
      ratioToScan: Math.round((t.wallSeconds / scan.wallSeconds) * 100) / 100,
    });
    results.push(entry);
    console.log(
      `${design}: ${t.wallSeconds} s wall (${entry.ratioToScan}× the ${scan.wallSeconds} s GROUP BY; ` +
        `${entry.scan.plan.nodes}), ${t.cpuSeconds} s client CPU, peak ${t.peakRssMB} MB, ` +
        `${doc.path.cells} cells from ${doc.path.rowsScanned} rows`,
    );
  }
} finally {
  server.stop();
}

const previousFile = join(root, "bench", "results", "scale-postgres.json");
if (existsSync(previousFile)) {
  const previous = JSON.parse(readFileSync(previousFile, "utf8")).results ?? [];
  results.unshift(...previous.filter((r) => !only.includes(r.design)));
}
const out = writeResult("scale-postgres", {
  description:
    "Each design's tutorial analysis run by the CLI with --db postgres://… --table (compress in PostgreSQL → estimate), beside the design's own compress query alone (--emit-sql postgres, run by psql) on the same 10M-row table in the same run; medians of --repeat runs after one warm-up. Wall, client CPU and client peak RSS by GNU time (the server's CPU is not included). Target: each design ≤ 2× that GROUP BY.",
  truelift: packageVersion(),
  machine: machineInfo(loadAtStart),
  server: settings,
  targets: { ratioToScan: 2 },
  results,
});
console.log(`wrote ${out}`);
