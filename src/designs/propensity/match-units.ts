import { TrueliftError } from "../../core/errors.js";
import { normalQuantile } from "../../numeric/dist/index.js";
import type { MatchResult } from "./match.js";

/** Rows grouped into units of identical (distance, arm, outcome): what matching with all ties depends on. */
interface Units {
  readonly d: Float64Array;
  readonly t: Uint8Array;
  readonly y: Float64Array;
  readonly c: Float64Array;
  /** Unit of every row. */
  readonly unitOf: Int32Array;
}

/** Equal as Map keys (SameValueZero: −0 = +0, NaN = NaN), as the distinct strings of two numbers are. */
function sameKey(a: number, b: number): boolean {
  return a === b || (Number.isNaN(a) && Number.isNaN(b));
}

function groupUnits(
  d: Float64Array,
  t: ArrayLike<number>,
  y: Float64Array,
  rows: ArrayLike<number> | null,
): Units {
  const n = d.length;
  // Units in first-occurrence order; those sharing a distance chained from the Map entry of the distance (no key
  // string per row).
  const byDistance = new Map<number, number>();
  const next: number[] = [];
  const unitOf = new Int32Array(n);
  const first: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < n; i++) {
    let u = byDistance.get(d[i]);
    let last = -1;
    while (u !== undefined && u >= 0 && !(sameKey(t[first[u]], t[i]) && sameKey(y[first[u]], y[i]))) {
      last = u;
      u = next[u];
    }
    if (u === undefined || u < 0) {
      u = first.length;
      if (last < 0) byDistance.set(d[i], u);
      else next[last] = u;
      first.push(i);
      count.push(0);
      next.push(-1);
    }
    count[u] += rows ? rows[i] : 1;
    unitOf[i] = u;
  }
  return {
    d: Float64Array.from(first, (i) => d[i]),
    t: Uint8Array.from(first, (i) => (t[i] === 1 ? 1 : 0)),
    y: Float64Array.from(first, (i) => y[i]),
    c: Float64Array.from(count),
    unitOf,
  };
}

/** Units of one arm sorted by distance (ties by unit index). */
interface UnitPool {
  readonly units: Int32Array;
  readonly values: Float64Array;
}

function unitPool(u: Units, arm: number): UnitPool {
  const members: number[] = [];
  for (let q = 0; q < u.d.length; q++) if (u.t[q] === arm) members.push(q);
  const units = Int32Array.from(members).sort((a, b) => u.d[a] - u.d[b] || a - b);
  return { units, values: Float64Array.from(units, (q) => u.d[q]) };
}

/**
 * The nearest units of a pool to `v` under `ties: "all"` with unit counts, exactly as the row search
 * (`nearestInPool`) treats the rows they hold: walk outwards by distance, stop once k rows are in and the next
 * distance is larger, never past the caliper; `exclude` (a unit, or −1) contributes its count less one (the row
 * itself). Returns pool positions.
 */
function nearestUnits(
  pool: UnitPool,
  u: Units,
  v: number,
  k: number,
  caliper: number,
  exclude: number,
): number[] {
  const vals = pool.values;
  const n = vals.length;
  const eff = (p: number) => u.c[pool.units[p]] - (pool.units[p] === exclude ? 1 : 0);
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (vals[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  let L = lo - 1;
  let R = lo;
  const skip = () => {
    while (L >= 0 && eff(L) === 0) L--;
    while (R < n && eff(R) === 0) R++;
  };
  skip();
  const found: number[] = [];
  let rows = 0;
  let dk = Number.POSITIVE_INFINITY;
  for (;;) {
    const dl = L >= 0 ? Math.abs(v - vals[L]) : Number.POSITIVE_INFINITY;
    const dr = R < n ? Math.abs(v - vals[R]) : Number.POSITIVE_INFINITY;
    const d = Math.min(dl, dr);
    if (d === Number.POSITIVE_INFINITY || !(d <= caliper) || d > dk) break;
    if (dl <= dr) {
      found.push(L);
      rows += eff(L);
      L--;
    } else {
      found.push(R);
      rows += eff(R);
      R++;
    }
    skip();
    if (rows >= k && dk === Number.POSITIVE_INFINITY) dk = d;
  }
  return found;
}

/** {@link matchRowsByUnits}'s result: the reported matching plus the per-row weights and matched differences. */
export interface UnitMatchResult {
  readonly match: Omit<MatchResult, "weights" | "sets">;
  /** Matching weight per entry of the input (per row of each input unit; as `matchWeights`). */
  readonly weights: Float64Array;
  /**
   * yᵢ − mean of its matches for the matched treated rows, as a multiset: one value per unit of identical rows,
   * held by `differenceCounts[j]` rows (expand them for the row list; not in row order).
   */
  readonly differences: Float64Array;
  readonly differenceCounts: Float64Array;
}

/**
 * Nearest-neighbour matching with replacement and all ties ({@link nearestNeighbourMatch}'s rule, the design's
 * default) computed on units of identical (distance, arm, outcome) with their row counts: rows of one unit are
 * interchangeable under this rule (same distances, same outcome, every tied row used), so the matched sets are
 * unions of whole units and the estimate, the Abadie–Imbens SEs (Kᵢ, KKᵢ and the within-arm variances summed
 * count times), the matching weights and the matched differences are the row results — at a cost in the
 * number of units instead of treated rows × tied controls (the row search lists every tied control of every
 * treated row). Row-order-dependent options (`ties: "first"`, `replace: false`) are not handled here. With
 * `rows` (frequency counts) every input entry is itself a compressed cell of that many identical rows.
 *
 * @example
 * ```ts
 * import { matchRowsByUnits } from "truelift";
 * const { match, weights } = matchRowsByUnits(scores, t, y, { k: 1, estimand: "ATT" });
 * match.estimate; // = nearestNeighbourMatch(scores, treated, y).estimate
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 * @internal
 */
export function matchRowsByUnits(
  ps: Float64Array,
  t: ArrayLike<number>,
  y: Float64Array,
  options: {
    readonly distance?: "ps" | "logit";
    readonly k?: number;
    readonly caliper?: number;
    readonly estimand?: "ATT" | "ATE";
    readonly varianceNeighbours?: number;
    readonly level?: number;
  },
  rows: ArrayLike<number> | null = null,
): UnitMatchResult {
  const distance = options.distance ?? "ps";
  const k = options.k ?? 1;
  const estimand = options.estimand ?? "ATT";
  const J = options.varianceNeighbours ?? 1;
  const level = options.level ?? 0.95;
  const dRows =
    distance === "ps" ? Float64Array.from(ps) : Float64Array.from(ps, (p) => Math.log(p / (1 - p)));
  const u = groupUnits(dRows, t, y, rows);
  const g = u.d.length;
  let caliperWidth: number | null = null;
  if (options.caliper !== undefined) {
    let n = 0;
    let m = 0;
    for (let q = 0; q < g; q++) {
      n += u.c[q];
      m += u.c[q] * u.d[q];
    }
    m /= n;
    let ss = 0;
    for (let q = 0; q < g; q++) ss += u.c[q] * (u.d[q] - m) ** 2;
    caliperWidth = options.caliper * Math.sqrt(ss / (n - 1));
  }
  const cal = caliperWidth ?? Number.POSITIVE_INFINITY;
  const pools = [unitPool(u, 0), unitPool(u, 1)];
  const K = new Float64Array(g);
  const KK = new Float64Array(g);
  const used = new Uint8Array(g);
  const effect = new Float64Array(g).fill(Number.NaN);
  const diff = new Float64Array(g);
  const matchArm = (arm: number) => {
    const other = pools[1 - arm];
    for (let q = 0; q < g; q++) {
      if (u.t[q] !== arm) continue;
      const pos = nearestUnits(other, u, u.d[q], k, cal, -1);
      if (pos.length === 0) continue;
      let m = 0;
      for (const p of pos) m += u.c[other.units[p]];
      const w = 1 / m;
      let ybar = 0;
      for (const p of pos) {
        const j = other.units[p];
        ybar += u.c[j] * u.y[j] * w;
        K[j] += u.c[q] * w;
        KK[j] += u.c[q] * w * w;
        used[j] = 1;
      }
      effect[q] = arm === 1 ? u.y[q] - ybar : ybar - u.y[q];
      if (arm === 1) {
        // the matched difference as `matchedDifferences` forms it (sum, then divide), so exact zeros and ties
        // among the differences (which the signed-rank test counts) are the row ones
        let sum = 0;
        for (const p of pos) sum += u.c[other.units[p]] * u.y[other.units[p]];
        diff[q] = u.y[q] - sum / m;
      }
    }
  };
  matchArm(1);
  let treatedMatched = 0;
  let n1 = 0;
  let n0 = 0;
  for (let q = 0; q < g; q++) {
    if (u.t[q] === 1) {
      n1 += u.c[q];
      if (!Number.isNaN(effect[q])) treatedMatched += u.c[q];
    } else n0 += u.c[q];
  }
  if (treatedMatched === 0) {
    throw new TrueliftError(
      "E_PS_NO_MATCH",
      `No treated row has a control within the caliper (${caliperWidth} on the ${distance} scale).`,
      { details: { caliper: options.caliper ?? null, caliperWidth } },
    );
  }
  if (estimand === "ATE") matchArm(0);
  let N = 0;
  let tau = 0;
  let controlsMatched = 0;
  for (let q = 0; q < g; q++) {
    if (Number.isNaN(effect[q])) continue;
    N += u.c[q];
    tau += u.c[q] * effect[q];
    if (u.t[q] === 0) controlsMatched += u.c[q];
  }
  tau /= N;
  let vPop = 0;
  let vSample = 0;
  for (let q = 0; q < g; q++) {
    const own = !Number.isNaN(effect[q]);
    if (own) vPop += u.c[q] * (effect[q] - tau) ** 2;
    if (!own && K[q] === 0) continue;
    const pool = pools[u.t[q]];
    const pos = nearestUnits(pool, u, u.d[q], J, Number.POSITIVE_INFINITY, q);
    let s2 = 0;
    if (pos.length > 0) {
      let m = 0;
      let sy = 0;
      for (const p of pos) {
        const j = pool.units[p];
        const e = u.c[j] - (j === q ? 1 : 0);
        m += e;
        sy += e * u.y[j];
      }
      s2 = (m / (m + 1)) * (u.y[q] - sy / m) ** 2;
    }
    const c = u.c[q];
    if (estimand === "ATT") {
      if (u.t[q] === 1) vSample += c * s2;
      else {
        vSample += c * K[q] * K[q] * s2;
        vPop += c * (K[q] * K[q] - KK[q]) * s2;
      }
    } else {
      const a = own ? 1 : 0;
      vSample += c * (a + K[q]) ** 2 * s2;
      vPop += c * (K[q] * K[q] + 2 * a * K[q] - KK[q]) * s2;
    }
  }
  const se = Math.sqrt(vPop) / N;
  const seSample = Math.sqrt(vSample) / N;
  const z = normalQuantile(1 - (1 - level) / 2);
  const unitWeight = Float64Array.from(
    { length: g },
    (_, q) => (Number.isNaN(effect[q]) ? 0 : 1) + (estimand === "ATT" && u.t[q] === 1 ? 0 : K[q]),
  );
  const weights = Float64Array.from(u.unitOf, (q) => unitWeight[q]);
  const differences: number[] = [];
  const differenceCounts: number[] = [];
  let distinct = 0;
  for (let q = 0; q < g; q++) {
    if (u.t[q] === 0) distinct += used[q] * u.c[q];
    else if (!Number.isNaN(effect[q]) && u.c[q] > 0) {
      differences.push(diff[q]);
      differenceCounts.push(u.c[q]);
    }
  }
  return {
    match: {
      estimand,
      estimate: tau,
      se,
      seSample,
      ci: [tau - z * se, tau + z * se],
      level,
      treatedMatched,
      treatedUnmatched: n1 - treatedMatched,
      controlsUnmatched: estimand === "ATE" ? n0 - controlsMatched : 0,
      distinctControlsUsed: distinct,
      caliperWidth,
      options: {
        distance,
        k,
        replace: true,
        caliper: options.caliper ?? null,
        ties: "all",
        varianceNeighbours: J,
      },
    },
    weights,
    differences: Float64Array.from(differences),
    differenceCounts: Float64Array.from(differenceCounts),
  };
}
