import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import type { ClusterExposure } from "./exposure.js";
import type { ClusterLayout } from "./layout.js";
import { designEffect } from "./power.js";
import { SMALL_K_THRESHOLD, type SmallKInference } from "./small-k.js";

/**
 * Coefficient of variation of cluster sizes above which sizes count as unequal (Eldridge et al. 2006: 0.23).
 *
 * @example
 * ```ts
 * import { UNEQUAL_SIZE_CV } from "truelift";
 * UNEQUAL_SIZE_CV; // 0.23
 * ```
 */
export const UNEQUAL_SIZE_CV = 0.23;

/**
 * The K ≥ 30 rule as a diagnostic with its reason: warn below 30 clusters (and say which small-K methods were
 * added), pass otherwise.
 *
 * @example
 * ```ts
 * import { fewClustersDiagnostic } from "truelift";
 * fewClustersDiagnostic(8, "workspace_id", true).severity; // "warn"
 * ```
 * @see Cameron, Gelbach & Miller (2008); MacKinnon & Webb (2017), "Wild bootstrap inference for wildly
 *   different cluster sizes", J. Applied Econometrics 32(2).
 */
export function fewClustersDiagnostic(clusters: number, column: string, smallKAdded: boolean): Diagnostic {
  if (clusters < SMALL_K_THRESHOLD) {
    return diagnostic(
      "D_FEW_CLUSTERS",
      "warn",
      { clusters, threshold: SMALL_K_THRESHOLD, smallKAdded },
      { column },
    );
  }
  return diagnostic(
    "D_FEW_CLUSTERS",
    "pass",
    { clusters, threshold: SMALL_K_THRESHOLD, smallKAdded },
    { column },
  );
}

/**
 * Cluster-size spread: warn when the CV of sizes exceeds {@link UNEQUAL_SIZE_CV}.
 *
 * @example
 * ```ts
 * import { unequalSizesDiagnostic } from "truelift";
 * unequalSizesDiagnostic(Float64Array.of(923, 1002, 1052)).severity; // "pass"
 * ```
 * @see Eldridge, Ashby & Kerry (2006), Int J Epidemiol 35(5); MacKinnon & Webb (2017).
 */
export function unequalSizesDiagnostic(sizes: Float64Array): Diagnostic {
  const s = sizeStats(sizes);
  const unequal = s.cv > UNEQUAL_SIZE_CV;
  return diagnostic("D_CLUSTER_UNEQUAL_SIZES", unequal ? "warn" : "pass", {
    min: s.min,
    median: s.median,
    max: s.max,
    mean: s.mean,
    cv: s.cv,
    threshold: UNEQUAL_SIZE_CV,
  });
}

/** Min, median, max, mean and CV (population SD / mean) of cluster sizes. */
function sizeStats(sizes: Float64Array) {
  const sorted = Float64Array.from(sizes).sort();
  const K = sorted.length;
  let mean = 0;
  for (const x of sorted) mean += x;
  mean /= K;
  let ss = 0;
  for (const x of sorted) ss += (x - mean) * (x - mean);
  const median = K % 2 ? sorted[(K - 1) / 2] : 0.5 * (sorted[K / 2 - 1] + sorted[K / 2]);
  return { min: sorted[0], max: sorted[K - 1], median, mean, cv: Math.sqrt(ss / K) / mean };
}

/**
 * The outcome's intra-cluster correlation — one-way ANOVA on outcomes centred at their arm's mean (so the
 * treatment effect does not inflate it), n₀ = (N − Σ_arms Σ m²/N_arm)/(K − 2) — and the design effect
 * 1 + ((cv² + 1)m̄ − 1)·ICC it implies, with the effective number of independent users.
 *
 * @example
 * ```ts
 * import { iccDiagnostic } from "truelift";
 * iccDiagnostic(layout).evidence.icc;
 * ```
 * @see Donner & Koval (1980), Biometrics 36; Eldridge, Ashby & Kerry (2006).
 */
export function iccDiagnostic(layout: ClusterLayout): Diagnostic {
  const { n, units, clusters: K, sizes, sums, treated, y, w, ss, codes } = layout;
  const armSum = [0, 0];
  const armN = [0, 0];
  const armSq = [0, 0];
  for (let g = 0; g < K; g++) {
    armSum[treated[g]] += sums[g];
    armN[treated[g]] += sizes[g];
    armSq[treated[g]] += sizes[g] * sizes[g];
  }
  const armMean = [armSum[0] / armN[0], armSum[1] / armN[1]];
  let ssb = 0;
  for (let g = 0; g < K; g++) {
    const dev = sums[g] / sizes[g] - armMean[treated[g]];
    ssb += sizes[g] * dev * dev;
  }
  // Within-cluster SS pooled over units: Σ_units [ss_u + w_u (ȳ_u − ȳ_g)²] (= Σ_users (y − ȳ_g)² for users).
  let ssw = 0;
  for (let i = 0; i < units; i++) {
    const dev = y[i] - sums[codes[i]] / sizes[codes[i]];
    ssw += ss[i] + w[i] * dev * dev;
  }
  const dfb = K - 2;
  const dfw = n - K;
  if (dfb < 1 || dfw < 1) {
    return diagnostic("D_CLUSTER_ICC", "info", { icc: null });
  }
  const msb = ssb / dfb;
  const msw = ssw / dfw;
  const n0 = (n - armSq[0] / armN[0] - armSq[1] / armN[1]) / dfb;
  const raw = (msb - msw) / (msb + (n0 - 1) * msw);
  const icc = Number.isFinite(raw) ? Math.max(0, raw) : 0;
  const s = sizeStats(sizes);
  const de = designEffect(s.mean, s.cv, icc);
  return diagnostic(
    "D_CLUSTER_ICC",
    "info",
    {
      icc: Number.isFinite(raw) ? raw : null,
      designEffect: de,
      effectiveUsers: n / de,
      meanSize: s.mean,
      cv: s.cv,
    },
    { users: n },
  );
}

/**
 * How far the naive user-level SE understates the uncertainty: the ratio of the cluster-mean SE to it.
 *
 * @example
 * ```ts
 * import { naiveSeDiagnostic } from "truelift";
 * naiveSeDiagnostic(estimators.naive, estimators.clusterMeans).evidence.ratio; // ≈ 19 on the tutorial data
 * ```
 * @see Moulton (1990), "An illustration of a pitfall in estimating the effects of aggregate variables on micro
 *   units", REStat 72(2).
 */
export function naiveSeDiagnostic(naive: Term, honest: Term): Diagnostic {
  if (naive.se === null || honest.se === null || !(naive.se > 0)) {
    return diagnostic("D_CLUSTER_NAIVE_SE", "info", { naiveSe: naive.se, clusterSe: honest.se, ratio: null });
  }
  const ratio = honest.se / naive.se;
  return diagnostic("D_CLUSTER_NAIVE_SE", ratio > 1.5 ? "warn" : "pass", {
    naiveSe: naive.se,
    clusterSe: honest.se,
    ratio,
  });
}

/**
 * Where the spillover exposure comes from: warn for a behavioural proxy flag (self-selected: in the tutorial,
 * opting into agent mode), pass for an observed edge list or a flag declared observed; info when absent.
 *
 * @example
 * ```ts
 * import { spilloverDiagnostic } from "truelift";
 * spilloverDiagnostic(exposure).severity; // "warn" for a proxy flag
 * ```
 * @see Aronow & Samii (2017); Eckles, Karrer & Ugander (2017), "Design and analysis of experiments in networks:
 *   reducing bias from interference", J. Causal Inference 5(1).
 */
export function spilloverDiagnostic(exposure: ClusterExposure | null, skipped: string | null): Diagnostic {
  if (exposure === null) {
    return diagnostic("D_CLUSTER_NO_SPILLOVER", "info", {});
  }
  const c = exposure.counts;
  const evidence = {
    source: exposure.source,
    provenance: exposure.provenance,
    rule: exposure.rule,
    treated: c.treated,
    spillover: c.spillover,
    pureControl: c.pureControl,
    share: exposure.share,
    edgesRead: exposure.edges?.read ?? null,
    edgesUnknown: exposure.edges?.unknown ?? null,
  };
  if (skipped)
    return diagnostic("D_CLUSTER_SPILLOVER_PROVENANCE", "warn", evidence, {
      column: exposure.column,
      skipped,
    });
  if (exposure.provenance === "proxy") {
    return diagnostic("D_CLUSTER_SPILLOVER_PROVENANCE", "warn", evidence, {
      column: exposure.column,
      skipped: null,
    });
  }
  const edges = exposure.edges;
  return diagnostic(
    "D_CLUSTER_SPILLOVER_PROVENANCE",
    edges && edges.unknown > 0 ? "warn" : "pass",
    evidence,
    { column: exposure.column, skipped: null },
  );
}

/**
 * Summary of the small-K inference against the analytic CR1 p-value, so a reader sees whether they agree.
 *
 * @example
 * ```ts
 * import { smallKDiagnostic } from "truelift";
 * smallKDiagnostic(smallK, estimators.cr1).message;
 * ```
 * @see Cameron, Gelbach & Miller (2008); Fisher (1935).
 */
export function smallKDiagnostic(s: DeepReadonly<SmallKInference>, cr1: Term): Diagnostic {
  const w = s.wild?.treatment ?? null;
  const r = s.randomization;
  const coarse = r !== null && r.minPValue > 0.01;
  return diagnostic(
    "D_CLUSTER_SMALL_K_INFERENCE",
    coarse ? "warn" : "info",
    {
      wildPValue: w?.pValue ?? null,
      wildLower: w?.ci?.[0] ?? null,
      wildUpper: w?.ci?.[1] ?? null,
      riPValue: r?.pValue ?? null,
      riLower: r?.ci?.[0] ?? null,
      riUpper: r?.ci?.[1] ?? null,
      riMinPValue: r?.minPValue ?? null,
      cr1PValue: cr1.pValue,
    },
    {
      estimate: cr1.estimate,
      wild: w === null ? null : { weights: w.weights, enumerated: w.enumerated, reps: w.reps },
      randomization: r === null ? null : { exact: r.exact, assignments: r.assignments, reps: r.reps },
    },
  );
}
