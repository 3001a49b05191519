import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import { buildDesign, type DesignMatrix, materializeColumn } from "./design-matrix.js";
import { type Factor, factorLabel, type TermSpec } from "./formula.js";

/**
 * A covariate of {@link logit}: a numeric column name, or a factor in the shape the formula module uses
 * (`{ kind: "numeric", column }` or `{ kind: "categorical", column, reference? }`). Categorical columns are
 * treatment (dummy) coded: levels are the distinct values in the rows used, sorted (strings by code unit,
 * numbers numerically), and `reference` (__Default value:__ the first sorted level, as patsy) is omitted.
 * Dummies are named as patsy / statsmodels name them: `C(x)[T.level]`, or `C(x, Treatment('ref'))[T.level]`
 * when a reference is given.
 */
export type LogitCovariate =
  | string
  | { readonly kind: "numeric"; readonly column: string }
  | { readonly kind: "categorical"; readonly column: string; readonly reference?: string };

/** A covariate as fitted: categorical ones carry their sorted levels and the reference used. */
export type LogitFittedCovariate =
  | { readonly kind: "numeric"; readonly column: string }
  | {
      readonly kind: "categorical";
      readonly column: string;
      readonly reference: string;
      readonly levels: readonly string[];
      readonly label: string;
    };

/** The design matrix of a logistic regression, column-major, restricted to the rows used. */
export interface LogitDesign {
  /** Rows used. */
  readonly n: number;
  /** Columns. */
  readonly k: number;
  /** Column names (intercept first, then covariates in spec order; a categorical expands to its dummies). */
  readonly names: readonly string[];
  /** Column j of X as a length-n array. */
  readonly columns: readonly Float64Array[];
  /** Index of the intercept column, or −1. */
  readonly interceptIndex: number;
  readonly y: Float64Array;
  /** Case weights, or null for unit weights. */
  readonly w: Float64Array | null;
  /** Row indices (into the input frame) of the rows used. */
  readonly rows: Int32Array;
  /** Rows dropped for missing values (0 unless `missing: "drop"`). */
  readonly dropped: number;
  readonly covariates: readonly LogitFittedCovariate[];
}

interface LogitDesignRequest {
  readonly outcome: string;
  readonly covariates: readonly LogitCovariate[];
  readonly intercept: boolean;
  readonly weights?: string;
  /** `weights` are cell counts and the outcome the cells' success shares (see `LogitSpec.frequency`). */
  readonly frequency?: boolean;
  readonly missing: "error" | "drop";
}

/** The {@link TermSpec} of a logit covariate (a plain name is a numeric term). */
function covariateTerm(c: LogitCovariate): TermSpec {
  if (typeof c === "string") return { factors: [{ kind: "numeric", column: c }] };
  if (c.kind === "numeric") return { factors: [{ kind: "numeric", column: c.column }] };
  return { factors: [{ kind: "categorical", column: c.column, reference: c.reference }] };
}

/**
 * @internal Builds the design matrix of a logit through {@link buildDesign} (columns, types, missing values,
 * weights, levels and patsy names), materialised column-major with an explicit intercept column, then checks
 * the outcome is 0/1 and not constant. Rows of weight 0 are kept (frequency weights). Internal to the logit model.
 */
export function buildLogitDesign(frame: Frame, req: LogitDesignRequest): LogitDesign {
  const d = buildDesign(frame, {
    outcome: req.outcome,
    terms: req.covariates.map(covariateTerm),
    intercept: true, // treatment (reduced) coding of every factor, also without an intercept
    weights: req.weights,
    frequency: req.frequency === true,
    absorb: [],
    clusterBy: [],
    missing: req.missing,
    keepZeroWeights: true,
  });
  const n = d.n;
  const rows = d.rows ?? Int32Array.from({ length: n }, (_, i) => i);
  const y = d.y;
  for (let r = 0; r < n; r++) {
    const v = y[r];
    if (req.frequency) {
      if (!(v >= 0 && v <= 1)) {
        throw new TrueliftError(
          "E_BAD_FREQUENCY",
          `Outcome '${req.outcome}' must hold each cell's share of successes in [0, 1]; row ${rows[r]} holds ${v}.`,
          { details: { column: req.outcome, row: rows[r], value: v } },
        );
      }
    } else if (v !== 0 && v !== 1) {
      throw new TrueliftError(
        "E_NOT_BINARY",
        `Outcome '${req.outcome}' must be 0/1; row ${rows[r]} holds ${v}.`,
        { details: { column: req.outcome, row: rows[r], value: v } },
      );
    }
  }
  const w = d.weights;
  if (w) {
    let total = 0;
    for (let r = 0; r < n; r++) total += w[r];
    if (!(total > 0)) throw new TrueliftError("E_BAD_WEIGHTS", `Weights '${req.weights}' sum to ${total}.`);
  }
  let pos = 0;
  let neg = 0;
  for (let r = 0; r < n; r++) {
    if (w && w[r] === 0) continue;
    if (req.frequency && w) {
      pos += w[r] * y[r];
      neg += w[r] * (1 - y[r]);
    } else if (y[r] === 1) pos++;
    else neg++;
  }
  if (pos === 0 || neg === 0) {
    throw new TrueliftError(
      "E_CONSTANT_OUTCOME",
      `Outcome '${req.outcome}' is ${pos === 0 ? 0 : 1} in every row used (${n} rows).`,
      { details: { column: req.outcome, rows: n, value: pos === 0 ? 0 : 1 } },
    );
  }
  const covariates = req.covariates.map((c): LogitFittedCovariate => {
    if (typeof c === "string" || c.kind === "numeric") {
      return { kind: "numeric", column: typeof c === "string" ? c : c.column };
    }
    const levels = d.levels.get(c.column) ?? [];
    const factor: Factor = { kind: "categorical", column: c.column, reference: c.reference };
    return {
      kind: "categorical",
      column: c.column,
      reference: c.reference ?? levels[0],
      levels,
      label: factorLabel(factor),
    };
  });
  const { names, columns } = specOrder(d, covariates, req.intercept);
  return {
    n,
    k: columns.length,
    names,
    columns,
    interceptIndex: req.intercept ? 0 : -1,
    y,
    w,
    rows,
    dropped: d.dropped,
    covariates,
  };
}

/**
 * @internal The design columns of already-fitted covariates on new data (for prediction), through
 * {@link buildDesign} with the fitted levels: `rows` are the frame rows without a missing value (null = all); a
 * categorical value not seen in the fit → `E_UNKNOWN_LEVEL`.
 */
export function predictionColumns(
  frame: Frame,
  covariates: readonly LogitFittedCovariate[],
  intercept: boolean,
): { columns: Float64Array[]; n: number; rows: Int32Array | null } {
  const levels = new Map<string, readonly string[]>();
  const terms = covariates.map((c): TermSpec => {
    if (c.kind === "numeric") return { factors: [c] };
    levels.set(c.column, c.levels);
    return { factors: [{ kind: "categorical", column: c.column, reference: c.reference, label: c.label }] };
  });
  const d = buildDesign(frame, {
    outcome: null,
    terms,
    intercept: true,
    absorb: [],
    clusterBy: [],
    missing: "drop",
    levels,
  });
  return { columns: specOrder(d, covariates, intercept).columns, n: d.n, rows: d.rows };
}

/**
 * The columns of a design built with an intercept, materialised in the logit's order: `Intercept` (when
 * `intercept`), then each covariate's columns in spec order (buildDesign orders terms as patsy does).
 */
function specOrder(
  d: DesignMatrix,
  covariates: readonly LogitFittedCovariate[],
  intercept: boolean,
): { names: string[]; columns: Float64Array[] } {
  const names: string[] = intercept ? ["Intercept"] : [];
  const columns: Float64Array[] = intercept ? [new Float64Array(d.n).fill(1)] : [];
  const offset = d.intercept ? 1 : 0;
  for (const c of covariates) {
    const prefix = c.kind === "categorical" ? `${c.label}[` : null;
    d.names.forEach((name, j) => {
      if (j < offset || (prefix === null ? name !== c.column : !name.startsWith(prefix))) return;
      names.push(name);
      columns.push(materializeColumn(d.columns[j - offset]));
    });
  }
  return { names, columns };
}
