import type { Diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { validateColumns } from "../../core/validate.js";
import { filledCellsDiagnostic, type SynthCells, type SynthPanel, synthCells, synthPanel } from "./panel.js";
import { frameCellMeans, type SynthPredictors, synthPredictors } from "./predictors.js";
import type { SynthProblem } from "./problem.js";
import { parseSynthSpec, type SynthSpec, type ValidSynthSpec } from "./spec.js";

/** The first stage of {@link synth}: the validated spec, the unit × period panel and the weight problem. */
export interface SynthPrepareStage {
  readonly spec: ValidSynthSpec;
  readonly alpha: number;
  /** Weight above which a donor counts as used. */
  readonly threshold: number;
  readonly cells: SynthCells;
  readonly panel: SynthPanel;
  /** Cell means of another column (predictors, in-time placebo). */
  readonly meansOf: (column: string) => Float64Array;
  /** ADH predictors, or null when the weights fit the outcome path. */
  readonly predictors: SynthPredictors | null;
  readonly problem: SynthProblem;
  /** `D_SYNTH_FILLED_CELLS`. */
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses and checks the spec, aggregates the rows to unit × period cells, fills the panel (interpolation, edge
 * fill; treated = mean of the treated units) and states the weight problem (pre-period outcomes, or ADH
 * predictors with their V).
 *
 * @example
 * ```ts
 * const prep = synthPrepare(frame, spec);
 * prep.panel.preCount; // pre-treatment periods
 * ```
 */
export function synthPrepare(data: Frame, spec: SynthSpec): SynthPrepareStage {
  const s = parseSynthSpec(spec);
  checkSpec(data, s);
  const cells = synthCells(data, s);
  const panel = synthPanel(cells, cells.sums, cells.counts) as SynthPanel;
  checkOutcomeVaries(panel, s.outcome);
  const diagnostics = [filledCellsDiagnostic(cells, panel)];
  const meansOf = (column: string) => frameCellMeans(data, cells, column);
  const predictors =
    s.predictors === undefined ? null : synthPredictors(meansOf, cells, panel, s.outcome, s.predictors);
  const problem: SynthProblem = {
    treated: panel.treated,
    donors: panel.donors,
    nDonors: panel.nDonors,
    preCount: panel.preCount,
    predictors: predictors === null ? null : { x1: predictors.treated, x0: predictors.donors },
    customV: s.customV ?? null,
  };
  const alpha = s.alpha ?? 0.05;
  const threshold = s.nonzeroThreshold ?? 0.001;
  return { spec: s, alpha, threshold, cells, panel, meansOf, predictors, problem, diagnostics };
}

function checkSpec(data: Frame, s: ValidSynthSpec): void {
  if (s.customV !== undefined && s.predictors === undefined) {
    throw new TrueliftError("E_INVALID_SPEC", "spec.customV needs spec.predictors: V weighs the predictors.");
  }
  if (s.customV !== undefined && s.predictors !== undefined && s.customV.length !== s.predictors.length) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `spec.customV has ${s.customV.length} entries but there are ${s.predictors.length} predictors.`,
    );
  }
  if (s.customV !== undefined && !(s.customV.reduce((a, b) => a + b, 0) > 0)) {
    throw new TrueliftError("E_INVALID_SPEC", "spec.customV must have a positive entry.");
  }
  if (s.predictors) {
    validateColumns(
      data,
      s.predictors
        .filter((p) => p.column !== s.outcome)
        .map((p) => ({ column: p.column, kind: "numeric" as const, allowMissing: true })),
    );
  }
}

/**
 * The outcome must vary across the treated series and the donors: when every unit has the same value in every
 * period, the weights are arbitrary and the gap is 0 by construction (with checks that contradict each other).
 */
function checkOutcomeVaries(panel: SynthPanel, outcome: string): void {
  let first = Number.NaN;
  for (const series of [panel.treated, panel.donors]) {
    for (let i = 0; i < series.length; i++) {
      const v = series[i];
      if (Number.isNaN(v)) continue;
      if (Number.isNaN(first)) first = v;
      else if (v !== first) return;
    }
  }
  throw new TrueliftError(
    "E_OUTCOME_CONSTANT",
    `Outcome '${outcome}' is ${first} for the treated unit(s) and every donor in every period of the window: there is no variation to fit weights to or to measure a gap in.`,
    {
      details: { outcome, value: first },
      hint: "Check the outcome column, the unit and time columns and the window: synthetic control needs an outcome that moves over time.",
    },
  );
}
