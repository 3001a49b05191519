import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import type { DeepReadonly } from "../../core/result.js";
import { type AugmentedScOptions, type AugmentedScResult, augmentedSc } from "./augmented.js";
import { type ConformalOptions, type ConformalResult, conformalInference } from "./conformal.js";
import type { SynthCells, SynthPanel } from "./panel.js";
import { type SdidResult, sdid } from "./sdid.js";
import type { SdidSpec } from "./sdid-spec.js";
import type { SynthMatrix } from "./sdid-types.js";

/** The estimators beyond classic SC run on the same filled panel (null when skipped or not computable). */
export interface SynthExtensions {
  readonly sdid: DeepReadonly<SdidResult> | null;
  readonly augmented: DeepReadonly<AugmentedScResult> | null;
  readonly conformal: DeepReadonly<ConformalResult> | null;
}

/**
 * The filled panel as a {@link SynthMatrix} (donors first, then each treated unit; pre-periods first), the input
 * of synthetic DiD, augmented SC and conformal inference.
 *
 * @example
 * ```ts
 * import { synthMatrix } from "truelift";
 * synthMatrix(cells, panel).n0; // number of donors
 * ```
 */
export function synthMatrix(cells: SynthCells, panel: SynthPanel): SynthMatrix {
  const T = cells.periods.length;
  const nT = cells.treatedUnits.length;
  const J = cells.donorUnits.length;
  const y = new Float64Array((J + nT) * T);
  for (let j = 0; j < J; j++) y.set(panel.series.subarray((nT + j) * T, (nT + j + 1) * T), j * T);
  for (let u = 0; u < nT; u++) y.set(panel.series.subarray(u * T, (u + 1) * T), (J + u) * T);
  return {
    y,
    n0: J,
    t0: panel.preCount,
    unitNames: [...cells.donorUnits, ...cells.treatedUnits],
    periods: cells.periods,
  };
}

/**
 * Runs synthetic DiD (Arkhangelsky et al. 2021, with its SE), ridge-augmented SC (Ben-Michael, Feller &
 * Rothstein 2021) and conformal inference (Chernozhukov, Wüthrich & Zhu 2021) on the panel, each unless its
 * option is `false`. A coded failure of one of them is reported as a diagnostic and leaves it null.
 *
 * @example
 * ```ts
 * import { synthExtensions } from "truelift";
 * const ext = synthExtensions(matrix, { sdid: {}, augmented: {}, conformal: {} }, diagnostics);
 * ext.sdid?.estimate.estimate;
 * ```
 * @see Arkhangelsky, Athey, Hirshberg, Imbens & Wager (2021), AER 111; Ben-Michael, Feller & Rothstein (2021),
 *   JASA 116; Chernozhukov, Wüthrich & Zhu (2021), JASA 116.
 */
export function synthExtensions(
  matrix: SynthMatrix,
  options: {
    readonly sdid: SdidSpec | false;
    readonly augmented: AugmentedScOptions | false;
    readonly conformal: ConformalOptions | false;
  },
  diagnostics: Diagnostic[],
  onProgress?: ProgressCallback,
): SynthExtensions {
  const progress = onProgress ? { onProgress } : {};
  const guard = <T>(part: string, f: () => T): T | null => {
    try {
      return f();
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
      diagnostics.push(
        diagnostic("D_SYNTH_EXTENSION_FAILED", "warn", { part, code: e.code }, { reason: e.message }),
      );
      return null;
    }
  };
  const sd =
    options.sdid === false
      ? null
      : guard("synthetic DiD", () => sdid(matrix, options.sdid as SdidSpec, progress));
  const aug =
    options.augmented === false
      ? null
      : guard("augmented SC", () => augmentedSc(matrix, options.augmented as AugmentedScOptions));
  const conf =
    options.conformal === false
      ? null
      : guard("conformal", () =>
          conformalInference(matrix, options.conformal as ConformalOptions, onProgress),
        );
  for (const r of [sd, aug, conf]) if (r) diagnostics.push(...r.diagnostics);
  return { sdid: sd, augmented: aug, conformal: conf };
}
