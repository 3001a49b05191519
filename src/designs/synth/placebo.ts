import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { type FitOptions, fitProblem, type SynthProblem, subProblem, truncateProblem } from "./problem.js";
import type { SynthFit } from "./weights.js";

/** One in-space placebo: a donor treated against the other donors. */
export interface SynthPlaceboUnit {
  readonly unit: string;
  readonly meanGap: number;
  readonly preRmspe: number;
  readonly postRmspe: number;
  readonly ratio: number | null;
  /** False when dropped by the pre-fit rule (pre-RMSPE above k × the treated pre-RMSPE). */
  readonly kept: boolean;
  /** Gap per period (for the spaghetti chart). */
  readonly gaps: readonly number[];
}

/** A permutation test: the observed statistic, its rank among the kept placebos, and the pseudo p-value. */
export interface SynthPermutationTest {
  readonly statistic: "abs-mean-gap" | "rmspe-ratio";
  readonly observed: number | null;
  /** Kept placebos at least as extreme as the observed statistic. */
  readonly asExtreme: number;
  /** (1 + asExtreme) / (J + 1), J = kept placebos; null when the observed statistic is undefined. */
  readonly pValue: number | null;
  /** The smallest attainable p-value, 1 / (J + 1). */
  readonly floor: number;
}

/** The in-space placebo analysis (Abadie, Diamond & Hainmueller 2010, §4). */
export interface SynthInSpacePlacebo {
  readonly units: readonly SynthPlaceboUnit[];
  /** The pre-fit exclusion factor k (null: every placebo kept). */
  readonly excludePreRmspeAbove: number | null;
  readonly kept: number;
  /** Mean, population SD (as numpy's default `std`) and range of the kept placebos' mean gaps. */
  readonly gapMean: number;
  readonly gapSd: number;
  readonly gapRange: readonly [number, number];
  readonly meanGapTest: SynthPermutationTest;
  readonly ratioTest: SynthPermutationTest;
}

/**
 * In-space placebos: every donor in turn is treated as if it had been treated, with the other donors (never the
 * treated units) as its pool and the same method, and its mean post-period gap and post/pre RMSPE ratio are
 * computed. The observed effect's pseudo p-values are the shares of placebos at least as extreme — |mean gap|
 * ≥ |observed| and ratio ≥ observed — counting the treated unit itself: p = (1 + #) / (J + 1), so the floor is
 * 1/(J + 1). With `excludePreRmspeAbove = k`, placebos whose pre-RMSPE exceeds k × the treated pre-RMSPE are left
 * out first (ADH 2010 use MSPE ratios 20, 5 and 2, i.e. RMSPE k = √20, √5, √2).
 *
 * @example
 * ```ts
 * import { inSpacePlacebos } from "truelift";
 * const pl = inSpacePlacebos(problem, fit, donorUnits, null);
 * pl.gapSd;               // 0.0380 on the tutorial panel
 * pl.meanGapTest.pValue;  // 1/26 = 0.0385
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105, §4; Abadie (2021), "Using synthetic controls", JEL 59.
 */
export function inSpacePlacebos(
  problem: SynthProblem,
  observed: SynthFit,
  donorUnits: readonly string[],
  excludePreRmspeAbove: number | null,
  options: FitOptions = {},
  onProgress?: ProgressCallback,
): SynthInSpacePlacebo {
  const units: SynthPlaceboUnit[] = [];
  const tick = progressTicker(onProgress, "placebo permutations", problem.nDonors);
  tick?.(0);
  const limit =
    excludePreRmspeAbove === null ? Number.POSITIVE_INFINITY : excludePreRmspeAbove * observed.preRmspe;
  for (let j = 0; j < problem.nDonors; j++) {
    const fit = fitProblem(subProblem(problem, j, [j]), { solver: options.solver ?? "fast" });
    units.push({
      unit: donorUnits[j],
      meanGap: fit.meanGap,
      preRmspe: fit.preRmspe,
      postRmspe: fit.postRmspe,
      ratio: fit.ratio,
      kept: fit.preRmspe <= limit,
      gaps: Array.from(fit.gaps),
    });
    tick?.(j + 1);
  }
  const kept = units.filter((u) => u.kept);
  const gapsKept = kept.map((u) => u.meanGap);
  const n = gapsKept.length;
  const mean = n > 0 ? gapsKept.reduce((a, b) => a + b, 0) / n : 0;
  const sd = n > 0 ? Math.sqrt(gapsKept.reduce((a, b) => a + (b - mean) ** 2, 0) / n) : 0;
  const floor = 1 / (n + 1);
  const absObs = Math.abs(observed.meanGap);
  const gapExtreme = gapsKept.filter((g) => Math.abs(g) >= absObs).length;
  const ratioExtreme =
    observed.ratio === null
      ? 0
      : kept.filter((u) => u.ratio === null || u.ratio >= (observed.ratio as number)).length;
  return {
    units,
    excludePreRmspeAbove,
    kept: n,
    gapMean: mean,
    gapSd: sd,
    gapRange: n > 0 ? [Math.min(...gapsKept), Math.max(...gapsKept)] : [0, 0],
    meanGapTest: {
      statistic: "abs-mean-gap",
      observed: absObs,
      asExtreme: gapExtreme,
      pValue: (1 + gapExtreme) / (n + 1),
      floor,
    },
    ratioTest: {
      statistic: "rmspe-ratio",
      observed: observed.ratio,
      asExtreme: ratioExtreme,
      pValue: observed.ratio === null ? null : (1 + ratioExtreme) / (n + 1),
      floor,
    },
  };
}

/** The in-time placebo: the analysis re-run with a fake treatment date inside the pre-period. */
export interface SynthInTimePlacebo {
  /** The fake treatment period. */
  readonly fakeStart: number;
  /** Mean gap over the fake post-period (from the fake date to just before the real one): ≈ 0 if credible. */
  readonly meanGap: number;
  readonly preRmspe: number;
  readonly postRmspe: number;
  /** Gap per period up to the real treatment date. */
  readonly gaps: readonly number[];
}

/**
 * In-time placebo: weights fitted on the periods before a fake date `fakeIndex` (an index into the periods)
 * and the mean gap between the fake and the real treatment dates, where no effect can exist yet. A gap of the
 * size of the estimated effect means the synthetic control does not predict the treated unit out of sample.
 *
 * @example
 * ```ts
 * import { inTimePlacebo } from "truelift";
 * inTimePlacebo(problem, 10, 10).meanGap; // fake start at week 10 of a 20-week pre-period
 * ```
 * @see Abadie, Diamond & Hainmueller (2015), "Comparative politics and the synthetic control method", AJPS 59.
 */
export function inTimePlacebo(
  problem: SynthProblem,
  fakeIndex: number,
  fakeStart: number,
): SynthInTimePlacebo {
  const fit = fitProblem(truncateProblem(problem, problem.preCount, fakeIndex), { solver: "exact" });
  return {
    fakeStart,
    meanGap: fit.meanGap,
    preRmspe: fit.preRmspe,
    postRmspe: fit.postRmspe,
    gaps: Array.from(fit.gaps),
  };
}

/** One leave-one-out refit. */
export interface SynthLeaveOneOutFit {
  readonly dropped: string;
  readonly droppedWeight: number;
  readonly meanGap: number;
  readonly preRmspe: number;
  readonly gaps: readonly number[];
}

/** Leave-one-out over the donors with weight above the threshold. */
export interface SynthLeaveOneOut {
  readonly threshold: number;
  readonly fits: readonly SynthLeaveOneOutFit[];
  readonly gapRange: readonly [number, number] | null;
}

/**
 * Leave-one-out robustness: the synthetic control refitted without each donor whose weight exceeds `threshold`,
 * one at a time. A narrow range of mean gaps means no single donor drives the estimate.
 *
 * @example
 * ```ts
 * import { leaveOneOut } from "truelift";
 * leaveOneOut(problem, fit.weights, donorUnits, 0.001).gapRange; // [+0.0739, +0.0945] on the tutorial panel
 * ```
 * @see Abadie, Diamond & Hainmueller (2015), AJPS 59, robustness section.
 */
export function leaveOneOut(
  problem: SynthProblem,
  weights: Float64Array,
  donorUnits: readonly string[],
  threshold: number,
  onProgress?: ProgressCallback,
): SynthLeaveOneOut {
  const fits: SynthLeaveOneOutFit[] = [];
  const tick = progressTicker(onProgress, "leave-one-out", problem.nDonors);
  tick?.(0);
  if (problem.nDonors > 1) {
    for (let j = 0; j < problem.nDonors; j++) {
      tick?.(j);
      if (!(weights[j] > threshold)) continue;
      const fit = fitProblem(subProblem(problem, null, [j]), { solver: "fast" });
      fits.push({
        dropped: donorUnits[j],
        droppedWeight: weights[j],
        meanGap: fit.meanGap,
        preRmspe: fit.preRmspe,
        gaps: Array.from(fit.gaps),
      });
    }
  }
  tick?.(problem.nDonors);
  const g = fits.map((f) => f.meanGap);
  return { threshold, fits, gapRange: g.length > 0 ? [Math.min(...g), Math.max(...g)] : null };
}
