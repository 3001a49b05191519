import { TrueliftError } from "../../core/errors.js";

/**
 * The heteroskedasticity-consistent estimators, White (1980) and MacKinnon & White (1985).
 *
 * @example
 * ```ts
 * const v: Vcov = { type: "hc", kind: "HC3" }; // HC_KINDS.includes(v.kind)
 * ```
 */
export const HC_KINDS = ["HC0", "HC1", "HC2", "HC3"] as const;
/** One of {@link HC_KINDS}. */
export type HcKind = (typeof HC_KINDS)[number];

/**
 * The cluster-robust estimators: CR1 = Liang–Zeger with the Stata/statsmodels small-sample factor; CR2 =
 * Bell–McCaffrey bias-reduced, with per-coefficient Satterthwaite df (R estimatr `se_type = "CR2"`); two named
 * conventions of CR3, the cluster jackknife J = Σ_g (β̂₍g₎ − β̂)(β̂₍g₎ − β̂)ᵀ (β̂₍g₎ leaves cluster g out):
 *
 * - `"CR3"` = (G−1)/G · J — MacKinnon–Nielsen–Webb's CV3 as R sandwich computes it
 *   (`vcovCL(fit, cluster, type = "HC3", cadjust = FALSE)`); truelift's CR3 since it first had one.
 * - `"CR3-clubsandwich"` = J itself — R clubSandwich `vcovCR(fit, cluster, type = "CR3")`
 *   (Pustejovsky & Tipton 2018, Bell & McCaffrey's CR3), G/(G−1) times `"CR3"`, so its standard errors are
 *   √(G/(G−1)) times larger (the "√((G−1)/G)" read the other way).
 *
 * Both use t(G − 1) (clubSandwich `coef_test(test = "naive-t")`). See `cr2Vcov`.
 *
 * @example
 * ```ts
 * const v: Vcov = { type: "cluster", by: ["workspace_id"], kind: "CR3-clubsandwich" };
 * ```
 * @see Pustejovsky & Tipton (2018), "Small-sample methods for cluster-robust variance estimation and hypothesis
 *   testing in fixed effects models", JBES 36(4); MacKinnon, Nielsen & Webb (2023), J. Econometrics 232(2).
 */
export const CLUSTER_KINDS = ["CR1", "CR2", "CR3", "CR3-clubsandwich"] as const;
/** One of {@link CLUSTER_KINDS}. */
export type ClusterKind = (typeof CLUSTER_KINDS)[number];

/**
 * Reference distribution for tests and intervals: Student t (with the estimator's df) or the normal.
 *
 * @example
 * ```ts
 * const v: Vcov = { type: "cluster", by: ["workspace_id"], dist: "normal" }; // z instead of t(G−1)
 * ```
 */
export const DISTS = ["t", "normal"] as const;
/** One of {@link DISTS}. */
export type Dist = (typeof DISTS)[number];

/**
 * How absorbed fixed-effect parameters count in K of the cluster factor (N−1)/(N−K) (fixest `fixef.K`).
 *
 * @example
 * ```ts
 * const v: Vcov = { type: "cluster", by: ["workspace_id"], ssc: ssc({ fixefK: "full" }) };
 * ```
 */
export const FIXEF_K = ["nested", "full", "none"] as const;
/** One of {@link FIXEF_K}. */
export type FixefK = (typeof FIXEF_K)[number];

/**
 * Small-sample correction of a cluster-robust variance, built and validated by {@link ssc}.
 *
 * - `adj`: multiply by (N−1)/(N−K). __Default value:__ `true`.
 * - `clusterAdj`: multiply by G/(G−1) (each inclusion–exclusion term by its own G). __Default value:__ `true`.
 * - `fixefK`: how absorbed fixed effects enter K. `"nested"` (fixest's default): fixed effects whose every level
 *   lies inside one cluster are not counted (beyond one for the intercept they replace); `"full"`: all counted,
 *   which reproduces an explicit-dummy regression in statsmodels; `"none"`: only the slope coefficients plus one.
 *   __Default value:__ `"nested"`.
 */
export interface Ssc {
  readonly adj: boolean;
  readonly clusterAdj: boolean;
  readonly fixefK: FixefK;
}

/**
 * The variance estimator, a discriminated union (the canonical form; shorthands are parsed only by the CLI).
 *
 * - `{ type: "iid" }` — classical σ²(X'WX)⁻¹ with σ² = RSS/(N−K); inference t(N−K) (statsmodels OLS default).
 * - `{ type: "hc", kind }` — White sandwich (X'WX)⁻¹ Σ ωᵢ xᵢxᵢ' (X'WX)⁻¹ with ωᵢ = (wᵢeᵢ)² times:
 *   HC0 1; HC1 N/(N−K); HC2 1/(1−hᵢ); HC3 1/(1−hᵢ)², hᵢ = wᵢxᵢ'(X'WX)⁻¹xᵢ the leverage. Inference t(N−K)
 *   (statsmodels with `use_t=True`); `dist: "normal"` gives z (statsmodels' default for robust covariances).
 * - `{ type: "cluster", by, kind: "CR2" | "CR3" | "CR3-clubsandwich", dist? }` — bias-reduced CR2 (Bell &
 *   McCaffrey, per-term Satterthwaite df as estimatr) or the jackknife CR3 in either convention of
 *   {@link CLUSTER_KINDS} (t(G − 1)); one `by` column, no absorbed fixed effects,
 *   and (CR2) no analytic weights (frequency counts of compressed cells are exact); `ssc` does not apply to them.
 *
 * Every estimator is exact on compressed cells (`OlsSpec.frequency`): N is Σ count wherever it enters.
 * - `{ type: "cluster", by, kind?, dist?, ssc? }` — CR1, Liang & Zeger (1986): (X'WX)⁻¹ Σ_g s_g s_g' (X'WX)⁻¹
 *   with s_g the cluster score sums, times G/(G−1)·(N−1)/(N−K) (statsmodels `cov_type='cluster'`, Stata).
 *   Inference t(G−1) by default (statsmodels `use_t=True`, Stata); `dist: "normal"` gives z. With two or more
 *   `by` columns: Cameron, Gelbach & Miller (2011) inclusion–exclusion, V = Σ_{S ≠ ∅} (−1)^{|S|+1} V_S over the
 *   intersections S of the clustering dimensions, each V_S with its own G_S/(G_S−1) factor and the common
 *   (N−1)/(N−K) — exactly statsmodels' `cov_cluster_2groups` for two columns — and t(min G − 1). (fixest's
 *   default differs: one G_min/(G_min−1) factor for every term.) Rows with a missing cluster id are dropped
 *   before fitting.
 *
 * __Default value:__ `{ type: "iid" }`.
 */
export type Vcov =
  | { readonly type: "iid" }
  | { readonly type: "hc"; readonly kind: HcKind; readonly dist?: Dist }
  | {
      readonly type: "cluster";
      readonly by: readonly string[];
      readonly kind?: ClusterKind;
      readonly dist?: Dist;
      readonly ssc?: Ssc;
    };

/**
 * The type tags of {@link Vcov}.
 *
 * @example
 * ```ts
 * VCOV_TYPES.includes("cluster"); // true
 * ```
 */
export const VCOV_TYPES = ["iid", "hc", "cluster"] as const;

/**
 * Builds a validated small-sample correction for cluster-robust variances (fixest's `ssc()`).
 *
 * @example
 * ```ts
 * import { ssc } from "truelift";
 * const vcov = { type: "cluster", by: ["firm"], ssc: ssc({ fixefK: "full" }) } as const;
 * ```
 * @see Bergé (2018), "Efficient estimation of maximum likelihood models with multiple fixed-effects: the R
 *   package FENmlm", and the fixest vignette "On standard errors".
 */
export function ssc(options: Partial<Ssc> = {}): Ssc {
  const known = new Set(["adj", "clusterAdj", "fixefK"]);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) invalid(`ssc() has no option '${key}'; use adj, clusterAdj or fixefK.`);
  }
  const { adj = true, clusterAdj = true, fixefK = "nested" } = options;
  if (typeof adj !== "boolean") invalid("ssc({ adj }) must be true or false.");
  if (typeof clusterAdj !== "boolean") invalid("ssc({ clusterAdj }) must be true or false.");
  if (!FIXEF_K.includes(fixefK)) invalid(`ssc({ fixefK }) must be one of ${FIXEF_K.join(", ")}.`);
  return Object.freeze({ adj, clusterAdj, fixefK });
}

/**
 * Validates a {@link Vcov} and fills its defaults (`kind: "CR1"`, `dist: "t"`, `ssc()`), so results record
 * exactly what was computed. Throws `E_INVALID_SPEC` on an unknown type, kind or option.
 *
 * @example
 * ```ts
 * import { normalizeVcov } from "truelift";
 * normalizeVcov({ type: "cluster", by: ["workspace_id"] });
 * // { type: "cluster", by: ["workspace_id"], kind: "CR1", dist: "t", ssc: { adj: true, clusterAdj: true, fixefK: "nested" } }
 * ```
 * @see design.md §3 (canonical specs, `as const` option sets).
 */
export function normalizeVcov(v: Vcov | undefined): Vcov {
  if (v === undefined) return Object.freeze({ type: "iid" });
  if (v === null || typeof v !== "object") invalid("vcov must be an object such as { type: 'iid' }.");
  switch (v.type) {
    case "iid":
      return Object.freeze({ type: "iid" });
    case "hc": {
      if (!HC_KINDS.includes(v.kind)) invalid(`vcov.kind must be one of ${HC_KINDS.join(", ")}.`);
      const dist = v.dist ?? "t";
      if (!DISTS.includes(dist)) invalid(`vcov.dist must be one of ${DISTS.join(", ")}.`);
      return Object.freeze({ type: "hc", kind: v.kind, dist });
    }
    case "cluster": {
      if (!Array.isArray(v.by) || v.by.length === 0 || v.by.some((b) => typeof b !== "string" || b === "")) {
        invalid("vcov.by must list one or more cluster column names.");
      }
      if (new Set(v.by).size !== v.by.length) invalid("vcov.by lists a column twice.");
      const kind = v.kind ?? "CR1";
      if (!CLUSTER_KINDS.includes(kind)) invalid(`vcov.kind must be one of ${CLUSTER_KINDS.join(", ")}.`);
      if (kind !== "CR1" && v.by.length > 1) invalid(`vcov.kind ${kind} takes one cluster column.`);
      const dist = v.dist ?? "t";
      if (!DISTS.includes(dist)) invalid(`vcov.dist must be one of ${DISTS.join(", ")}.`);
      const s = ssc(v.ssc ?? {});
      return Object.freeze({ type: "cluster", by: Object.freeze([...v.by]), kind, dist, ssc: s });
    }
    default:
      return invalid(`vcov.type must be one of ${VCOV_TYPES.join(", ")}.`);
  }
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_SPEC", message);
}
