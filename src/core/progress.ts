import type { ProgressCallback } from "./options.js";

/**
 * A throttled progress reporter for one long loop: call it with the number of steps done (non-decreasing); it
 * forwards to the {@link ProgressCallback} at `done = 0`, then each time `done` crosses another 1% of `total`,
 * and always at `done = total` — at most ~101 calls whatever the loop's length, so the cost is negligible.
 *
 * @example
 * ```ts
 * const tick: ProgressTick | undefined = progressTicker(onProgress, "wild bootstrap", 9999);
 * tick?.(0); // reports { label: "wild bootstrap", done: 0, total: 9999 }
 * ```
 */
export type ProgressTick = (done: number) => void;

/**
 * Builds a {@link ProgressTick} for the loop `label` of `total` steps, or undefined without a callback (so a loop
 * pays one `undefined` check per step when nobody listens). The counter is step-based, never clock-based, so a
 * run reports the same sequence every time and its numbers never depend on timing.
 *
 * @example
 * ```ts
 * const tick = progressTicker(inputs.onProgress, "bootstrap", reps);
 * for (let r = 0; r < reps; r++) { work(r); tick?.(r + 1); }
 * ```
 */
export function progressTicker(
  onProgress: ProgressCallback | undefined,
  label: string,
  total: number,
): ProgressTick | undefined {
  if (onProgress === undefined) return undefined;
  const step = Math.max(1, Math.ceil(total / 100));
  let next = 0;
  let last = -1;
  return (done) => {
    const d = Math.min(total, Math.max(last, done));
    if (d < next && d !== total) return;
    if (d === last) return;
    last = d;
    next = (Math.floor(d / step) + 1) * step;
    onProgress({ label, done: d, total });
  };
}
