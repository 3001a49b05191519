import type { CellFrame } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import { validateColumns } from "../../core/validate.js";
import { type RddCellsInfo, rddCellRequest } from "./cells.js";
import { clusterRanks } from "./cluster-ranks.js";
import { finishLayout, type RddLayout, type RddUnitColumn, rddColumnRequirements } from "./layout.js";
import type { ValidRddSpec } from "./spec.js";

const EPS = 2.220446049250313e-16;

function unsupported(message: string, details: Record<string, unknown>): never {
  throw new TrueliftError("E_UNSUPPORTED_COMPRESSED", message, { details });
}

/** A measure's cell means and within-cell sums of squares, and whether every kept cell is a 0/1 cell. */
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
 * The RD layout straight from compressed cells ({@link rddCellRequest}): one unit per cell with its count, the
 * outcome's cell mean and within-cell Σ(y − ȳ)², take-up and cluster (cell keys) — what {@link layoutRdd} builds
 * from rows, with the same validation, drop counts and errors. Memory is O(cells): no row is rebuilt.
 *
 * Errors: those of `layoutRdd`, `E_BAD_FREQUENCY` for a count that is not a positive integer, and
 * `E_UNSUPPORTED_COMPRESSED` when a cell with a running value holds a missing outcome or covariate (which of its
 * rows to drop is unknown), or when the spec bootstraps an outcome that is not 0/1 (a row bootstrap needs rows).
 *
 * @example
 * ```ts
 * import { compressFrameToCells, layoutRddCells, parseRddSpec, rddCellRequest } from "truelift";
 * const s = parseRddSpec({ outcome: "y", running: "x", cutoff: 0 });
 * layoutRddCells(compressFrameToCells(frame, rddCellRequest(s, {})), s).layout.rows; // frame.nrows
 * ```
 */
export function layoutRddCells(cells: CellFrame, s: ValidRddSpec): { layout: RddLayout; info: RddCellsInfo } {
  const request = rddCellRequest(s, {});
  validateColumns(cells.frame, rddColumnRequirements(s));
  const count = cells.frame.numeric(cells.count);
  const nc = count.length;
  const xs = cells.frame.numeric(s.running);
  const ts = s.treatment ? cells.frame.numeric(s.treatment) : null;
  const cl = s.cluster ? clusterRanks(cells.frame, s.cluster) : null;
  const seen = new Uint8Array(nc);
  const live = new Uint8Array(nc);
  const reasons: Record<string, number> = {};
  const bump = (k: string, n: number) => {
    reasons[k] = (reasons[k] ?? 0) + n;
  };
  let total = 0;
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
    total += n;
    seen[c] = Number.isNaN(xs[c]) ? 0 : 1;
    live[c] = seen[c] && !(ts && Number.isNaN(ts[c])) && !(cl && cl[c] < 0) ? 1 : 0;
  }
  const measures = request.measures.map((m) => measureCells(cells, m, count, seen, live));
  const ys = measures[0].mean;
  for (const [name, v] of [
    [s.running, xs],
    [s.outcome, ys],
  ] as const) {
    for (let c = 0, row = 0; c < nc; row += count[c], c++) {
      if (v[c] === Infinity || v[c] === -Infinity) {
        throw new TrueliftError(
          "E_NONFINITE_VALUES",
          `Column '${name}' has an infinite value (row ${row + 1}).`,
          {
            details: { column: name, row: row + 1 },
          },
        );
      }
    }
  }
  if (s.bootstrap && !measures[0].binary) {
    unsupported(
      `The bootstrap resamples rows, and '${s.outcome}' is not a 0/1 column: its rows cannot be rebuilt from the cells' counts, means and sums of squares.`,
      { column: s.outcome, part: "bootstrap" },
    );
  }
  const keep: number[] = [];
  for (let c = 0; c < nc; c++) {
    if (!seen[c]) bump(`missing ${s.running}`, count[c]);
    else if (ts && Number.isNaN(ts[c])) bump(`missing ${s.treatment}`, count[c]);
    else if (cl && cl[c] < 0) bump(`missing ${s.cluster}`, count[c]);
    else keep.push(c);
  }
  if (keep.length === 0) {
    throw new TrueliftError(
      "E_EMPTY_DATA",
      "No row has all of the running variable, outcome (and treatment) present.",
      {
        details: { dropped: reasons },
      },
    );
  }
  const units = measures[0].binary
    ? binaryUnits(keep, count, ys)
    : { cell: keep, n: keep.map((c) => count[c]), y: keep.map((c) => ys[c]), first: keep.map(() => true) };
  // Units sorted as the row path sorts its merged rows: by x, then outcome (a 0/1 cell split into its zeros and
  // its ones), then take-up, then cluster; a 0/1 outcome's units are then the row path's units.
  const idx = units.cell.map((_, i) => i);
  idx.sort(
    (a, b) =>
      xs[units.cell[a]] - xs[units.cell[b]] ||
      units.y[a] - units.y[b] ||
      (ts ? ts[units.cell[a]] - ts[units.cell[b]] : 0) ||
      (cl ? cl[units.cell[a]] - cl[units.cell[b]] : 0) ||
      units.cell[a] - units.cell[b] ||
      a - b,
  );
  const order = Int32Array.from(idx, (i) => units.cell[i]);
  const pick = (v: Float64Array) => Float64Array.from(order, (c) => v[c]);
  const n = Float64Array.from(idx, (i) => units.n[i]);
  let rows = 0;
  for (let i = 0; i < n.length; i++) rows += n[i];
  // A cell's within-cell spread goes to its first unit (a split 0/1 cell shares its covariate means).
  const spread = (v: Float64Array) => Float64Array.from(idx, (i) => (units.first[i] ? v[units.cell[i]] : 0));
  const ss = measures[0].binary ? null : spread(measures[0].ss);
  const covariates: Record<string, RddUnitColumn> = {};
  for (const name of s.covariates ?? []) {
    const j = request.measures.indexOf(name);
    // A covariate that is also a key is constant within each cell.
    covariates[name] =
      j < 0
        ? { mean: pick(cells.frame.numeric(name)), ss: null }
        : { mean: pick(measures[j].mean), ss: spread(measures[j].ss) };
  }
  const layout = finishLayout(s, {
    units: {
      x: pick(xs),
      n,
      y: Float64Array.from(idx, (i) => units.y[i]),
      ss: ss?.some((v) => v > 0) ? ss : null,
      t: ts ? pick(ts) : null,
    },
    cluster: cl ? Int32Array.from(order, (c) => cl[c]) : null,
    order,
    rows,
    dropped: total - rows,
    droppedReasons: reasons,
    covariates,
  });
  const rebuilt: Record<string, "exact" | "moments"> = {};
  request.measures.forEach((m, j) => {
    rebuilt[m] = measures[j].binary ? "exact" : "moments";
  });
  return {
    layout,
    info: { cells: nc, rows: total, keys: request.keys, measures: request.measures, rebuilt, rowDetail: [] },
  };
}

/** The kept cells of a 0/1 outcome as units of one outcome value: each cell's zeros, then its ones. */
function binaryUnits(
  keep: readonly number[],
  count: Float64Array,
  ys: Float64Array,
): { cell: number[]; n: number[]; y: number[]; first: boolean[] } {
  const cell: number[] = [];
  const n: number[] = [];
  const y: number[] = [];
  const first: boolean[] = [];
  for (const c of keep) {
    const ones = Math.round(count[c] * ys[c]);
    const parts: [number, number][] = [
      [count[c] - ones, 0],
      [ones, 1],
    ];
    let head = true;
    for (const [k, v] of parts) {
      if (k === 0) continue;
      cell.push(c);
      n.push(k);
      y.push(v);
      first.push(head);
      head = false;
    }
  }
  return { cell, n, y, first };
}
