import cliProgress from "cli-progress";

/** Reports the demo's steps: a progress bar on a terminal, nothing otherwise. */
export interface DemoProgress {
  /** Marks the start of the next step (the bar shows its label) and lets the terminal redraw. */
  step(label: string): Promise<void>;
  /** Completes and removes the bar. */
  done(): void;
}

const SILENT: DemoProgress = { step: async () => undefined, done: () => undefined };

/**
 * A progress bar over `total` steps on stderr, only when stderr is a terminal (never in pipes, CI logs or
 * tests). The analyses are synchronous, so the bar advances between steps: each `step` redraws and yields to the
 * event loop once before the step's computation starts.
 *
 * @example
 * ```ts
 * const p = demoProgress(7, process.stderr.isTTY === true);
 * await p.step("difference-in-differences");
 * p.done();
 * ```
 */
export function demoProgress(total: number, tty: boolean): DemoProgress {
  if (!tty) return SILENT;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: "truelift demo [{bar}] {value}/{total}  {label}",
      barsize: 24,
      hideCursor: true,
      clearOnComplete: true,
      fps: 10,
    },
    cliProgress.Presets.shades_classic,
  );
  let value = -1;
  bar.start(total, 0, { label: "starting" });
  return {
    async step(label) {
      value++;
      bar.update(Math.max(0, value), { label });
      bar.render();
      await new Promise((r) => setImmediate(r));
    },
    done() {
      bar.update(total, { label: "done" });
      bar.stop();
    },
  };
}
