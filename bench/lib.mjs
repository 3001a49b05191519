// Small helpers shared by the bench/*.mjs scripts: command-line flags, paths, machine info, running a side in a
// child process, and writing bench/results/<name>.json. Plain Node, no dependency on the compiled library.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** bench/ (this file's directory). */
export const here = dirname(fileURLToPath(import.meta.url));
/** The repository root. */
export const root = join(here, "..");
/** The default compiled library (`npm run build` output). */
export const distDir = join(root, "dist");
/** ../shared next to the repository: the tutorial fixtures and the Python baselines. */
export const sharedDir = join(root, "..", "shared");
/** The Python interpreter of the peers (Debian's, with python3-pandas / python3-statsmodels). */
export const python = "/usr/bin/python3";
/** The environment with single-threaded BLAS / OpenMP for the Python peers (as ../shared/baselines/python/run_all.sh). */
export const blasSingleThreadEnv = {
  ...process.env,
  OPENBLAS_NUM_THREADS: "1",
  OMP_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
};

/** The value after `--name` on the command line, or `dflt` when the flag is absent. */
export function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

/** The median (upper median for an even count) of numbers. */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** User + system CPU seconds of this process so far (every thread). */
export function cpuNow() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** truelift's version from package.json. */
export function packageVersion() {
  return JSON.parse(readFileSync(join(root, "package.json"), "utf8")).version;
}

/**
 * The machine block of a result: cpus, cpuModel, memoryBytes and node. With `loadAtStart` (an `os.loadavg()` taken
 * at the start) it also records loadAverageAtStart and loadAverageAtEnd (`os.loadavg()` now), before node.
 */
export function machineInfo(loadAtStart) {
  const base = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryBytes: totalmem() };
  if (loadAtStart === undefined) return { ...base, node: process.version };
  return { ...base, loadAverageAtStart: loadAtStart, loadAverageAtEnd: loadavg(), node: process.version };
}

/**
 * Runs `cmd args` synchronously (cwd: the repository root, maxBuffer 16 MiB; `opts` are passed to execFileSync and
 * override those) and returns the lines of its trimmed stdout. Throws if the command fails.
 */
export function runLines(cmd, args, opts = {}) {
  return execFileSync(cmd, args, { cwd: root, maxBuffer: 1 << 24, ...opts })
    .toString()
    .trim()
    .split("\n");
}

/** Like `runLines`, and parses the last line of stdout as JSON (every side prints its result as one JSON line). */
export function runJson(cmd, args, opts = {}) {
  return JSON.parse(runLines(cmd, args, opts).pop());
}

/** Writes `obj` to bench/results/<name>.json (2-space JSON + newline), creating the folder; returns the path. */
export function writeResult(name, obj) {
  const dir = join(here, "results");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(obj, null, 2)}\n`);
  return file;
}

/**
 * Runs a command under GNU time (`-o` file) with a time limit: exit code, stdout, error text, wall seconds, CPU
 * seconds (user + system) and peak RSS (MB) of the process. `signal` is what `timeout` sends at the limit (KILL
 * for a plain run; INT lets the CLI cancel an engine query first).
 */
export function timedRun(cmd, args, { limitSeconds, signal = "KILL", env = process.env }) {
  const dir = mkdtempSync(join(tmpdir(), "truelift-timed-"));
  const timeFile = join(dir, "time.txt");
  let stdout = "";
  let errorText = "";
  let exit = 0;
  try {
    stdout = execFileSync(
      "/usr/bin/time",
      ["-o", timeFile, "-f", "TIME %e %U %S %M", "timeout", "-s", signal, String(limitSeconds), cmd, ...args],
      { cwd: root, maxBuffer: 1 << 28, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env },
    );
  } catch (e) {
    exit = e.status ?? 1;
    stdout = e.stdout ?? "";
    const timedOut = exit === 124 || exit === 137;
    errorText = timedOut ? `stopped after the ${limitSeconds} s limit` : String(e.stderr ?? "").trim();
  }
  const line = readFileSync(timeFile, "utf8")
    .split("\n")
    .find((l) => l.startsWith("TIME "));
  rmSync(dir, { recursive: true, force: true });
  if (line === undefined) return { exit, stdout, errorText };
  const [, wall, user, sys, kb] = line.split(" ").map(Number);
  return {
    exit,
    stdout,
    errorText,
    wallSeconds: wall,
    cpuSeconds: Math.round((user + sys) * 100) / 100,
    peakRssMB: Math.round(kb / 102.4) / 10,
  };
}
