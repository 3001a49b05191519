import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import { type CovariateColumn, expandCovariates } from "./covariates.js";
import type { PropensityCovariate, ValidPropensitySpec } from "./spec.js";

/**
 * The validated data of a propensity analysis: treatment, outcome and the expanded covariate columns, one entry
 * per unit — a compressed cell of `w` identical rows, or one row (`w` = 1) on the uncompressed path.
 */
export interface PropensityLayout {
  readonly treatment: string;
  readonly outcome: string;
  /** Rows used (the sum of the unit counts). */
  readonly n: number;
  /** Treated (1) and control (0) rows. */
  readonly n1: number;
  readonly n0: number;
  /** Units (length of every per-unit array). */
  readonly units: number;
  /** Rows per unit (frequency counts: positive integers). */
  readonly w: Float64Array;
  /** Treatment 0/1 per unit. */
  readonly t: Float64Array;
  readonly y: Float64Array;
  /** True when the outcome is 0/1 (the E-value then uses the risk ratio). */
  readonly binaryOutcome: boolean;
  /** Propensity-model columns (dummy coded, no intercept). */
  readonly ps: readonly CovariateColumn[];
  /** Outcome-model columns (dummy coded, no intercept). */
  readonly om: readonly CovariateColumn[];
  /** Balance columns: every level of every categorical, numeric columns and interactions. */
  readonly balance: readonly CovariateColumn[];
  /** Frame row of every unit used. */
  readonly rows: Int32Array;
}

/** The spec columns a covariate term uses. */
function termColumns(term: PropensityCovariate): { column: string; kind: ColumnRequirement["kind"] }[] {
  if (typeof term === "string") return [{ column: term, kind: "any" }];
  if ("interaction" in term) return term.interaction.map((c) => ({ column: c, kind: "any" as const }));
  if ("spline" in term) return [{ column: term.spline, kind: "numeric" }];
  return [{ column: term.column, kind: term.kind === "numeric" ? "numeric" : "categorical" }];
}

/**
 * Validates the data for {@link propensity} before any computation and expands the covariates: every column
 * exists, the treatment is 0/1 with both arms present, the outcome is numeric, nothing is missing or infinite,
 * and no single covariate separates the groups (a category level only one group has, or a numeric covariate
 * whose ranges in the two groups do not overlap) — that would make the propensity model's estimate not exist.
 *
 * With `counts` every frame row is a compressed cell of that many identical rows (positive integers; the caller
 * drops empty cells): the layout is the rows' layout, held per cell.
 *
 * Errors: `E_COLUMN_MISSING`, `E_COLUMN_TYPE`, `E_MISSING_VALUES`, `E_NOT_BINARY` (treatment not 0/1),
 * `E_CONSTANT_TREATMENT` (one arm empty), `E_NONFINITE_VALUES`, `E_UNKNOWN_LEVEL`, `E_PERFECT_SEPARATION`
 * (naming the covariate).
 *
 * @example
 * ```ts
 * import { layoutPropensity, parsePropensitySpec } from "truelift";
 * const layout = layoutPropensity(frame, parsePropensitySpec({
 *   treatment: "opt_in_agent_mode", outcome: "task_completed", covariates: ["engagement_tier", "query_confidence"],
 * }));
 * layout.ps.map((c) => c.name); // ["C(engagement_tier)[T.light]", "C(engagement_tier)[T.medium]", "query_confidence"]
 * ```
 */
export function layoutPropensity(
  frame: Frame,
  spec: ValidPropensitySpec,
  counts: Float64Array | null = null,
): PropensityLayout {
  const omTerms = spec.outcomeCovariates ?? spec.covariates;
  const extra = spec.balance?.extra ?? [];
  const reqs: ColumnRequirement[] = [
    { column: spec.treatment, kind: "binary" },
    { column: spec.outcome, kind: "numeric" },
  ];
  for (const term of [...spec.covariates, ...omTerms, ...extra]) {
    for (const c of termColumns(term)) {
      if (!reqs.some((r) => r.column === c.column)) reqs.push(c);
    }
  }
  validateColumns(frame, reqs);
  if (frame.nrows === 0) throw new TrueliftError("E_EMPTY_DATA", "The data have no rows.");
  for (const r of reqs) {
    const col = frame.column(r.column);
    if (col.kind === "str") continue;
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i])) {
        throw new TrueliftError("E_NONFINITE_VALUES", `Column '${r.column}' holds ${v[i]} at row ${i + 1}.`, {
          details: { column: r.column, row: i + 1 },
        });
      }
    }
  }
  const t = Float64Array.from(frame.numeric(spec.treatment));
  const y = Float64Array.from(frame.numeric(spec.outcome));
  const w = counts ? Float64Array.from(counts) : new Float64Array(t.length).fill(1);
  let n1 = 0;
  let n = 0;
  let binaryOutcome = true;
  for (let i = 0; i < t.length; i++) {
    n += w[i];
    n1 += w[i] * t[i];
    if (y[i] !== 0 && y[i] !== 1) binaryOutcome = false;
  }
  if (n1 === 0 || n1 === n) {
    throw new TrueliftError(
      "E_CONSTANT_TREATMENT",
      `Treatment '${spec.treatment}' is ${n1 === 0 ? 0 : 1} in all ${n} rows: there is no ${n1 === 0 ? "opt-in (treated)" : "comparison (untreated)"} group.`,
      { details: { column: spec.treatment, rows: n, treated: n1 } },
    );
  }
  const ps = expandCovariates(frame, spec.covariates, null, counts);
  const om = expandCovariates(frame, omTerms, null, counts);
  const ex = expandCovariates(frame, extra, null, counts);
  const balance: CovariateColumn[] = [];
  for (const c of [...ps.balance, ...om.balance, ...ex.balance]) {
    if (!balance.some((b) => b.name === c.name)) balance.push(c);
  }
  checkSeparation(spec.treatment, t, w, ps.balance);
  return {
    treatment: spec.treatment,
    outcome: spec.outcome,
    n,
    n1,
    n0: n - n1,
    units: t.length,
    w,
    t,
    y,
    binaryOutcome,
    ps: ps.model,
    om: om.model,
    balance,
    rows: Int32Array.from({ length: t.length }, (_, i) => i),
  };
}

/**
 * The fix hint of a propensity model's perfect separation: a covariate predicts the treatment (the model's 0/1
 * response), not the outcome.
 *
 * @example
 * ```ts
 * SEPARATION_HINT; // "A covariate predicts the treatment perfectly: …"
 * ```
 */
export const SEPARATION_HINT =
  'A covariate predicts the treatment perfectly (the groups do not overlap on it): drop or coarsen it, restrict the data to where both groups occur, or fit the propensity model with an L2 penalty (model: { penalty: { type: "l2", C } }).';

/** Throws E_PERFECT_SEPARATION when one covariate alone separates treated from control rows. */
function checkSeparation(
  treatment: string,
  t: Float64Array,
  w: Float64Array,
  columns: readonly CovariateColumn[],
): void {
  for (const c of columns) {
    if (c.name.includes(":")) continue; // interactions: left to the model's own check
    const v = c.values;
    let min1 = Number.POSITIVE_INFINITY;
    let max1 = Number.NEGATIVE_INFINITY;
    let min0 = Number.POSITIVE_INFINITY;
    let max0 = Number.NEGATIVE_INFINITY;
    let on1 = 0;
    let on0 = 0;
    for (let i = 0; i < v.length; i++) {
      if (t[i] === 1) {
        if (v[i] < min1) min1 = v[i];
        if (v[i] > max1) max1 = v[i];
        on1 += w[i] * v[i];
      } else {
        if (v[i] < min0) min0 = v[i];
        if (v[i] > max0) max0 = v[i];
        on0 += w[i] * v[i];
      }
    }
    if (c.level !== null) {
      if ((on1 === 0) !== (on0 === 0)) {
        const who = on1 === 0 ? "none" : "all";
        throw new TrueliftError(
          "E_PERFECT_SEPARATION",
          `Covariate '${c.source}' separates the groups: ${who} of the ${on1 + on0} rows with ${c.source} = '${c.level}' have ${treatment} = 1, so their propensity is exactly ${on1 === 0 ? 0 : 1} and the logistic model has no maximum.`,
          {
            details: { covariate: c.source, level: c.level, treated: on1, rows: on1 + on0 },
            hint: SEPARATION_HINT,
          },
        );
      }
      continue;
    }
    if (max0 < min1 || max1 < min0) {
      throw new TrueliftError(
        "E_PERFECT_SEPARATION",
        `Covariate '${c.source}' separates the groups: every treated row has ${c.source} ${max0 < min1 ? `above ${max0}` : `below ${min0}`} and every control row ${max0 < min1 ? `at or below ${max0}` : `at or above ${min0}`}, so the groups do not overlap at all.`,
        {
          details: { covariate: c.source, treatedRange: [min1, max1], controlRange: [min0, max0] },
          hint: SEPARATION_HINT,
        },
      );
    }
  }
}

/**
 * The layout restricted to some of its units (trimming), in the order given: every array is subset, the row
 * counts recomputed.
 *
 * @example
 * ```ts
 * import { subsetLayout } from "truelift";
 * const kept = subsetLayout(layout, Int32Array.of(0, 2, 5));
 * kept.n; // 3
 * ```
 */
export function subsetLayout(layout: PropensityLayout, keep: Int32Array): PropensityLayout {
  const pick = (a: Float64Array) => {
    const out = new Float64Array(keep.length);
    for (let i = 0; i < keep.length; i++) out[i] = a[keep[i]];
    return out;
  };
  const sub = (cols: readonly CovariateColumn[]) => cols.map((c) => ({ ...c, values: pick(c.values) }));
  const t = pick(layout.t);
  const w = pick(layout.w);
  let n1 = 0;
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    n += w[i];
    n1 += w[i] * t[i];
  }
  return {
    ...layout,
    n,
    n1,
    n0: n - n1,
    units: keep.length,
    w,
    t,
    y: pick(layout.y),
    ps: sub(layout.ps),
    om: sub(layout.om),
    balance: sub(layout.balance),
    rows: Int32Array.from(keep, (i) => layout.rows[i]),
  };
}

/**
 * The layout with its units in a canonical order: by treatment, outcome, then the values of every model and
 * balance column (ties, i.e. identical units, in their current order). Every row-order-free computation of the
 * analysis then runs its sums in the same order whatever order the units came in — cells from any engine, in
 * any order — so the results are bitwise identical; `rows` keeps each unit's frame index.
 *
 * @example
 * ```ts
 * import { canonicalLayout } from "truelift";
 * canonicalLayout(layout).t; // 0s first, then 1s
 * ```
 */
export function canonicalLayout(layout: PropensityLayout): PropensityLayout {
  const cols = [layout.t, layout.y, ...[...layout.ps, ...layout.om, ...layout.balance].map((c) => c.values)];
  const before = (a: number, b: number): number => {
    for (const c of cols) if (c[a] !== c[b]) return c[a] - c[b];
    return a - b;
  };
  // Already in order (rows expanded from cells in canonical cell order): the stable sort would be the identity.
  let sorted = true;
  for (let i = 1; i < layout.units && sorted; i++) sorted = before(i - 1, i) < 0;
  if (sorted) return layout;
  const order = Int32Array.from({ length: layout.units }, (_, i) => i).sort(before);
  return subsetLayout(layout, order);
}
