import { TrueliftError } from "../core/errors.js";
import { cholesky, choleskySolve } from "../numeric/linalg/cholesky.js";

/**
 * A re-randomization acceptance rule (Morgan & Rubin 2012): the design drew complete (or stratified) assignments
 * of the clusters and kept the first whose Mahalanobis distance of the cluster-level covariate means,
 *
 *   M = (n₁n₀/K) · (x̄₁ − x̄₀)ᵀ S⁻¹ (x̄₁ − x̄₀),
 *
 * was at most `threshold` (x̄₁, x̄₀ the unweighted means over treated and control clusters, S the sample
 * covariance of the covariates over all K clusters, n₁ + n₀ = K; M ~ χ²_p approximately under complete
 * randomization).
 *
 * - `covariates`: one array per covariate, one value per cluster (cluster order of the units), with a
 *   non-singular covariance; `names` labels them in the report. __Default value:__ names `x1`, `x2`, …
 * - `threshold`: the acceptance bound a (M ≤ a accepted), or `"observed"`: the observed assignment's own distance
 *   (when the design's bound was not recorded — the tightest bound the observed assignment is consistent with).
 *   With the design's own a the test is exact (Morgan & Rubin 2012, §2.3); `"observed"` conditions on
 *   M ≤ M_obs, a reference set that depends on the observed assignment, so it is not exact in general (in the
 *   size simulation of `test/models/rerandomization.test.ts`, a = 0.1, it rejected 5.15% at α = 5% over 2000
 *   replicates, seed 777, against 4.4% with the design's a).
 * - `maxDraws`: give up (`E_RERANDOMIZATION_TOO_RARE`) after this many sampled draws. __Default value:__ 1000 × reps.
 *
 * The observed assignment must pass the rule (`E_RERANDOMIZATION_REJECTS_OBSERVED`).
 *
 * @example
 * ```ts
 * import { randomizationInference } from "truelift";
 * const units = { sums: Float64Array.of(10, 12, 20, 22), sizes: Float64Array.of(5, 5, 5, 5), treated: Uint8Array.of(0, 0, 1, 1) };
 * randomizationInference(units, { rerandomization: { covariates: [Float64Array.of(1, 2, 2, 1)], threshold: "observed" } })
 *   .rerandomization?.acceptanceRate; // 4/6: the splits pairing a 1 with a 2 balance x exactly
 * ```
 * @see Morgan & Rubin (2012), "Rerandomization to improve covariate balance in experiments", Annals of
 *   Statistics 40(2), 1263–1282.
 */
export interface Rerandomization {
  readonly covariates: readonly Float64Array[];
  readonly names?: readonly string[];
  readonly threshold: number | "observed";
  readonly maxDraws?: number;
}

/** What a re-randomization test used and how often the rule accepted. */
export interface RerandomizationReport {
  readonly criterion: "mahalanobis";
  readonly covariates: readonly string[];
  /** The acceptance bound a actually used (the observed distance under `"observed"`). */
  readonly threshold: number;
  readonly observedDistance: number;
  /** Assignments drawn (sampled) or enumerated (exact). */
  readonly drawn: number;
  readonly accepted: number;
  /** accepted / drawn: the share of assignments the rule accepts (exact when enumerated). */
  readonly acceptanceRate: number;
}

/** Relative slack on the bound, so the observed assignment passes a bound equal to its own distance. */
const SLACK = 1e-10;

/**
 * The Mahalanobis balance distance of a rule's covariates, and its acceptance test, for a fixed number of treated
 * clusters (every assignment of a randomization test treats as many as the observed one).
 *
 * @example
 * ```ts
 * import { balanceDistance } from "truelift";
 * const b = balanceDistance({ covariates: [Float64Array.of(1, 2, 3, 4)], threshold: 1 }, Uint8Array.of(0, 1, 1, 0));
 * b.observed; // 0: both arms average 2.5
 * b.accepts(Uint8Array.of(0, 0, 1, 1)); // false: M = 2.4 > 1
 * ```
 * @see Morgan & Rubin (2012), Annals of Statistics 40(2), §2 (the Mahalanobis criterion).
 */
export function balanceDistance(
  rule: Rerandomization,
  observed: Uint8Array,
): {
  readonly covariates: readonly string[];
  readonly threshold: number;
  readonly observed: number;
  readonly distance: (d: Uint8Array) => number;
  readonly accepts: (d: Uint8Array) => boolean;
} {
  const K = observed.length;
  const p = rule.covariates.length;
  if (p === 0 || rule.covariates.some((x) => x.length !== K || x.some((v) => !Number.isFinite(v)))) {
    invalid("re-randomization needs one finite covariate value per cluster, for at least one covariate.");
  }
  if (rule.names !== undefined && rule.names.length !== p)
    invalid("re-randomization names one label per covariate.");
  const { threshold, maxDraws } = rule;
  if (threshold !== "observed" && !(typeof threshold === "number" && threshold >= 0)) {
    invalid("re-randomization threshold must be a non-negative number or 'observed'.");
  }
  if (maxDraws !== undefined && !(Number.isInteger(maxDraws) && maxDraws >= 1)) {
    invalid("re-randomization maxDraws must be a positive integer.");
  }
  const mean = rule.covariates.map((x) => x.reduce((a, b) => a + b, 0) / K);
  const cov = new Float64Array(p * p);
  for (let i = 0; i < p; i++)
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let g = 0; g < K; g++) s += (rule.covariates[i][g] - mean[i]) * (rule.covariates[j][g] - mean[j]);
      cov[i * p + j] = s / (K - 1);
      cov[j * p + i] = s / (K - 1);
    }
  const l = cholesky(cov, p);
  // Relative pivot check: a covariate (nearly) constant or a linear combination of the others has no balance.
  const degenerate =
    !l ||
    K < 2 ||
    Array.from({ length: p }, (_, i) => i).some((i) => l[i * p + i] ** 2 <= 1e-10 * cov[i * p + i]);
  if (degenerate) invalid("re-randomization covariates are constant or collinear over the clusters.");
  let n1 = 0;
  for (let g = 0; g < K; g++) n1 += observed[g];
  const n0 = K - n1;
  const factor = (n1 * n0) / K;
  const diff = new Float64Array(p);
  const distance = (d: Uint8Array): number => {
    for (let i = 0; i < p; i++) {
      const x = rule.covariates[i];
      let s1 = 0;
      let s0 = 0;
      for (let g = 0; g < K; g++) {
        if (d[g]) s1 += x[g];
        else s0 += x[g];
      }
      diff[i] = s1 / n1 - s0 / n0;
    }
    const z = choleskySolve(l as Float64Array, p, diff);
    let m = 0;
    for (let i = 0; i < p; i++) m += diff[i] * z[i];
    return factor * m;
  };
  const obs = distance(observed);
  const a = threshold === "observed" ? obs : threshold;
  const bound = a * (1 + SLACK) + SLACK;
  if (obs > bound) {
    throw new TrueliftError(
      "E_RERANDOMIZATION_REJECTS_OBSERVED",
      `The observed assignment's balance distance ${obs.toPrecision(6)} exceeds the re-randomization threshold ${a}.`,
      { details: { observedDistance: obs, threshold: a } },
    );
  }
  const names = rule.names ? [...rule.names] : rule.covariates.map((_, i) => `x${i + 1}`);
  return { covariates: names, threshold: a, observed: obs, distance, accepts: (d) => distance(d) <= bound };
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", message);
}
