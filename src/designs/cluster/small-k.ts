import type { DeepReadonly } from "../../core/result.js";
import { type RandomizationResult, randomizationInference } from "../../models/randomization.js";
import {
  type ClusterSuffStats,
  type WildBootstrapResult,
  type WildWeights,
  wildClusterBootstrap,
} from "../../models/wild-bootstrap.js";
import type { ClusterLayout } from "./layout.js";
import type { ValidClusterSpec } from "./spec.js";

/**
 * Fewer clusters than this: CR1 over-rejects, so the small-K inference runs automatically.
 *
 * @example
 * ```ts
 * import { SMALL_K_THRESHOLD } from "truelift";
 * SMALL_K_THRESHOLD; // 30
 * ```
 */
export const SMALL_K_THRESHOLD = 30;

/**
 * Replicate-stream offsets, so every resampling method draws from its own stream of the one seed.
 *
 * @example
 * ```ts
 * import { CLUSTER_STREAMS, createRng } from "truelift";
 * const rng = createRng(7, CLUSTER_STREAMS.randomization);
 * ```
 */
export const CLUSTER_STREAMS = {
  pairs: 0,
  wildTreatment: 1,
  wildDirect: 2,
  wildSpillover: 3,
  randomization: 4,
} as const;

/** Wild cluster bootstrap of the headline effect and, when fitted, the two-exposure coefficients. */
export interface ClusterWildBootstrap {
  readonly treatment: WildBootstrapResult;
  readonly direct: WildBootstrapResult | null;
  readonly spillover: WildBootstrapResult | null;
}

/** Small-K inference for the headline effect: why it ran, the wild cluster bootstrap and randomization inference. */
export interface SmallKInference {
  readonly reason: string;
  readonly wild: ClusterWildBootstrap | null;
  readonly randomization: RandomizationResult | null;
}

/**
 * Whether the small-K methods run, and why (null: they do not).
 *
 * @example
 * ```ts
 * import { smallKReason } from "truelift";
 * smallKReason(8, parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g" })); // "8 clusters < 30: …"
 * ```
 */
export function smallKReason(clusters: number, spec: ValidClusterSpec): string | null {
  const inf = spec.inference ?? {};
  const mode = inf.smallK ?? "auto";
  if (mode === "never") return null;
  if (mode === "always") return "requested (inference.smallK = 'always')";
  if (clusters < SMALL_K_THRESHOLD) {
    return `${clusters} clusters < ${SMALL_K_THRESHOLD}: cluster-robust t tests over-reject with few clusters, so the wild cluster bootstrap and randomization inference are added`;
  }
  if (typeof inf.wild === "object" || typeof inf.randomization === "object") return "requested in the spec";
  return null;
}

/**
 * Runs the wild cluster bootstrap (restricted, test inversion) on the user-level treatment coefficient — and on
 * the direct and spillover coefficients when given — and randomization inference on the difference in
 * size-weighted means, re-drawing the assignment within strata.
 *
 * @example
 * ```ts
 * import { smallKInference } from "truelift";
 * const s = smallKInference(layout, spec, treatmentStats, twoExposureStats, "8 clusters < 30", 0.05);
 * s.wild?.treatment.pValue; s.randomization?.pValue;
 * ```
 * @see Cameron, Gelbach & Miller (2008); Webb (2023); Gerber & Green (2012), ch. 3; MacKinnon & Webb (2020),
 *   "Randomization inference for difference-in-differences with few treated clusters", J. Econometrics 218(2).
 */
export function smallKInference(
  layout: ClusterLayout,
  spec: ValidClusterSpec,
  treatmentStats: ClusterSuffStats,
  twoExposureStats: ClusterSuffStats | null,
  reason: string,
  alpha: number,
): DeepReadonly<SmallKInference> {
  const inf = spec.inference ?? {};
  const seed = inf.seed ?? 1;
  let wild: ClusterWildBootstrap | null = null;
  if (inf.wild !== false) {
    const w = typeof inf.wild === "object" ? inf.wild : {};
    const weights: WildWeights = w.weights ?? "rademacher";
    const reps = w.reps ?? 9999;
    const run = (stats: ClusterSuffStats, j: number, stream: number) =>
      wildClusterBootstrap(stats, j, { reps, weights, seed, stream, alpha });
    wild = {
      treatment: run(treatmentStats, 1, CLUSTER_STREAMS.wildTreatment),
      direct: twoExposureStats ? run(twoExposureStats, 1, CLUSTER_STREAMS.wildDirect) : null,
      spillover: twoExposureStats ? run(twoExposureStats, 2, CLUSTER_STREAMS.wildSpillover) : null,
    };
  }
  let randomization: RandomizationResult | null = null;
  if (inf.randomization !== false) {
    const r = typeof inf.randomization === "object" ? inf.randomization : {};
    randomization = randomizationInference(
      { sums: layout.sums, sizes: layout.sizes, treated: layout.treated, strata: layout.strata },
      { reps: r.reps ?? 9999, exact: r.exact ?? "auto", seed, stream: CLUSTER_STREAMS.randomization, alpha },
    );
  }
  return { reason, wild, randomization } as DeepReadonly<SmallKInference>;
}
