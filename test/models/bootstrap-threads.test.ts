// Exercises real node:worker_threads. Under vitest the engine runs from TypeScript sources, where the worker
// script cannot be loaded by plain Node (so `bootstrap` falls back to in-process execution). This test therefore
// transpiles the engine's source closure to plain ESM JavaScript in a temporary directory (with a node_modules
// link so bare imports resolve), writes a small .mjs statistic module, and runs the compiled engine with
// threads = 1 and threads = 2.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type * as BootstrapModule from "../../src/models/bootstrap.js";
import { bootstrapRun as bootstrapRunFromSource } from "../../src/models/bootstrap.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const src = join(root, "src");

/** Transpiles the relative-import closure of `entries` (src-relative .ts paths) into `out`, keeping the layout. */
function transpileClosure(entries: string[], out: string): void {
  const seen = new Set<string>();
  const queue = entries.map((e) => join(src, e));
  const importRe = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(importRe)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith(".")) queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
    }
    const js = ts.transpileModule(text, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: file,
    }).outputText;
    const target = join(out, relative(src, file)).replace(/\.ts$/, ".js");
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, js);
  }
}

const STATISTIC_MODULE = `
import { isMainThread } from "node:worker_threads";
// data: { x: Float64Array }. Returns [mean, variance]; fails on every 9th replicate (deterministically).
export function meanAndVar(data) {
  const x = data.x;
  return (idx, ctx) => {
    if (ctx.kind === "bootstrap" && ctx.index % 9 === 4) throw new Error("planned failure");
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += x[idx[i]];
    const m = s / idx.length;
    let ss = 0;
    for (let i = 0; i < idx.length; i++) ss += (x[idx[i]] - m) ** 2;
    return [m, ss / (idx.length - 1)];
  };
}
export function brokenInWorkers(data) {
  if (!isMainThread) throw new Error("cannot start in a worker");
  return meanAndVar(data);
}
`;

let dir = "";
let compiled: typeof BootstrapModule;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "truelift-bootstrap-"));
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"), "dir");
  transpileClosure(["models/bootstrap.ts", "models/bootstrap-worker.ts"], join(dir, "lib"));
  writeFileSync(join(dir, "stat.mjs"), STATISTIC_MODULE);
  compiled = (await import(
    pathToFileURL(join(dir, "lib", "models", "bootstrap.js")).href
  )) as typeof BootstrapModule;
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("bootstrap on real worker threads", () => {
  const x = Float64Array.from({ length: 400 }, (_, i) => Math.sin(i) * 3 + (i % 7));

  it("gives identical output with 1 and 2 threads (and equals the source build in-process)", async () => {
    const spec = {
      n: x.length,
      statistic: { module: join(dir, "stat.mjs"), export: "meanAndVar", data: { x } },
      replicates: 300,
      seed: 2024,
      ci: ["percentile", "basic", "bca"] as const,
    };
    const runOne = await compiled.bootstrapRun({ ...spec, threads: 1 });
    const one = runOne.result;
    const progress: number[] = [];
    const runTwo = await compiled.bootstrapRun({ ...spec, threads: 2, onProgress: (d) => progress.push(d) });
    const two = runTwo.result;
    expect(one.workerThreads).toBe(0);
    expect(two.workerThreads).toBe(2);
    expect(two.diagnostics.map((d) => d.code)).toEqual(["D_BOOTSTRAP_FAILED_REPLICATES"]);
    expect(two.failed).toBe(Math.ceil((300 - 4) / 9));
    expect(Array.from(runTwo.draws)).toEqual(Array.from(runOne.draws));
    expect(Array.from(runTwo.jackknife!)).toEqual(Array.from(runOne.jackknife!));
    expect({ ...two, workerThreads: 0 }).toEqual(one);
    expect(progress.at(-1)).toBe(300 + 400);

    // Same numbers from the TypeScript sources (threads requested, run in-process with a diagnostic).
    const { result: fromSource, draws: sourceDraws } = await bootstrapRunFromSource({ ...spec, threads: 2 });
    expect(fromSource.workerThreads).toBe(0);
    expect(fromSource.diagnostics.map((d) => d.code)).toContain("D_BOOTSTRAP_IN_PROCESS");
    expect(Array.from(sourceDraws)).toEqual(Array.from(runOne.draws));
    expect(fromSource.intervals).toEqual(one.intervals);
  });

  it("keeps clusters intact across threads", async () => {
    const clusters = Int32Array.from({ length: x.length }, (_, i) => i % 23);
    const spec = {
      resample: { clusters },
      statistic: { module: pathToFileURL(join(dir, "stat.mjs")), export: "meanAndVar", data: { x } },
      replicates: 120,
      seed: 7,
      ci: ["bca"] as const,
    };
    const one = await compiled.bootstrapRun({ ...spec, threads: 1 });
    const three = await compiled.bootstrapRun({ ...spec, threads: 3 });
    expect(three.result.workerThreads).toBe(3);
    expect(Array.from(three.draws)).toEqual(Array.from(one.draws));
    expect(three.result.intervals).toEqual(one.result.intervals);
    expect(three.jackknife?.length).toBe(23 * 2);
  });

  it("turns a worker start-up failure into E_WORKER_FAILED", async () => {
    const run = compiled.bootstrap({
      n: x.length,
      statistic: { module: join(dir, "stat.mjs"), export: "brokenInWorkers", data: { x } },
      replicates: 50,
      seed: 1,
      threads: 2,
    });
    await expect(run).rejects.toMatchObject({ code: "E_WORKER_FAILED" });
  });
});
