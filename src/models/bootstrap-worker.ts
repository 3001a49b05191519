// Worker-thread entry of the bootstrap engine (see bootstrap.ts). It loads the statistic module once, then
// answers batches of replicate / jackknife tasks with `runResampleTask` — the same code the calling thread runs,
// so results are identical whatever the number of threads.
import { parentPort, workerData } from "node:worker_threads";
import { type ResamplePlan, type ResampleTask, runResampleTask, type StatisticFactory } from "./resample.js";

/** The data every bootstrap worker starts with. */
export interface BootstrapWorkerData {
  readonly module: string;
  readonly exportName: string;
  readonly data: unknown;
  readonly plan: ResamplePlan;
  readonly seed: number;
  readonly k: number;
}

if (parentPort) {
  const port = parentPort;
  const init = workerData as BootstrapWorkerData;
  const mod = (await import(init.module)) as Record<string, unknown>;
  const factory = mod[init.exportName];
  if (typeof factory !== "function") {
    throw new Error(`Module ${init.module} has no function export '${init.exportName}'.`);
  }
  const statistic = await (factory as StatisticFactory)(init.data);
  port.on("message", (task: ResampleTask) => {
    const result = runResampleTask(statistic, init.plan, init.seed, task, init.k);
    port.postMessage(result, [result.values.buffer as ArrayBuffer]);
  });
  port.postMessage({ ready: true });
}
