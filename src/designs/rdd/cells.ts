import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import { type Column, Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import { validateColumns } from "../../core/validate.js";
import { rddColumnRequirements } from "./layout.js";
import type { ValidRddSpec } from "./spec.js";

/**
 * How a compressed RD ran ({@link RddResult}'s `cells`): how many cells summarised how many rows, the cell keys
 * and measures, how each measure's rows were rebuilt, and the parts that needed row detail (none: the
 * continuous-outcome bootstrap is refused instead).
 *
 * - `rebuilt`: `"exact"` — a 0/1 measure: a cell of n rows with mean s/n *is* s ones and n − s zeros (up to order);
 *   `"moments"` — any other measure: rows with the cell's count, mean and within-cell Σ(x − x̄)² (and the
 *   take-up, the cell key), which is all every RD statistic reads within a running value (the fits, HC,
 *   cluster and nearest-neighbour variances, bandwidth selectors, RD plot, checks); the density test, the bins
 *   and the row counts read only the running variable and the counts.
 *
 * @example
 * ```ts
 * import { rddDesign } from "truelift";
 * const res = await rddDesign.run(frame, { outcome: "task_completed", running: "query_confidence", cutoff: 0.85 });
 * res.cells; // { cells: 7008, rows: 50000, keys: ["query_confidence"], rebuilt: { task_completed: "exact" }, … }
 * ```
 */
export interface RddCellsInfo {
  readonly cells: number;
  readonly rows: number;
  readonly keys: readonly string[];
  readonly measures: readonly string[];
  readonly rebuilt: Readonly<Record<string, "exact" | "moments">>;
  readonly rowDetail: readonly { readonly part: string; readonly reason: string }[];
}

/**
 * The one `GROUP BY` an RD needs: keys = the running variable (one cell per distinct value, every row of which
 * shares the kernel weight and the regressors), the take-up column when there is one (a 0/1 column at most
 * doubles the cells, and inside a cell take-up is then constant: the fuzzy fits and variances read only the
 * outcome's Σ and Σ(y − ȳ)² per (value, take-up), and the naive treated-vs-untreated contrast needs the outcome's
 * spread *within* each take-up group, which a co-moment cannot split) and the cluster column when clustered;
 * measures = the outcome and the covariates.
 *
 * @example
 * ```ts
 * import { parseRddSpec, rddCellRequest } from "truelift";
 * rddCellRequest(parseRddSpec({ outcome: "y", running: "x", cutoff: 0, treatment: "d", fuzzy: true }), {});
 * // { keys: ["x", "d"], measures: ["y"] }
 * ```
 */
export function rddCellRequest(s: ValidRddSpec, _kinds: ColumnKinds): CellRequest {
  const keys = [s.running];
  if (s.treatment) keys.push(s.treatment);
  if (s.cluster) keys.push(s.cluster);
  const measures = [s.outcome];
  for (const c of s.covariates ?? []) if (!measures.includes(c) && !keys.includes(c)) measures.push(c);
  return { keys, measures };
}

const EPS = 2.220446049250313e-16;

function unsupported(message: string, details: Record<string, unknown>): never {
  throw new TrueliftError("E_UNSUPPORTED_COMPRESSED", message, { details });
}

/** A measure's cell means and within-cell sums of squares, and whether every cell is a 0/1 cell. */
interface MeasureCells {
  readonly mean: Float64Array;
  readonly ss: Float64Array;
  readonly binary: boolean;
}

function measureCells(
  cells: CellFrame,
  name: string,
  count: Float64Array,
  seen: Uint8Array,
  live: Uint8Array,
): MeasureCells {
  const mean = cells.frame.numeric(name);
  const ssName = cells.withinSS[name];
  if (ssName === undefined) {
    unsupported(`The cells hold no within-cell sum of squares for '${name}'.`, { column: name });
  }
  const ss = Float64Array.from(cells.frame.numeric(ssName));
  let binary = true;
  for (let c = 0; c < mean.length; c++) {
    if (!seen[c]) continue;
    const n = count[c];
    const m = mean[c];
    if (m === Infinity || m === -Infinity) {
      // The row path's E_NONFINITE_VALUES: the rebuilt rows keep the infinite mean.
      binary = false;
      ss[c] = 0;
      continue;
    }
    if (Number.isNaN(m) || Number.isNaN(ss[c])) {
      unsupported(
        `Column '${name}' is missing in some of the ${n} rows of one cell: the rows a row-level fit would drop are unknown from the cells.`,
        { column: name, cell: c, rows: n },
      );
    }
    // Identical values whose mean rounded: no spread (the rows are constant).
    if (ss[c] <= n * n * n * (4 * EPS * Math.abs(m)) ** 2) ss[c] = 0;
    if (binary && live[c]) {
      const s = Math.round(n * m);
      binary =
        Math.abs(n * m - s) <= 1e-9 * n &&
        s >= 0 &&
        s <= n &&
        Math.abs(ss[c] - (s * (n - s)) / n) <= 1e-9 * n;
    }
  }
  return { mean, ss, binary };
}

/**
 * Rebuilds the rows of compressed RD cells as a frame the row-level {@link rdd} reads: each cell becomes `count`
 * rows at its keys (running value, take-up, cluster); 0/1 measures get their exact rows, other measures rows with
 * the cell's mean and within-cell spread (see {@link RddCellsInfo}). The row path orders tied running values by
 * outcome, then take-up ({@link layoutRdd}), so a bootstrap of a 0/1 outcome draws the same rows on both paths.
 *
 * Errors: `E_COLUMN_MISSING` / `E_COLUMN_TYPE` as on the rows; `E_UNSUPPORTED_COMPRESSED` when a cell with a
 * running value holds a missing outcome or covariate (which of its rows to drop is unknown), or when the spec
 * bootstraps an outcome that is not 0/1 (a row bootstrap needs the rows).
 *
 * @example
 * ```ts
 * import { compressFrameToCells, parseRddSpec, rddCellRequest, rddCellsToRows } from "truelift";
 * const s = parseRddSpec({ outcome: "y", running: "x", cutoff: 0 });
 * const rows = rddCellsToRows(compressFrameToCells(frame, rddCellRequest(s, {})), s).frame;
 * ```
 */
export function rddCellsToRows(cells: CellFrame, s: ValidRddSpec): { frame: Frame; info: RddCellsInfo } {
  const request = rddCellRequest(s, {});
  validateColumns(cells.frame, rddColumnRequirements(s));
  const count = cells.frame.numeric(cells.count);
  const nc = count.length;
  const xs = cells.frame.numeric(s.running);
  const missingKey = [s.treatment, s.cluster].flatMap((k) =>
    k ? [groupCodes(cells.frame, k, null).codes] : [],
  );
  // seen: the running value is present (a missing value there makes the row path's E_... checks see it);
  // live: the rows are kept (no key missing).
  const seen = new Uint8Array(nc);
  const live = new Uint8Array(nc);
  let rows = 0;
  for (let c = 0; c < nc; c++) {
    const n = count[c];
    if (!(Number.isInteger(n) && n > 0)) {
      throw new TrueliftError(
        "E_BAD_FREQUENCY",
        `Cell ${c} has count ${n}; a cell's count must be a positive integer.`,
        { details: { column: cells.count, row: c, value: String(n) } },
      );
    }
    rows += n;
    seen[c] = Number.isNaN(xs[c]) ? 0 : 1;
    live[c] = seen[c] && missingKey.every((codes) => codes[c] >= 0) ? 1 : 0;
  }
  const measures = request.measures.map((m) => measureCells(cells, m, count, seen, live));
  if (s.bootstrap && !measures[0].binary) {
    unsupported(
      `The bootstrap resamples rows, and '${s.outcome}' is not a 0/1 column: its rows cannot be rebuilt from the cells' counts, means and sums of squares.`,
      { column: s.outcome, part: "bootstrap" },
    );
  }
  const cellOf = new Int32Array(rows);
  const out = request.measures.map(() => new Float64Array(rows));
  let r = 0;
  for (let c = 0; c < nc; c++) {
    const n = count[c];
    cellOf.fill(c, r, r + n);
    measures.forEach((m, j) => {
      if (live[c]) fillOne(n, c, m, out[j], r);
      else out[j].fill(m.mean[c], r, r + n);
    });
    r += n;
  }
  const keys = cells.frame.select(request.keys).take(cellOf);
  const columns = new Map<string, Column>();
  for (const k of request.keys) columns.set(k, keys.column(k));
  request.measures.forEach((m, j) => {
    columns.set(m, { kind: "f64", values: out[j] });
  });
  const rebuilt: Record<string, "exact" | "moments"> = {};
  request.measures.forEach((m, j) => {
    rebuilt[m] = measures[j].binary ? "exact" : "moments";
  });
  return {
    frame: Frame.fromColumns(columns),
    info: { cells: nc, rows, keys: request.keys, measures: request.measures, rebuilt, rowDetail: [] },
  };
}

/** A cell's rows of one measure: s zeros then n − s ones (0/1), or the mean with the cell's spread. */
function fillOne(n: number, c: number, m: MeasureCells, out: Float64Array, from: number): void {
  if (m.binary) {
    const s = Math.round(n * m.mean[c]);
    out.fill(0, from, from + n - s);
    out.fill(1, from + n - s, from + n);
    return;
  }
  const d = n >= 2 && m.ss[c] > 0 ? Math.sqrt(m.ss[c] / 2) : 0;
  out.fill(m.mean[c], from, from + n);
  if (d > 0) {
    out[from] += d;
    out[from + 1] -= d;
  }
}

/**
 * Whether `rddDesign.run` can take the compressed path on these rows and get the row path's result: the columns
 * are distinct (a key is never a measure), the outcome and covariates are finite in every row (a missing value
 * inside a cell would hide which rows the fit drops), and a bootstrap's outcome is 0/1.
 * Column errors are raised here exactly as on the rows.
 *
 * @example
 * ```ts
 * import { Frame, parseRddSpec, rddCellsApply } from "truelift";
 * const f = Frame.fromObject({ x: [-1, 1], y: [0, 1] });
 * rddCellsApply(f, parseRddSpec({ outcome: "y", running: "x", cutoff: 0 })); // true
 * ```
 */
export function rddCellsApply(frame: Frame, s: ValidRddSpec): boolean {
  validateColumns(frame, rddColumnRequirements(s));
  const { keys, measures } = rddCellRequest(s, {});
  const names = [...keys, ...measures];
  if (new Set(names).size !== names.length || (s.covariates ?? []).some((c) => keys.includes(c)))
    return false;
  const zeroOne = new Set(s.bootstrap ? [s.outcome] : []);
  for (const m of measures) {
    const v = frame.numeric(m);
    const binary = zeroOne.has(m);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]) || (binary && v[i] !== 0 && v[i] !== 1)) return false;
    }
  }
  return true;
}
