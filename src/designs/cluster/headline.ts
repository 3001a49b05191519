import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import type { ClusterEstimators } from "./estimators.js";
import { MIN_CLUSTER_ROBUST, type SmallKInference, WEBB_THRESHOLD } from "./small-k.js";

/**
 * Where the headline p-value and interval come from: the cluster-mean t(K − 2) test (K ≥ 12), the user-level CR2
 * t test with Bell–McCaffrey/Satterthwaite degrees of freedom (4 ≤ K < 12), the wild cluster bootstrap by test
 * inversion (4 ≤ K < 12 when CR2 is undefined), exact randomization inference (K ≤ 3, or when neither is
 * available), or nothing (no valid inference could be computed; the estimate stands alone with a failing
 * diagnostic).
 *
 * @example
 * ```ts
 * import { HEADLINE_INFERENCE } from "truelift";
 * HEADLINE_INFERENCE; // ["t", "cr2-satterthwaite", "wild-bootstrap", "randomization", "none"]
 * ```
 */
export const HEADLINE_INFERENCE = [
  "t",
  "cr2-satterthwaite",
  "wild-bootstrap",
  "randomization",
  "none",
] as const;
/** One of {@link HEADLINE_INFERENCE}. */
export type HeadlineInference = (typeof HEADLINE_INFERENCE)[number];

/** The headline term and where its inference comes from (see {@link clusterHeadline}). */
export interface ClusterHeadline {
  readonly term: Term;
  readonly inference: HeadlineInference;
}

/**
 * Picks the headline inference for the effect by the number of clusters K:
 *
 * - K ≥ 12: the cluster-mean WLS term with t(K − 2), unchanged.
 * - 4 ≤ K < 12: the user-level CR2 term — bias-reduced linearization SE with the Bell–McCaffrey Satterthwaite
 *   degrees of freedom (clubSandwich's and estimatr's small-sample test). The restricted wild cluster bootstrap
 *   (Webb weights, test inversion) is still computed and reported in `smallK`, and is the fallback when the CR2
 *   term has no SE; then randomization inference; then the t(K − 2) term.
 * - K ≤ 3: the estimate with no SE, and the exact randomization p-value and interval (null when none is bounded);
 *   all null when randomization inference is off.
 *
 * Why CR2 below 12: with half the clusters treated and unequal cluster sizes the wild bootstrap over-rejected at
 * K = 6 (size 0.071, coverage 92.9% over 2000 replications; the implementation matches a brute-force row-level
 * WCR exactly, so the distortion is the method's, as MacKinnon & Webb report for few treated clusters), while
 * CR2 + Satterthwaite held 95.0%, 95.6% and 95.5% coverage at K = 4, 6, 8 (bench/cluster-small-k.mjs;
 * bench/results/cluster-small-k.json). Its intervals are t-based, so never unbounded and never of zero width.
 *
 * An interval is never a sentinel: an unbounded test-inversion set is null.
 *
 * @example
 * ```ts
 * import { clusterHeadline } from "truelift";
 * const h = clusterHeadline(estimators, smallK, 6);
 * h.inference; // "cr2-satterthwaite"
 * h.term.df;   // the Bell–McCaffrey degrees of freedom
 * ```
 * @see Bell & McCaffrey (2002), "Bias reduction in standard errors for linear regression with multi-stage
 *   samples", Survey Methodology 28(2); Imbens & Kolesár (2016), "Robust standard errors in small samples: some
 *   practical advice", REStat 98(4); Pustejovsky & Tipton (2018), "Small-sample methods for cluster-robust
 *   variance estimation and hypothesis testing in fixed effects models", JBES 36(4) (clubSandwich); MacKinnon &
 *   Webb (2017), "Wild bootstrap inference for wildly different cluster sizes", J. Applied Econometrics 32(2);
 *   MacKinnon & Webb (2018), Econometrics Journal 21(2); Webb (2023), CJE 56(3); Cameron, Gelbach & Miller
 *   (2008), REStat 90(3).
 */
export function clusterHeadline(
  estimators: ClusterEstimators,
  smallK: DeepReadonly<SmallKInference> | null,
  clusters: number,
): ClusterHeadline {
  const cm = estimators.clusterMeans;
  const base = { ...cm, name: "effect" };
  const wild = smallK?.wild?.treatment ?? null;
  const ri = smallK?.randomization ?? null;
  const ci = (x: readonly [number, number] | null): readonly [number, number] | null =>
    x ? [x[0], x[1]] : null;
  if (clusters < MIN_CLUSTER_ROBUST) {
    const none = { ...base, se: null, statistic: null, df: null, pValue: null, ci: null };
    if (ri === null) return { term: none, inference: "none" };
    return { term: { ...none, pValue: ri.pValue, ci: ci(ri.ci) }, inference: "randomization" };
  }
  if (clusters >= WEBB_THRESHOLD) return { term: base, inference: "t" };
  const cr2 = estimators.cr2;
  if (cr2.se !== null && cr2.pValue !== null && cr2.ci !== null) {
    return { term: { ...cr2, name: "effect", ci: ci(cr2.ci) }, inference: "cr2-satterthwaite" };
  }
  if (wild !== null && wild.pValue !== null) {
    return {
      term: { ...base, statistic: null, df: null, pValue: wild.pValue, ci: ci(wild.ci) },
      inference: "wild-bootstrap",
    };
  }
  if (ri !== null) {
    return {
      term: { ...base, statistic: null, df: null, pValue: ri.pValue, ci: ci(ri.ci) },
      inference: "randomization",
    };
  }
  return { term: base, inference: "t" };
}

/**
 * A term with its inference removed (SE, statistic, df, p-value and interval null): how cluster-robust terms are
 * reported with fewer than {@link MIN_CLUSTER_ROBUST} clusters, where they would be 0 or meaningless.
 *
 * @example
 * ```ts
 * import { withoutInference } from "truelift";
 * withoutInference(estimators.cr1).se; // null
 * ```
 * @see Cameron, Gelbach & Miller (2008), REStat 90(3); MacKinnon & Webb (2018), Econometrics Journal 21(2).
 */
export function withoutInference(term: Term): Term {
  return { ...term, se: null, statistic: null, df: null, pValue: null, ci: null };
}

/**
 * The diagnostics of the headline inference: a failing `D_CLUSTER_TOO_FEW` with fewer than
 * {@link MIN_CLUSTER_ROBUST} clusters (why cluster-robust inference is refused and what is reported instead), and
 * a `D_CLUSTER_CI_UNBOUNDED` warning when the test-inversion interval of the headline method (or of a wild
 * bootstrap that ran) is unbounded, naming the smallest attainable p-value.
 *
 * @example
 * ```ts
 * import { headlineDiagnostics } from "truelift";
 * headlineDiagnostics(smallK, 2, "g", 0.05)[0].severity; // "fail"
 * ```
 * @see Webb (2023), CJE 56(3); MacKinnon & Webb (2020), J. Econometrics 218(2).
 */
export function headlineDiagnostics(
  smallK: DeepReadonly<SmallKInference> | null,
  clusters: number,
  column: string,
  alpha: number,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const ri = smallK?.randomization ?? null;
  if (clusters < MIN_CLUSTER_ROBUST) {
    out.push(
      diagnostic(
        "D_CLUSTER_TOO_FEW",
        "fail",
        {
          clusters,
          minimum: MIN_CLUSTER_ROBUST,
          riPValue: ri?.pValue ?? null,
          riMinPValue: ri?.minPValue ?? null,
          riAssignments: ri?.assignments ?? null,
          alpha,
        },
        { column },
      ),
    );
    return out;
  }
  const wild = smallK?.wild?.treatment ?? null;
  if (wild !== null && wild.ci === null && wild.minPValue !== null) {
    out.push(
      diagnostic(
        "D_CLUSTER_CI_UNBOUNDED",
        "warn",
        {
          method: "wild cluster bootstrap",
          minPValue: wild.minPValue,
          alpha,
          clusters,
          patterns: wild.reps,
        },
        { weights: wild.weights },
      ),
    );
  } else if (wild === null && ri !== null && ri.ci === null && clusters < WEBB_THRESHOLD) {
    out.push(
      diagnostic(
        "D_CLUSTER_CI_UNBOUNDED",
        "warn",
        { method: "randomization inference", minPValue: ri.minPValue, alpha, clusters, patterns: ri.reps },
        { weights: null },
      ),
    );
  }
  return out;
}
