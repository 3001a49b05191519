import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import type { RddBootstrap } from "./bootstrap.js";
import {
  rddBandwidthDiagnostics,
  rddComplianceDiagnostic,
  rddCovariateDiagnostic,
  rddDonutDiagnostic,
  rddPlaceboDiagnostic,
  rddPolynomialDiagnostic,
  rddWeakFirstStageDiagnostic,
} from "./diagnostics.js";
import type { RddLayout } from "./layout.js";
import { distinctSorted, type RddSideData } from "./side.js";
import type { RddBootstrapStage } from "./stage-bootstrap.js";
import type { RddChecksStage } from "./stage-checks.js";
import type { RddHeadlineStage } from "./stage-headline.js";
import type { RddShapeStage } from "./stage-shape.js";

/**
 * The diagnostics of {@link rdd}, in report order: dropped rows, bandwidth, mass points, the density test,
 * compliance, first-stage strength, then the verdicts of the validity checks and the failures of checks and
 * bootstrap replicates.
 *
 * @example
 * ```ts
 * rddDiagnostics(head, checks, boot, shape).map((d) => d.code); // ["D_RDD_BANDWIDTH", …]
 * ```
 */
export function rddDiagnostics(
  head: RddHeadlineStage,
  checks: RddChecksStage,
  boot: RddBootstrapStage | null,
  shape: RddShapeStage,
): Diagnostic[] {
  const { layout, fit, settings: st, spec: s } = head;
  const alpha = st.alpha;
  const diagnostics: Diagnostic[] = [];
  if (layout.dropped > 0)
    diagnostics.push(
      diagnostic("D_RDD_MISSING_DROPPED", "info", { dropped: layout.dropped, ...layout.droppedReasons }),
    );
  diagnostics.push(...rddBandwidthDiagnostics(fit));
  const mass = massShares(layout.left, layout.right);
  if (Math.max(...mass) >= 0.1)
    diagnostics.push(
      diagnostic("D_RDD_MASS_POINTS", head.fixed ? "info" : "warn", {
        repeatedBelow: mass[0],
        repeatedAbove: mass[1],
        masspoints: st.masspoints,
      }),
    );
  diagnostics.push(...shape.densityDiagnostics);
  if (layout.t) diagnostics.push(compliance(layout, layout.t, s.cutoff, head.fuzzy));
  const { polynomial, covariates, placebo, donut } = checks;
  for (const d of [
    rddWeakFirstStageDiagnostic(fit),
    rddPolynomialDiagnostic(polynomial, alpha),
    rddCovariateDiagnostic(covariates, alpha),
    rddPlaceboDiagnostic(placebo, alpha),
    rddDonutDiagnostic(donut, fit, alpha),
  ])
    if (d) diagnostics.push(d);
  const failed = [...polynomial, ...covariates, ...placebo, ...donut].filter((r) => r.failure);
  if (failed.length > 0)
    diagnostics.push(
      diagnostic("D_RDD_CHECK_FAILED", "info", {
        checks: failed.map((r) => `${r.label} ${r.value}`),
        codes: failed.map((r) => r.failure?.code ?? null),
      }),
    );
  const lost = boot ? bootstrapFailures(boot) : 0;
  if (lost > 0) diagnostics.push(diagnostic("D_RDD_BOOTSTRAP_FAILED", "warn", { failed: lost }));
  return diagnostics;
}

function bootstrapFailures(boot: RddBootstrapStage): number {
  const all = [boot.headline, ...boot.sweep, boot.quadratic].filter((b): b is RddBootstrap => b !== null);
  return all.reduce((a, b) => a + b.failed, 0);
}

/** Share of repeated values of the running variable below and above the cutoff (rdrobust's mass-point check). */
function massShares(left: RddSideData, right: RddSideData): [number, number] {
  const share = (side: RddSideData) => (side.rows === 0 ? 0 : 1 - distinctSorted(side.x) / side.rows);
  return [share(left), share(right)];
}

function compliance(layout: RddLayout, t: Float64Array, c: number, fuzzy: boolean): Diagnostic {
  const { x, n } = layout;
  let bad = 0;
  for (let i = 0; i < x.length; i++) {
    const assigned = layout.treated === "below" ? x[i] < c : x[i] >= c;
    if ((assigned ? 1 : 0) !== t[i]) bad += n[i];
  }
  return rddComplianceDiagnostic(bad / layout.rows, bad, fuzzy);
}
