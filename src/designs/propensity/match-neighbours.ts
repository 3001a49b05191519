/**
 * Nearest-neighbour search on a scalar distance (the propensity score or its logit), with an explicit tie rule.
 * A "pool" holds the candidate units sorted by their value (ties in value by row index); a query collects the k
 * nearest by |value − query|, optionally inside a caliper and skipping used units (matching without replacement).
 */

/**
 * How ties at the k-th smallest distance are resolved: every tied unit (`all`) or the lowest row indices.
 *
 * @example
 * ```ts
 * const ties: MatchTies = "all";
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export type MatchTies = "all" | "first";

/**
 * Candidate units sorted by value, with skip pointers over removed units (union–find with path compression).
 *
 * @example
 * ```ts
 * const pool: NeighbourPool = neighbourPool(scores, controlRows);
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export interface NeighbourPool {
  /** Row indices sorted by value (ties by row index). */
  readonly rows: Int32Array;
  readonly values: Float64Array;
  /** Skip pointers: next alive sorted position at or right of p (n = none), at or left of p (−1 = none). */
  readonly right: Int32Array;
  readonly left: Int32Array;
}

/**
 * Builds a pool over the given rows of `x` (sorted by value, ties by row index).
 *
 * @example
 * ```ts
 * import { neighbourPool } from "truelift";
 * const pool = neighbourPool(Float64Array.of(0.3, 0.1, 0.2), Int32Array.of(0, 1, 2));
 * pool.rows; // Int32Array [1, 2, 0]
 * ```
 * @see Abadie & Imbens (2006), "Large sample properties of matching estimators for average treatment effects",
 *   Econometrica 74, 235–267.
 */
export function neighbourPool(x: Float64Array, members: Int32Array): NeighbourPool {
  const rows = Int32Array.from(members).sort((a, b) => x[a] - x[b] || a - b);
  const values = Float64Array.from(rows, (r) => x[r]);
  const n = rows.length;
  const right = Int32Array.from({ length: n + 1 }, (_, i) => i);
  const left = Int32Array.from({ length: n }, (_, i) => i);
  return { rows, values, right, left };
}

function find(ptr: Int32Array, p: number, stop: number): number {
  let q = p;
  while (q !== stop && ptr[q] !== q) q = ptr[q];
  let s = p;
  while (s !== stop && ptr[s] !== s) {
    const nx = ptr[s];
    ptr[s] = q;
    s = nx;
  }
  return q;
}

const findRight = (pool: NeighbourPool, p: number): number => find(pool.right, p, pool.rows.length);
const findLeft = (pool: NeighbourPool, p: number): number => find(pool.left, p, -1);

/**
 * Removes sorted position p from the pool (it is skipped by later queries).
 *
 * @example
 * ```ts
 * import { neighbourPool, removeFromPool } from "truelift";
 * const pool = neighbourPool(Float64Array.of(0.1, 0.2), Int32Array.of(0, 1));
 * removeFromPool(pool, 0);
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export function removeFromPool(pool: NeighbourPool, p: number): void {
  pool.right[p] = p + 1;
  pool.left[p] = p - 1;
}

/**
 * The nearest units of the pool to value `v`: every unit with distance strictly below the k-th smallest distance
 * d₍ₖ₎, plus the units at exactly d₍ₖ₎ (all of them for `ties: "all"`, the lowest row indices up to k in total for
 * `"first"`). Units farther than `caliper` are ineligible (then fewer than k may be returned); `exclude` (a row
 * index, or −1) is skipped. Returns sorted positions in the pool.
 *
 * @example
 * ```ts
 * import { nearestInPool, neighbourPool } from "truelift";
 * const pool = neighbourPool(Float64Array.of(0.1, 0.3, 0.5), Int32Array.of(0, 1, 2));
 * nearestInPool(pool, 0.2, 1, "all", Infinity, -1); // positions [0, 1]: both at distance 0.1
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export function nearestInPool(
  pool: NeighbourPool,
  v: number,
  k: number,
  ties: MatchTies,
  caliper: number,
  exclude: number,
): number[] {
  const vals = pool.values;
  const n = vals.length;
  // First position with value ≥ v.
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vals[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  let L = findLeft(pool, lo - 1);
  let R = findRight(pool, lo);
  const skip = () => {
    while (L >= 0 && pool.rows[L] === exclude) L = findLeft(pool, L - 1);
    while (R < n && pool.rows[R] === exclude) R = findRight(pool, R + 1);
  };
  skip();
  const found: number[] = [];
  const dist: number[] = [];
  let dk = Number.POSITIVE_INFINITY;
  for (;;) {
    const dl = L >= 0 ? Math.abs(v - vals[L]) : Number.POSITIVE_INFINITY;
    const dr = R < n ? Math.abs(v - vals[R]) : Number.POSITIVE_INFINITY;
    const d = Math.min(dl, dr);
    if (d === Number.POSITIVE_INFINITY || !(d <= caliper) || d > dk) break;
    if (dl <= dr) {
      found.push(L);
      dist.push(dl);
      L = findLeft(pool, L - 1);
    } else {
      found.push(R);
      dist.push(dr);
      R = findRight(pool, R + 1);
    }
    skip();
    if (found.length === k) dk = d;
  }
  if (ties === "all" || found.length <= k) return found;
  const kth = dk;
  const out: number[] = [];
  const tied: number[] = [];
  for (let i = 0; i < found.length; i++) (dist[i] < kth ? out : tied).push(found[i]);
  tied.sort((a, b) => pool.rows[a] - pool.rows[b]);
  for (let i = 0; out.length < k && i < tied.length; i++) out.push(tied[i]);
  return out;
}
