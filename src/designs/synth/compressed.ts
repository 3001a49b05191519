import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import type { DeepReadonly } from "../../core/result.js";
import { validateColumns } from "../../core/validate.js";
import { type SynthBootstrapAtoms, synthAtomBuilder, synthBootstrapColumns } from "./bootstrap.js";
import { type SynthResult, synthEstimate } from "./estimate.js";
import { type SynthCells, synthCellsFromEntries, synthColumnRequirements, synthUnitKeys } from "./panel.js";
import { parseSynthSpec, type SynthSpec, type ValidSynthSpec } from "./spec.js";
import {
  checkSynthSpec,
  type SynthCompressedInfo,
  synthPredictorRequirements,
  synthPrepareFrom,
} from "./stage-prepare.js";

/**
 * The one `GROUP BY` synthetic control needs (design.md §3a): keys unit × time — the panel averages the outcome
 * per unit × period — with the outcome and the ADH predictor columns as measures. Two options need more than
 * cell means, and key the cells finer instead:
 *
 * - `bootstrap`: the outcome and the predictor columns become keys (no measures), so every cell holds rows of one
 *   value: the resampled rows (or users) are rebuilt exactly — with a 0/1 outcome the cells are the rows up to
 *   order (at most 2 × units × periods of them).
 * - `user`: the user column becomes a key too, so a user's profile (per cell, the sum and count of each column)
 *   is rebuilt from (cell, user, value) counts; exact for integer-valued columns (see {@link synthFromCells}).
 *
 * Checks the spec first (`E_INVALID_SPEC` on a customV without predictors, as the row path).
 *
 * @example
 * ```ts
 * import { parseSynthSpec, synthCellRequest } from "truelift";
 * synthCellRequest(parseSynthSpec({ outcome: "y", unit: "ws", time: "week", treated: [0], treatmentStart: 20 }), {});
 * // { keys: ["ws", "week"], measures: ["y"] }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function synthCellRequest(spec: ValidSynthSpec, _kinds: ColumnKinds): CellRequest {
  checkSynthSpec(spec);
  const columns = synthBootstrapColumns(spec.outcome, spec.predictors);
  const boot = spec.bootstrap !== undefined && spec.bootstrap !== false;
  const keys = unique([spec.unit, spec.time, ...(spec.user === undefined ? [] : [spec.user])]);
  if (boot) return { keys: unique([...keys, ...columns]), measures: [] };
  return { keys, measures: columns.filter((c) => !keys.includes(c)) };
}

/**
 * Synthetic control from compressed cells (the {@link synthCellRequest} groups): the unit × period panel is
 * Σ count · mean / Σ count per unit × period (a cell's own mean when one cell fills it — the row path's mean
 * bit for bit), the predictors average the cells' means of their columns the same way, and the bootstrap atoms
 * come from the keyed outcome (and predictor) values and their counts; every stage after that is the row path's
 * own code ({@link synthEstimate}). Checks the cells as the row path checks the rows (same error codes), and the
 * count column (`E_BAD_FREQUENCY`).
 *
 * Refuses with `E_UNSUPPORTED_COMPRESSED` what the cells cannot reproduce: a predictor column missing in part of
 * an analysis cell (the row path averages its non-missing rows; the cell mean is NaN), and a user-level bootstrap
 * of a non-integer column (a user's sum rebuilt as count × value is not the rows' sum bit for bit, so users
 * with equal profiles could split).
 *
 * @example
 * ```ts
 * import { compressFrameToCells, parseSynthSpec, synthCellRequest, synthFromCells } from "truelift";
 * const s = parseSynthSpec(spec);
 * const res = synthFromCells(compressFrameToCells(frame, synthCellRequest(s, {})), s);
 * res.n.cells; // 1,500 cells for the tutorial's 50,000 rows
 * ```
 */
export function synthFromCells(
  cells: CellFrame,
  spec: SynthSpec,
  options: { readonly onProgress?: ProgressCallback } = {},
): DeepReadonly<SynthResult> {
  const s = parseSynthSpec(spec);
  const request = synthCellRequest(s, {});
  const f = cells.frame;
  for (const name of [...request.keys, ...request.measures]) f.column(name); // E_COLUMN_MISSING
  validateColumns(f, synthPredictorRequirements(s));
  validateColumns(f, synthColumnRequirements(s));
  const count = cellCounts(cells);
  const sc = synthCellsFromEntries(
    { units: synthUnitKeys(f, s.unit), time: f.numeric(s.time), y: f.numeric(s.outcome), count },
    s,
  );
  const columns = synthBootstrapColumns(s.outcome, s.predictors);
  const means = new Map<string, Float64Array>();
  for (const column of columns.slice(1)) means.set(column, cellMeans(f, sc, count, column, request));
  const boot = s.bootstrap !== undefined && s.bootstrap !== false;
  const rowDetail: { part: string; reason: string }[] = [];
  if (boot) {
    rowDetail.push({
      part: "bootstrap",
      reason: `the cells are keyed by ${columns.join(", ")} too, so the resampled ${s.user === undefined ? "rows" : "users"} are rebuilt from their values and counts`,
    });
  }
  if (s.user !== undefined) {
    rowDetail.push({ part: "user", reason: `the cells are keyed by the user column '${s.user}' too` });
  }
  const compressed: SynthCompressedInfo = {
    cells: f.nrows,
    rows: cells.rowsScanned,
    keys: request.keys,
    measures: request.measures,
    rowDetail,
  };
  const prep = synthPrepareFrom(s, {
    cells: sc,
    meansOf: (column) => means.get(column) ?? cellMeans(f, sc, count, column, request),
    atoms: (cols) => cellAtoms(cells, sc, count, cols, s, request),
    rows: cells.rowsScanned,
    compressed,
  });
  return synthEstimate(prep, options);
}

/**
 * Whether `synth` can take the compressed path on these rows and get the row path's result: always, except
 * a predictor column with missing values (without a bootstrap, whose cells average it) and a user-level bootstrap
 * of a non-integer outcome or predictor column; an infinite value, or any spec or column problem, also answers
 * false, so the row path raises its own error.
 *
 * @example
 * ```ts
 * import { synthCompressible } from "truelift";
 * synthCompressible(frame, spec); // true for the tutorial spec, with or without the bootstrap
 * ```
 */
export function synthCompressible(frame: Frame, spec: SynthSpec): boolean {
  try {
    const s = parseSynthSpec(spec);
    checkSynthSpec(s);
    const columns = synthBootstrapColumns(s.outcome, s.predictors);
    const boot = s.bootstrap !== undefined && s.bootstrap !== false;
    // ±Infinity: the row path's E_NONFINITE_VALUES (a cell mean of +∞ and −∞ would be NaN).
    for (const c of columns)
      if (!frame.numeric(c).every((v) => Number.isFinite(v) || Number.isNaN(v))) return false;
    if (!boot) return columns.slice(1).every((c) => !frame.numeric(c).some(Number.isNaN));
    if (s.user === undefined) return true;
    return columns.every((c) => frame.numeric(c).every((v) => Number.isNaN(v) || Number.isInteger(v)));
  } catch {
    return false;
  }
}

/**
 * The column kinds of a frame (text for dictionary-encoded columns, numeric otherwise), for a design's
 * {@link CellRequest}.
 *
 * @example
 * ```ts
 * import { Frame, synthFrameKinds } from "truelift";
 * synthFrameKinds(Frame.fromObject({ u: ["a"], y: [1] })); // { u: "text", y: "numeric" }
 * ```
 */
export function synthFrameKinds(frame: Frame): ColumnKinds {
  const out: Record<string, "numeric" | "text"> = {};
  for (const name of frame.names) out[name] = frame.column(name).kind === "str" ? "text" : "numeric";
  return out;
}

function unsupported(message: string, details: Record<string, unknown>): never {
  throw new TrueliftError("E_UNSUPPORTED_COMPRESSED", message, { details });
}

function cellCounts(cells: CellFrame): Float64Array {
  const count = cells.frame.numeric(cells.count);
  for (let i = 0; i < count.length; i++) {
    const n = count[i];
    if (!(Number.isInteger(n) && n > 0)) {
      throw new TrueliftError(
        "E_BAD_FREQUENCY",
        `Cell ${i + 1} has count ${n}; a compressed cell's count is a positive whole number of rows.`,
        { details: { column: cells.count, row: i, value: String(n) } },
      );
    }
  }
  return count;
}

/**
 * Cell means (u·T + t, NaN when empty) of another column, as the row path's `frameCellMeans`: over the entries of
 * each analysis cell, Σ count · value / Σ count of the non-missing ones (a keyed value is exact; a cell mean is the
 * rows' own mean, and NaN when any row was missing — refused, as the cells cannot tell how many).
 */
function cellMeans(
  f: Frame,
  sc: SynthCells,
  count: Float64Array,
  column: string,
  request: CellRequest,
): Float64Array {
  const v = f.numeric(column);
  const keyed = request.keys.includes(column);
  const size = sc.means.length;
  const sums = new Float64Array(size);
  const counts = new Float64Array(size);
  const single = new Float64Array(size);
  const entries = new Int32Array(size);
  for (let i = 0; i < v.length; i++) {
    const c = sc.rowCell[i];
    if (c < 0) continue;
    if (Number.isNaN(v[i])) {
      if (keyed) continue;
      unsupported(
        `Column '${column}' is missing in some rows of a unit × period cell: the cell mean is undefined, and the rows the row path averages are unknown from the cells.`,
        { column },
      );
    }
    sums[c] += count[i] * v[i];
    counts[c] += count[i];
    single[c] = v[i];
    entries[c]++;
  }
  const out = new Float64Array(size);
  for (let c = 0; c < size; c++) {
    out[c] = entries[c] === 0 ? Number.NaN : entries[c] === 1 ? single[c] : sums[c] / counts[c];
  }
  return out;
}

/**
 * The bootstrap atoms from cells keyed by the bootstrap columns (and the user): each cell is `count` rows of its
 * key values — one atom per cell without a user column; with one, each user's profile sums count × value per
 * analysis cell (exact for integer values only).
 */
function cellAtoms(
  cells: CellFrame,
  sc: SynthCells,
  count: Float64Array,
  columns: readonly string[],
  s: ValidSynthSpec,
  request: CellRequest,
): SynthBootstrapAtoms {
  const f = cells.frame;
  const missing = columns.filter((c) => !request.keys.includes(c));
  if (missing.length > 0) {
    unsupported(
      `The bootstrap needs the cells keyed by ${missing.join(", ")}; these cells hold only their means.`,
      { columns: missing },
    );
  }
  const values = columns.map((c) => f.numeric(c));
  const nCols = columns.length;
  const stats = (i: number, w: number): Float64Array => {
    const st = new Float64Array(2 * nCols);
    for (let k = 0; k < nCols; k++) {
      const v = values[k][i];
      if (!Number.isNaN(v)) {
        st[2 * k] = w * v;
        st[2 * k + 1] = w;
      }
    }
    return st;
  };
  const builder = synthAtomBuilder(columns);
  const n = f.nrows;
  if (s.user === undefined) {
    for (let i = 0; i < n; i++) {
      const c = sc.rowCell[i];
      builder.add(c < 0 ? [] : [[c, stats(i, 1)]], count[i]);
    }
    return builder.atoms();
  }
  columns.forEach((column, k) => {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = values[k][i];
      if (Number.isNaN(v)) continue;
      if (!Number.isInteger(v)) {
        unsupported(
          `The user-level bootstrap sums each user's rows of '${column}', and '${column}' holds non-integer values (e.g. ${v}): rebuilt from the cells as count × value, a user's sum need not equal the rows' sum bit for bit.`,
          { column, value: v },
        );
      }
      total += Math.abs(v) * count[i];
    }
    if (total > Number.MAX_SAFE_INTEGER) {
      unsupported(`The sums of '${column}' exceed 2^53: they are not exact in floating point.`, { column });
    }
  });
  const col = f.column(s.user);
  const userIds = new Map<string | number, Map<number, Float64Array>>();
  for (let i = 0; i < n; i++) {
    const key = col.kind === "str" ? col.levels[col.codes[i]] : col.values[i];
    let prof = userIds.get(key);
    if (prof === undefined) {
      prof = new Map();
      userIds.set(key, prof);
    }
    const c = sc.rowCell[i];
    if (c < 0) continue;
    const add = stats(i, count[i]);
    const st = prof.get(c);
    if (st === undefined) prof.set(c, add);
    else for (let k = 0; k < 2 * nCols; k++) st[k] += add[k];
  }
  for (const prof of userIds.values()) builder.add([...prof.entries()], 1);
  return builder.atoms();
}

function unique(xs: readonly string[]): string[] {
  return [...new Set(xs)];
}
