import { Frame } from "../../core/frame.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import { parseFormula } from "../../models/formula.js";
import { type OlsResult, ols, olsFit } from "../../models/ols.js";
import { withVcov } from "../../models/with-vcov.js";
import type { ClusterLayout } from "./layout.js";
import type { Cr3Kind } from "./spec.js";

/**
 * The treatment effect estimated five ways. All five point estimates are the same number — the difference in
 * user-level means between the arms — and only the uncertainty differs:
 *
 * - `naive`: user-level OLS with classical SEs, as if users were independent (the wrong answer, shown for
 *   contrast);
 * - `clusterMeans`: OLS of cluster means on treatment weighted by cluster size, classical SEs with t(K − 2) (the
 *   tutorial's analysis; equal to the user-level estimate);
 * - `cr1`, `cr2`, `cr3`: user-level OLS with cluster-robust SEs — CR1 t(K − 1), CR2 with its Bell–McCaffrey
 *   Satterthwaite df (estimatr), CR3 (cluster jackknife) t(K − 1) in the convention chosen by the spec's
 *   `inference.cr3` (`"CR3"`: (K−1)/K × the jackknife, R sandwich; `"CR3-clubsandwich"`: the plain jackknife,
 *   R clubSandwich — see `CLUSTER_KINDS`).
 */
export interface ClusterEstimators {
  readonly naive: Term;
  readonly clusterMeans: Term;
  readonly cr1: Term;
  readonly cr2: Term;
  readonly cr3: Term;
}

/** Internal column names of the derived frames. */
const Y = "y";
const D = "treatment";
const C = "cluster";
const W = "count";
const SS = "withinSS";

/**
 * The layout's units as a frequency-weighted OLS frame (outcome = unit mean, `count` users, within-unit SS), with
 * `extra` regressor columns: OLS on it equals OLS on the users (see `FrequencySpec`).
 *
 * @example
 * ```ts
 * import { unitFrame } from "truelift";
 * unitFrame(layout, { treatment: layout.d }).nrows === layout.units; // true
 * ```
 * @see Wong, Lewis & Wardrop (2021) (frequency-weighted least squares on compressed cells).
 */
export function unitFrame(layout: ClusterLayout, extra: Readonly<Record<string, Float64Array>>): Frame {
  return Frame.fromObject({ [Y]: layout.y, ...extra, [C]: layout.codes, [W]: layout.w, [SS]: layout.ss });
}

/**
 * The frequency option that makes OLS on {@link unitFrame} equal OLS on the users (count and within-unit SS
 * columns).
 *
 * @example
 * ```ts
 * import { ols, parseFormula, UNIT_FREQUENCY, unitFrame } from "truelift";
 * ols(unitFrame(layout, { treatment: layout.d }), { ...parseFormula("y ~ treatment"), frequency: UNIT_FREQUENCY });
 * ```
 */
export const UNIT_FREQUENCY = { count: W, withinSS: SS } as const;

/**
 * Fits the naive, cluster-mean and cluster-robust estimators of the treatment effect, on the layout's units with
 * their user counts (frequency-weighted OLS: the same numbers from users or from compressed cells).
 *
 * @example
 * ```ts
 * import { clusterEstimators } from "truelift";
 * const e = clusterEstimators(layout, 0.05);
 * e.naive.se;        // 0.0034 on the tutorial data
 * e.clusterMeans.se; // 0.0652, t(48)
 * clusterEstimators(layout, 0.05, "CR3-clubsandwich").cr3.se; // √(K/(K−1)) × e.cr3.se
 * ```
 * @see Donner & Klar (2000), Design and Analysis of Cluster Randomization Trials, ch. 6; Bell & McCaffrey
 *   (2002); MacKinnon, Nielsen & Webb (2023).
 */
export function clusterEstimators(
  layout: ClusterLayout,
  alpha: number,
  cr3Kind: Cr3Kind = "CR3",
): ClusterEstimators {
  const users = unitFrame(layout, { [D]: layout.d });
  const formula = parseFormula(`${Y} ~ ${D}`);
  const naiveFit = olsFit(users, { ...formula, alpha, frequency: UNIT_FREQUENCY });
  const naive = naiveFit.result;
  const byCluster = { type: "cluster", by: [C] } as const;
  const cr1 = withVcov(naiveFit, { ...byCluster, kind: "CR1" });
  const cr2 = withVcov(naiveFit, { ...byCluster, kind: "CR2" });
  const cr3 = withVcov(naiveFit, { ...byCluster, kind: cr3Kind });
  const K = layout.clusters;
  const means = new Float64Array(K);
  const d = new Float64Array(K);
  for (let g = 0; g < K; g++) {
    means[g] = layout.sums[g] / layout.sizes[g];
    d[g] = layout.treated[g];
  }
  // With two clusters the cluster-mean regression has no residual df: the estimate stands without an SE.
  const wls =
    K > 2
      ? term(
          ols(Frame.fromObject({ [Y]: means, [D]: d, size: layout.sizes }), {
            ...formula,
            weights: "size",
            alpha,
          }),
          "cluster-mean WLS",
        )
      : { ...term(naive, "cluster-mean WLS"), se: null, statistic: null, df: null, pValue: null, ci: null };
  return {
    naive: term(naive, "naive user-level OLS"),
    clusterMeans: wls,
    cr1: term(cr1, "user-level OLS, CR1"),
    cr2: term(cr2, "user-level OLS, CR2"),
    cr3: term(cr3, cr3Kind === "CR3" ? "user-level OLS, CR3" : "user-level OLS, CR3 (clubSandwich)"),
  };
}

function term(fit: DeepReadonly<OlsResult>, name: string): Term {
  const t = fit.terms.find((x) => x.name === D) as Term;
  return { ...t, name, ci: t.ci ? [t.ci[0], t.ci[1]] : null };
}
