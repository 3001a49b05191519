import type { ProgressCallback } from "../../core/options.js";
import type { DeepReadonly } from "../../core/result.js";
import {
  type RandomizationResult,
  type RandomizationUnits,
  randomizationInference,
  randomizationSamples,
} from "../../models/randomization.js";
import type { Rerandomization } from "../../models/rerandomization.js";
import {
  type ClusterSuffStats,
  type WildBootstrapResult,
  type WildWeights,
  wildClusterBootstrap,
  wildEnumerates,
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
 * The fewest clusters for which cluster-robust inference (CR1/CR2/CR3 and the wild cluster bootstrap) is reported.
 * With G ≤ 3 and an intercept plus a treatment dummy fitted, the G cluster scores satisfy two linear constraints,
 * so they carry at most G − 2 ≤ 1 degree of freedom: at G = 2 every score is exactly 0 (CR SE 0.0000, a
 * zero-width interval), at G = 3 the variance rests on one number. Below this only randomization inference runs.
 *
 * @example
 * ```ts
 * import { MIN_CLUSTER_ROBUST } from "truelift";
 * MIN_CLUSTER_ROBUST; // 4
 * ```
 * @see Cameron, Gelbach & Miller (2008), REStat 90(3); MacKinnon & Webb (2018), "The wild bootstrap for few
 *   (treated) clusters", Econometrics Journal 21(2).
 */
export const MIN_CLUSTER_ROBUST = 4;

/**
 * Fewer clusters than this: the headline p-value and interval come from the CR2 t test with Bell–McCaffrey
 * (Satterthwaite) degrees of freedom instead of the cluster-mean t(K − 2) (see `clusterHeadline`), and the wild
 * cluster bootstrap reported alongside uses Webb's six-point weights by default — Rademacher weights have only
 * 2^G patterns, too few for a 95% interval at G ≤ 5.
 *
 * @example
 * ```ts
 * import { WEBB_THRESHOLD } from "truelift";
 * WEBB_THRESHOLD; // 12
 * ```
 * @see Webb (2023), "Reworking wild bootstrap-based inference for clustered errors", CJE 56(3) (2014 working
 *   paper); Roodman, MacKinnon, Nielsen & Webb (2019), Stata Journal 19(1); Fischer & Roodman, fwildclusterboot;
 *   Bell & McCaffrey (2002), Survey Methodology 28(2); Pustejovsky & Tipton (2018), JBES 36(4).
 */
export const WEBB_THRESHOLD = 12;

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
  if (clusters < MIN_CLUSTER_ROBUST) {
    return `${clusters} clusters < ${MIN_CLUSTER_ROBUST}: cluster-robust SEs and the wild cluster bootstrap are undefined, so only randomization inference (every assignment) is reported`;
  }
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
  onProgress?: ProgressCallback,
): DeepReadonly<SmallKInference> {
  const progress = (label: string) => (onProgress ? { onProgress, progressLabel: label } : {});
  const inf = spec.inference ?? {};
  const seed = inf.seed === undefined ? {} : { seed: inf.seed };
  let wild: ClusterWildBootstrap | null = null;
  const w = wildSettings(spec, layout.clusters);
  if (w !== null) {
    const run = (stats: ClusterSuffStats, j: number, stream: number, label: string) =>
      wildClusterBootstrap(stats, j, { ...w, ...seed, stream, alpha, ...progress(label) });
    wild = {
      treatment: run(treatmentStats, 1, CLUSTER_STREAMS.wildTreatment, "wild bootstrap"),
      direct: twoExposureStats
        ? run(twoExposureStats, 1, CLUSTER_STREAMS.wildDirect, "wild bootstrap (direct)")
        : null,
      spillover: twoExposureStats
        ? run(twoExposureStats, 2, CLUSTER_STREAMS.wildSpillover, "wild bootstrap (spillover)")
        : null,
    };
  }
  let randomization: RandomizationResult | null = null;
  const r = randomizationSettings(spec, layout);
  if (r !== null) {
    randomization = randomizationInference(randomizationUnits(layout), {
      ...r,
      ...seed,
      stream: CLUSTER_STREAMS.randomization,
      alpha,
      ...(onProgress ? { onProgress } : {}),
    });
  }
  return { reason, wild, randomization } as DeepReadonly<SmallKInference>;
}

/**
 * The small-K methods that draw random numbers (and so need `inference.seed`) when they run: the wild cluster
 * bootstrap unless it enumerates every sign pattern, randomization inference unless it enumerates every
 * assignment. Empty when both are exact or switched off.
 *
 * @example
 * ```ts
 * import { smallKRandomMethods } from "truelift";
 * smallKRandomMethods(layout, parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g" })); // [] at K = 8
 * ```
 * @see Roodman et al. (2019), Stata Journal 19(1); Gerber & Green (2012), Field Experiments, ch. 3.
 */
export function smallKRandomMethods(layout: ClusterLayout, spec: ValidClusterSpec): string[] {
  const w = wildSettings(spec, layout.clusters);
  const r = randomizationSettings(spec, layout);
  return [
    ...(w !== null && !wildEnumerates(layout.clusters, w.reps, w.weights)
      ? ["the wild cluster bootstrap"]
      : []),
    ...(r !== null && randomizationSamples(randomizationUnits(layout), r) ? ["randomization inference"] : []),
  ];
}

/**
 * The wild bootstrap's reps (__Default value:__ 9999) and weights (__Default value:__ Webb below
 * {@link WEBB_THRESHOLD} clusters, Rademacher from there on); null when off or with fewer than
 * {@link MIN_CLUSTER_ROBUST} clusters (cluster-robust inference is refused there).
 */
function wildSettings(
  spec: ValidClusterSpec,
  clusters: number,
): { reps: number; weights: WildWeights } | null {
  const inf = spec.inference ?? {};
  if (inf.wild === false || clusters < MIN_CLUSTER_ROBUST) return null;
  const w = typeof inf.wild === "object" ? inf.wild : {};
  return { reps: w.reps ?? 9999, weights: w.weights ?? (clusters < WEBB_THRESHOLD ? "webb" : "rademacher") };
}

/**
 * Randomization inference's reps (__Default value:__ 9999), exactness (__Default value:__ "auto") and
 * re-randomization rule (balance values from the layout); null when off.
 */
function randomizationSettings(
  spec: ValidClusterSpec,
  layout: ClusterLayout,
): { reps: number; exact: boolean | "auto"; rerandomization?: Rerandomization } | null {
  const inf = spec.inference ?? {};
  if (inf.randomization === false) return null;
  const r = typeof inf.randomization === "object" ? inf.randomization : {};
  const rr = r.rerandomization;
  return {
    reps: r.reps ?? 9999,
    exact: r.exact ?? "auto",
    ...(rr && layout.balance
      ? {
          rerandomization: {
            covariates: layout.balance,
            names: rr.covariates,
            threshold: rr.threshold,
            ...(rr.maxDraws !== undefined ? { maxDraws: rr.maxDraws } : {}),
          },
        }
      : {}),
  };
}

function randomizationUnits(layout: ClusterLayout): RandomizationUnits {
  return { sums: layout.sums, sizes: layout.sizes, treated: layout.treated, strata: layout.strata };
}
