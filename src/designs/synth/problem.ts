import { simplexLeastSquaresWarm } from "../../numeric/optimize/simplex-warm.js";
import { type AdhSolution, adhWeights } from "./adh.js";
import { dropDonors, fitOutcomeWeights, fitSummary, type SynthFit } from "./weights.js";

/**
 * One synthetic-control fitting problem on a filled panel: a treated series (T), donor series (T × J row-major),
 * the pre-period length and, for the ADH method, the predictors of the treated unit (k) and donors (k × J).
 */
export interface SynthProblem {
  readonly treated: Float64Array;
  readonly donors: Float64Array;
  readonly nDonors: number;
  readonly preCount: number;
  readonly predictors: { readonly x1: Float64Array; readonly x0: Float64Array } | null;
  readonly customV: readonly number[] | null;
}

/** A {@link SynthFit} with the ADH solution when predictors were used. */
export interface SynthProblemFit extends SynthFit {
  readonly adh: AdhSolution | null;
}

/** How {@link fitProblem} solves the weights. */
export interface FitOptions {
  /** `exact`: {@link simplexLeastSquares}; `fast`: the warm-started active set (same minimiser, KKT-checked). */
  readonly solver?: "exact" | "fast";
  /** Feasible starting weights for the fast solver (e.g. the full-sample weights in a bootstrap). */
  readonly start?: Float64Array;
  /** Keep this V instead of searching (ADH only; the bootstrap keeps the full-sample V). */
  readonly fixedV?: Float64Array;
}

/**
 * Fits the weights of a {@link SynthProblem}: on the pre-period outcome path (no predictors), or by the nested
 * ADH procedure ({@link adhWeights}) with predictors; then the gaps and RMSPEs of the resulting synthetic series.
 *
 * @example
 * ```ts
 * import { fitProblem } from "truelift";
 * fitProblem({ treated, donors, nDonors: 25, preCount: 20, predictors: null, customV: null }).meanGap;
 * ```
 */
export function fitProblem(p: SynthProblem, options: FitOptions = {}): SynthProblemFit {
  const { treated, donors, nDonors, preCount } = p;
  if (p.predictors === null) {
    if ((options.solver ?? "fast") === "exact") {
      return { ...fitOutcomeWeights(treated, donors, nDonors, preCount), adh: null };
    }
    const sol = simplexLeastSquaresWarm(
      donors.subarray(0, preCount * nDonors),
      preCount,
      nDonors,
      treated.subarray(0, preCount),
      options.start,
    );
    return { ...fitSummary(treated, donors, nDonors, preCount, sol.x, sol.unique), adh: null };
  }
  const adh = adhWeights(
    {
      x1: p.predictors.x1,
      x0: p.predictors.x0,
      z1: treated.subarray(0, preCount),
      z0: donors.subarray(0, preCount * nDonors),
      nDonors,
    },
    options.fixedV !== undefined ? Array.from(options.fixedV) : (p.customV ?? undefined),
  );
  return { ...fitSummary(treated, donors, nDonors, preCount, adh.weights, adh.innerUnique), adh };
}

/**
 * The problem with donor `j` as the treated unit against the other donors (an in-space placebo), or with the
 * listed donors removed (`treatedFrom: null`, leave-one-out).
 *
 * @example
 * ```ts
 * import { subProblem } from "truelift";
 * subProblem(problem, 3, [3]);     // donor 3 as a placebo treated unit
 * subProblem(problem, null, [7]);  // the treated unit without donor 7
 * ```
 */
export function subProblem(
  p: SynthProblem,
  treatedFrom: number | null,
  drop: readonly number[],
): SynthProblem {
  const J = p.nDonors;
  const T = p.treated.length;
  let treated = p.treated;
  let x1 = p.predictors?.x1 ?? null;
  if (treatedFrom !== null) {
    treated = new Float64Array(T);
    for (let t = 0; t < T; t++) treated[t] = p.donors[t * J + treatedFrom];
    if (p.predictors) {
      const k = p.predictors.x1.length;
      x1 = new Float64Array(k);
      for (let i = 0; i < k; i++) x1[i] = p.predictors.x0[i * J + treatedFrom];
    }
  }
  return {
    treated,
    donors: dropDonors(p.donors, J, drop),
    nDonors: J - new Set(drop).size,
    preCount: p.preCount,
    predictors: p.predictors && x1 ? { x1, x0: dropDonors(p.predictors.x0, J, drop) } : null,
    customV: p.customV,
  };
}

/**
 * The problem cut to the periods before `end` (an index), with the pre-period ending at `fakeStart` (an index):
 * the in-time placebo's problem.
 *
 * @example
 * ```ts
 * import { truncateProblem } from "truelift";
 * truncateProblem(problem, 20, 10).preCount; // 10
 * ```
 */
export function truncateProblem(p: SynthProblem, end: number, fakeStart: number): SynthProblem {
  return {
    ...p,
    treated: p.treated.slice(0, end),
    donors: p.donors.slice(0, end * p.nDonors),
    preCount: fakeStart,
  };
}
