import { TrueliftError } from "../../core/errors.js";
import type { ValidClusterSpec } from "./spec.js";

/**
 * The seed of a cluster analysis. It is required — as rdd's, synth's and propensity's bootstrap seeds are — as
 * soon as the analysis draws random numbers: the pairs cluster bootstrap (on unless `inference.pairs` is
 * `false`) or a small-K method that samples (`smallKMethods`, from `smallKRandomMethods`). There is no silent
 * default: a missing seed throws `E_INVALID_SPEC` before any resampling, naming the methods, with the fix in the
 * hint. `pairs` says whether the pairs bootstrap runs (__Default value:__ unless `inference.pairs` is false; the
 * design passes false below `MIN_CLUSTER_ROBUST` clusters, where it is refused). Returns null when nothing is random (the seed, if given, is then not recorded, as in the other designs).
 *
 * @example
 * ```ts
 * import { clusterSeed, parseClusterSpec } from "truelift";
 * const spec = parseClusterSpec({ outcome: "y", treatment: "d", cluster: "g", inference: { seed: 7 } });
 * clusterSeed(spec, []); // 7 (the pairs bootstrap runs by default)
 * ```
 * @see Cameron, Gelbach & Miller (2008), "Bootstrap-based improvements for inference with clustered errors",
 *   REStat 90(3).
 */
export function clusterSeed(
  spec: ValidClusterSpec,
  smallKMethods: readonly string[],
  pairs: boolean = spec.inference?.pairs !== false,
): number | null {
  const inf = spec.inference ?? {};
  const methods = [...(pairs ? ["the pairs cluster bootstrap"] : []), ...smallKMethods];
  if (methods.length === 0) return null;
  if (inf.seed !== undefined) return inf.seed;
  throw new TrueliftError(
    "E_INVALID_SPEC",
    `Invalid cluster spec: spec.inference.seed is required: ${methods.join(" and ")} draw${methods.length > 1 ? "" : "s"} random numbers, and the seed makes them reproducible.`,
    {
      hint: "Set inference.seed to an integer (CLI: --seed <n>), or switch the resampling off (inference.pairs: false; inference.smallK: 'never').",
      details: { methods },
    },
  );
}
