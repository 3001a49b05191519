import { onCleanupHeld, runHeldCleanups } from "../core/cleanup.js";
import { cancelRunningQueries, onRunningQueriesChange, runningQueries } from "../data/engines/cancel.js";

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

const SIGNALS = ["SIGINT", "SIGTERM"] as const;
let writing = false;
let installed = false;
let stopping = false;

function onSignal(signal: (typeof SIGNALS)[number]): void {
  const exit = () => {
    runHeldCleanups();
    process.exit(INTERRUPT_EXIT[signal]);
  };
  if (stopping || runningQueries() === 0) exit();
  stopping = true;
  void cancelRunningQueries(CANCEL_WAIT_MS).finally(exit);
}

const handlers = { SIGINT: () => onSignal("SIGINT"), SIGTERM: () => onSignal("SIGTERM") };

/** Handlers are needed while engine queries run or once output is being written; otherwise none (see below). */
function update(): void {
  const want = writing || runningQueries() > 0;
  if (want === installed) return;
  installed = want;
  for (const signal of SIGNALS) {
    if (want) process.on(signal, handlers[signal]);
    else process.off(signal, handlers[signal]);
  }
}

/**
 * Makes SIGINT (Ctrl-C) and SIGTERM stop cleanly. While an engine query runs, a signal first cancels the queries
 * on their servers (PostgreSQL `pg_cancel_backend`, ClickHouse `KILL QUERY`, DuckDB `interrupt()`; see
 * `data/engines/cancel.ts`) and waits for them to end (at most 5 s; a second signal does not wait), then exits
 * 130 / 143 — so nothing is left running on the server. Once any output is being written (a cleanup is held, see
 * `core/cleanup.ts`) a signal deletes the temporary files and any report folder created but not yet complete, then
 * exits 130 / 143. Otherwise no handler is installed, so an interrupt during computation ends the process at once
 * (there is nothing on disk to clean and nothing running elsewhere, and a synchronous loop could not run a handler
 * until it ends). A signal that arrives during a synchronous write is handled right after it: the files are then
 * complete. Only the real process calls this (`main` without injected output).
 *
 * @example
 * ```ts
 * guardInterrupts(); // in main, before running the command
 * ```
 */
export function guardInterrupts(): void {
  onCleanupHeld(() => {
    writing = true;
    update();
  });
  onRunningQueriesChange(update);
}
