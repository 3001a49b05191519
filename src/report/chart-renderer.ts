import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { TopLevelSpec } from "vega-lite";
import { TrueliftError } from "../core/errors.js";
import type { ChartSpec } from "../designs/shared/charts/types.js";
import { type RenderOptions, renderSvg } from "./vega.js";

/**
 * One chart sent to a render worker (the worker protocol of {@link chartRenderer}).
 *
 * @example
 * ```ts
 * const job: ChartJob = { id: 0, spec };
 * ```
 */
export interface ChartJob {
  readonly id: number;
  readonly spec: ChartSpec | TopLevelSpec;
}

/**
 * A render worker's answer: the SVG and the warnings, or the error message `renderSvg` threw.
 *
 * @example
 * ```ts
 * const reply: ChartReply = { id: 0, svg: "<svg …>", warnings: [], error: null };
 * ```
 */
export interface ChartReply {
  readonly id: number;
  readonly svg: string | null;
  readonly warnings: readonly string[];
  readonly error: string | null;
}

/**
 * Renders Vega-Lite specs to SVG, on worker threads when it can (see {@link chartRenderer}).
 *
 * @example
 * ```ts
 * import { type ChartRenderer, chartRenderer, renderReport } from "truelift";
 * const renderer: ChartRenderer = chartRenderer({ threads: 2 });
 * const report = await renderReport(analyses, meta, { renderer });
 * await renderer.close();
 * ```
 */
export interface ChartRenderer {
  /**
   * The SVG of `spec`, exactly as {@link renderSvg} returns it (warnings go to `options.onWarning`); rejects with
   * `E_INVALID_SPEC` and `renderSvg`'s message when the chart cannot be rendered. The same spec object renders
   * once: asking again returns the first call's promise (and does not repeat its warnings).
   */
  render(spec: ChartSpec | TopLevelSpec, options?: RenderOptions): Promise<string>;
  /** How many worker threads render (0: this thread renders, e.g. when running from TypeScript sources). */
  readonly threads: number;
  /** Stops the workers (pending charts still resolve, on this thread). */
  close(): Promise<void>;
}

interface Pending {
  readonly spec: ChartSpec | TopLevelSpec;
  readonly options: RenderOptions;
  readonly resolve: (svg: string) => void;
  readonly reject: (e: unknown) => void;
}

interface Slot {
  readonly worker: Worker;
  readonly pending: Map<number, Pending>;
}

/** Renders on this thread; used when no worker script exists or a worker died. */
function renderHere(p: Pending): void {
  renderSvg(p.spec, p.options).then(p.resolve, p.reject);
}

/**
 * A chart renderer with `threads` worker threads (default 1), each loading Vega once and rendering the charts it
 * is given in order (with `warm`, the workers start at once and load Vega before the first chart arrives), so a caller can start rendering a chart as soon as its analysis is done and keep computing
 * while Vega works (the demo renders each design's charts while the next design runs). The SVG is byte for byte
 * what {@link renderSvg} gives on the calling thread: the workers run `renderSvg` itself.
 *
 * The worker script is `chart-worker.js` next to this module; when it does not exist (running from TypeScript
 * sources, e.g. under vitest) or `threads` is 0, charts render on this thread instead, with the same output. A
 * worker that dies hands its pending charts back to this thread. Idle workers do not keep the process alive;
 * call `close()` when done.
 *
 * @example
 * ```ts
 * import { chartRenderer, lineChart } from "truelift";
 * const renderer = chartRenderer();
 * const pending = renderer.render(lineChart(rows, { x: "week", y: "rate" })); // renders while this thread works
 * const svg = await pending;
 * await renderer.close();
 * ```
 * @see Satyanarayan et al. (2017), "Vega-Lite: A Grammar of Interactive Graphics", IEEE TVCG 23(1).
 */
export function chartRenderer(
  options: { readonly threads?: number; readonly warm?: boolean } = {},
): ChartRenderer {
  const wanted = Math.max(0, Math.floor(options.threads ?? 1));
  const url = new URL("./chart-worker.js", import.meta.url);
  const usable = wanted > 0 && url.protocol === "file:" && existsSync(fileURLToPath(url));
  const slots: Slot[] = [];
  let nextId = 0;
  let closed = false;

  const retire = (slot: Slot): void => {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    const orphans = [...slot.pending.values()];
    slot.pending.clear();
    for (const p of orphans) renderHere(p);
  };

  const start = (): Slot => {
    const worker = new Worker(url, { workerData: { warm: options.warm === true } });
    const slot: Slot = { worker, pending: new Map() };
    worker.on("message", (reply: ChartReply) => {
      const p = slot.pending.get(reply.id);
      if (p === undefined) return;
      slot.pending.delete(reply.id);
      if (slot.pending.size === 0) worker.unref();
      if (p.options.onWarning !== undefined) for (const w of reply.warnings) p.options.onWarning(w);
      if (reply.svg !== null) p.resolve(reply.svg);
      else p.reject(new TrueliftError("E_INVALID_SPEC", reply.error ?? "Vega could not render the chart."));
    });
    worker.once("error", () => retire(slot));
    worker.once("exit", () => retire(slot));
    worker.unref();
    slots.push(slot);
    return slot;
  };

  const dispatch = (spec: ChartSpec | TopLevelSpec, renderOptions: RenderOptions): Promise<string> =>
    new Promise<string>((resolve, reject) => {
      const job: Pending = { spec, options: renderOptions, resolve, reject };
      if (!usable || closed) return renderHere(job);
      const slot =
        slots.length < wanted ? start() : slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      const id = nextId++;
      slot.pending.set(id, job);
      slot.worker.ref();
      try {
        slot.worker.postMessage({ id, spec } satisfies ChartJob);
      } catch {
        // A spec the structured clone cannot copy: renderSvg on this thread reports it as E_INVALID_SPEC.
        slot.pending.delete(id);
        if (slot.pending.size === 0) slot.worker.unref();
        renderHere(job);
      }
    });

  if (usable && options.warm === true) while (slots.length < wanted) start();
  const started = new WeakMap<object, Promise<string>>();
  return {
    threads: usable ? wanted : 0,
    render(spec, renderOptions = {}) {
      if (spec === null || typeof spec !== "object") return dispatch(spec, renderOptions);
      let svg = started.get(spec);
      if (svg === undefined) {
        svg = dispatch(spec, renderOptions);
        started.set(spec, svg);
      }
      return svg;
    },
    async close() {
      closed = true;
      const all = [...slots];
      await Promise.all(
        all.map(async (slot) => {
          while (slot.pending.size > 0) await new Promise((r) => setTimeout(r, 5));
          await slot.worker.terminate();
        }),
      );
    },
  };
}
