import type { GroupCodes } from "../design-matrix.js";
import { clusterVcov } from "./cluster.js";
import { cr2Vcov } from "./cr2.js";
import { hcVcov } from "./hc.js";
import { iidVcov } from "./iid.js";
import type { LinearFit, VcovComputation } from "./meat.js";
import { ssc as makeSsc, type Vcov } from "./types.js";

export { clusterK, clusterVcov, intersect } from "./cluster.js";
export { type ClusterBlocks, clusterBlocks, cr2Vcov, symmetricEigen } from "./cr2.js";
export { hcVcov } from "./hc.js";
export { iidVcov } from "./iid.js";
export * from "./meat.js";
export * from "./types.js";

type VcovOf<T extends Vcov["type"]> = Extract<Vcov, { type: T }>;

/** One estimator per {@link Vcov} type; add an entry (and a union member) to add an estimator. */
const VCOV_REGISTRY: {
  readonly [T in Vcov["type"]]: (
    fit: LinearFit,
    v: VcovOf<T>,
    clusters: readonly GroupCodes[],
  ) => VcovComputation;
} = {
  iid: (fit) => iidVcov(fit),
  hc: (fit, v) => hcVcov(fit, v.kind, v.dist ?? "t"),
  cluster: (fit, v, clusters) =>
    v.kind === "CR2" || v.kind === "CR3" || v.kind === "CR3-clubsandwich"
      ? cr2Vcov(fit, clusters, v.kind, v.dist ?? "t")
      : clusterVcov(fit, clusters, { dist: v.dist ?? "t", ssc: v.ssc ?? makeSsc() }),
};

/**
 * Computes a (normalised) {@link Vcov} for a fit, in the fit's working coordinates, through the estimator
 * registry. `clusters` are the group codes of `vcov.by` over the fitted rows.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * // used through ols() and withVcov(); see those for examples
 * ols(Frame.fromObject({ y: [1, 3, 2, 5], x: [1, 2, 3, 4] }), { ...parseFormula("y ~ x") });
 * ```
 * @see statsmodels `RegressionResults.get_robustcov_results` (one `cov_type` switch); fixest `vcov=`.
 */
export function computeVcov(fit: LinearFit, vcov: Vcov, clusters: readonly GroupCodes[]): VcovComputation {
  const run = VCOV_REGISTRY[vcov.type] as (
    f: LinearFit,
    v: Vcov,
    c: readonly GroupCodes[],
  ) => VcovComputation;
  return run(fit, vcov, clusters);
}
