import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { groupCodes } from "../../core/group-codes.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import { checkRddScale } from "./scale.js";
import { type RddSideData, splitSides } from "./side.js";
import type { RddTreatedSide, ValidRddSpec } from "./spec.js";

/** The validated, sorted data of an RD analysis and how many rows were dropped. */
export interface RddLayout {
  readonly outcome: string;
  readonly running: string;
  readonly cutoff: number;
  readonly treated: RddTreatedSide;
  /** Running variable, outcome, take-up (or null) and cluster codes (or null), sorted by the running variable. */
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly t: Float64Array | null;
  readonly cluster: Int32Array | null;
  /** Original row index of each sorted row. */
  readonly order: Int32Array;
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
 * (as rdrobust does, and counted), sorts by the running variable (stable) and splits at the cutoff.
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
  const cl = s.cluster ? groupCodes(frame, s.cluster, null).codes : null;
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
  // Ties in x are ordered by outcome, then take-up, then row: the order the compressed path rebuilds its rows in
  // (rdd/cells.ts), so a row bootstrap draws the same rows on both paths.
  keep.sort((a, b) => xs[a] - xs[b] || ys[a] - ys[b] || (ts ? ts[a] - ts[b] : 0) || a - b);
  const order = Int32Array.from(keep);
  const n = order.length;
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const t = ts ? new Float64Array(n) : null;
  const c = cl ? new Int32Array(n) : null;
  for (let i = 0; i < n; i++) {
    x[i] = xs[order[i]];
    y[i] = ys[order[i]];
    if (t && ts) t[i] = ts[order[i]];
    if (c && cl) c[i] = cl[order[i]];
  }
  if (!(s.cutoff > x[0] && s.cutoff < x[n - 1])) {
    throw new TrueliftError(
      "E_RDD_CUTOFF_OUT_OF_RANGE",
      `The cutoff ${s.cutoff} is not inside the range of '${s.running}' [${x[0]}, ${x[n - 1]}]: one side of the threshold has no data.`,
      { details: { cutoff: s.cutoff, min: x[0], max: x[n - 1] } },
    );
  }
  const { left, right } = splitSides(x, y, t, c, s.cutoff);
  for (const [side, data] of [
    ["below", left],
    ["at or above", right],
  ] as const) {
    const v = data.y;
    let varies = false;
    for (let i = 1; i < v.length && !varies; i++) varies = v[i] !== v[0];
    if (!varies) {
      throw new TrueliftError(
        "E_OUTCOME_CONSTANT",
        `Outcome '${s.outcome}' is ${v[0]} in every row ${side} the cutoff ${s.cutoff} (${v.length} rows): the local fit on that side has no variation, so the jump's standard error would be meaningless.`,
        {
          details: {
            outcome: s.outcome,
            side: side === "below" ? "left" : "right",
            value: v[0],
            rows: v.length,
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
    x,
    y,
    t,
    cluster: c,
    order,
    left,
    right,
    clusters,
    dropped: frame.nrows - n,
    droppedReasons: reasons,
  };
}

/** The values of a numeric column in the layout's sorted row order (NaN where missing). */
export function sortedColumn(frame: Frame, layout: RddLayout, name: string): Float64Array {
  const v = frame.numeric(name);
  const out = new Float64Array(layout.order.length);
  for (let i = 0; i < out.length; i++) out[i] = v[layout.order[i]];
  return out;
}
