import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import { clusterRanks } from "./cluster-ranks.js";
import { checkRddScale } from "./scale.js";
import { type RddSideData, type RddUnits, splitSides } from "./side.js";
import type { RddTreatedSide, ValidRddSpec } from "./spec.js";

/**
 * A numeric column per unit of a layout: its mean and within-unit Σ(v − v̄)² (null: constant in every unit) over
 * the unit's rows where it is present (`n`; null: all of them).
 */
export interface RddUnitColumn {
  readonly mean: Float64Array;
  readonly ss: Float64Array | null;
  readonly n?: Float64Array | null;
}

/**
 * The validated, sorted data of an RD analysis and how many rows were dropped: {@link RddUnits} (rows with count 1,
 * or compressed cells with their counts) sorted by the running variable, with cluster codes per unit.
 */
export interface RddLayout extends RddUnits {
  readonly outcome: string;
  readonly running: string;
  readonly cutoff: number;
  readonly treated: RddTreatedSide;
  readonly cluster: Int32Array | null;
  /** Source index of each sorted unit (the row of the frame, or the cell of the cell frame). */
  readonly order: Int32Array;
  /** Rows the units hold (Σ n). */
  readonly rows: number;
  /** The covariates (spec `covariates`) per unit. */
  readonly covariates: Readonly<Record<string, RddUnitColumn>>;
  readonly left: RddSideData;
  readonly right: RddSideData;
  readonly clusters: number | null;
  /** Rows dropped for a missing value in a column the analysis uses. */
  readonly dropped: number;
  readonly droppedReasons: Readonly<Record<string, number>>;
}

/**
 * The columns an RD analysis reads and their kinds (missing values allowed: such rows are dropped and counted):
 * running variable, outcome, take-up, cluster and covariates.
 *
 * @example
 * ```ts
 * import { parseRddSpec, rddColumnRequirements } from "truelift";
 * rddColumnRequirements(parseRddSpec({ outcome: "y", running: "x", cutoff: 0 })).length; // 2
 * ```
 */
export function rddColumnRequirements(s: ValidRddSpec): ColumnRequirement[] {
  const reqs: ColumnRequirement[] = [
    { column: s.running, kind: "numeric", allowMissing: true },
    { column: s.outcome, kind: "numeric", allowMissing: true },
  ];
  if (s.treatment) reqs.push({ column: s.treatment, kind: "numeric", allowMissing: true });
  if (s.cluster) reqs.push({ column: s.cluster, kind: "any", allowMissing: true });
  for (const c of s.covariates ?? []) reqs.push({ column: c, kind: "numeric", allowMissing: true });
  return reqs;
}

/**
 * Validates the columns an RD analysis uses (before any computation), drops rows with a missing value in them
 * (as rdrobust does, and counted), sorts by the running variable, outcome, take-up and cluster, merges identical
 * rows into one unit with a count (the units every RD statistic reads, as it reads compressed cells:
 * {@link layoutRddCells}) and splits at the cutoff.
 *
 * Errors: `E_COLUMN_MISSING` / `E_COLUMN_TYPE` (validateColumns), `E_NONFINITE_VALUES` for ±Infinity,
 * `E_EMPTY_DATA` when no complete rows remain, `E_RDD_CUTOFF_OUT_OF_RANGE` when the cutoff is not strictly
 * inside the range of the running variable.
 *
 * @example
 * ```ts
 * import { Frame, layoutRdd, parseRddSpec } from "truelift";
 * const f = Frame.fromObject({ x: [-2, -1, 1, 2], y: [0, 1, 3, 4] });
 * layoutRdd(f, parseRddSpec({ outcome: "y", running: "x", cutoff: 0 })).left.x; // [-2, -1]
 * ```
 */
export function layoutRdd(frame: Frame, s: ValidRddSpec): RddLayout {
  validateColumns(frame, rddColumnRequirements(s));

  const xs = frame.numeric(s.running);
  const ys = frame.numeric(s.outcome);
  const ts = s.treatment ? frame.numeric(s.treatment) : null;
  const cl = s.cluster ? clusterRanks(frame, s.cluster) : null;
  for (const [name, v] of [
    [s.running, xs],
    [s.outcome, ys],
  ] as const) {
    for (let i = 0; i < v.length; i++) {
      if (v[i] === Infinity || v[i] === -Infinity) {
        throw new TrueliftError(
          "E_NONFINITE_VALUES",
          `Column '${name}' has an infinite value (row ${i + 1}).`,
          {
            details: { column: name, row: i + 1 },
          },
        );
      }
    }
  }
  const keep: number[] = [];
  const reasons: Record<string, number> = {};
  const bump = (k: string) => {
    reasons[k] = (reasons[k] ?? 0) + 1;
  };
  for (let i = 0; i < frame.nrows; i++) {
    if (Number.isNaN(xs[i])) bump(`missing ${s.running}`);
    else if (Number.isNaN(ys[i])) bump(`missing ${s.outcome}`);
    else if (ts && Number.isNaN(ts[i])) bump(`missing ${s.treatment}`);
    else if (cl && cl[i] < 0) bump(`missing ${s.cluster}`);
    else keep.push(i);
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
  // Rows sorted by x, outcome, take-up, cluster (the order the compressed path sorts its cells' units in, so a
  // row bootstrap draws the same rows on both paths), then identical rows merged into one unit with a count.
  const cmp = (a: number, b: number) =>
    xs[a] - xs[b] || ys[a] - ys[b] || (ts ? ts[a] - ts[b] : 0) || (cl ? cl[a] - cl[b] : 0);
  keep.sort((a, b) => cmp(a, b) || a - b);
  const starts: number[] = [];
  for (let i = 0; i < keep.length; i++) if (i === 0 || cmp(keep[i - 1], keep[i]) !== 0) starts.push(i);
  starts.push(keep.length);
  const m = starts.length - 1;
  const order = Int32Array.from({ length: m }, (_, u) => keep[starts[u]]);
  const n = Float64Array.from({ length: m }, (_, u) => starts[u + 1] - starts[u]);
  const x = Float64Array.from(order, (i) => xs[i]);
  const y = Float64Array.from(order, (i) => ys[i]);
  const t = ts ? Float64Array.from(order, (i) => ts[i]) : null;
  const c = cl ? Int32Array.from(order, (i) => cl[i]) : null;
  const covariates: Record<string, RddUnitColumn> = {};
  for (const name of s.covariates ?? []) covariates[name] = unitColumn(frame.numeric(name), keep, starts);
  return finishLayout(s, {
    units: { x, n, y, ss: null, t },
    cluster: c,
    order,
    rows: keep.length,
    dropped: frame.nrows - keep.length,
    droppedReasons: reasons,
    covariates,
  });
}

/** A column over merged rows: per unit the rows where it is present, their mean and Σ(v − v̄)² (two-pass). */
function unitColumn(v: Float64Array, keep: readonly number[], starts: readonly number[]): RddUnitColumn {
  const m = starts.length - 1;
  const mean = new Float64Array(m);
  const n = new Float64Array(m);
  const ss = new Float64Array(m);
  let spread = false;
  let partial = false;
  for (let u = 0; u < m; u++) {
    let k = 0;
    let sum = 0;
    for (let j = starts[u]; j < starts[u + 1]; j++) {
      const a = v[keep[j]];
      if (Number.isNaN(a)) continue;
      k++;
      sum += a;
    }
    n[u] = k;
    if (k < starts[u + 1] - starts[u]) partial = true;
    mean[u] = k === 0 ? Number.NaN : sum / k;
    let q = 0;
    for (let j = starts[u]; j < starts[u + 1]; j++) {
      const a = v[keep[j]];
      if (!Number.isNaN(a)) q += (a - mean[u]) ** 2;
    }
    ss[u] = q;
    if (q > 0) spread = true;
  }
  return { mean, ss: spread ? ss : null, n: partial ? n : null };
}

/** Sorted, complete units before the checks that need both sides ({@link finishLayout}). */
export interface RddLayoutInput {
  readonly units: RddUnits;
  readonly cluster: Int32Array | null;
  readonly order: Int32Array;
  readonly rows: number;
  readonly dropped: number;
  readonly droppedReasons: Readonly<Record<string, number>>;
  readonly covariates: Readonly<Record<string, RddUnitColumn>>;
}

/**
 * The checks every RD layout shares once its units are sorted and complete (rows or cells): the cutoff strictly
 * inside the running variable's range, an outcome that varies on each side, a usable scale; then the split.
 *
 * Errors: `E_RDD_CUTOFF_OUT_OF_RANGE`, `E_OUTCOME_CONSTANT`, `E_RDD_DEGENERATE_SCALE`.
 *
 * @example
 * ```ts
 * import { finishLayout, parseRddSpec } from "truelift";
 * const one = Float64Array.of(1, 1, 1, 1);
 * const units = { x: Float64Array.of(-2, -1, 1, 2), n: one, y: Float64Array.of(0, 1, 3, 4), ss: null, t: null };
 * finishLayout(parseRddSpec({ outcome: "y", running: "x", cutoff: 0 }), {
 *   units, cluster: null, order: Int32Array.of(0, 1, 2, 3), rows: 4, dropped: 0, droppedReasons: {}, covariates: {},
 * }).left.rows; // 2
 * ```
 */
export function finishLayout(s: ValidRddSpec, inp: RddLayoutInput): RddLayout {
  const { units, cluster: c } = inp;
  const { x } = units;
  const n = x.length;
  if (!(s.cutoff > x[0] && s.cutoff < x[n - 1])) {
    throw new TrueliftError(
      "E_RDD_CUTOFF_OUT_OF_RANGE",
      `The cutoff ${s.cutoff} is not inside the range of '${s.running}' [${x[0]}, ${x[n - 1]}]: one side of the threshold has no data.`,
      { details: { cutoff: s.cutoff, min: x[0], max: x[n - 1] } },
    );
  }
  const { left, right } = splitSides(units, c, s.cutoff);
  for (const [side, data] of [
    ["below", left],
    ["at or above", right],
  ] as const) {
    const v = data.y;
    let varies = false;
    for (let i = 1; i < v.length && !varies; i++) varies = v[i] !== v[0];
    if (data.ss) for (let i = 0; i < v.length && !varies; i++) varies = data.ss[i] > 0;
    if (!varies) {
      throw new TrueliftError(
        "E_OUTCOME_CONSTANT",
        `Outcome '${s.outcome}' is ${v[0]} in every row ${side} the cutoff ${s.cutoff} (${data.rows} rows): the local fit on that side has no variation, so the jump's standard error would be meaningless.`,
        {
          details: {
            outcome: s.outcome,
            side: side === "below" ? "left" : "right",
            value: v[0],
            rows: data.rows,
          },
          hint: "Check the outcome column (and any filter): an RD needs the outcome to vary on both sides of the cutoff.",
        },
      );
    }
  }
  checkRddScale(x, s.cutoff, [left.y, right.y], s.running, s.outcome);
  const clusters = c ? new Set(c).size : null;
  return {
    outcome: s.outcome,
    running: s.running,
    cutoff: s.cutoff,
    treated: s.treated ?? "above",
    ...units,
    cluster: c,
    order: inp.order,
    rows: inp.rows,
    covariates: inp.covariates,
    left,
    right,
    clusters,
    dropped: inp.dropped,
    droppedReasons: inp.droppedReasons,
  };
}

/** The values of a numeric column in the layout's sorted row order (NaN where missing). */
export function sortedColumn(frame: Frame, layout: RddLayout, name: string): Float64Array {
  const v = frame.numeric(name);
  const out = new Float64Array(layout.order.length); // one per unit: rows on the row path
  for (let i = 0; i < out.length; i++) out[i] = v[layout.order[i]];
  return out;
}
