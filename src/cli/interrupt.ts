import { onCleanupHeld, runHeldCleanups } from "../core/cleanup.js";

/**
 * Exit codes of an interrupted run: 128 + the signal number, as a shell reports a process the signal ended.
 *
 * @example
 * ```ts
 * INTERRUPT_EXIT.SIGINT; // 130
 * ```
 */
export const INTERRUPT_EXIT = Object.freeze({ SIGINT: 130, SIGTERM: 143 });

let installed = false;

/**
 * Makes SIGINT (Ctrl-C) and SIGTERM clean up before the process ends: as soon as any output is being written
 * (a cleanup is held, see `core/cleanup.ts`) the handlers are installed; on a signal they delete the temporary
 * files and any report folder created but not yet complete, then exit 130 / 143. Until output is written no
 * handler is installed, so an interrupt during computation ends the process at once (there is nothing on disk
 * to clean). A signal that arrives during a synchronous write is handled right after it: the files are then
 * complete. Only the real process calls this (`main` without injected output).
 *
 * @example
 * ```ts
 * guardInterrupts(); // in main, before running the command
 * ```
 */
export function guardInterrupts(): void {
  onCleanupHeld(() => {
    if (installed) return;
    installed = true;
    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      process.once(signal, () => {
        runHeldCleanups();
        process.exit(INTERRUPT_EXIT[signal]);
      });
    }
  });
}
