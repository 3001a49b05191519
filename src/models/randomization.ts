import { TrueliftError } from "../core/errors.js";
import type { ProgressCallback } from "../core/options.js";
import { progressTicker } from "../core/progress.js";
import { streamFor } from "../core/rng.js";
import { balanceDistance, type Rerandomization, type RerandomizationReport } from "./rerandomization.js";
import { shuffleFirst } from "./resample.js";
import { invertPValue } from "./wild-bootstrap.js";

/**
 * Clusters as randomization units: per cluster the outcome total Σy, the size (or total weight) n_g, the observed
 * arm (0/1) and, optionally, a stratum code (clusters were randomized within strata, a fixed number treated in
 * each). The statistic is the difference in size-weighted means, Σ_{treated} Σy / Σ_{treated} n −
 * Σ_{control} Σy / Σ_{control} n — the user-level difference in means, and the cluster-mean WLS estimate.
 */
export interface RandomizationUnits {
  readonly sums: Float64Array;
  readonly sizes: Float64Array;
  readonly treated: Uint8Array;
  readonly strata?: Int32Array | null;
}

/**
 * Options of {@link randomizationInference}.
 *
 * - `reps`: Monte Carlo re-randomizations when not enumerating. __Default value:__ 9999.
 * - `exact`: `"auto"` enumerates every assignment when there are at most `maxExact` of them, `true` insists
 *   (E_INVALID_ARGUMENT beyond `maxExact`), `false` always samples. __Default value:__ `"auto"`.
 * - `maxExact`: __Default value:__ 100 000.
 * - `seed`: needed unless enumerating.
 * - `nullValue`: the constant effect τ₀ of the sharp null for the reported p-value. __Default value:__ 0.
 * - `alpha`: 1 − level of the inverted interval. __Default value:__ 0.05.
 * - `rerandomization`: the design re-drew assignments until a balance rule held (Morgan & Rubin 2012); the
 *   reference distribution is then the accepted assignments only (see {@link Rerandomization}).
 *   __Default value:__ none (plain complete / stratified randomization).
 */
export interface RandomizationOptions {
  readonly reps?: number;
  readonly exact?: boolean | "auto";
  readonly maxExact?: number;
  readonly seed?: number;
  readonly stream?: number;
  readonly nullValue?: number;
  readonly alpha?: number;
  readonly rerandomization?: Rerandomization;
  /** Throttled progress over the assignments drawn or enumerated (does not change the numbers). */
  readonly onProgress?: ProgressCallback;
}

/** Result of {@link randomizationInference}. */
export interface RandomizationResult {
  readonly estimate: number;
  readonly nullValue: number;
  /** Exact: the share of all (accepted) assignments at least as extreme; sampled: (1 + count)/(1 + reps). */
  readonly pValue: number;
  /** {τ₀ : p(τ₀) ≥ alpha} under constant additive effects; null when no τ₀ is rejected at alpha. */
  readonly ci: readonly [number, number] | null;
  readonly exact: boolean;
  /** How many assignments the design allows (Π over strata of C(K_s, K1_s)); may exceed 2⁵³ (then approximate). */
  readonly assignments: number;
  /** Assignments evaluated (all of them when exact; the accepted ones under re-randomization). */
  readonly reps: number;
  /** The smallest p-value attainable: 1/reps when exact, 1/(1 + reps) when sampled. */
  readonly minPValue: number;
  readonly seed: number | null;
  /** The acceptance rule, the observed distance and the acceptance rate; null without re-randomization. */
  readonly rerandomization: RerandomizationReport | null;
}

/**
 * Randomization (permutation) inference for a cluster-randomized experiment: the assignment is re-drawn as the
 * design drew it — complete randomization of the same number of treated clusters, within each stratum when
 * strata are given — and the difference in size-weighted means is recomputed from cluster totals (never rows).
 * The p-value of the sharp null "every user's outcome shifts by τ₀ under treatment" is the share of assignments
 * whose statistic, on outcomes with τ₀ removed, is at least as far from zero as the observed τ̂ − τ₀ (ties count
 * as extreme). All assignments are enumerated when there are few; otherwise `reps` are sampled and the p-value is
 * (1 + count)/(1 + reps), which is valid in finite samples. The interval inverts the test over τ₀ (each
 * assignment's statistic is linear in τ₀, so p(τ₀) costs O(reps)).
 *
 * Under re-randomization (`rerandomization`: the design drew assignments until the Mahalanobis distance of the
 * cluster-level covariate means was at most a threshold, Morgan & Rubin 2012) only accepted assignments enter:
 * enumerated, the p-value is the share of the accepted assignments at least as extreme; sampled, assignments are
 * re-drawn (same seeded stream) until `reps` are accepted, p = (1 + count)/(1 + reps), and the acceptance rate is
 * reported. A rule that accepts everything gives exactly the plain randomization test (same draws, same p).
 *
 * @example
 * ```ts
 * import { randomizationInference } from "truelift";
 * const ri = randomizationInference(
 *   { sums: Float64Array.of(10, 12, 20, 22), sizes: Float64Array.of(5, 5, 5, 5), treated: Uint8Array.of(0, 0, 1, 1) },
 *   { seed: 1 },
 * );
 * ri.exact; ri.assignments; ri.pValue; // true, 6, 2/6 (the observed split and its mirror are the most extreme)
 * ```
 * @see Fisher (1935), The Design of Experiments; Imbens & Rubin (2015), Causal Inference, ch. 5; Gerber & Green
 *   (2012), Field Experiments, ch. 3 (randomization inference for clustered and blocked designs); R package ri2;
 *   Morgan & Rubin (2012), "Rerandomization to improve covariate balance in experiments", Annals of Statistics
 *   40(2) (re-randomization and its randomization test).
 */
export function randomizationInference(
  units: RandomizationUnits,
  options: RandomizationOptions = {},
): RandomizationResult {
  const K = units.sums.length;
  const reps = options.reps ?? 9999;
  const maxExact = options.maxExact ?? MAX_EXACT;
  const alpha = options.alpha ?? 0.05;
  const tau0 = options.nullValue ?? 0;
  if (!Number.isInteger(reps) || reps < 1) invalid("randomization reps must be a positive integer.");
  if (units.sizes.length !== K || units.treated.length !== K || (units.strata && units.strata.length !== K)) {
    invalid("randomization units need one sum, size, arm (and stratum) per cluster.");
  }
  const blocks = randomizationBlocks(units);
  const nt = blocks.reduce((s, b) => s + b.treated, 0);
  if (nt === 0 || nt === K) invalid("randomization inference needs clusters in both arms.");
  const assignments = countAssignmentsOf(blocks);
  const exact = enumerates(assignments, options);
  if (exact && assignments > maxExact) {
    invalid(
      `exact randomization inference would enumerate ${assignments} assignments (more than maxExact = ${maxExact}).`,
    );
  }
  if (!exact && (options.seed === undefined || !Number.isSafeInteger(options.seed))) {
    invalid("sampled randomization inference needs an integer seed.");
  }
  const y = units.sums;
  const n = units.sizes;
  const nd = new Float64Array(K);
  for (let g = 0; g < K; g++) nd[g] = units.treated[g] * n[g];
  const diff = (d: Uint8Array, x: Float64Array): number => {
    let s1 = 0;
    let w1 = 0;
    let s0 = 0;
    let w0 = 0;
    for (let g = 0; g < K; g++) {
      if (d[g]) {
        s1 += x[g];
        w1 += n[g];
      } else {
        s0 += x[g];
        w0 += n[g];
      }
    }
    return s1 / w1 - s0 / w0;
  };
  const estimate = diff(units.treated, y);
  const balance = options.rerandomization ? balanceDistance(options.rerandomization, units.treated) : null;
  const maxDraws = options.rerandomization?.maxDraws ?? 1000 * reps;
  const capacity = exact ? assignments : reps;
  const coefA = new Float64Array(capacity);
  const coefB = new Float64Array(capacity);
  const d = new Uint8Array(K);
  let r = 0;
  let drawn = 0;
  const tick = progressTicker(options.onProgress, "randomization inference", capacity);
  tick?.(0);
  const record = () => {
    drawn++;
    if (balance && !balance.accepts(d)) return;
    coefA[r] = diff(d, y);
    coefB[r] = diff(d, nd);
    r++;
    tick?.(r);
  };
  if (exact) enumerate(blocks, d, record);
  else {
    const rng = streamFor(options.seed as number, "sequence", options.stream ?? 0);
    while (r < reps) {
      if (drawn >= maxDraws) {
        throw new TrueliftError(
          "E_RERANDOMIZATION_TOO_RARE",
          `Only ${r} of ${drawn} re-drawn assignments passed the balance rule (distance ≤ ${balance?.threshold}); ${reps} are needed.`,
          { details: { accepted: r, drawn, reps, maxDraws, threshold: balance?.threshold ?? null } },
        );
      }
      d.fill(0);
      for (const b of blocks) {
        const idx = shuffleFirst(rng, [...b.members], b.treated);
        for (let i = 0; i < b.treated; i++) d[idx[i]] = 1;
      }
      record();
    }
  }
  const R = r;
  const scale = Math.max(Math.abs(estimate), 1e-300);
  const pAt = (t0: number): number => {
    const obs = Math.abs(estimate - t0);
    const tol = 1e-10 * Math.max(obs, scale);
    let count = 0;
    for (let i = 0; i < R; i++) if (Math.abs(coefA[i] - t0 * coefB[i]) >= obs - tol) count++;
    return exact ? count / R : (1 + count) / (1 + R);
  };
  const pValue = pAt(tau0);
  let spread = 0;
  for (let i = 0; i < R; i++) spread += coefA[i] * coefA[i];
  const sd = Math.sqrt(spread / R) || scale;
  return {
    estimate,
    nullValue: tau0,
    pValue,
    ci: invertPValue(pAt, estimate, sd, alpha),
    exact,
    assignments,
    reps: R,
    minPValue: exact ? 1 / R : 1 / (1 + R),
    seed: exact ? null : (options.seed as number),
    rerandomization: balance
      ? {
          criterion: "mahalanobis",
          covariates: balance.covariates,
          threshold: balance.threshold,
          observedDistance: balance.observed,
          drawn,
          accepted: R,
          acceptanceRate: R / drawn,
        }
      : null,
  };
}

/**
 * Whether {@link randomizationInference} with these options samples re-randomizations (drawing random numbers,
 * so it needs a seed) rather than enumerating every assignment.
 *
 * @example
 * ```ts
 * import { randomizationSamples } from "truelift";
 * const units = { sums: Float64Array.of(1, 2, 3, 4), sizes: Float64Array.of(1, 1, 1, 1), treated: Uint8Array.of(0, 0, 1, 1) };
 * randomizationSamples(units, {}); // false: 6 assignments are enumerated
 * randomizationSamples(units, { exact: false }); // true
 * ```
 * @see Gerber & Green (2012), Field Experiments, ch. 3.
 */
export function randomizationSamples(
  units: RandomizationUnits,
  options: Pick<RandomizationOptions, "exact" | "maxExact">,
): boolean {
  return !enumerates(countAssignmentsOf(randomizationBlocks(units)), options);
}

/** The strata as blocks: member clusters and the number treated in each. */
function randomizationBlocks(units: RandomizationUnits): { members: number[]; treated: number }[] {
  const K = units.sums.length;
  const strata = units.strata ?? new Int32Array(K);
  const groups = new Map<number, number[]>();
  for (let g = 0; g < K; g++) {
    const list = groups.get(strata[g]) ?? [];
    list.push(g);
    groups.set(strata[g], list);
  }
  return [...groups.values()].map((members) => ({
    members,
    treated: members.filter((g) => units.treated[g] === 1).length,
  }));
}

/** Π over blocks of C(K_s, K1_s). */
function countAssignmentsOf(blocks: readonly { members: readonly number[]; treated: number }[]): number {
  return blocks.reduce((p, b) => p * binomial(b.members.length, b.treated), 1);
}

const MAX_EXACT = 100_000;

/** `exact: true` insists; `"auto"` (the default) enumerates up to `maxExact` (__Default value:__ 100 000). */
function enumerates(assignments: number, options: Pick<RandomizationOptions, "exact" | "maxExact">): boolean {
  return (
    options.exact === true || (options.exact !== false && assignments <= (options.maxExact ?? MAX_EXACT))
  );
}

/** C(n, k) as a double (exact below 2⁵³). */
function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return Math.round(c);
}

/** Calls `visit` once per assignment (every combination of treated clusters in every stratum), writing it to d. */
function enumerate(
  blocks: readonly { members: readonly number[]; treated: number }[],
  d: Uint8Array,
  visit: () => void,
): void {
  const go = (b: number): void => {
    if (b === blocks.length) {
      visit();
      return;
    }
    const { members, treated } = blocks[b];
    const pick = (start: number, left: number): void => {
      if (left === 0) {
        go(b + 1);
        return;
      }
      for (let i = start; i <= members.length - left; i++) {
        d[members[i]] = 1;
        pick(i + 1, left - 1);
        d[members[i]] = 0;
      }
    };
    pick(0, treated);
  };
  d.fill(0);
  go(0);
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_ARGUMENT", message);
}
