// Worker-thread entry of the chart renderer (see chart-renderer.ts): renders each Vega-Lite spec it is sent with
// the same `renderSvg` the calling thread would use, and posts back the SVG and the warnings (or the error
// message), so a report renders its charts while the main thread computes.
import { parentPort } from "node:worker_threads";
import type { ChartJob, ChartReply } from "./chart-renderer.js";
import { renderSvg } from "./vega.js";

if (parentPort) {
  const port = parentPort;
  port.on("message", async (job: ChartJob) => {
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
