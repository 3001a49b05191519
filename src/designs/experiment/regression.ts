import { Frame } from "../../core/frame.js";
import type { Term } from "../../core/result.js";
import type { TermSpec } from "../../models/formula.js";
import { ols } from "../../models/ols.js";
import type { ExperimentLayout } from "./layout.js";
import type { MeanContrast } from "./welch.js";

/** How a mean metric's regression is set up: the SE, CUPED's θ (or none), and Lin's covariates (or none). */
export interface RegressionSetup {
  readonly vcov: "HC2" | "CR1" | "CR2";
  /** CUPED: the pre-period column, θ and the pooled pre-period mean; null for no CUPED. */
  readonly cuped: { readonly column: string; readonly theta: number; readonly meanX: number } | null;
  /** Lin (2013): numeric covariates, centred at their pooled means and interacted with every arm dummy. */
  readonly covariates: readonly string[];
}

/**
 * Mean-metric contrasts of every variant against the control by least squares on the compressed cells
 * (frequency-weighted, exact for the rows): y ~ arm dummies [+ x̃ + arm dummies × x̃] with x̃ the covariates
 * centred at their means (Lin's fully interacted estimator, estimatr `lm_lin`), HC2 or CR1 / CR2 by the cluster.
 * The coefficient of a variant's dummy is its effect; the intercept is the (adjusted) control mean, so the
 * variant mean is intercept + effect, their (co)variances from the coefficient covariance. With CUPED the
 * outcome is y − θ (x − x̄) cell by cell (within-cell SS adjusted exactly from the co-moments).
 *
 * @example
 * ```ts
 * import { regressionContrasts } from "truelift/designs/experiment";
 * regressionContrasts(layout, "task_completed", { vcov: "CR2", cuped: null, covariates: [] }, 0.05)[0].difference;
 * ```
 * @see Lin (2013), "Agnostic notes on regression adjustments to experimental data", Annals of Applied Statistics 7(1);
 *   Bell & McCaffrey (2002), Survey Methodology 28(2); MacKinnon & White (1985).
 */
export function regressionContrasts(
  layout: ExperimentLayout,
  metric: string,
  setup: RegressionSetup,
  alpha: number,
): MeanContrast[] {
  const cells = layout.cells;
  const k = layout.arms.length;
  const y = Float64Array.from(layout.mean.get(metric) as Float64Array);
  const ss = Float64Array.from(layout.ss.get(metric) as Float64Array);
  if (setup.cuped) {
    const { column, theta, meanX } = setup.cuped;
    const x = layout.mean.get(column) as Float64Array;
    const ssx = layout.ss.get(column) as Float64Array;
    const cp = layout.cp.get(metric < column ? `${metric}\u0000${column}` : `${column}\u0000${metric}`);
    for (let c = 0; c < cells; c++) {
      y[c] -= theta * (x[c] - meanX);
      ss[c] = Math.max(0, ss[c] - 2 * theta * (cp ? cp[c] : 0) + theta * theta * ssx[c]);
    }
  }
  const columns: Record<string, Float64Array> = { y, n: layout.count, ss };
  const terms: TermSpec[] = [];
  const numeric = (name: string): TermSpec => ({ factors: [{ kind: "numeric", column: name }] });
  for (let j = 1; j < k; j++) {
    const d = new Float64Array(cells);
    for (let c = 0; c < cells; c++) d[c] = layout.armOf[c] === j ? 1 : 0;
    columns[`arm${j}`] = d;
    terms.push(numeric(`arm${j}`));
  }
  setup.covariates.forEach((name, p) => {
    const x = layout.covariates.get(name) as Float64Array;
    let total = 0;
    let sum = 0;
    for (let c = 0; c < cells; c++) {
      total += layout.count[c];
      sum += layout.count[c] * x[c];
    }
    const mean = sum / total;
    const centred = Float64Array.from(x, (v) => v - mean);
    columns[`x${p}`] = centred;
    terms.push(numeric(`x${p}`));
    for (let j = 1; j < k; j++) {
      columns[`arm${j}_x${p}`] = Float64Array.from(centred, (v, c) => (layout.armOf[c] === j ? v : 0));
      terms.push(numeric(`arm${j}_x${p}`));
    }
  });
  if (layout.clusterOf) columns.cluster = Float64Array.from(layout.clusterOf);
  const fit = ols(Frame.fromObject(columns), {
    outcome: "y",
    terms,
    frequency: { count: "n", withinSS: "ss" },
    vcov:
      setup.vcov === "HC2"
        ? { type: "hc", kind: "HC2" }
        : { type: "cluster", by: ["cluster"], kind: setup.vcov },
    alpha,
  });
  const names = fit.terms.map((t) => t.name);
  const V = fit.vcovMatrix;
  const i0 = names.indexOf("Intercept");
  const intercept = fit.terms[i0];
  const out: MeanContrast[] = [];
  for (let j = 1; j < k; j++) {
    const ij = names.indexOf(`arm${j}`);
    const t = fit.terms[ij];
    const v00 = V ? V[i0][i0] : Number.NaN;
    const v0j = V ? V[i0][ij] : Number.NaN;
    const vjj = V ? V[ij][ij] : Number.NaN;
    const difference: Term = { ...t, name: "difference", ci: t.ci ? [t.ci[0], t.ci[1]] : null };
    out.push({
      difference,
      controlMean: intercept.estimate,
      variantMean: intercept.estimate + t.estimate,
      varControl: v00,
      varVariant: v00 + 2 * v0j + vjj,
      cov: v00 + v0j,
    });
  }
  return out;
}
