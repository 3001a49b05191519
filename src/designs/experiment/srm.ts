import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import { chisqSurvival } from "../../numeric/dist/index.js";

/**
 * The p-value below which a sample-ratio mismatch fails the experiment (GrowthBook's default threshold): at
 * 0.001 a healthy test trips it once in a thousand analyses, a broken assignment almost always.
 *
 * @example
 * ```ts
 * import { SRM_THRESHOLD } from "truelift/designs/experiment";
 * SRM_THRESHOLD; // 0.001
 * ```
 */
export const SRM_THRESHOLD = 0.001;

/** The sample-ratio mismatch test: observed and expected units per arm, χ², df and p-value. */
export interface SrmTest {
  readonly unit: "rows" | "clusters";
  readonly arms: readonly string[];
  readonly observed: readonly number[];
  readonly expected: readonly number[];
  readonly chi2: number;
  readonly df: number;
  readonly pValue: number;
}

/**
 * Pearson's χ² goodness-of-fit of the arm sizes against the planned split (shares in arm order; equal by
 * default), df = arms − 1, as scipy `chisquare(observed, expected)`. Throws `E_EXPERIMENT_SPLIT` when the split
 * has the wrong number of entries.
 *
 * @example
 * ```ts
 * import { srmTest } from "truelift/designs/experiment";
 * srmTest(["0", "1"], [5100, 4900], undefined, "rows").pValue; // 0.0455
 * ```
 * @see Fabijan et al. (2019), "Diagnosing sample ratio mismatch in online controlled experiments", KDD.
 */
export function srmTest(
  arms: readonly string[],
  observed: readonly number[],
  plannedSplit: readonly number[] | undefined,
  unit: "rows" | "clusters",
): SrmTest {
  const k = arms.length;
  const split = plannedSplit ?? arms.map(() => 1);
  if (split.length !== k) {
    throw new TrueliftError(
      "E_EXPERIMENT_SPLIT",
      `The planned split has ${split.length} shares but the experiment has ${k} arms (${arms.join(", ")}).`,
      { details: { arms: [...arms], split: [...split] } },
    );
  }
  const total = observed.reduce((a, b) => a + b, 0);
  const weight = split.reduce((a, b) => a + b, 0);
  const expected = split.map((s) => (total * s) / weight);
  let chi2 = 0;
  for (let i = 0; i < k; i++) chi2 += (observed[i] - expected[i]) ** 2 / expected[i];
  return { unit, arms, observed, expected, chi2, df: k - 1, pValue: chisqSurvival(chi2, k - 1) };
}

/**
 * The SRM check as a diagnostic: `fail` when p < {@link SRM_THRESHOLD} (the headline is then withheld), `pass`
 * otherwise.
 *
 * @example
 * ```ts
 * import { srmDiagnostic, srmTest } from "truelift/designs/experiment";
 * srmDiagnostic(srmTest(["0", "1"], [5300, 4700], undefined, "rows")).severity; // "fail"
 * ```
 * @see Fabijan et al. (2019), KDD; GrowthBook's SRM check.
 */
export function srmDiagnostic(t: SrmTest): Diagnostic {
  return diagnostic("D_EXPERIMENT_SRM", t.pValue < SRM_THRESHOLD ? "fail" : "pass", {
    unit: t.unit,
    arms: [...t.arms],
    observed: [...t.observed],
    expected: [...t.expected],
    chi2: t.chi2,
    df: t.df,
    pValue: t.pValue,
    threshold: SRM_THRESHOLD,
  });
}
