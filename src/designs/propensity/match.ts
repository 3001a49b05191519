import { TrueliftError } from "../../core/errors.js";
import { deepFreeze } from "../../core/result.js";
import { normalQuantile } from "../../numeric/dist/index.js";
import {
  type MatchTies,
  type NeighbourPool,
  nearestInPool,
  neighbourPool,
  removeFromPool,
} from "./match-neighbours.js";

/**
 * Options of {@link nearestNeighbourMatch}.
 *
 * @example
 * ```ts
 * const o: MatchOptions = { distance: "logit", k: 2, caliper: 0.2, ties: "first" };
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export interface MatchOptions {
  /** Match on the propensity score (`ps`, default) or on its logit. */
  readonly distance?: "ps" | "logit";
  /** Number of neighbours k ≥ 1 (default 1). */
  readonly k?: number;
  /** With replacement (default true); without: greedy, treated in descending score order (MatchIt `largest`). */
  readonly replace?: boolean;
  /** Caliper in SDs of the distance measure (MatchIt `std.caliper = TRUE`); none by default. */
  readonly caliper?: number;
  /** Tie rule at the k-th smallest distance (default `all`). */
  readonly ties?: MatchTies;
  readonly estimand?: "ATT" | "ATE";
  /** Same-arm neighbours J for the conditional-variance estimate (default 1). */
  readonly varianceNeighbours?: number;
  /** Confidence level of the normal interval (default 0.95). */
  readonly level?: number;
}

/**
 * One matched set of {@link nearestNeighbourMatch}: a row and the rows of the other arm it was matched to (all of
 * them under `ties: "all"`, so possibly more than k), weighted equally.
 *
 * @example
 * ```ts
 * const set: MatchedSet = nearestNeighbourMatch(ps, treated, y).sets[0];
 * set.matches.length; // 1 unless controls tie at the nearest distance
 * ```
 * @see Ho, Imai, King & Stuart (2011), Journal of Statistical Software 42(8) (MatchIt's `match.matrix`).
 */
export interface MatchedSet {
  /** The matched row (a treated row; under the ATE also control rows, matched to treated ones). */
  readonly row: number;
  readonly treated: boolean;
  /** Its matches in the other arm, ascending row index. */
  readonly matches: readonly number[];
}

/**
 * A nearest-neighbour matching estimate with its Abadie–Imbens standard error.
 *
 * @example
 * ```ts
 * const m: MatchResult = nearestNeighbourMatch(ps, treated, y);
 * m.treatedUnmatched; // 0 without a caliper
 * ```
 * @see Abadie & Imbens (2006), Econometrica 74, 235–267.
 */
export interface MatchResult {
  readonly estimand: "ATT" | "ATE";
  readonly estimate: number;
  /** Abadie–Imbens (2006) SE of the population estimand (Matching::Match default; see {@link nearestNeighbourMatch}). */
  readonly se: number;
  /** Abadie–Imbens SE of the sample (conditional-on-covariates) estimand. */
  readonly seSample: number;
  readonly ci: readonly [number, number];
  readonly level: number;
  readonly treatedMatched: number;
  readonly treatedUnmatched: number;
  /** Controls left without a treated match (ATE only; 0 for ATT). */
  readonly controlsUnmatched: number;
  /** Distinct controls used as a match for some treated unit. */
  readonly distinctControlsUsed: number;
  /** Caliper on the distance scale (caliper × sd of the distance over all units), or null. */
  readonly caliperWidth: number | null;
  readonly options: {
    readonly distance: "ps" | "logit";
    readonly k: number;
    readonly replace: boolean;
    readonly caliper: number | null;
    readonly ties: MatchTies;
    readonly varianceNeighbours: number;
  };
  /**
   * Matching weight per row: for ATT a matched treated row has 1 and a control the sum over treated rows of
   * 1/(number of that row's matches); for ATE each row has 1 (if matched) plus the same sum over the other arm.
   * Unmatched rows have 0.
   */
  readonly weights: readonly number[];
  /** Every matched set, by ascending `row` (treated rows' sets and, under the ATE, control rows' sets). */
  readonly sets: readonly MatchedSet[];
}

function validate(n: number, ps: Float64Array, treated: Uint8Array, y: Float64Array, o: MatchOptions): void {
  if (treated.length !== n || y.length !== n) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `ps (${n}), treated (${treated.length}) and y (${y.length}) differ in length.`,
    );
  }
  const k = o.k ?? 1;
  if (!Number.isInteger(k) || k < 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `k must be an integer ≥ 1, got ${k}.`, { details: { k } });
  }
  const j = o.varianceNeighbours ?? 1;
  if (!Number.isInteger(j) || j < 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `varianceNeighbours must be an integer ≥ 1, got ${j}.`);
  }
  if (o.caliper !== undefined && !(o.caliper > 0)) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `The caliper must be > 0 (in SDs of the distance), got ${o.caliper}.`,
      {
        details: { caliper: o.caliper },
      },
    );
  }
  const level = o.level ?? 0.95;
  if (!(level > 0 && level < 1))
    throw new TrueliftError("E_INVALID_ARGUMENT", `level must be in (0, 1), got ${level}.`);
  if ((o.estimand ?? "ATT") === "ATE" && o.replace === false) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      "ATE matching needs replacement (replace: true), as in MatchIt.",
    );
  }
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    if (treated[i] !== 0 && treated[i] !== 1)
      throw new TrueliftError("E_NOT_BINARY", `treated[${i}] = ${treated[i]} is not 0/1.`);
    if (!(ps[i] > 0 && ps[i] < 1))
      throw new TrueliftError("E_NONFINITE_VALUES", `ps[${i}] = ${ps[i]} is not in (0, 1).`);
    if (!Number.isFinite(y[i]))
      throw new TrueliftError("E_NONFINITE_VALUES", `y[${i}] = ${y[i]} is not finite.`);
    n1 += treated[i];
  }
  if (n1 === 0 || n1 === n)
    throw new TrueliftError("E_CONSTANT_TREATMENT", "Matching needs both treated and control rows.");
}

function armRows(treated: Uint8Array, arm: number): Int32Array {
  const out: number[] = [];
  for (let i = 0; i < treated.length; i++) if (treated[i] === arm) out.push(i);
  return Int32Array.from(out);
}

function sampleSd(x: Float64Array): number {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let ss = 0;
  for (const v of x) ss += (v - m) ** 2;
  return Math.sqrt(ss / (x.length - 1));
}

/**
 * Matches each row of `from` to its nearest rows of `pool`; returns per-from-row matched rows (null = unmatched).
 * Without replacement the `from` rows are processed in descending distance order (ties by row index) and used
 * controls (including every tied one under `ties: "all"`) are removed from the pool.
 */
function matchArm(
  d: Float64Array,
  from: Int32Array,
  pool: NeighbourPool,
  k: number,
  ties: MatchTies,
  caliper: number,
  replace: boolean,
): Map<number, number[]> {
  const order = replace ? from : Int32Array.from(from).sort((a, b) => d[b] - d[a] || a - b);
  const out = new Map<number, number[]>();
  for (const i of order) {
    const pos = nearestInPool(pool, d[i], k, ties, caliper, -1);
    if (pos.length === 0) continue;
    out.set(
      i,
      pos.map((p) => pool.rows[p]),
    );
    if (!replace) for (const p of pos) removeFromPool(pool, p);
  }
  return out;
}

/**
 * Nearest-neighbour matching on the propensity score (or its logit), with the Abadie–Imbens standard error.
 *
 * Matching: each treated row (ATT; for ATE also each control, matched to treated rows) gets its k nearest rows of
 * the other arm by |d_i − d_j|, d = ps or logit(ps). Tie rule (`ties`): at the k-th smallest distance `all` uses
 * every row at exactly that distance (so a row may get more than k matches), `first` the lowest row indices; the
 * matches of a row are weighted equally, w_ij = 1/#matches(i). A caliper c keeps only matches with
 * |d_i − d_j| ≤ c·sd(d), sd over all rows (n − 1), as MatchIt's `std.caliper`; rows with no match are dropped and
 * counted. Without replacement: greedy, rows in descending d (MatchIt `m.order = "largest"`), ATT only.
 * Ties are exact float64 equalities of |d_i − d_j|: on the propensity scale they come from rows with identical
 * covariates (distance 0); on the logit scale, rows on an equally spaced covariate grid can be equidistant in exact
 * arithmetic, and whether their float64 distances tie then depends on the rounding of log(p/(1 − p)).
 *
 * Estimate: Ŷᵢ(1), Ŷᵢ(0) are the own outcome and the weighted mean of the matches; ATT = mean over matched
 * treated of Ŷ(1) − Ŷ(0), ATE = mean over all matched rows.
 *
 * Variance (Abadie & Imbens 2006, without bias correction, treating the score as known — it does not include
 * the Abadie–Imbens 2016 adjustment for an estimated propensity score): Kᵢ = Σⱼ w_ji is the matching weight of row
 * i (the times it is used, each use weighted), KKᵢ = Σⱼ w_ji². σ²(Xᵢ) is estimated by matching row i to its J
 * nearest rows of the same arm (same tie rule, so m ≥ J rows): σ̂ᵢ² = m/(m + 1)·(Yᵢ − Ȳ_m)².
 * - sample ATT: (1/N₁²)[Σ_treated σ̂ᵢ² + Σ_controls Kᵢ² σ̂ᵢ²]; population (`se`):
 *   (1/N₁²)[Σ_treated (Ŷᵢ(1) − Ŷᵢ(0) − τ̂)² + Σ_controls (Kᵢ² − KKᵢ) σ̂ᵢ²].
 * - sample ATE: (1/N²) Σ (1 + Kᵢ)² σ̂ᵢ²; population: (1/N²)[Σ (Ŷᵢ(1) − Ŷᵢ(0) − τ̂)² + Σ (Kᵢ² + 2Kᵢ − KKᵢ) σ̂ᵢ²].
 * With fixed M matches (w = 1/M) these are AI (2006) eq. (13)–(14) and Theorem 7, i.e. Matching::Match's `se`.
 * The interval is τ̂ ± z·se.
 *
 * @example
 * ```ts
 * import { nearestNeighbourMatch } from "truelift";
 * const m = nearestNeighbourMatch(ps, treated, y, { k: 1, ties: "all" });
 * m.estimate; // +0.0797 on the tutorial fixture (ATT)
 * ```
 * @see Abadie & Imbens (2006), "Large sample properties of matching estimators for average treatment effects",
 *   Econometrica 74, 235–267.
 * @see Ho, Imai, King & Stuart (2011), "MatchIt: Nonparametric preprocessing for parametric causal inference",
 *   Journal of Statistical Software 42(8).
 */
export function nearestNeighbourMatch(
  ps: Float64Array,
  treated: Uint8Array,
  y: Float64Array,
  options: MatchOptions = {},
): MatchResult {
  const n = ps.length;
  validate(n, ps, treated, y, options);
  const distance = options.distance ?? "ps";
  const k = options.k ?? 1;
  const replace = options.replace ?? true;
  const ties = options.ties ?? "all";
  const estimand = options.estimand ?? "ATT";
  const J = options.varianceNeighbours ?? 1;
  const level = options.level ?? 0.95;
  const d = distance === "ps" ? Float64Array.from(ps) : Float64Array.from(ps, (p) => Math.log(p / (1 - p)));
  const caliperWidth = options.caliper === undefined ? null : options.caliper * sampleSd(d);
  const cal = caliperWidth ?? Number.POSITIVE_INFINITY;
  const rows1 = armRows(treated, 1);
  const rows0 = armRows(treated, 0);
  const m1 = matchArm(d, rows1, neighbourPool(d, rows0), k, ties, cal, replace);
  if (m1.size === 0) {
    throw new TrueliftError(
      "E_PS_NO_MATCH",
      `No treated row has a control within the caliper (${caliperWidth} on the ${distance} scale).`,
      {
        details: { caliper: options.caliper ?? null, caliperWidth },
      },
    );
  }
  const m0 =
    estimand === "ATE"
      ? matchArm(d, rows0, neighbourPool(d, rows1), k, ties, cal, true)
      : new Map<number, number[]>();
  const K = new Float64Array(n);
  const KK = new Float64Array(n);
  const used = new Uint8Array(n);
  const effects = new Map<number, number>();
  for (const [i, js] of [...m1, ...m0]) {
    const w = 1 / js.length;
    let ybar = 0;
    for (const j of js) {
      ybar += y[j] * w;
      K[j] += w;
      KK[j] += w * w;
      used[j] = 1;
    }
    effects.set(i, treated[i] === 1 ? y[i] - ybar : ybar - y[i]);
  }
  let tau = 0;
  for (const e of effects.values()) tau += e;
  const N = effects.size;
  tau /= N;
  // Conditional variances by matching within the arm.
  const pools = [neighbourPool(d, rows0), neighbourPool(d, rows1)];
  const sigma2 = (i: number): number => {
    const pool = pools[treated[i]];
    const pos = nearestInPool(pool, d[i], J, ties, Number.POSITIVE_INFINITY, i);
    if (pos.length === 0) return 0;
    let m = 0;
    for (const p of pos) m += y[pool.rows[p]];
    m /= pos.length;
    return (pos.length / (pos.length + 1)) * (y[i] - m) ** 2;
  };
  let vPop = 0;
  let vSample = 0;
  for (const e of effects.values()) vPop += (e - tau) ** 2;
  for (let i = 0; i < n; i++) {
    const own = effects.has(i);
    if (!own && K[i] === 0) continue;
    const s2 = sigma2(i);
    if (estimand === "ATT") {
      if (treated[i] === 1) vSample += s2;
      else {
        vSample += K[i] * K[i] * s2;
        vPop += (K[i] * K[i] - KK[i]) * s2;
      }
    } else {
      const a = own ? 1 : 0;
      vSample += (a + K[i]) ** 2 * s2;
      vPop += (K[i] * K[i] + 2 * a * K[i] - KK[i]) * s2;
    }
  }
  const se = Math.sqrt(vPop) / N;
  const seSample = Math.sqrt(vSample) / N;
  const z = normalQuantile(1 - (1 - level) / 2);
  const weights = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++)
    weights[i] = (effects.has(i) ? 1 : 0) + (estimand === "ATT" && treated[i] === 1 ? 0 : K[i]);
  let distinct = 0;
  for (const i of rows0) distinct += used[i];
  const sets = [...m1, ...m0]
    .map(([row, js]) => ({ row, treated: treated[row] === 1, matches: [...js].sort((a, b) => a - b) }))
    .sort((a, b) => a.row - b.row);
  return deepFreeze({
    estimand,
    estimate: tau,
    se,
    seSample,
    ci: [tau - z * se, tau + z * se] as const,
    level,
    treatedMatched: m1.size,
    treatedUnmatched: rows1.length - m1.size,
    controlsUnmatched: estimand === "ATE" ? rows0.length - m0.size : 0,
    distinctControlsUsed: distinct,
    caliperWidth,
    options: { distance, k, replace, caliper: options.caliper ?? null, ties, varianceNeighbours: J },
    weights,
    sets,
  }) as MatchResult;
}

/**
 * The matching weights of a {@link MatchResult} as a Float64Array, for matched-sample balance: pass it as the
 * `matched` option of `balanceTable` and read `smdMatched` / `varianceRatioMatched` (unmatched rows have weight 0).
 *
 * @example
 * ```ts
 * import { balanceTable, matchWeights, nearestNeighbourMatch } from "truelift";
 * const w = matchWeights(nearestNeighbourMatch(ps, treated, y));
 * const b = balanceTable(columns, t, wAte, wAtt, { threshold: 0.1, estimand: "ATT", denominator: "treated", matched: w });
 * b.rows.map((r) => r.smdMatched); // matched-sample SMDs
 * ```
 * @see Stuart (2010), "Matching methods for causal inference: a review and a look forward", Statistical Science
 *   25, 1–21.
 */
export function matchWeights(result: MatchResult): Float64Array {
  return Float64Array.from(result.weights);
}

/**
 * Matched-set differences for a sensitivity analysis: for every matched treated row, in ascending row order,
 * dᵢ = yᵢ − (mean outcome of its matched controls). With 1:1 matching these are the pair differences; with k > 1
 * or tied controls (`ties: "all"`) the treated outcome is compared with the equally weighted mean of its whole
 * matched set. The Wilcoxon signed-rank test behind `rosenbaumBounds` is defined for pairs; using the matched-set
 * mean as the "control" of the pair is this function's convention (it keeps one difference per treated unit, and
 * under ATT matching the mean of the dᵢ is the matching estimate), not Rosenbaum's exact treatment of matched sets
 * with several controls. Under ATE matching only the treated rows' sets are used.
 *
 * @example
 * ```ts
 * import { matchedDifferences, nearestNeighbourMatch, rosenbaumBounds } from "truelift";
 * const m = nearestNeighbourMatch(ps, treated, y);
 * rosenbaumBounds(matchedDifferences(m, y)).gammaCritical;
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export function matchedDifferences(result: MatchResult, y: ArrayLike<number>): Float64Array {
  if (y.length !== result.weights.length) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `y has ${y.length} entries but the match was made on ${result.weights.length} rows.`,
    );
  }
  const out: number[] = [];
  for (const s of result.sets) {
    if (!s.treated) continue;
    let m = 0;
    for (const j of s.matches) m += y[j];
    out.push(y[s.row] - m / s.matches.length);
  }
  return Float64Array.from(out);
}
