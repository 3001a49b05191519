import { type CellFrame, type CellRequest, type ColumnKinds, comomentKey } from "../../core/cells.js";
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
 * - `rows`: `"exact"` — a 0/1 measure: a cell of n rows with mean s/n *is* s ones and n − s zeros (up to order);
 *   `"moments"` — any other measure: rows with the cell's count, mean and within-cell Σ(x − x̄)² (and the
 *   outcome × take-up co-moment), which is all every RD statistic reads within a running value (the fits, HC,
 *   cluster and nearest-neighbour variances, bandwidth selectors, RD plot, checks); the density test, the bins
 *   and the row counts read only the running variable and the counts.
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
 * shares the kernel weight and the regressors) and the cluster column when clustered; measures = the outcome, the
 * take-up column and the covariates; co-moments when there is a take-up column (the fuzzy variance and the
 * treated-vs-untreated naive contrast read Σ(y − ȳ)(t − t̄) within a cell).
 *
 * @example
 * ```ts
 * import { parseRddSpec, rddCellRequest } from "truelift";
 * rddCellRequest(parseRddSpec({ outcome: "y", running: "x", cutoff: 0, treatment: "d", fuzzy: true }), {});
 * // { keys: ["x"], measures: ["y", "d"], crossProducts: true }
 * ```
 */
export function rddCellRequest(s: ValidRddSpec, _kinds: ColumnKinds): CellRequest {
  const keys = s.cluster ? [s.running, s.cluster] : [s.running];
  const measures = [s.outcome];
  if (s.treatment) measures.push(s.treatment);
  for (const c of s.covariates ?? []) if (!measures.includes(c)) measures.push(c);
  return s.treatment ? { keys, measures, crossProducts: true } : { keys, measures };
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

function measureCells(cells: CellFrame, name: string, count: Float64Array, live: Uint8Array): MeasureCells {
  const mean = cells.frame.numeric(name);
  const ssName = cells.withinSS[name];
  if (ssName === undefined)
    unsupported(`The cells hold no within-cell sum of squares for '${name}'.`, { column: name });
  const ss = Float64Array.from(cells.frame.numeric(ssName));
  let binary = true;
  for (let c = 0; c < mean.length; c++) {
    if (!live[c]) continue;
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
    if (binary) {
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

/** Deviations of n rows from their mean whose Σd = 0 and Σd² = ss (first rows carry them; the rest are 0). */
function spread(n: number, ss: number, out: Float64Array, from: number): void {
  if (n < 2 || ss <= 0) return;
  const d = Math.sqrt(ss / 2);
  out[from] += d;
  out[from + 1] -= d;
}

/**
 * Rebuilds the rows of compressed RD cells as a frame the row-level {@link rdd} reads: each cell becomes `count`
 * rows at its running value (and cluster); 0/1 measures get their exact rows, other measures rows with the cell's
 * mean and within-cell spread (see {@link RddCellsInfo}). Rows of one running value are ordered by outcome, then
 * take-up, as the row path orders ties, so a bootstrap of a 0/1 outcome draws the same rows.
 *
 * Errors: `E_COLUMN_MISSING` / `E_COLUMN_TYPE` as on the rows; `E_UNSUPPORTED_COMPRESSED` when a cell with a
 * running value holds a missing outcome, take-up or covariate (which of its rows to drop is unknown), or when the
 * spec bootstraps a measure that is not 0/1 (a row bootstrap needs the rows).
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
  const clusterCodes = s.cluster ? groupCodes(cells.frame, s.cluster, null).codes : null;
  const live = new Uint8Array(nc);
  let rows = 0;
  for (let c = 0; c < nc; c++) {
    const n = count[c];
    if (!(Number.isInteger(n) && n > 0)) {
      throw new TrueliftError(
        "E_BAD_FREQUENCY",
        `Cell ${c} has count ${n}; a cell's count must be a positive integer.`,
        {
          details: { column: cells.count, row: c, value: String(n) },
        },
      );
    }
    rows += n;
    live[c] = Number.isNaN(xs[c]) || (clusterCodes !== null && clusterCodes[c] < 0) ? 0 : 1;
  }
  const measures = request.measures.map((m) => measureCells(cells, m, count, live));
  const y = measures[0];
  const t = s.treatment ? measures[1] : null;
  if (s.bootstrap && (!y.binary || (s.fuzzy && t && !t.binary))) {
    const col = !y.binary ? s.outcome : s.treatment;
    unsupported(
      `The bootstrap resamples rows, and '${col}' is not a 0/1 column: its rows cannot be rebuilt from the cells' counts, means and sums of squares.`,
      { column: col, part: "bootstrap" },
    );
  }
  const cp =
    t && s.treatment ? cells.frame.numeric(cells.comoment[comomentKey(s.outcome, s.treatment)] ?? "") : null;
  const cellOf = new Int32Array(rows);
  const out = request.measures.map(() => new Float64Array(rows));
  let r = 0;
  for (let c = 0; c < nc; c++) {
    const n = count[c];
    for (let i = 0; i < n; i++) cellOf[r + i] = c;
    measures.forEach((m, j) => {
      for (let i = 0; i < n; i++) out[j][r + i] = m.mean[c];
    });
    if (live[c]) {
      fillPair(n, c, y, t, cp, out[0], t ? out[1] : null, r);
      for (let j = t ? 2 : 1; j < measures.length; j++) fillOne(n, c, measures[j], out[j], r);
    }
    r += n;
  }
  // Rows of one cell in outcome, then take-up order (the row path's order of ties).
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const yo = out[0];
  const to = t ? out[1] : null;
  order.sort((a, b) => cellOf[a] - cellOf[b] || yo[a] - yo[b] || (to ? to[a] - to[b] : 0) || a - b);
  const keys = cells.frame.select(request.keys).take(Int32Array.from(order, (i) => cellOf[i]));
  const columns = new Map<string, Column>();
  for (const k of request.keys) columns.set(k, keys.column(k));
  request.measures.forEach((m, j) => {
    columns.set(m, { kind: "f64", values: Float64Array.from(order, (i) => out[j][i]) });
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

function fillOne(n: number, c: number, m: MeasureCells, out: Float64Array, from: number): void {
  if (m.binary) {
    const s = Math.round(n * m.mean[c]);
    for (let i = 0; i < n; i++) out[from + i] = i < n - s ? 0 : 1;
    return;
  }
  const dev = new Float64Array(n);
  spread(n, m.ss[c], dev, 0);
  for (let i = 0; i < n; i++) out[from + i] = m.mean[c] + dev[i];
}

/**
 * The outcome and take-up rows of one cell with its counts, means, sums of squares and co-moment: exact rows when
 * both are 0/1; the 0/1 one exact and the other's group sums from the co-moment when one is; otherwise rows whose
 * deviations are L·z for the Cholesky factor L of the 2 × 2 scatter and three balanced points z.
 */
function fillPair(
  n: number,
  c: number,
  y: MeasureCells,
  t: MeasureCells | null,
  cp: Float64Array | null,
  oy: Float64Array,
  ot: Float64Array | null,
  from: number,
): void {
  if (!t || !ot || !cp) {
    fillOne(n, c, y, oy, from);
    return;
  }
  const my = y.mean[c];
  const mt = t.mean[c];
  const sxy = cp[c] + n * my * mt; // Σ y·t
  if (y.binary && t.binary) {
    const sy = Math.round(n * my);
    const st = Math.round(n * mt);
    const n11 = Math.round(sxy);
    if (n11 >= 0 && n11 <= Math.min(sy, st) && n11 >= sy + st - n) {
      // Rows in (y, t) order: (0,0), (0,1), (1,0), (1,1).
      const n01 = st - n11;
      const n10 = sy - n11;
      const n00 = n - n01 - n10 - n11;
      let i = from;
      for (const [a, b, k] of [
        [0, 0, n00],
        [0, 1, n01],
        [1, 0, n10],
        [1, 1, n11],
      ]) {
        for (let j = 0; j < k; j++, i++) {
          oy[i] = a;
          ot[i] = b;
        }
      }
      return;
    }
  }
  if (y.binary || t.binary) {
    // The 0/1 column exact; the other column's sum over its ones is Σ(other·binary).
    const [bin, oth, ob, oo] = y.binary ? [y, t, oy, ot] : [t, y, ot, oy];
    const s = Math.round(n * bin.mean[c]);
    const mo = oth.mean[c];
    const g0 = n - s;
    const sum1 = s > 0 ? sxy : 0;
    const m1 = s > 0 ? sum1 / s : mo;
    const m0 = g0 > 0 ? (n * mo - sum1) / g0 : mo;
    const between = s * (m1 - mo) ** 2 + g0 * (m0 - mo) ** 2;
    const rest = Math.max(0, oth.ss[c] - between);
    const dev = new Float64Array(n);
    if (s >= 2) spread(s, rest, dev, g0);
    else if (g0 >= 2) spread(g0, rest, dev, 0);
    for (let i = 0; i < n; i++) {
      ob[from + i] = i < g0 ? 0 : 1;
      oo[from + i] = (i < g0 ? m0 : m1) + dev[i];
    }
    return;
  }
  const syy = y.ss[c];
  const stt = t.ss[c];
  const dy = new Float64Array(n);
  const dt = new Float64Array(n);
  if (n === 2) {
    dy[0] = Math.sqrt(syy / 2);
    dt[0] = (cp[c] < 0 ? -1 : 1) * Math.sqrt(stt / 2);
    dy[1] = -dy[0];
    dt[1] = -dt[0];
  } else if (n >= 3) {
    const l11 = Math.sqrt(syy);
    const l21 = l11 > 0 ? cp[c] / l11 : 0;
    const l22 = Math.sqrt(Math.max(0, stt - l21 * l21));
    const a = Math.sqrt(2 / 3);
    const b = Math.sqrt(1 / 2);
    const z: readonly (readonly [number, number])[] = [
      [a, 0],
      [-a / 2, b],
      [-a / 2, -b],
    ];
    z.forEach(([z0, z1], i) => {
      dy[i] = l11 * z0;
      dt[i] = l21 * z0 + l22 * z1;
    });
  }
  for (let i = 0; i < n; i++) {
    oy[from + i] = my + dy[i];
    ot[from + i] = mt + dt[i];
  }
}

/**
 * Whether `rddDesign.run` can take the compressed path on these rows and get the row path's result: the columns
 * are distinct (a key is never a measure), the outcome, take-up and covariates are finite in every row (a missing
 * value inside a cell would hide which rows the fit drops), and a bootstrap's outcome (fuzzy: and take-up) is 0/1.
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
  if (new Set(names).size !== names.length || (s.treatment !== undefined && s.treatment === s.outcome))
    return false;
  const zeroOne = new Set(
    s.bootstrap ? (s.fuzzy && s.treatment ? [s.outcome, s.treatment] : [s.outcome]) : [],
  );
  for (const m of measures) {
    const v = frame.numeric(m);
    const binary = zeroOne.has(m);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]) || (binary && v[i] !== 0 && v[i] !== 1)) return false;
    }
  }
  return true;
}
