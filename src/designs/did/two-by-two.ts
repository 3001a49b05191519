import type { DeepReadonly, Term } from "../../core/result.js";
import { type DidFitContext, fitDid, numericTerm, termOf } from "./fit.js";
import { DID_COLUMNS, type DidLayout, rowWeights } from "./layout.js";

/** One cell of the 2×2 table: group (treated 0/1) × period (post 0/1), its size and mean outcome. */
export interface DidCell {
  readonly treated: 0 | 1;
  readonly post: 0 | 1;
  readonly n: number;
  readonly mean: number;
}

/**
 * The 2×2 difference-in-differences: four cells, each group's change, and
 * (treated post − treated pre) − (control post − control pre). Its SE (and test and CI) come from the
 * equivalent regression `y ~ treated * post` without covariates, with the analysis' variance estimator.
 */
export interface TwoByTwo {
  readonly cells: readonly DidCell[];
  readonly treatedChange: number;
  readonly controlChange: number;
  readonly term: Term;
}

/**
 * Computes the 2×2 table (cells in order (0,0), (0,1), (1,0), (1,1)) and its difference-in-differences.
 *
 * @example
 * ```ts
 * import { twoByTwo } from "truelift";
 * const t = twoByTwo(layout, { vcov: { type: "cluster", by: ["workspace_id"] }, alpha: 0.05 });
 * t.term.estimate; // +0.0527 on the tutorial data
 * ```
 * @see Card & Krueger (1994), "Minimum wages and employment", AER 84(4) — the 2×2 design.
 */
export function twoByTwo(layout: DidLayout, ctx: DidFitContext): DeepReadonly<TwoByTwo> {
  const y = layout.frame.numeric(layout.outcome);
  const d = layout.frame.numeric(DID_COLUMNS.treated);
  const p = layout.frame.numeric(DID_COLUMNS.post);
  const w = rowWeights(layout.frame, layout.frequency);
  const n = [0, 0, 0, 0];
  const sum = [0, 0, 0, 0];
  for (let i = 0; i < y.length; i++) {
    const c = 2 * d[i] + p[i];
    n[c] += w[i];
    sum[c] += w[i] * y[i];
  }
  const cells: DidCell[] = [0, 1, 2, 3].map((c) => ({
    treated: (c >> 1) as 0 | 1,
    post: (c & 1) as 0 | 1,
    n: n[c],
    mean: sum[c] / n[c],
  }));
  const fit = fitDid(
    layout.frame,
    { outcome: layout.outcome, covariates: [], frequency: layout.frequency },
    [
      numericTerm(DID_COLUMNS.treated),
      numericTerm(DID_COLUMNS.post),
      numericTerm(DID_COLUMNS.treated, DID_COLUMNS.post),
    ],
    [],
    ctx,
  );
  return {
    cells,
    treatedChange: cells[3].mean - cells[2].mean,
    controlChange: cells[1].mean - cells[0].mean,
    term: termOf(fit, `${DID_COLUMNS.treated}:${DID_COLUMNS.post}`),
  };
}
