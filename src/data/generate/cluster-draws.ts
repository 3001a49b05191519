import type { Rng } from "../../core/rng.js";

/**
 * K cluster sizes max(minSize, round(G_c)), G_c ~ Gamma(shape 1/cv², scale meanSize·cv²): mean `meanSize`,
 * coefficient of variation `cv` (K gamma draws from `rng`).
 *
 * @example
 * ```ts
 * import { createRng, gammaClusterSizes } from "truelift";
 * gammaClusterSizes(createRng(1, 0), 8, 200, 0.5, 2).length; // 8
 * ```
 * @see Eldridge, Ashby & Kerry (2006), "Sample size for cluster randomized trials: effect of coefficient of
 *   variation of cluster size", International Journal of Epidemiology 35, 1292–1300.
 */
export function gammaClusterSizes(
  rng: Rng,
  k: number,
  meanSize: number,
  cv: number,
  minSize: number,
): number[] {
  const shape = 1 / (cv * cv);
  const scale = meanSize / shape;
  return Array.from({ length: k }, () => Math.max(minSize, Math.round(scale * rng.gamma(shape))));
}

/**
 * round(share·K) of K clusters treated (1) and the rest control (0), chosen by a partial Fisher–Yates shuffle
 * (one `rng.int` per treated cluster).
 *
 * @example
 * ```ts
 * import { createRng, shuffleAssignClusters } from "truelift";
 * shuffleAssignClusters(createRng(1, 1), 8, 0.5).reduce((a, b) => a + b); // 4
 * ```
 * @see Knuth, The Art of Computer Programming, vol. 2, §3.4.2, Algorithm P.
 */
export function shuffleAssignClusters(rng: Rng, k: number, share: number): number[] {
  const idx = Array.from({ length: k }, (_, i) => i);
  const kT = Math.round(share * k);
  const treated = new Array<number>(k).fill(0);
  for (let j = 0; j < kT; j++) {
    const pick = j + rng.int(k - j);
    [idx[j], idx[pick]] = [idx[pick], idx[j]];
    treated[idx[j]] = 1;
  }
  return treated;
}
