import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";
import { createRng, type Rng } from "../../core/rng.js";
import { gammaClusterSizes, shuffleAssignClusters } from "./cluster-draws.js";

/**
 * Random stream ids of the spillover-network generator: component → `createRng(seed, stream)`.
 *
 * @example
 * ```ts
 * import { createRng, CLUSTER_EDGES_STREAMS } from "truelift";
 * const edges = createRng(1, CLUSTER_EDGES_STREAMS.withinEdges);
 * ```
 */
export const CLUSTER_EDGES_STREAMS = Object.freeze({
  sizes: 301,
  assignment: 302,
  withinEdges: 303,
  crossEdges: 304,
  baseline: 305,
  noise: 306,
} as const);

/**
 * How a control user's spillover exposure enters the outcome: `any` = 1 when at least one collaborator is in a
 * treated cluster; `share` = the share of collaborators in treated clusters.
 *
 * @example
 * ```ts
 * import { SPILLOVER_EXPOSURES } from "truelift";
 * SPILLOVER_EXPOSURES; // ["any", "share"]
 * ```
 */
export const SPILLOVER_EXPOSURES = ["any", "share"] as const;
/** One of {@link SPILLOVER_EXPOSURES}. */
export type SpilloverExposure = (typeof SPILLOVER_EXPOSURES)[number];

/**
 * Defaults of {@link generateSpilloverNetwork}: 40 workspaces of about 100 users, half treated; each user has on
 * average 4 collaborators in the own workspace and 1 elsewhere; direct +0.80, spillover +0.20 (any treated
 * collaborator), workspace baselines N(5, 0.3²), noise N(0, 0.3²) — the tutorial's effect sizes.
 *
 * @example
 * ```ts
 * import { CLUSTER_EDGES_DEFAULTS } from "truelift";
 * CLUSTER_EDGES_DEFAULTS.spillover; // 0.2
 * ```
 */
export const CLUSTER_EDGES_DEFAULTS = Object.freeze({
  clusters: 40,
  meanSize: 100,
  sizeCv: 0.3,
  treatedShare: 0.5,
  withinDegree: 4,
  crossDegree: 1,
  direct: 0.8,
  spillover: 0.2,
  exposure: "any" as SpilloverExposure,
  baselineMean: 5,
  baselineSd: 0.3,
  noiseSd: 0.3,
});

/** Options of {@link generateSpilloverNetwork}; all but `seed` default to {@link CLUSTER_EDGES_DEFAULTS}. */
export interface SpilloverNetworkOptions {
  readonly seed: number;
  readonly clusters?: number;
  readonly meanSize?: number;
  readonly sizeCv?: number;
  readonly treatedShare?: number;
  /** Expected collaborators per user inside the own cluster. */
  readonly withinDegree?: number;
  /** Expected collaborators per user in other clusters (the channel spillover travels through). */
  readonly crossDegree?: number;
  readonly direct?: number;
  readonly spillover?: number;
  readonly exposure?: SpilloverExposure;
  readonly baselineMean?: number;
  readonly baselineSd?: number;
  readonly noiseSd?: number;
}

/** The known truth of a spillover-network draw. */
export interface SpilloverNetworkTruth {
  readonly direct: number;
  readonly spillover: number;
  readonly exposure: SpilloverExposure;
  /** The outcome model in words. */
  readonly model: string;
  readonly clusters: number;
  readonly treatedClusters: number;
  readonly users: {
    readonly treated: number;
    readonly spilloverExposed: number;
    readonly pureControl: number;
  };
  readonly edges: number;
  /** Mean treated-collaborator share among control users with any collaborator. */
  readonly meanControlShare: number;
}

/** What {@link generateSpilloverNetwork} returns. */
export interface GeneratedSpilloverNetwork {
  /**
   * One row per user: `user_id`, `workspace_id`, `treated` (cluster-level), `degree`, `treated_neighbours`,
   * `treated_share` (0 without collaborators), `spillover_exposed` (control user with ≥ 1 treated collaborator),
   * `y`.
   */
  readonly users: Frame;
  /** The undirected collaboration graph, each edge once: `from`, `to` (user ids, from < to). */
  readonly edges: Frame;
  readonly truth: DeepReadonly<SpilloverNetworkTruth>;
}

/**
 * A cluster-randomized experiment whose spillover travels through an explicit collaboration graph, with known
 * direct and spillover effects: the input for the two-exposure model from an edge list.
 *
 * **Design.** K clusters with sizes max(2, round(Gamma)) (mean `meanSize`, CV `sizeCv`); round(share·K)
 * clusters treated by a Fisher–Yates shuffle. Each user i proposes Poisson(withinDegree/2) collaborators drawn
 * uniformly from the own cluster and Poisson(crossDegree/2) from all other clusters' users; proposals become
 * undirected edges (self-loops and duplicates dropped), so the expected degree is about withinDegree + crossDegree.
 *
 * **Outcome.** y_i = b_c + direct·T_c + spillover·(1 − T_c)·E_i + N(0, noiseSd²), b_c ~ N(baselineMean,
 * baselineSd²), with E_i = 1[any treated collaborator] (`exposure: "any"`) or the treated share of i's
 * collaborators (`"share"`). Treated users get the direct effect only.
 *
 * **Reproducibility.** Streams {@link CLUSTER_EDGES_STREAMS}: sizes, assignment, within edges, cross edges,
 * baselines, noise.
 *
 * @example
 * ```ts
 * import { generateSpilloverNetwork } from "truelift";
 * const g = generateSpilloverNetwork({ seed: 1 });
 * g.edges.names;                  // ["from", "to"]
 * g.truth.users.spilloverExposed; // control users with a treated collaborator
 * ```
 */
export function generateSpilloverNetwork(options: SpilloverNetworkOptions): GeneratedSpilloverNetwork {
  const o = { ...CLUSTER_EDGES_DEFAULTS, ...options };
  checkOptions(o);
  const k = o.clusters;
  const sizes = gammaClusterSizes(createRng(o.seed, CLUSTER_EDGES_STREAMS.sizes), k, o.meanSize, o.sizeCv, 2);
  const treated = shuffleAssignClusters(
    createRng(o.seed, CLUSTER_EDGES_STREAMS.assignment),
    k,
    o.treatedShare,
  );
  const n = sizes.reduce((a, b) => a + b, 0);
  const start = new Int32Array(k + 1);
  for (let c = 0; c < k; c++) start[c + 1] = start[c] + sizes[c];
  const clusterOf = new Int32Array(n);
  for (let c = 0; c < k; c++) clusterOf.fill(c, start[c], start[c + 1]);

  const edgeSet = new Set<number>();
  const from: number[] = [];
  const to: number[] = [];
  const addEdge = (a: number, b: number): void => {
    if (a === b) return;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const key = lo * n + hi;
    if (edgeSet.has(key)) return;
    edgeSet.add(key);
    from.push(lo);
    to.push(hi);
  };
  const within = createRng(o.seed, CLUSTER_EDGES_STREAMS.withinEdges);
  const cross = createRng(o.seed, CLUSTER_EDGES_STREAMS.crossEdges);
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i];
    const m = sizes[c];
    for (let e = poisson(within, o.withinDegree / 2); e > 0; e--) addEdge(i, start[c] + within.int(m));
    if (n - m > 0) {
      for (let e = poisson(cross, o.crossDegree / 2); e > 0; e--) {
        let j = cross.int(n - m);
        if (j >= start[c]) j += m; // skip the own cluster
        addEdge(i, j);
      }
    }
  }
  const degree = new Int32Array(n);
  const treatedNb = new Int32Array(n);
  for (let e = 0; e < from.length; e++) {
    const a = from[e];
    const b = to[e];
    degree[a]++;
    degree[b]++;
    if (treated[clusterOf[b]]) treatedNb[a]++;
    if (treated[clusterOf[a]]) treatedNb[b]++;
  }
  const baseRng = createRng(o.seed, CLUSTER_EDGES_STREAMS.baseline);
  const base = Array.from({ length: k }, () => o.baselineMean + o.baselineSd * baseRng.normal());
  const noise = createRng(o.seed, CLUSTER_EDGES_STREAMS.noise);
  const d = new Int32Array(n);
  const share = new Float64Array(n);
  const exposed = new Int32Array(n);
  const y = new Float64Array(n);
  let nExposed = 0;
  let shareSum = 0;
  let shareCount = 0;
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i];
    d[i] = treated[c];
    share[i] = degree[i] > 0 ? treatedNb[i] / degree[i] : 0;
    exposed[i] = d[i] === 0 && treatedNb[i] > 0 ? 1 : 0;
    nExposed += exposed[i];
    if (d[i] === 0 && degree[i] > 0) {
      shareSum += share[i];
      shareCount++;
    }
    const e = o.exposure === "any" ? exposed[i] : d[i] === 0 ? share[i] : 0;
    y[i] = base[c] + o.direct * d[i] + o.spillover * e + o.noiseSd * noise.normal();
  }
  const nTreated = d.reduce((a, b) => a + b, 0);
  const users = Frame.fromColumns({
    user_id: { kind: "i32", values: Int32Array.from({ length: n }, (_, i) => i) },
    workspace_id: { kind: "i32", values: clusterOf },
    treated: { kind: "i32", values: d },
    degree: { kind: "i32", values: degree },
    treated_neighbours: { kind: "i32", values: treatedNb },
    treated_share: { kind: "f64", values: share },
    spillover_exposed: { kind: "i32", values: exposed },
    y: { kind: "f64", values: y },
  });
  const edges = Frame.fromColumns({
    from: { kind: "i32", values: Int32Array.from(from) },
    to: { kind: "i32", values: Int32Array.from(to) },
  });
  const truth: SpilloverNetworkTruth = {
    direct: o.direct,
    spillover: o.spillover,
    exposure: o.exposure,
    model:
      o.exposure === "any"
        ? `y = baseline[workspace] + ${o.direct}·treated + ${o.spillover}·(control with ≥ 1 treated collaborator) + noise`
        : `y = baseline[workspace] + ${o.direct}·treated + ${o.spillover}·(control user's treated-collaborator share) + noise`,
    clusters: k,
    treatedClusters: treated.reduce((a, b) => a + b, 0),
    users: { treated: nTreated, spilloverExposed: nExposed, pureControl: n - nTreated - nExposed },
    edges: from.length,
    meanControlShare: shareCount > 0 ? shareSum / shareCount : 0,
  };
  return { users, edges, truth: deepFreeze(truth) };
}

type Resolved = Required<SpilloverNetworkOptions>;

function checkOptions(o: Resolved): void {
  const bad = (field: string, why: string): never => {
    throw new TrueliftError("E_INVALID_ARGUMENT", `generateSpilloverNetwork: ${field} ${why}.`, {
      details: { field },
    });
  };
  if (!Number.isSafeInteger(o.seed)) bad("seed", "must be a safe integer");
  if (!(Number.isInteger(o.clusters) && o.clusters >= 2)) bad("clusters", "must be an integer ≥ 2");
  if (!(o.meanSize >= 2)) bad("meanSize", "must be ≥ 2");
  if (!(o.sizeCv > 0)) bad("sizeCv", "must be positive");
  if (!(o.withinDegree >= 0 && o.crossDegree >= 0)) bad("withinDegree", "and crossDegree must be ≥ 0");
  if (![o.direct, o.spillover, o.baselineMean].every(Number.isFinite))
    bad("direct", "and spillover must be finite");
  if (!(o.baselineSd >= 0 && o.noiseSd >= 0)) bad("noiseSd", "and baselineSd must be ≥ 0");
  if (!(SPILLOVER_EXPOSURES as readonly string[]).includes(o.exposure)) {
    bad("exposure", `must be one of ${SPILLOVER_EXPOSURES.join(", ")}`);
  }
  const kT = Math.round(o.treatedShare * o.clusters);
  if (!(kT >= 1 && kT < o.clusters)) bad("treatedShare", "must leave at least one cluster in each arm");
}

/** Poisson(λ) by Knuth's multiplication method (λ is small here). */
function poisson(rng: Rng, lambda: number): number {
  if (lambda <= 0) return 0;
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = rng.uniform();
  while (p > limit) {
    k++;
    p *= rng.uniform();
  }
  return k;
}
