/**
 * Count, means, within-group Σ(x − x̄)² and co-moments Σ(a − ā)(b − b̄) of some measures over groups of cells:
 * the sufficient statistics every experiment estimator reads. `m2` and `cp` are keyed by measure name and by
 * {@link pairKey}.
 */
export interface GroupMoments {
  readonly groups: number;
  readonly n: Float64Array;
  readonly mean: ReadonlyMap<string, Float64Array>;
  readonly m2: ReadonlyMap<string, Float64Array>;
  readonly cp: ReadonlyMap<string, Float64Array>;
}

/** Cells (or units) to pool: each one's count, measure means, within SS and co-moments, and its group. */
export interface PoolInput {
  readonly count: ArrayLike<number>;
  readonly mean: ReadonlyMap<string, ArrayLike<number>>;
  /** Within-cell Σ(x − x̄)²; absent = 0 (one row per cell). */
  readonly ss?: ReadonlyMap<string, ArrayLike<number>>;
  /** Within-cell co-moments by {@link pairKey}; absent = 0. */
  readonly cp?: ReadonlyMap<string, ArrayLike<number>>;
  readonly groupOf: ArrayLike<number>;
  readonly groups: number;
  /** The measure pairs whose pooled co-moment is wanted. */
  readonly pairs?: readonly (readonly [string, string])[];
}

/**
 * The key of a measure pair in {@link GroupMoments.cp} (order-free).
 *
 * @example
 * ```ts
 * import { pairKey } from "truelift/designs/experiment";
 * pairKey("y", "x") === pairKey("x", "y"); // true
 * ```
 */
export function pairKey(a: string, b: string): string {
  return a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

/**
 * Pools cells into groups exactly (Chan, Golub & LeVeque's parallel update, two passes): the group mean is the
 * count-weighted mean of cell means, M2 = Σ [ss_c + n_c (x̄_c − x̄_g)²] and C = Σ [cp_c + n_c (ā_c − ā_g)(b̄_c − b̄_g)],
 * so the result equals the moments of the rows the cells summarise.
 *
 * @example
 * ```ts
 * import { poolMoments } from "truelift/designs/experiment";
 * const g = poolMoments({ count: [2, 1], mean: new Map([["y", [1.5, 5]]]), ss: new Map([["y", [0.5, 0]]]),
 *   groupOf: [0, 0], groups: 1 });
 * g.m2.get("y"); // Float64Array [ 8.6667 ] — the SS of 1, 2, 5
 * ```
 * @see Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise algorithm for computing sample variances".
 */
export function poolMoments(input: PoolInput): GroupMoments {
  const { count, groupOf, groups } = input;
  const cells = count.length;
  const n = new Float64Array(groups);
  for (let c = 0; c < cells; c++) n[groupOf[c]] += count[c];
  const mean = new Map<string, Float64Array>();
  for (const [name, x] of input.mean) {
    const out = new Float64Array(groups);
    for (let c = 0; c < cells; c++) out[groupOf[c]] += count[c] * x[c];
    for (let g = 0; g < groups; g++) out[g] /= n[g];
    mean.set(name, out);
  }
  const m2 = new Map<string, Float64Array>();
  for (const [name, x] of input.mean) {
    const mu = mean.get(name) as Float64Array;
    const ss = input.ss?.get(name);
    const out = new Float64Array(groups);
    for (let c = 0; c < cells; c++) {
      const g = groupOf[c];
      const d = x[c] - mu[g];
      out[g] += (ss ? ss[c] : 0) + count[c] * d * d;
    }
    m2.set(name, out);
  }
  const cp = new Map<string, Float64Array>();
  for (const [a, b] of input.pairs ?? []) {
    const key = pairKey(a, b);
    const xa = input.mean.get(a) as ArrayLike<number>;
    const xb = input.mean.get(b) as ArrayLike<number>;
    const ma = mean.get(a) as Float64Array;
    const mb = mean.get(b) as Float64Array;
    const within = a === b ? input.ss?.get(a) : input.cp?.get(key);
    const out = new Float64Array(groups);
    for (let c = 0; c < cells; c++) {
      const g = groupOf[c];
      out[g] += (within ? within[c] : 0) + count[c] * (xa[c] - ma[g]) * (xb[c] - mb[g]);
    }
    cp.set(key, out);
  }
  return { groups, n, mean, m2, cp };
}
