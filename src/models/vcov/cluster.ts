import { TrueliftError } from "../../core/errors.js";
import { sandwich } from "../../numeric/linalg/dense.js";
import type { GroupCodes } from "../design-matrix.js";
import { isNested } from "../fixed-effects.js";
import { clusterMeat, type LinearFit, observations, type VcovComputation } from "./meat.js";
import type { Dist, Ssc } from "./types.js";

/**
 * Cluster-robust (CR1) variance, one- or multi-way.
 *
 * One way: (XᵀWX)⁻¹ [Σ_g s_g s_gᵀ] (XᵀWX)⁻¹ · G/(G−1) · (N−1)/(N−K), s_g = Σ_{i∈g} wᵢeᵢxᵢ — statsmodels
 * `cov_type='cluster'` (`use_correction=True`), Stata `vce(cluster)`. Several ways: Cameron, Gelbach & Miller
 * inclusion–exclusion over every non-empty intersection S of the clustering columns, sign (−1)^{|S|+1}, each
 * term with its own G_S/(G_S−1) — for two columns exactly statsmodels' `cov_cluster_2groups`
 * (V₁ + V₂ − V₁∩₂). Inference t(min_d G_d − 1) (statsmodels `use_t=True`: `df_resid_inference`), or normal.
 *
 * K in (N−1)/(N−K) follows `ssc.fixefK` for absorbed fixed effects (fixest): `"full"` counts every fixed-effect
 * parameter (= an explicit-dummy regression in statsmodels); `"nested"` drops those of fixed effects nested in
 * a clustering column, keeping one for the intercept they replace (fixest's default, K = k + 1 when all are
 * nested); `"none"` counts the slopes only. Fewer than 30 clusters adds `D_FEW_CLUSTERS`; a multi-way result
 * with a negative variance yields null SEs and `D_VCOV_NOT_PSD` (see `ols`). On compressed cells (the cluster
 * constant within a cell) s_g = Σ_{c∈g} count_c(ȳ_c − ŷ_c)x_c and N = Σ count: the row-level CR1 exactly.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const f = Frame.fromObject({ y: [1, 2, 4, 3, 7, 6, 5, 8], x: [0, 1, 2, 3, 4, 5, 6, 7], g: [1, 1, 2, 2, 3, 3, 4, 4] });
 * ols(f, { ...parseFormula("y ~ x"), vcov: { type: "cluster", by: ["g"] } }).terms[1].df; // 3 = G − 1
 * ```
 * @see Liang & Zeger (1986), "Longitudinal data analysis using generalized linear models", Biometrika 73(1);
 *   Cameron, Gelbach & Miller (2011), "Robust inference with multiway clustering", JBES 29(2);
 *   Bergé (2018), fixest vignette "On standard errors" (nested fixed effects).
 */
export function clusterVcov(
  fit: LinearFit,
  clusters: readonly GroupCodes[],
  options: { readonly dist: Dist; readonly ssc: Ssc },
): VcovComputation {
  for (const c of clusters) {
    if (c.count < 2) {
      throw new TrueliftError(
        "E_TOO_FEW_CLUSTERS",
        `Column '${c.column}' has ${c.count} cluster${c.count === 1 ? "" : "s"} among the rows used.`,
        { details: { column: c.column, clusters: c.count } },
      );
    }
  }
  const { k } = fit;
  const n = observations(fit);
  const kc = clusterK(fit, clusters, options.ssc);
  const adj = options.ssc.adj ? (n - 1) / (n - kc) : 1;
  const meat = new Float64Array(k * k);
  const m = clusters.length;
  const terms: { sign: number; groups: GroupCodes }[] = [];
  for (let mask = 1; mask < 1 << m; mask++) {
    const dims = clusters.filter((_, d) => mask & (1 << d));
    terms.push({ sign: dims.length % 2 === 1 ? 1 : -1, groups: dims.reduce(intersect) });
  }
  const parts = clusterMeat(
    fit,
    terms.map((t) => t.groups),
  );
  for (let q = 0; q < terms.length; q++) {
    const g = terms[q].groups.count;
    const factor = (options.ssc.clusterAdj ? g / (g - 1) : 1) * adj * terms[q].sign;
    const part = parts[q];
    for (let i = 0; i < meat.length; i++) meat[i] += factor * part[i];
  }
  const matrix = sandwich(fit.bread, meat, k);
  const counts = clusters.map((c) => c.count);
  const gMin = Math.min(...counts);
  const notes: VcovComputation["notes"][number][] = [];
  if (gMin < 30) {
    notes.push({
      code: "D_FEW_CLUSTERS",
      evidence: { clusters: gMin, by: clusters.map((c) => c.column).join(", ") },
    });
  }
  return { matrix, df: options.dist === "t" ? gMin - 1 : null, clusters: counts, notes };
}

/**
 * K of the (N−1)/(N−K) factor under `ssc.fixefK` (see {@link clusterVcov}).
 *
 * @example
 * ```ts
 * import { clusterK, ssc } from "truelift";
 * // without absorbed fixed effects K is the number of coefficients (fit.kFull)
 * const k = (fit: Parameters<typeof clusterK>[0]) => clusterK(fit, [], ssc());
 * ```
 * @see fixest `vcov.fixest` / `ssc(fixef.K)`; Bergé (2018).
 */
export function clusterK(fit: LinearFit, clusters: readonly GroupCodes[], s: Ssc): number {
  if (fit.absorb.length === 0) return fit.kFull;
  if (s.fixefK === "full") return fit.kFull;
  if (s.fixefK === "none") return fit.k;
  const nested = fit.absorb.filter((fe) => clusters.some((c) => isNested(fe, c)));
  if (nested.length === 0) return fit.kFull;
  if (nested.length === fit.absorb.length) return fit.k + 1;
  const k = fit.kFull - nested.reduce((s2, fe) => s2 + fe.count - 1, 0);
  return Math.max(k, fit.k + 1);
}

/**
 * The groups of the intersection of two groupings (one code per distinct pair), for multi-way clustering.
 *
 * @example
 * ```ts
 * import { intersect } from "truelift";
 * const a = { column: "a", codes: Int32Array.of(0, 0, 1, 1), count: 2, missing: 0 };
 * const b = { column: "b", codes: Int32Array.of(0, 1, 0, 0), count: 2, missing: 0 };
 * intersect(a, b).count; // 3
 * ```
 * @see statsmodels `stats.sandwich_covariance.combine_indices`; Cameron, Gelbach & Miller (2011).
 */
export function intersect(a: GroupCodes, b: GroupCodes): GroupCodes {
  const n = a.codes.length;
  const codes = new Int32Array(n);
  let count = 0;
  const size = a.count * b.count;
  if (size <= 2 ** 26) {
    const map = new Int32Array(size).fill(-1);
    for (let i = 0; i < n; i++) {
      const key = a.codes[i] * b.count + b.codes[i];
      if (map[key] < 0) map[key] = count++;
      codes[i] = map[key];
    }
  } else {
    const map = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      const key = a.codes[i] * b.count + b.codes[i];
      let c = map.get(key);
      if (c === undefined) {
        c = count++;
        map.set(key, c);
      }
      codes[i] = c;
    }
  }
  return { column: `${a.column}×${b.column}`, codes, count, missing: 0 };
}
