import { isTrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { type RddBootstrap, rddBootstrap } from "./bootstrap.js";
import type { RddChecksStage } from "./stage-checks.js";
import type { RddHeadlineStage } from "./stage-headline.js";

/** Percentile bootstrap intervals of {@link rdd}: the headline, each sweep row and the quadratic fit. */
export interface RddBootstrapStage {
  readonly headline: RddBootstrap;
  readonly sweep: readonly (RddBootstrap | null)[];
  readonly quadratic: RddBootstrap | null;
}

/**
 * Runs the optional percentile bootstrap (spec `bootstrap`): the headline fit, every sweep bandwidth whose
 * re-estimate succeeded, and the quadratic fit, each on its own random stream. Null when not requested.
 *
 * @example
 * ```ts
 * rddBootstrapStage(head, checks)?.headline.ci; // [lower, upper] when spec.bootstrap is set
 * ```
 */
export function rddBootstrapStage(
  head: RddHeadlineStage,
  checks: RddChecksStage,
  onProgress?: ProgressCallback,
): RddBootstrapStage | null {
  const { spec: s, fitLayout, settings: st } = head;
  if (!s.bootstrap) return null;
  const reps = s.bootstrap.reps ?? 500;
  const seed = s.bootstrap.seed;
  const bws = checks.sweepBandwidths;
  // Runs in stream order: headline (0), sweep rows (1 … n), quadratic (n + 1).
  const tick = progressTicker(onProgress, "bootstrap", reps * (bws.length + 2));
  tick?.(0);
  const run = (p: number, h: readonly [number, number], stream: number) =>
    rddBootstrap(fitLayout.left, fitLayout.right, { ...st, p, q: p + 1 }, h, {
      reps,
      seed,
      stream,
      ...(tick ? { onReplicate: (done: number) => tick(stream * reps + done) } : {}),
    });
  const tryRun = (p: number, h: readonly [number, number], stream: number) => {
    try {
      return run(p, h, stream);
    } catch (e) {
      if (isTrueliftError(e)) return null;
      throw e;
    }
  };
  const out = {
    headline: run(st.p, head.bandwidth.h, 0),
    sweep: bws.map((b, i) => (checks.sweep[i].failure ? null : tryRun(st.p, [b, b], i + 1))),
    quadratic: tryRun(2, head.bandwidth.h, bws.length + 1),
  };
  tick?.(reps * (bws.length + 2));
  return out;
}
