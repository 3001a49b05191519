// Worker-thread entry of the chart renderer (see chart-renderer.ts): renders each Vega-Lite spec it is sent with
// the same `renderSvg` the calling thread would use, and posts back the SVG and the warnings (or the error
// message), so a report renders its charts while the main thread computes.
import { parentPort, workerData } from "node:worker_threads";
import type { ChartJob, ChartReply } from "./chart-renderer.js";
import { renderSvg } from "./vega.js";

/** A tiny chart rendered at start-up when asked (`workerData.warm`): loads Vega and compiles its hot paths. */
const WARM_UP = {
  data: { values: [{ x: 0, y: 0 }] },
  mark: "line",
  encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } },
} as const;

if (parentPort) {
  const port = parentPort;
  // Jobs wait for the warm-up (one chart at a time, as without it).
  let ready: Promise<unknown> = (workerData as { warm?: boolean } | null)?.warm
    ? renderSvg(WARM_UP).catch(() => undefined)
    : Promise.resolve();
  port.on("message", async (job: ChartJob) => {
    await ready;
    ready = Promise.resolve();
    const warnings: string[] = [];
    let reply: ChartReply;
    try {
      const svg = await renderSvg(job.spec, { onWarning: (w) => warnings.push(w) });
      reply = { id: job.id, svg, warnings, error: null };
    } catch (e) {
      reply = { id: job.id, svg: null, warnings, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
