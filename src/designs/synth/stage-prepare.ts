import type { Diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import {
  type SynthBootstrapAtoms,
  synthAtomTotals,
  synthBootstrapColumns,
  synthRowAtoms,
} from "./bootstrap.js";
import {
  filledCellsDiagnostic,
  type SynthCells,
  type SynthPanel,
  synthCells,
  synthPanelFromMeans,
} from "./panel.js";
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
  /** Rows the analysis read (the frame's rows, or the rows the compressed cells summarise). */
  readonly rows: number;
  /** The bootstrap atoms of the outcome and predictor columns (null without the bootstrap). */
  readonly atoms: SynthBootstrapAtoms | null;
  /** How the compressed path ran (null on the rows). */
  readonly compressed: SynthCompressedInfo | null;
}

/**
 * How a synthetic control ran from compressed cells: how many cells summarised how many rows, the cell keys and
 * measures, and the parts that needed row detail beyond unit × period means (e.g. the bootstrap, keyed by the
 * outcome value).
 */
export interface SynthCompressedInfo {
  readonly cells: number;
  readonly rows: number;
  readonly keys: readonly string[];
  readonly measures: readonly string[];
  readonly rowDetail: readonly { readonly part: string; readonly reason: string }[];
}

/**
 * What the stages after preparation read of the data, from the rows or from compressed cells: the unit × period
 * cells, the cell means of other columns, the bootstrap atoms, the number of rows and the compressed-path info.
 */
export interface SynthSource {
  readonly cells: SynthCells;
  readonly meansOf: (column: string) => Float64Array;
  readonly atoms: (columns: readonly string[]) => SynthBootstrapAtoms;
  readonly rows: number;
  readonly compressed: SynthCompressedInfo | null;
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
  checkSynthSpec(s);
  if (s.predictors) validateColumns(data, synthPredictorRequirements(s));
  const cells = synthCells(data, s);
  return synthPrepareFrom(s, {
    cells,
    meansOf: (column) => frameCellMeans(data, cells, column),
    atoms: (columns) => synthRowAtoms(data, cells, columns, s.user),
    rows: data.nrows,
    compressed: null,
  });
}

/**
 * {@link synthPrepare} from a validated spec and a {@link SynthSource} (the rows, or compressed cells): the filled
 * panel, the outcome check, the filled-cells diagnostic and the weight problem — one implementation for both.
 *
 * @example
 * ```ts
 * import { synthPrepareFrom } from "truelift";
 * synthPrepareFrom(spec, source).panel.preCount;
 * ```
 */
export function synthPrepareFrom(s: ValidSynthSpec, source: SynthSource): SynthPrepareStage {
  const { cells } = source;
  const boot = s.bootstrap !== undefined && s.bootstrap !== false;
  const columns = synthBootstrapColumns(s.outcome, s.predictors);
  const atoms = boot ? source.atoms(columns) : null;
  let means = cells.means;
  let meansOf = source.meansOf;
  if (atoms !== null) {
    // With the bootstrap, the full sample is the replicate that draws every atom its size: the panel and the
    // predictors' cell means come from the atoms in their canonical order, on the rows and on the cells alike.
    const sums = columns.map(() => new Float64Array(cells.means.length));
    const counts = columns.map(() => new Float64Array(cells.means.length));
    synthAtomTotals(atoms, atoms.atomSize, sums, counts);
    const meanOf = (k: number) =>
      Float64Array.from(sums[k], (x, c) => (counts[k][c] > 0 ? x / counts[k][c] : Number.NaN));
    means = meanOf(0);
    meansOf = (column) => {
      const k = columns.indexOf(column);
      return k > 0 ? meanOf(k) : source.meansOf(column);
    };
  }
  // Never null: synthCellsFromEntries raised E_SYNTH_EMPTY_UNIT for a unit without rows in the window.
  const panel = synthPanelFromMeans(cells, means) as SynthPanel;
  checkOutcomeVaries(panel, s.outcome);
  const diagnostics = [filledCellsDiagnostic(cells, panel)];
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
  return {
    spec: s,
    alpha,
    threshold,
    cells,
    panel,
    meansOf,
    predictors,
    problem,
    diagnostics,
    rows: source.rows,
    atoms,
    compressed: source.compressed,
  };
}

/**
 * The predictor columns' checks (numeric, missing values allowed), as the row path runs them first.
 *
 * @example
 * ```ts
 * import { synthPredictorRequirements } from "truelift";
 * synthPredictorRequirements(spec).map((r) => r.column);
 * ```
 */
export function synthPredictorRequirements(s: ValidSynthSpec): ColumnRequirement[] {
  return (s.predictors ?? [])
    .filter((p) => p.column !== s.outcome)
    .map((p) => ({ column: p.column, kind: "numeric" as const, allowMissing: true }));
}

/**
 * The checks of a spec that need no data (customV against the predictors): `E_INVALID_SPEC`.
 *
 * @example
 * ```ts
 * import { checkSynthSpec, parseSynthSpec } from "truelift";
 * checkSynthSpec(parseSynthSpec({ ...spec, customV: [1] })); // throws E_INVALID_SPEC without predictors
 * ```
 */
export function checkSynthSpec(s: ValidSynthSpec): void {
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
