// Worker-thread entry of ipwBootstrapParallel (see ipw-bootstrap.ts): rebuilds the collapsed sample and the
// logit refitter from the data it is given, runs its range of replicates with the same code as the calling
// thread, and posts the (ATE, ATT) pairs back (after `{ done }` progress messages when asked for them).
import { parentPort, workerData } from "node:worker_threads";
import { prepareCollapsed, runCollapsed } from "./collapsed-sample.js";
import type { IpwBootstrapWorkerData } from "./ipw-bootstrap.js";
import { collapsedLogitRefitter } from "./logit-refit.js";

if (parentPort) {
  const init = workerData as IpwBootstrapWorkerData;
  const prep = prepareCollapsed(init.t, init.y, init.columns, init.w);
  const refit = collapsedLogitRefitter(prep.patterns, init.start, init.lambda, 50, prep.rows);
  const out = new Float64Array(2 * (init.to - init.from));
  const port = parentPort;
  const span = init.to - init.from;
  const step = Math.max(1, Math.ceil(span / 100));
  const tick = init.progress
    ? (done: number) => {
        if (done % step === 0 && done < span) port.postMessage({ done });
      }
    : undefined;
  runCollapsed(prep, refit, init.seed, init.from, init.to, out, tick);
  port.postMessage(out, [out.buffer as ArrayBuffer]);
}
