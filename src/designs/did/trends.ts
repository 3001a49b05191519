import { didCounterfactual } from "./charts.js";
import { DID_COLUMNS, type DidLayout, rowWeights } from "./layout.js";

/** Mean outcome of one group in one period (tidy rows for the trend chart). */
export interface DidTrendRow {
  readonly period: number;
  readonly group: string;
  readonly mean: number;
  readonly n: number;
}

/** Period means per group and, for two-group designs, the DiD counterfactual of the treated group. */
export interface DidTrends {
  readonly rows: readonly DidTrendRow[];
  /**
   * Two-group designs: the comparison group's mean plus the treated − comparison gap averaged over pre-period
   * rows, from the last pre-period on — the treated group's path had it not been treated (the parallel-trends
   * counterfactual, {@link didCounterfactual}). Empty for staggered designs.
   */
  readonly counterfactual: readonly { readonly period: number; readonly mean: number }[];
}

/**
 * Period means per group: "treated" and "comparison" in a two-group design; one series per adoption cohort
 * ("cohort g") plus "never treated" when staggered.
 *
 * @example
 * ```ts
 * import { didTrends } from "truelift";
 * didTrends(layout).rows.filter((r) => r.group === "treated").length; // one row per period
 * ```
 * @see Angrist & Pischke (2009), Figure 5.2.1 (the DiD picture).
 */
export function didTrends(layout: DidLayout): DidTrends {
  const y = layout.frame.numeric(layout.outcome);
  const t = layout.frame.numeric(layout.time);
  const d = layout.frame.numeric(DID_COLUMNS.treated);
  const cohort = layout.frame.numeric(DID_COLUMNS.cohort);
  const w = rowWeights(layout.frame, layout.frequency);
  const twoGroup = layout.kind === "two-group";
  const label = (i: number) =>
    twoGroup
      ? d[i] === 1
        ? "treated"
        : "comparison"
      : cohort[i] === 0
        ? "never treated"
        : `cohort ${cohort[i] + layout.anticipation}`;
  const acc = new Map<string, { period: number; group: string; sum: number; n: number }>();
  for (let i = 0; i < y.length; i++) {
    const group = label(i);
    const key = `${group}\u0000${t[i]}`;
    let a = acc.get(key);
    if (!a) {
      a = { period: t[i], group, sum: 0, n: 0 };
      acc.set(key, a);
    }
    a.sum += w[i] * y[i];
    a.n += w[i];
  }
  const rows = [...acc.values()]
    .map((a) => ({ period: a.period, group: a.group, mean: a.sum / a.n, n: a.n }))
    .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.period - b.period));
  const counterfactual =
    twoGroup && layout.start !== null
      ? didCounterfactual(rows, {
          treatmentStart: layout.start.effective,
          treatedGroup: "treated",
          controlGroup: "comparison",
        })
      : [];
  return { rows, counterfactual };
}
