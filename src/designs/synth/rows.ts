import type { SynthCells } from "./panel.js";
import type { SynthInSpacePlacebo, SynthLeaveOneOut } from "./placebo.js";
import type { SynthFit } from "./weights.js";

/** One period of the treated and synthetic trajectories. */
export interface SynthTrajectoryRow {
  readonly period: number;
  readonly treated: number;
  readonly synthetic: number;
  readonly gap: number;
  readonly post: boolean;
}

/** One period of one placebo's (or the treated unit's) gap series. */
export interface SynthGapRow {
  readonly unit: string;
  readonly period: number;
  readonly gap: number;
  /** True for the treated unit's own gap (highlighted in the spaghetti chart). */
  readonly treated: boolean;
  /** False for placebos excluded by the pre-fit rule. */
  readonly kept: boolean;
}

/** One period of a leave-one-out refit. */
export interface SynthLooRow {
  readonly dropped: string;
  readonly period: number;
  readonly gap: number;
}

/** Tidy rows behind the synthetic-control charts. */
export interface SynthTidyRows {
  readonly trajectory: readonly SynthTrajectoryRow[];
  readonly weights: readonly { readonly unit: string; readonly weight: number }[];
  readonly placeboGaps: readonly SynthGapRow[];
  readonly leaveOneOut: readonly SynthLooRow[];
}

/**
 * The tidy rows of a synthetic-control result: treated vs synthetic per period with the gap, donor weights sorted
 * from largest, every placebo's gap path with the treated one flagged, and every leave-one-out gap path.
 *
 * @example
 * ```ts
 * import { synthTidyRows } from "truelift";
 * synthTidyRows(cells, fit, placebo, loo).trajectory[0]; // { period: 0, treated: …, synthetic: …, gap: …, post: false }
 * ```
 */
export function synthTidyRows(
  cells: SynthCells,
  fit: SynthFit,
  placebo: SynthInSpacePlacebo | null,
  loo: SynthLeaveOneOut | null,
): SynthTidyRows {
  const periods = cells.periods;
  const trajectory = periods.map((period, t) => ({
    period,
    treated: fit.synthetic[t] + fit.gaps[t],
    synthetic: fit.synthetic[t],
    gap: fit.gaps[t],
    post: t >= cells.preCount,
  }));
  const weights = cells.donorUnits
    .map((unit, j) => ({ unit, weight: fit.weights[j] }))
    .sort((a, b) => b.weight - a.weight);
  const treatedLabel = cells.treatedUnits.length === 1 ? cells.treatedUnits[0] : "treated";
  const placeboGaps: SynthGapRow[] = periods.map((period, t) => ({
    unit: treatedLabel,
    period,
    gap: fit.gaps[t],
    treated: true,
    kept: true,
  }));
  for (const u of placebo?.units ?? []) {
    u.gaps.forEach((gap, t) => {
      placeboGaps.push({ unit: u.unit, period: periods[t], gap, treated: false, kept: u.kept });
    });
  }
  const leaveOneOut: SynthLooRow[] = [];
  for (const f of loo?.fits ?? []) {
    f.gaps.forEach((gap, t) => {
      leaveOneOut.push({ dropped: f.dropped, period: periods[t], gap });
    });
  }
  return { trajectory, weights, placeboGaps, leaveOneOut };
}
