import cliProgress from "cli-progress";
import type { ProgressCallback } from "../core/options.js";
import type { CliIo } from "./output.js";

/** A progress bar for a design's long loops, or nothing when stderr is not a terminal. */
export interface LoopProgress {
  /** What the design calls (`DesignInputs.onProgress`); undefined when no bar is shown. */
  readonly onProgress: ProgressCallback | undefined;
  /** Removes the bar (safe to call when none was drawn). */
  done(): void;
}

/**
 * A progress bar on stderr for bootstrap loops, shown only on a terminal and not under CI (pipes, logs and tests
 * see nothing). The loops are synchronous, so the bar is redrawn from inside the callback (cli-progress throttles
 * synchronous redraws); it appears only once a loop reports, and is cleared when done.
 *
 * @example
 * ```ts
 * const progress = loopProgress("propensity", io);
 * try { await design.analyze(frame, spec, { onProgress: progress.onProgress }); } finally { progress.done(); }
 * ```
 */
export function loopProgress(command: string, io: Pick<CliIo, "stderrIsTTY" | "env">): LoopProgress {
  if (!io.stderrIsTTY || io.env.CI !== undefined) return { onProgress: undefined, done: () => undefined };
  let bar: cliProgress.SingleBar | null = null;
  let current = "";
  return {
    onProgress({ label, done, total }) {
      if (bar === null || label !== current) {
        bar?.stop();
        current = label;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            format: `truelift ${command} [{bar}] {value}/{total} ${label}  {eta_formatted} left`,
            barsize: 24,
            hideCursor: true,
            clearOnComplete: true,
            fps: 10,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total, done);
        return;
      }
      // An engine's estimate of the rows to read can change while its query runs.
      if (total !== bar.getTotal()) bar.setTotal(total);
      bar.update(done);
    },
    done() {
      bar?.stop();
      bar = null;
    },
  };
}
