import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { createRng } from "../../core/rng.js";
import { gammaClusterSizes, shuffleAssignClusters } from "./cluster-draws.js";

/**
 * Random stream ids of the few-clusters generator: component → `createRng(seed, stream)`. Each component has its
 * own stream, so changing the effect or the noise leaves sizes and the assignment unchanged.
 *
 * @example
 * ```ts
 * import { createRng, CLUSTER_FEW_STREAMS } from "truelift";
 * const sizes = createRng(1, CLUSTER_FEW_STREAMS.sizes);
 * ```
 */
export const CLUSTER_FEW_STREAMS = Object.freeze({
  sizes: 201,
  assignment: 202,
  clusterEffect: 203,
  noise: 204,
} as const);

/**
 * Defaults of {@link generateFewClusters}: K = 8 clusters of heterogeneous size (gamma sizes with mean 200 and
 * CV 0.8), ICC 0.1, outcome SD 1 around a baseline of 10, no effect, half the clusters treated.
 *
 * @example
 * ```ts
 * import { CLUSTER_FEW_DEFAULTS } from "truelift";
 * CLUSTER_FEW_DEFAULTS.clusters; // 8
 * ```
 */
export const CLUSTER_FEW_DEFAULTS = Object.freeze({
  clusters: 8,
  meanSize: 200,
  sizeCv: 0.8,
  minSize: 5,
  icc: 0.1,
  sd: 1,
  baseline: 10,
  effect: 0,
  treatedShare: 0.5,
});

/** Options of {@link generateFewClusters}; every field but `seed` defaults to {@link CLUSTER_FEW_DEFAULTS}. */
export interface FewClustersOptions {
  readonly seed: number;
  readonly clusters?: number;
  /** Fixed cluster sizes (length = clusters); when absent, sizes are drawn (gamma, `meanSize`, `sizeCv`). */
  readonly sizes?: readonly number[];
  readonly meanSize?: number;
  readonly sizeCv?: number;
  readonly minSize?: number;
  readonly icc?: number;
  readonly sd?: number;
  readonly baseline?: number;
  /** The true effect of treating a cluster on every user's outcome. */
  readonly effect?: number;
  readonly treatedShare?: number;
}

/** The known truth of a few-clusters draw. */
export interface FewClustersTruth {
  readonly effect: number;
  readonly icc: number;
  readonly sd: number;
  readonly clusters: number;
  readonly treatedClusters: number;
  readonly sizes: readonly number[];
  /** Realised cluster random effects u_c (so tests can separate sampling noise from estimator error). */
  readonly clusterEffects: readonly number[];
}

/** What {@link generateFewClusters} returns. */
export interface GeneratedFewClusters {
  /** One row per user: `user_id`, `cluster_id` (1 … K), `treated` (0/1, constant within cluster), `y`. */
  readonly users: Frame;
  /** One row per cluster: `cluster_id`, `size`, `treated`. */
  readonly clusters: Frame;
  readonly truth: DeepReadonly<FewClustersTruth>;
}

/**
 * A cluster-randomized experiment with few clusters of heterogeneous size and a known effect (0 by default): the
 * setting where CR1 standard errors over-reject and the wild cluster bootstrap or randomization inference are
 * needed.
 *
 * **Design.** Sizes m_c = max(minSize, round(G_c)) with G_c ~ Gamma(1/cv², scale meanSize·cv²) (mean
 * `meanSize`, CV `sizeCv`), or the given `sizes`. round(treatedShare·K) clusters, chosen by a Fisher–Yates
 * shuffle, are treated. **Outcome.** y_ic = baseline + effect·T_c + u_c + e_ic with u_c ~ N(0, icc·sd²) and
 * e_ic ~ N(0, (1 − icc)·sd²), so ICC and total SD are exactly the inputs.
 *
 * **Reproducibility.** Streams {@link CLUSTER_FEW_STREAMS}: sizes (gamma draws, skipped with fixed sizes), the
 * shuffle (`int`), the cluster effects (K normals), the noise (one normal per user, cluster-major).
 *
 * @example
 * ```ts
 * import { generateFewClusters } from "truelift";
 * const g = generateFewClusters({ seed: 1 });             // K = 8, no effect
 * g.users.names;            // ["user_id", "cluster_id", "treated", "y"]
 * g.truth.treatedClusters;  // 4
 * generateFewClusters({ seed: 1, effect: 0.3, sizes: [50, 80, 120, 400, 60, 90, 300, 40] });
 * ```
 */
export function generateFewClusters(options: FewClustersOptions): GeneratedFewClusters {
  const o = { ...CLUSTER_FEW_DEFAULTS, ...options };
  checkOptions(o);
  const k = o.clusters;
  const sizes = o.sizes
    ? [...o.sizes]
    : gammaClusterSizes(createRng(o.seed, CLUSTER_FEW_STREAMS.sizes), k, o.meanSize, o.sizeCv, o.minSize);
  const treated = shuffleAssignClusters(createRng(o.seed, CLUSTER_FEW_STREAMS.assignment), k, o.treatedShare);
  const effRng = createRng(o.seed, CLUSTER_FEW_STREAMS.clusterEffect);
  const sb = Math.sqrt(o.icc) * o.sd;
  const sw = Math.sqrt(1 - o.icc) * o.sd;
  const u = Array.from({ length: k }, () => sb * effRng.normal());
  const n = sizes.reduce((a, b) => a + b, 0);
  const userId = new Int32Array(n);
  const clusterId = new Int32Array(n);
  const d = new Int32Array(n);
  const y = new Float64Array(n);
  const noise = createRng(o.seed, CLUSTER_FEW_STREAMS.noise);
  let i = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < sizes[c]; j++, i++) {
      userId[i] = i + 1;
      clusterId[i] = c + 1;
      d[i] = treated[c];
      y[i] = o.baseline + o.effect * treated[c] + u[c] + sw * noise.normal();
    }
  }
  const users = Frame.fromColumns({
    user_id: { kind: "i32", values: userId },
    cluster_id: { kind: "i32", values: clusterId },
    treated: { kind: "i32", values: d },
    y: { kind: "f64", values: y },
  });
  const clusters = Frame.fromColumns({
    cluster_id: { kind: "i32", values: Int32Array.from({ length: k }, (_, c) => c + 1) },
    size: { kind: "i32", values: Int32Array.from(sizes) },
    treated: { kind: "i32", values: Int32Array.from(treated) },
  });
  const truth: FewClustersTruth = {
    effect: o.effect,
    icc: o.icc,
    sd: o.sd,
    clusters: k,
    treatedClusters: treated.reduce((a, b) => a + b, 0),
    sizes,
    clusterEffects: u,
  };
  return { users, clusters, truth: deepFreeze(truth) };
}

type Resolved = Required<Omit<FewClustersOptions, "sizes">> & Pick<FewClustersOptions, "sizes">;

function checkOptions(o: Resolved): void {
  const bad = (field: string, why: string): never => {
    throw new TrueliftError("E_INVALID_ARGUMENT", `generateFewClusters: ${field} ${why}.`, {
      details: { field },
    });
  };
  if (!Number.isSafeInteger(o.seed)) bad("seed", "must be a safe integer");
  if (!(Number.isInteger(o.clusters) && o.clusters >= 2)) bad("clusters", "must be an integer ≥ 2");
  if (o.sizes && (o.sizes.length !== o.clusters || o.sizes.some((s) => !(Number.isInteger(s) && s >= 1)))) {
    bad("sizes", `must be ${o.clusters} positive integers`);
  }
  if (!(o.meanSize >= 1)) bad("meanSize", "must be ≥ 1");
  if (!(o.sizeCv > 0)) bad("sizeCv", "must be positive");
  if (!(Number.isInteger(o.minSize) && o.minSize >= 1)) bad("minSize", "must be a positive integer");
  if (!(o.icc >= 0 && o.icc < 1)) bad("icc", "must lie in [0, 1)");
  if (!(o.sd > 0)) bad("sd", "must be positive");
  if (!Number.isFinite(o.effect) || !Number.isFinite(o.baseline))
    bad("effect", "and baseline must be finite");
  const kT = Math.round(o.treatedShare * o.clusters);
  if (!(kT >= 1 && kT < o.clusters)) bad("treatedShare", "must leave at least one cluster in each arm");
}
