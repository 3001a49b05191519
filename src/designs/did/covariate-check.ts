import type { DeepReadonly } from "../../core/result.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";

/** How a control variable moves with treatment: its own DiD, and whether it varies within units over time. */
export interface CovariateShift {
  readonly covariate: string;
  /** Level of a categorical covariate (its 0/1 indicator is tested), null for numeric ones. */
  readonly level: string | null;
  readonly did: number;
  readonly pValue: number | null;
  /** Panel data only: the covariate changes within some unit over time; null without a unit column. */
  readonly timeVarying: boolean | null;
}

const INDICATOR = "covariate_level";

/**
 * For every covariate (every non-reference level of a categorical one), the DiD regression of the covariate
 * itself on `treated * post` with the analysis' variance estimator. A control that shifts with treatment may be
 * an outcome of it; conditioning on it biases the DiD ("bad control").
 *
 * @example
 * ```ts
 * import { covariateShifts } from "truelift";
 * covariateShifts(layout, ctx).filter((c) => (c.pValue ?? 1) < 0.05);
 * ```
 * @see Angrist & Pischke (2009), §3.2.3 (bad control); Caetano, Callaway, Payne & Rodrigues (2022),
 *   "Difference in differences with time-varying covariates".
 */
export function covariateShifts(
  layout: DidLayout,
  ctx: DidFitContext,
): readonly DeepReadonly<CovariateShift>[] {
  const out: CovariateShift[] = [];
  // Two groups: the covariate's own treated × post interaction. Staggered: `post` is already D_it (zero for
  // units not yet or never treated), so its coefficient next to the ever-treated dummy is the covariate's DiD.
  const staggered = layout.kind === "staggered";
  const base = [numericTerm(DID_COLUMNS.treated), numericTerm(DID_COLUMNS.post)];
  const terms = staggered ? base : [...base, numericTerm(DID_COLUMNS.treated, DID_COLUMNS.post)];
  const term = staggered ? DID_COLUMNS.post : `${DID_COLUMNS.treated}:${DID_COLUMNS.post}`;
  for (const f of layout.covariates) {
    const col = layout.frame.column(f.column);
    const timeVarying = layout.unit === null ? null : variesWithinUnit(layout, f.column);
    let levels: (string | null)[] = [null];
    if (f.kind === "categorical") {
      const all = distinctLevels(layout, f.column);
      levels = all.filter((l) => l !== (f.reference ?? all[0]));
    }
    for (const level of levels) {
      let frame = layout.frame;
      let outcome = f.column;
      if (level !== null) {
        const ind = new Float64Array(layout.frame.nrows);
        for (let i = 0; i < ind.length; i++)
          ind[i] = String(layout.frame.value(f.column, i)) === level ? 1 : 0;
        frame = frame.withColumn(INDICATOR, ind);
        outcome = INDICATOR;
      } else if (col.kind === "str") {
        continue;
      }
      if (isConstant(frame.numeric(outcome))) continue;
      // A covariate is a cell key, constant within every cell: its within-cell sum of squares is 0.
      const frequency = layout.frequency === null ? null : { count: layout.frequency.count };
      const fit = fitDid(frame, { outcome, covariates: [], frequency }, terms, [], ctx);
      const t = termOf(fit, term);
      out.push({ covariate: f.column, level, did: t.estimate, pValue: t.pValue, timeVarying });
    }
  }
  return out;
}

function distinctLevels(layout: DidLayout, column: string): string[] {
  const set = new Set<string>();
  for (let i = 0; i < layout.frame.nrows; i++) set.add(String(layout.frame.value(column, i)));
  const values = [...set];
  const numeric = values.every((v) => Number.isFinite(Number(v)));
  return numeric ? values.sort((a, b) => Number(a) - Number(b)) : values.sort();
}

function isConstant(v: Float64Array): boolean {
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

function variesWithinUnit(layout: DidLayout, column: string): boolean {
  const first = new Map<string, string>();
  for (let i = 0; i < layout.frame.nrows; i++) {
    const u = String(layout.frame.value(layout.unit as string, i));
    const v = String(layout.frame.value(column, i));
    const seen = first.get(u);
    if (seen === undefined) first.set(u, v);
    else if (seen !== v) return true;
  }
  return false;
}
