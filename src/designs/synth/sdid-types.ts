import { TrueliftError } from "../../core/errors.js";

/**
 * A balanced unit × period outcome matrix in the layout of R synthdid's `panel.matrices`: control (donor) units
 * first, then treated units; pre-treatment periods first, then post-treatment periods. Every treated unit is
 * treated in every post period (simultaneous adoption).
 *
 * - `y`: N × T outcomes, row-major (entry `i * T + t` is unit i in period t); all finite.
 * - `n0`: number of control units (rows `0 … n0 − 1`); the treated units are rows `n0 … N − 1`.
 * - `t0`: number of pre-treatment periods (columns `0 … t0 − 1`).
 * - `unitNames`: N labels, in row order.
 * - `periods`: T period labels (numbers or strings), in column order.
 *
 * @example
 * ```ts
 * import type { SynthMatrix } from "truelift";
 * const panel: SynthMatrix = {
 *   y: Float64Array.from([1, 2, 3, 2, 3, 4, 3, 4, 8]), // two donors, one treated unit, three periods
 *   n0: 2, t0: 2, unitNames: ["a", "b", "treated"], periods: [2001, 2002, 2003],
 * };
 * ```
 */
export interface SynthMatrix {
  readonly y: Float64Array;
  readonly n0: number;
  readonly t0: number;
  readonly unitNames: readonly string[];
  readonly periods: readonly (number | string)[];
}

/** Shape of a validated {@link SynthMatrix}: N units, T periods, N1 = N − n0 treated, T1 = T − t0 post. */
export interface SynthShape {
  readonly n: number;
  readonly t: number;
  readonly n0: number;
  readonly t0: number;
  readonly n1: number;
  readonly t1: number;
}

/**
 * Checks a {@link SynthMatrix} before any computation and returns its shape. Throws `E_SYNTH_NO_DONORS` (no
 * control rows), `E_CONSTANT_TREATMENT` (no treated rows or no post periods), `E_SYNTH_TOO_FEW_PRE` (fewer than two
 * pre-periods: the noise level needs first differences), `E_LENGTH_MISMATCH` (sizes disagree) and
 * `E_NONFINITE_VALUES` (a missing or infinite outcome, with its unit and period).
 *
 * @example
 * ```ts
 * import { checkSynthMatrix } from "truelift";
 * checkSynthMatrix({ y: new Float64Array(9), n0: 2, t0: 2, unitNames: ["a", "b", "c"], periods: [1, 2, 3] }).n1; // 1
 * ```
 */
export function checkSynthMatrix(panel: SynthMatrix, what = "panel"): SynthShape {
  const { y, n0, t0, unitNames, periods } = panel ?? ({} as SynthMatrix);
  if (!(y instanceof Float64Array)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${what}.y must be a Float64Array (N × T, row-major).`);
  }
  if (!Array.isArray(unitNames) || !Array.isArray(periods)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${what}.unitNames and ${what}.periods must be arrays.`);
  }
  const n = unitNames.length;
  const t = periods.length;
  if (y.length !== n * t) {
    throw new TrueliftError(
      "E_LENGTH_MISMATCH",
      `${what}.y has ${y.length} entries but ${n} units × ${t} periods need ${n * t}.`,
      { details: { entries: y.length, units: n, periods: t } },
    );
  }
  if (!Number.isInteger(n0) || n0 < 1) {
    throw new TrueliftError(
      "E_SYNTH_NO_DONORS",
      `${what}.n0 is ${n0}: at least one control unit is needed.`,
      {
        details: { n0 },
      },
    );
  }
  if (n0 >= n) {
    throw new TrueliftError(
      "E_CONSTANT_TREATMENT",
      `${what} has no treated unit: n0 = ${n0} of ${n} units are controls.`,
      { details: { n0, units: n } },
    );
  }
  if (!Number.isInteger(t0) || t0 < 2) {
    throw new TrueliftError(
      "E_SYNTH_TOO_FEW_PRE",
      `${what}.t0 is ${t0}: at least two pre-treatment periods are needed.`,
      { details: { t0 } },
    );
  }
  if (t0 >= t) {
    throw new TrueliftError(
      "E_CONSTANT_TREATMENT",
      `${what} has no post-treatment period: t0 = ${t0} of ${t} periods are pre-treatment.`,
      { details: { t0, periods: t } },
    );
  }
  for (let k = 0; k < y.length; k++) {
    if (!Number.isFinite(y[k])) {
      const i = Math.floor(k / t);
      const p = k % t;
      throw new TrueliftError(
        "E_NONFINITE_VALUES",
        `${what}.y is not finite for unit '${unitNames[i]}' in period ${String(periods[p])}.`,
        { details: { unit: unitNames[i], period: periods[p], value: String(y[k]) } },
      );
    }
  }
  return { n, t, n0, t0, n1: n - n0, t1: t - t0 };
}

/**
 * Rows `rows` (in that order) of an N × T row-major matrix as a new matrix.
 *
 * @example
 * ```ts
 * import { selectRows } from "truelift";
 * selectRows(Float64Array.from([1, 2, 3, 4]), 2, [1]); // Float64Array [3, 4]
 * ```
 */
export function selectRows(y: Float64Array, t: number, rows: readonly number[]): Float64Array {
  const out = new Float64Array(rows.length * t);
  for (let r = 0; r < rows.length; r++) out.set(y.subarray(rows[r] * t, rows[r] * t + t), r * t);
  return out;
}
