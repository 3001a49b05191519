/**
 * Cleanups of half-done output (temporary files, a report folder created but not yet filled), held while the
 * output is being written and released once it is complete or removed. The CLI runs what is still held when the
 * process is interrupted (SIGINT / SIGTERM), so an interrupted write leaves neither `.tmp` files nor an empty
 * folder behind. Core holds only callbacks: the file-system work stays in the layers that write.
 */
const held = new Set<() => void>();
let onHold: (() => void) | null = null;

/**
 * Holds `cleanup` until the returned release function is called (call it once the output is complete or already
 * cleaned up).
 *
 * @example
 * ```ts
 * const release = holdCleanup(() => rmSync(tempPath, { force: true }));
 * try { writeAndRename(); } finally { release(); }
 * ```
 */
export function holdCleanup(cleanup: () => void): () => void {
  held.add(cleanup);
  onHold?.();
  return () => {
    held.delete(cleanup);
  };
}

/**
 * Runs every cleanup still held (most recent first; one that throws does not stop the others) and releases them.
 *
 * @example
 * ```ts
 * process.once("SIGINT", () => { runHeldCleanups(); process.exit(130); });
 * ```
 */
export function runHeldCleanups(): void {
  for (const c of [...held].reverse()) {
    try {
      c();
    } catch {
      // best effort: the process is going away
    }
  }
  held.clear();
}

/**
 * Calls `listener` whenever a cleanup is held (the CLI installs its signal handlers then, and only then, so an
 * interrupt during pure computation still ends the process at once).
 *
 * @example
 * ```ts
 * onCleanupHeld(() => installSignalHandlers());
 * ```
 */
export function onCleanupHeld(listener: (() => void) | null): void {
  onHold = listener;
}

/**
 * How many cleanups are held (for tests).
 *
 * @example
 * ```ts
 * heldCleanups(); // 0 when no output is being written
 * ```
 */
export function heldCleanups(): number {
  return held.size;
}
