import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../data/helpers.js";
import { runCli } from "./run-cli.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const bin = join(root, "bin", "truelift.js");
const built = join(root, "dist", "bin", "truelift.js");
const cwd = tempDir("truelift-e2e-");

function newestSource(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestSource(p) : st.mtimeMs);
  }
  return newest;
}

/** Runs the built binary the way a user does, without colour. */
function truelift(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    env: { ...process.env, NO_COLOR: "1", DEBUG: "" },
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("truelift binary (end to end)", () => {
  beforeAll(() => {
    // CI runs `npm run build` first; locally, build when the bundle is missing or older than any source (it
    // bundles all of src/).
    const stale = !existsSync(built) || statSync(built).mtimeMs < newestSource(join(root, "src"));
    if (stale) {
      try {
        execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: root, stdio: "pipe" });
      } catch {
        // tsc emits even when another module has type errors; the checks below need only the emitted files.
      }
      // bin/truelift.js runs the esbuild bundle of the CLI (dist/bin/), built from the sources.
      execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs")], { cwd: root, stdio: "pipe" });
    }
    expect(existsSync(built), "dist/bin/truelift.js must exist: run `npm run build`").toBe(true);
  }, 180_000);

  it("exits 0 for --help and --version", () => {
    expect(truelift("--help")).toMatchObject({ code: 0, stderr: "" });
    expect(truelift("--version").stdout).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("generates a dataset (exit 0, one summary line on stdout)", () => {
    const r = truelift("generate", "--seed", "42", "--users", "1000", "--out", "e2e.csv");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("sha256 3d1126c2520772225aaef23c948444872f8834f75e1fd566219562ddd51d3cbc");
    expect(r.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("exits 2 for a bad flag with one clean stderr line and no stack trace", () => {
    const r = truelift("generate", "--nope");
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "error[E_USAGE]: unknown option '--nope'  Fix: Run `truelift generate --help` to see its options.\n",
    );
  });

  it("exits 3 for a missing input file, with the code and the fix", () => {
    const r = truelift("inspect", "missing.csv");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /^error\[E_FILE_NOT_FOUND\]: No such file: '.*missing\.csv'\. {2}Fix: Check the path.*\n$/,
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("the bundle's worker-thread URLs name files beside it, so --threads runs workers from dist/bin", () => {
    const dir = dirname(built);
    const urls = readdirSync(dir)
      .filter((f) => f.endsWith(".js"))
      .flatMap((f) => [
        ...readFileSync(join(dir, f), "utf8").matchAll(/new URL\("\.\/([\w.-]+)",\s*import\.meta\.url\)/g),
      ])
      .map((m) => m[1]);
    expect(urls).toContain("ipw-bootstrap-worker.js"); // the propensity bootstrap's workers
    expect(urls).toContain("chart-worker.js"); // the report's chart renderer
    for (const u of urls) expect(existsSync(join(dir, u)), u).toBe(true);
  });

  it("propensity --threads 2 from the bundle gives the same bootstrap as one thread", () => {
    expect(truelift("generate", "--seed", "3", "--users", "2000", "--out", "threads.csv").code).toBe(0);
    const run = (threads: string) => {
      const r = truelift(
        "propensity",
        "threads.csv",
        "--treatment",
        "opt_in_agent_mode",
        "--outcome",
        "task_completed",
        "--covariates",
        "engagement_tier",
        "--bootstrap",
        "40",
        "--seed",
        "7",
        "--threads",
        threads,
        "--format",
        "json",
      );
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      return JSON.parse(r.stdout).result.ipw;
    };
    const one = run("1");
    expect(one.bootstrap.ate.ci).toHaveLength(2);
    expect(run("2")).toEqual(one);
  });

  it("run renders its charts on worker threads from the bundle: the same report as in-process", async () => {
    const dir = tempDir("truelift-e2e-run-");
    copyFileSync(join(root, "test", "fixtures", "saas_llm_logs_seed42.csv.gz"), join(dir, "logs.csv.gz"));
    const spec = [
      "version: 1",
      "data:",
      "  logs: { path: logs.csv.gz }",
      "analyses:",
      "  - { id: waves, design: did, data: logs, spec: { outcome: task_completed, time: signup_week, treatment: { startColumn: treatment_week }, cluster: workspace_id } }",
      "  - { id: opt-in, design: propensity, data: logs, spec: { treatment: opt_in_agent_mode, outcome: task_completed, covariates: [engagement_tier] } }",
      "report: { out: out, title: Rollout review }",
    ].join("\n");
    writeFileSync(join(dir, "spec.yaml"), spec);
    const env = { NO_COLOR: "1", SOURCE_DATE_EPOCH: "0" };
    const bundled = spawnSync(process.execPath, [bin, "run", "spec.yaml", "--out", "bundled"], {
      cwd: dir,
      env: { ...process.env, ...env, DEBUG: "" },
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(bundled.stderr).toBe("");
    expect(bundled.status).toBe(0);
    const inProcess = await runCli(["run", "spec.yaml", "--out", "in-process"], { cwd: dir, env });
    expect(inProcess.code).toBe(0);
    const html = (d: string) => readFileSync(join(dir, d, "index.html"), "utf8");
    expect(html("bundled").match(/<svg/g)?.length).toBeGreaterThanOrEqual(6);
    expect(html("bundled")).toBe(html("in-process"));
  }, 120_000);

  it("every design gives the same JSON from the bundle as from the sources (tutorial calls)", async () => {
    const dir = tempDir("truelift-e2e-designs-");
    for (const f of ["saas_llm_logs_seed42.csv.gz", "cluster_outcome_seed42.csv.gz"])
      copyFileSync(join(root, "test", "fixtures", f), join(dir, f));
    const data = "saas_llm_logs_seed42.csv.gz";
    const calls = [
      [
        "did",
        data,
        "--outcome",
        "task_completed",
        "--time",
        "signup_week",
        "--start-column",
        "treatment_week",
      ],
      ["rdd", data, "--outcome", "task_completed", "--running", "query_confidence", "--cutoff", "0.85"],
      ["propensity", data, "--treatment", "opt_in_agent_mode", "--outcome", "task_completed", "--covariates"],
      ["synth", data, "--outcome", "task_completed", "--unit", "workspace_id", "--time", "signup_week"],
      [
        "cluster",
        data,
        "--join",
        "cluster_outcome_seed42.csv.gz",
        "--join-on",
        "user_id",
        "--treatment",
        "wave",
      ],
    ];
    const rest: Record<string, string[]> = {
      did: ["--cluster", "workspace_id"],
      rdd: ["--treated", "below"],
      propensity: ["engagement_tier,query_confidence", "--bootstrap", "30", "--seed", "7"],
      synth: ["--treated-units", "0-24", "--donors", "25-49", "--treatment-start", "20", "--window", "0:29"],
      cluster: [
        "--treated-values",
        "1",
        "--cluster",
        "workspace_id",
        "--outcome",
        "session_minutes_obs",
        "--seed",
        "7",
      ],
    };
    const env = { NO_COLOR: "1" };
    for (const call of calls) {
      const args = [...call, ...rest[call[0]], "--format", "json"];
      const bundled = spawnSync(process.execPath, [bin, ...args], {
        cwd: dir,
        env: { ...process.env, ...env, DEBUG: "" },
        encoding: "utf8",
        timeout: 120_000,
      });
      expect(bundled.stderr, call[0]).toBe("");
      const inProcess = await runCli(args, { cwd: dir, env });
      expect(inProcess.code, call[0]).toBe(bundled.status);
      expect(JSON.parse(bundled.stdout), call[0]).toEqual(JSON.parse(inProcess.stdout));
    }
  }, 300_000);
});
