import { onCleanupHeld, runHeldCleanups } from "../core/cleanup.js";
import { cancelRunningQueries, onQueryStart, runningQueries } from "../data/engines/cancel.js";

/**
 * Exit codes of an interrupted run: 128 + the signal number, as a shell reports a process the signal ended.
 *
 * @example
 * ```ts
 * INTERRUPT_EXIT.SIGINT; // 130
 * ```
 */
export const INTERRUPT_EXIT = Object.freeze({ SIGINT: 130, SIGTERM: 143 });

/** How long an interrupt waits for the engines to confirm their queries stopped before exiting anyway. */
const CANCEL_WAIT_MS = 5000;

let installed = false;

/**
 * Makes SIGINT (Ctrl-C) and SIGTERM stop cleanly. The handlers are installed as soon as an engine query starts or
 * any output is being written (a cleanup is held, see `core/cleanup.ts`); on a signal they first cancel the engine
 * queries still running on their servers (PostgreSQL `pg_cancel_backend`, ClickHouse `KILL QUERY`, DuckDB
 * `interrupt()`; see `data/engines/cancel.ts`) and wait for them to end (at most 5 s), then delete the temporary
 * files and any report folder created but not yet complete, and exit 130 / 143. A second signal while the queries
 * are being cancelled exits at once. Until then no handler is installed, so an interrupt during computation ends
 * the process at once (there is nothing on disk to clean and nothing running elsewhere). A signal that arrives
 * during a synchronous write is handled right after it: the files are then complete. Only the real process calls
 * this (`main` without injected output).
 *
 * @example
 * ```ts
 * guardInterrupts(); // in main, before running the command
 * ```
 */
export function guardInterrupts(): void {
  const install = () => {
    if (installed) return;
    installed = true;
    let stopping = false;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.on(signal, () => {
        const exit = () => {
          runHeldCleanups();
          process.exit(INTERRUPT_EXIT[signal]);
        };
        if (stopping || runningQueries() === 0) exit();
        stopping = true;
        void cancelRunningQueries(CANCEL_WAIT_MS).finally(exit);
      });
    }
  };
  onCleanupHeld(install);
  onQueryStart(install);
}
