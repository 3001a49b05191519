import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import type { DeepReadonly, Term } from "../../core/result.js";
import { BACON_FORBIDDEN_TYPES, type BaconResult, baconDecomposition } from "./bacon.js";
import { callawaySantAnna } from "./cs/callaway-santanna.js";
import type { CsResult } from "./cs/types.js";
import { DID_COLUMNS, type DidLayout } from "./layout.js";
import type { ValidDidSpec } from "./spec.js";

/** Staggered-adoption estimates: Callaway–Sant'Anna and the Goodman-Bacon decomposition of TWFE. */
export interface StaggeredDid {
  /** The Callaway–Sant'Anna simple aggregation (overall ATT), or null when it could not be computed. */
  readonly overall: Term | null;
  readonly callawaySantAnna: DeepReadonly<CsResult> | null;
  readonly bacon: {
    readonly forbiddenWeight: number;
    readonly comparisons: number;
    readonly result: DeepReadonly<BaconResult>;
  } | null;
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Runs the staggered-adoption estimators on a staggered layout's rows (the analysis window applies): the
 * Callaway–Sant'Anna ATT(g,t) with its aggregations (needs a unit × period panel and numeric covariates), and
 * the Bacon decomposition of the TWFE coefficient (needs a balanced panel). A part that cannot run on these
 * data is null with a diagnostic saying why. On compressed cells (unit a key) a cell of one row is that row, so
 * both run on the cells unchanged; a cell of several rows is a repeated unit × period, which both refuse.
 *
 * @example
 * ```ts
 * import { staggeredDid } from "truelift";
 * staggeredDid(spec, layout).overall; // CS simple ATT
 * ```
 * @see Callaway & Sant'Anna (2021); Goodman-Bacon (2021).
 */
export function staggeredDid(
  spec: ValidDidSpec,
  layout: DidLayout,
  onProgress?: ProgressCallback,
): StaggeredDid {
  const diagnostics: Diagnostic[] = [];
  if (layout.unit === null) {
    diagnostics.push(diagnostic("D_DID_NOT_APPLICABLE", "warn", { part: "callaway-santanna" }));
    return { overall: null, callawaySantAnna: null, bacon: null, diagnostics };
  }
  const unit = layout.unit;
  const startColumn = "startColumn" in spec.treatment ? spec.treatment.startColumn : DID_COLUMNS.cohort;
  const numeric = layout.covariates.filter((f) => f.kind === "numeric").map((f) => f.column);
  if (numeric.length < layout.covariates.length) {
    diagnostics.push(diagnostic("D_DID_NOT_APPLICABLE", "info", { part: "callaway-santanna covariates" }));
  }
  const repeated = repeatedCell(layout, unit);
  if (repeated !== null) {
    diagnostics.push(...repeated);
    return { overall: null, callawaySantAnna: null, bacon: null, diagnostics };
  }
  const st = spec.staggered ?? {};
  const hasNever = layout.cohorts.some((c) => c.start === null);
  let cs: DeepReadonly<CsResult> | null = null;
  try {
    cs = callawaySantAnna(
      layout.frame,
      {
        outcome: layout.outcome,
        unit,
        time: layout.time,
        group: startColumn,
        covariates: numeric,
        control: st.control ?? (hasNever ? "never" : "notYet"),
        anticipation: layout.anticipation,
        estMethod: st.estMethod ?? "dr",
        alpha: spec.alpha ?? 0.05,
        bootstrap:
          st.bootstrap === undefined || st.bootstrap === false
            ? false
            : {
                reps: st.bootstrap.reps ?? 999,
                seed: st.bootstrap.seed,
                ...(layout.cluster !== null && layout.cluster !== unit ? { clusterBy: layout.cluster } : {}),
              },
      },
      onProgress ? { onProgress } : {},
    );
    diagnostics.push(...cs.diagnostics);
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    diagnostics.push(
      diagnostic(
        "D_DID_NOT_APPLICABLE",
        "warn",
        { part: "callaway-santanna", code: e.code },
        { reason: e.message },
      ),
    );
  }
  let bacon: StaggeredDid["bacon"] = null;
  try {
    const b = baconDecomposition(layout.frame, {
      outcome: layout.outcome,
      unit,
      time: layout.time,
      treatStart: DID_COLUMNS.cohort,
    });
    bacon = {
      forbiddenWeight: BACON_FORBIDDEN_TYPES.reduce((sum, t) => sum + b.byType[t].weight, 0),
      comparisons: b.comparisons.length,
      result: b,
    };
    diagnostics.push(...b.diagnostics);
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    diagnostics.push(
      diagnostic("D_DID_NOT_APPLICABLE", "info", { part: "bacon", code: e.code }, { reason: e.message }),
    );
  }
  return { overall: cs?.aggregations.simple?.overall ?? null, callawaySantAnna: cs, bacon, diagnostics };
}

/**
 * Compressed cells with a unit key: a cell of more than one row is a unit observed twice in one period (with the
 * same keys), which Callaway–Sant'Anna (E_CS_DUPLICATE_ROWS) and the Bacon decomposition (E_UNBALANCED_PANEL)
 * refuse on the rows — the same diagnostics here (their reasons name the unit and period, not the row numbers,
 * which cells do not keep). Null when every cell is one row.
 */
function repeatedCell(layout: DidLayout, unit: string): Diagnostic[] | null {
  if (layout.frequency === null) return null;
  const count = layout.frame.numeric(layout.frequency.count);
  const time = layout.frame.numeric(layout.time);
  const i = count.findIndex((c) => c > 1);
  if (i < 0) return null;
  const u = String(layout.frame.value(unit, i));
  return [
    diagnostic(
      "D_DID_NOT_APPLICABLE",
      "warn",
      { part: "callaway-santanna", code: "E_CS_DUPLICATE_ROWS" },
      { reason: `Unit ${u} has ${count[i]} rows for period ${time[i]}.` },
    ),
    diagnostic(
      "D_DID_NOT_APPLICABLE",
      "info",
      { part: "bacon", code: "E_UNBALANCED_PANEL" },
      { reason: `The panel is not balanced: unit '${u}' has ${count[i]} rows for period ${time[i]}.` },
    ),
  ];
}
