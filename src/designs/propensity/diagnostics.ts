import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { Term } from "../../core/result.js";
import type { BalanceTable } from "./balance.js";
import type { EValueResult } from "./evalue.js";
import type { PropensityModelFit } from "./model.js";
import type { OverlapSummary, WeightSummary } from "./overlap.js";
import type { MatchedRosenbaum } from "./rosenbaum.js";

const num = (x: number, d = 3) => Number(x.toFixed(d));
/** Largest share of an arm's total weight one row may carry before the weights diagnostic fails. */
const MAX_WEIGHT_SHARE = 0.1;

/**
 * The overlap verdict: `fail` when more than 10% of either group sits outside the common support or has a score
 * beyond [0.01, 0.99]; `warn` when any row has an extreme score or more than 1% is outside the support; else
 * `pass`.
 *
 * @example
 * ```ts
 * import { overlapDiagnostic } from "truelift";
 * overlapDiagnostic(result.overlap).severity; // "pass" on the tutorial data
 * ```
 */
export function overlapDiagnostic(o: OverlapSummary): Diagnostic {
  const outT = o.outsideSupport.treated / o.treated.n;
  const outC = o.outsideSupport.control / o.control.n;
  const exT = o.extreme.treated / o.treated.n;
  const exC = o.extreme.control / o.control.n;
  const worst = Math.max(outT, outC, exT, exC);
  const severity = worst > 0.1 ? "fail" : exT + exC > 0 || Math.max(outT, outC) > 0.01 ? "warn" : "pass";
  return diagnostic(
    "D_PS_OVERLAP",
    severity,
    {
      commonSupportLower: num(o.commonSupport[0], 4),
      commonSupportUpper: num(o.commonSupport[1], 4),
      outsideTreated: o.outsideSupport.treated,
      outsideControl: o.outsideSupport.control,
      extremeTreated: o.extreme.treated,
      extremeControl: o.extreme.control,
    },
    { commonSupport: o.commonSupport, outsideShareTreated: outT, outsideShareControl: outC },
  );
}

/**
 * The weight verdict for the headline estimand: `fail` when an arm's Kish effective sample size is below 10% of
 * its rows, `warn` below 50% or when one weight exceeds 5% of its arm's total, else `pass`.
 *
 * @example
 * ```ts
 * import { weightsDiagnostic } from "truelift";
 * weightsDiagnostic(result.weights, "ATE").evidence.essControl;
 * ```
 */
export function weightsDiagnostic(w: WeightSummary, estimand: "ATE" | "ATT"): Diagnostic {
  const arms = w[estimand];
  const shareT = arms.treated.ess / arms.treated.n;
  const shareC = arms.control.ess / arms.control.n;
  const topT = arms.treated.max / arms.treated.sum;
  const topC = arms.control.max / arms.control.sum;
  const low = Math.min(shareT, shareC);
  // One row carrying more than MAX_WEIGHT_SHARE of its arm's weight: near-separation, the estimate is that row.
  const severity =
    low < 0.1 || Math.max(topT, topC) > MAX_WEIGHT_SHARE
      ? "fail"
      : low < 0.5 || Math.max(topT, topC) > 0.05
        ? "warn"
        : "pass";
  return diagnostic(
    "D_PS_WEIGHTS",
    severity,
    {
      estimand,
      essTreated: num(arms.treated.ess, 1),
      essControl: num(arms.control.ess, 1),
      nTreated: arms.treated.n,
      nControl: arms.control.n,
      maxWeightTreated: num(arms.treated.max, 4),
      maxWeightControl: num(arms.control.max, 4),
    },
    {
      treated: { ess: arms.treated.ess, n: arms.treated.n, max: arms.treated.max, sum: arms.treated.sum },
      control: { ess: arms.control.ess, n: arms.control.n, max: arms.control.max, sum: arms.control.sum },
    },
  );
}

/**
 * The balance verdict: `pass` when every weighted |SMD| is below the threshold, else `fail`, naming the worst
 * covariates.
 *
 * @example
 * ```ts
 * import { balanceDiagnostic } from "truelift";
 * balanceDiagnostic(result.balance).severity; // "pass" on the tutorial data
 * ```
 */
export function balanceDiagnostic(b: BalanceTable): Diagnostic {
  const key = b.estimand === "ATE" ? "smdAte" : "smdAtt";
  const worst = [...b.rows].sort((x, y) => Math.abs(y[key] ?? 0) - Math.abs(x[key] ?? 0))[0];
  const evidence = {
    threshold: b.threshold,
    denominator: b.denominator,
    maxAbsSmdRaw: num(b.maxAbsSmdRaw, 4),
    maxAbsSmdWeighted: num(b.maxAbsSmdWeighted, 4),
    failing: b.failing.slice(0, 20),
  };
  return diagnostic("D_PS_BALANCE", b.failing.length === 0 ? "pass" : "fail", evidence, {
    maxAbsSmdRaw: b.maxAbsSmdRaw,
    maxAbsSmdWeighted: b.maxAbsSmdWeighted,
    failing: b.failing.length,
    worst: worst === undefined ? null : { covariate: worst.covariate, smd: worst[key] ?? 0 },
  });
}

/**
 * Warns when IPW and AIPW for the headline estimand differ by more than twice the larger standard error (one of
 * the two models is probably wrong); passes otherwise.
 *
 * @example
 * ```ts
 * import { agreementDiagnostic } from "truelift";
 * agreementDiagnostic(ipwAte, raAte, aipwAte).severity;
 * ```
 */
export function agreementDiagnostic(ipw: Term, ra: Term, aipw: Term): Diagnostic {
  const se = Math.max(ipw.se ?? 0, aipw.se ?? 0);
  const gap = Math.abs(ipw.estimate - aipw.estimate);
  const ok = se > 0 && gap <= 2 * se;
  return diagnostic(
    "D_PS_ESTIMATORS_DISAGREE",
    ok ? "pass" : "warn",
    { ipw: num(ipw.estimate, 5), ra: num(ra.estimate, 5), aipw: num(aipw.estimate, 5), maxSe: num(se, 5) },
    { ipw: ipw.estimate, ra: ra.estimate, aipw: aipw.estimate },
  );
}

/**
 * Informational: how much of the naive difference the adjustment attributes to selection.
 *
 * @example
 * ```ts
 * import { selectionDiagnostic } from "truelift";
 * selectionDiagnostic(0.2106, 0.0847, "ATE").message; // "… about 60% of the naive gap is selection …"
 * ```
 */
export function selectionDiagnostic(naive: number, adjusted: number, estimand: string): Diagnostic {
  const share = naive !== 0 ? (naive - adjusted) / naive : null;
  return diagnostic(
    "D_PS_SELECTION",
    "info",
    {
      naive: num(naive, 5),
      adjusted: num(adjusted, 5),
      selectionShare: share === null ? null : num(share, 4),
    },
    { naive, adjusted, share, estimand },
  );
}

/**
 * Informational: the E-value of the headline estimate and of its confidence limit.
 *
 * @example
 * ```ts
 * import { eValueDiagnostic } from "truelift";
 * eValueDiagnostic(result.sensitivity.eValue).evidence.point;
 * ```
 */
export function eValueDiagnostic(e: EValueResult): Diagnostic {
  return diagnostic(
    "D_PS_EVALUE",
    "info",
    {
      scale: e.scale,
      riskRatio: num(e.riskRatio, 4),
      point: num(e.point, 3),
      ciBound: e.ciBound === null ? null : num(e.ciBound, 3),
    },
    { point: e.point, ciBound: e.ciBound },
  );
}

/**
 * Calibration verdict of the propensity model: warn when the Hosmer–Lemeshow p-value is below 0.01.
 *
 * @example
 * ```ts
 * import { calibrationDiagnostic } from "truelift";
 * calibrationDiagnostic(fit).severity; // "pass" on the tutorial data
 * ```
 */
export function calibrationDiagnostic(fit: PropensityModelFit): Diagnostic {
  const c = fit.calibration;
  const ok = c.pValue >= 0.01;
  return diagnostic(
    "D_PS_CALIBRATION",
    ok ? "pass" : "warn",
    { hosmerLemeshow: num(c.hosmerLemeshow, 3), pValue: num(c.pValue, 4), auc: num(fit.auc, 4) },
    { pValue: c.pValue, auc: fit.auc },
  );
}

/**
 * Informational: the Rosenbaum bounds of the 1-NN matched effect as one sentence — the hidden bias Γ (the factor by
 * which an unmeasured trait changes the odds of opting in within matched sets) at which the one-sided signed-rank
 * test of the matched differences stops being significant at `alpha`; or that the matched effect is not
 * significant even at Γ = 1; or that it stays significant at every Γ; or that the bounds could not be computed
 * (`bounds` null: fewer than two non-zero matched differences, `sets` matched treated units).
 *
 * @example
 * ```ts
 * import { rosenbaumDiagnostic } from "truelift";
 * rosenbaumDiagnostic(result.sensitivity.rosenbaum, result.matching.treatedMatched).evidence.gammaCritical;
 * ```
 * @see Rosenbaum (2002), Observational Studies, 2nd ed., Springer, §4.3.
 */
export function rosenbaumDiagnostic(bounds: MatchedRosenbaum | null, sets: number): Diagnostic {
  if (bounds === null) {
    return diagnostic("D_PS_ROSENBAUM", "info", { gammaCritical: null, pairs: 0, matchedSets: sets });
  }
  const evidence = {
    gammaCritical: bounds.gammaCritical === null ? null : num(bounds.gammaCritical, 4),
    pairs: bounds.pairs,
    zeros: bounds.zeros,
    pValue: Number(bounds.pValue.toPrecision(4)),
    direction: bounds.direction,
  };
  return diagnostic("D_PS_ROSENBAUM", "info", evidence, {
    alpha: bounds.alpha,
    gammaCritical: bounds.gammaCritical,
    pValue: bounds.pValue,
  });
}

/**
 * The matching verdict: `warn` when the caliper (or matching without replacement) left opt-in users without a match (the matched estimate then
 * describes only the matched ones) or when a matched |SMD| reaches the balance threshold (the matched comparison
 * is not like with like); `pass` otherwise.
 *
 * @example
 * ```ts
 * import { matchingDiagnostic } from "truelift";
 * matchingDiagnostic(result.matching, result.balance).severity; // "pass" on the tutorial data
 * ```
 * @see Stuart (2010), "Matching methods for causal inference: a review and a look forward", Statistical Science
 *   25, 1–21.
 */
export function matchingDiagnostic(
  m: {
    readonly treatedMatched: number;
    readonly treatedUnmatched: number;
    readonly options: { readonly k: number; readonly caliper: number | null };
  },
  b: BalanceTable,
): Diagnostic {
  const worst = [...b.rows].sort((x, y) => Math.abs(y.smdMatched ?? 0) - Math.abs(x.smdMatched ?? 0))[0];
  const maxSmd = b.maxAbsSmdMatched ?? 0;
  const unbalanced = maxSmd >= b.threshold;
  const evidence = {
    k: m.options.k,
    treatedMatched: m.treatedMatched,
    treatedUnmatched: m.treatedUnmatched,
    maxAbsSmdMatched: num(maxSmd, 4),
    threshold: b.threshold,
  };
  const severity = m.treatedUnmatched > 0 || (unbalanced && worst) ? "warn" : "pass";
  return diagnostic("D_PS_MATCHING", severity, evidence, {
    caliper: m.options.caliper !== null,
    maxAbsSmd: maxSmd,
    worst: worst === undefined ? null : { covariate: worst.covariate, level: worst.level },
  });
}
