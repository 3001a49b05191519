import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { criticalValue } from "../../numeric/dist/index.js";
import type { RddCheckRow } from "./checks.js";
import type { RddFit } from "./estimate.js";

/**
 * How the bandwidth was chosen and the effective sample on each side; warns when a side keeps fewer than 20 rows.
 *
 * @example
 * ```ts
 * // rddBandwidthDiagnostics(fit)[0].code // "D_RDD_BANDWIDTH"
 * ```
 */
export function rddBandwidthDiagnostics(fit: RddFit): Diagnostic[] {
  const out: Diagnostic[] = [
    diagnostic("D_RDD_BANDWIDTH", "info", {
      bwselect: fit.bwselect,
      hBelow: fit.h.below,
      hAbove: fit.h.above,
      bBelow: fit.b.below,
      bAbove: fit.b.above,
      nBelow: fit.nEffective.below,
      nAbove: fit.nEffective.above,
    }),
  ];
  const few = Math.min(fit.nEffective.below, fit.nEffective.above);
  if (few < 20) {
    out.push(
      diagnostic("D_RDD_FEW_EFFECTIVE", "warn", {
        nBelow: fit.nEffective.below,
        nAbove: fit.nEffective.above,
      }),
    );
  }
  return out;
}

/**
 * Weak first stage of a fuzzy RD: fail when the robust interval of the take-up jump includes 0, warn when its
 * squared robust z (the first-stage F) is below 10, pass otherwise.
 *
 * @example
 * ```ts
 * // rddWeakFirstStageDiagnostic(fit)?.severity // "pass"
 * ```
 * @see Stock & Yogo (2005) (F < 10 rule of thumb); Feir, Lemieux & Marmer (2016), JBES 34(2).
 */
export function rddWeakFirstStageDiagnostic(fit: RddFit): Diagnostic | null {
  const fs = fit.firstStage;
  if (!fs) return null;
  const rb = fs.robust;
  const f = rb.statistic === null ? null : rb.statistic ** 2;
  const zero = rb.ci !== null && rb.ci[0] <= 0 && rb.ci[1] >= 0;
  const severity = f === null || zero ? "fail" : f < 10 ? "warn" : "pass";
  return diagnostic("D_RDD_WEAK_FIRST_STAGE", severity, {
    jump: fs.conventional.estimate,
    robustZ: rb.statistic,
    F: f,
    robustPValue: rb.pValue,
  });
}

/**
 * Compliance of a sharp design with a recorded treatment column: the share of rows whose treatment disagrees with
 * their side. Any disagreement makes the design fuzzy.
 *
 * @example
 * ```ts
 * // rddComplianceDiagnostic(0.0001, 4, false)?.severity // "warn"
 * ```
 */
export function rddComplianceDiagnostic(share: number, count: number, fuzzy: boolean): Diagnostic {
  if (fuzzy) {
    return diagnostic("D_RDD_COMPLIANCE", "info", { share, count });
  }
  return diagnostic("D_RDD_COMPLIANCE", count === 0 ? "pass" : "warn", { share, count });
}

function okRows(rows: readonly RddCheckRow[]): RddCheckRow[] {
  return rows.filter((r) => r.robust !== null && r.robust.pValue !== null);
}

/**
 * Covariate continuity: warn when any covariate's robust p-value is below alpha divided by the number of
 * covariates (Bonferroni), pass otherwise.
 *
 * @example
 * ```ts
 * // rddCovariateDiagnostic(rows, 0.05)?.severity // "pass"
 * ```
 */
export function rddCovariateDiagnostic(rows: readonly RddCheckRow[], alpha: number): Diagnostic | null {
  const ok = okRows(rows);
  if (ok.length === 0) return null;
  const p = ok.map((r) => r.robust?.pValue as number);
  const minP = Math.min(...p);
  const threshold = alpha / ok.length;
  const jump = minP < threshold;
  return diagnostic("D_RDD_COVARIATES", jump ? "warn" : "pass", {
    covariates: ok.map((r) => String(r.value)),
    pValues: p,
    minPValue: minP,
    threshold,
  });
}

/**
 * Placebo cutoffs: warn when any fake cutoff shows a jump with robust p below alpha/k.
 *
 * @example
 * ```ts
 * // rddPlaceboDiagnostic(rows, 0.05)?.severity
 * ```
 */
export function rddPlaceboDiagnostic(rows: readonly RddCheckRow[], alpha: number): Diagnostic | null {
  const ok = okRows(rows);
  if (ok.length === 0) return null;
  const p = ok.map((r) => r.robust?.pValue as number);
  const minP = Math.min(...p);
  const threshold = alpha / ok.length;
  const bad = minP < threshold;
  return diagnostic("D_RDD_PLACEBO_CUTOFFS", bad ? "warn" : "pass", {
    cutoffs: ok.map((r) => r.value as number),
    estimates: ok.map((r) => r.robust?.estimate as number),
    pValues: p,
  });
}

/**
 * Donut-hole stability: warn when dropping the rows nearest the cutoff moves the conventional estimate by more
 * than chance allows. The donut sample is nested in the full one, so the shift is compared with
 * sqrt(SE_donut² − SE_full²) (a Hausman-type contrast); warn when any |z| exceeds the normal critical value.
 *
 * @example
 * ```ts
 * // rddDonutDiagnostic(rows, fit, 0.05)?.severity
 * ```
 */
export function rddDonutDiagnostic(
  rows: readonly RddCheckRow[],
  fit: RddFit,
  alpha = 0.05,
): Diagnostic | null {
  const ok = rows.filter((r) => r.conventional !== null && r.conventional.se !== null);
  if (ok.length === 0) return null;
  const base = fit.effect.conventional;
  const se = base.se ?? 0;
  const shifts = ok.map((r) => (r.conventional?.estimate as number) - base.estimate);
  const z = ok.map((r, i) => {
    const sd = r.conventional?.se as number;
    const v = sd * sd - se * se;
    return v > 0 ? shifts[i] / Math.sqrt(v) : null;
  });
  const crit = criticalValue(alpha, null);
  const maxShift = Math.max(...shifts.map(Math.abs));
  const bad = z.some((v) => v !== null && Math.abs(v) > crit);
  return diagnostic("D_RDD_DONUT", bad ? "warn" : "pass", {
    radii: ok.map((r) => r.value as number),
    estimates: ok.map((r) => r.conventional?.estimate as number),
    z,
    maxShift,
    se,
  });
}

/**
 * Linear against quadratic: warn when the two fits at the same bandwidth differ by more than the larger SE or
 * disagree on significance at alpha (a linear fit bending to fake a jump in a curved outcome).
 *
 * @example
 * ```ts
 * // rddPolynomialDiagnostic(rows, 0.05)?.severity // fixture: "pass" (+0.0548 vs +0.0569)
 * ```
 */
export function rddPolynomialDiagnostic(rows: readonly RddCheckRow[], alpha: number): Diagnostic | null {
  const lin = rows[0]?.conventional;
  const quad = rows[1]?.conventional;
  if (!lin || !quad || lin.se === null || quad.se === null || lin.pValue === null || quad.pValue === null)
    return null;
  const diff = quad.estimate - lin.estimate;
  const tol = Math.max(lin.se, quad.se);
  const sigDiffers = lin.pValue < alpha !== quad.pValue < alpha;
  const bad = Math.abs(diff) > tol || sigDiffers;
  return diagnostic("D_RDD_POLYNOMIAL", bad ? "warn" : "pass", {
    linear: lin.estimate,
    linearSe: lin.se,
    linearP: lin.pValue,
    quadratic: quad.estimate,
    quadraticSe: quad.se,
    quadraticP: quad.pValue,
    difference: diff,
  });
}
