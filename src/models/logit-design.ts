import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";

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

interface DesignRequest {
  readonly outcome: string;
  readonly covariates: readonly LogitCovariate[];
  readonly intercept: boolean;
  readonly weights?: string;
  readonly missing: "error" | "drop";
}

type Extractor =
  | { kind: "numeric"; column: string; values: Float64Array }
  | { kind: "categorical"; column: string; reference?: string; text: (row: number) => string | null };

/**
 * @internal Validates the columns a logit uses and builds its design matrix (phases: resolve columns → missing-value mask
 * → outcome and weight checks → levels → dummy columns). Internal to the logit model.
 */
export function buildLogitDesign(frame: Frame, req: DesignRequest): LogitDesign {
  const nAll = frame.nrows;
  const yAll = frame.numeric(req.outcome);
  const wAll = req.weights === undefined ? null : frame.numeric(req.weights);
  const extractors = req.covariates.map((c) => extractor(frame, c));

  // Missing-value mask over every column used.
  const missing = new Uint8Array(nAll);
  const missingBy: Record<string, number> = {};
  const mark = (column: string, isMissing: (i: number) => boolean): void => {
    let count = 0;
    let first = -1;
    for (let i = 0; i < nAll; i++) {
      if (isMissing(i)) {
        missing[i] = 1;
        if (first < 0) first = i;
        count++;
      }
    }
    if (count === 0) return;
    if (req.missing === "error") {
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `Column '${column}' has ${count} missing value(s) (first at row ${first}).`,
        {
          details: { column, count, firstRow: first },
          hint: "Drop or impute those rows, or pass missing: 'drop' to fit on complete rows.",
        },
      );
    }
    missingBy[column] = count;
  };
  mark(req.outcome, (i) => Number.isNaN(yAll[i]));
  if (wAll && req.weights !== undefined) mark(req.weights, (i) => Number.isNaN(wAll[i]));
  for (const ex of extractors) {
    if (ex.kind === "numeric") mark(ex.column, (i) => !Number.isFinite(ex.values[i]));
    else mark(ex.column, (i) => ex.text(i) === null);
  }
  let n = 0;
  for (let i = 0; i < nAll; i++) if (!missing[i]) n++;
  if (n === 0) {
    throw new TrueliftError("E_EMPTY_DATA", "No rows left to fit the logistic regression.", {
      details: { rows: nAll, missingBy },
    });
  }
  const rows = new Int32Array(n);
  for (let i = 0, r = 0; i < nAll; i++) if (!missing[i]) rows[r++] = i;

  const y = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const v = yAll[rows[r]];
    if (v !== 0 && v !== 1) {
      throw new TrueliftError(
        "E_NOT_BINARY",
        `Outcome '${req.outcome}' must be 0/1; row ${rows[r]} holds ${v}.`,
        { details: { column: req.outcome, row: rows[r], value: v } },
      );
    }
    y[r] = v;
  }
  let w: Float64Array | null = null;
  if (wAll) {
    w = new Float64Array(n);
    let total = 0;
    for (let r = 0; r < n; r++) {
      const v = wAll[rows[r]];
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new TrueliftError("E_BAD_WEIGHTS", `Weight '${req.weights}' at row ${rows[r]} is ${v}.`, {
          details: { column: req.weights ?? null, row: rows[r], value: v },
        });
      }
      w[r] = v;
      total += v;
    }
    if (!(total > 0)) {
      throw new TrueliftError("E_BAD_WEIGHTS", `Weights '${req.weights}' sum to ${total}.`);
    }
  }
  let pos = 0;
  let neg = 0;
  for (let r = 0; r < n; r++) {
    if (w && w[r] === 0) continue;
    if (y[r] === 1) pos++;
    else neg++;
  }
  if (pos === 0 || neg === 0) {
    throw new TrueliftError(
      "E_CONSTANT_OUTCOME",
      `Outcome '${req.outcome}' is ${pos === 0 ? 0 : 1} in every row used (${n} rows).`,
      { details: { column: req.outcome, rows: n, value: pos === 0 ? 0 : 1 } },
    );
  }

  const names: string[] = [];
  const columns: Float64Array[] = [];
  let interceptIndex = -1;
  if (req.intercept) {
    interceptIndex = 0;
    names.push("Intercept");
    columns.push(new Float64Array(n).fill(1));
  }
  const covariates: LogitFittedCovariate[] = [];
  for (const ex of extractors) {
    if (ex.kind === "numeric") {
      const col = new Float64Array(n);
      for (let r = 0; r < n; r++) col[r] = ex.values[rows[r]];
      names.push(ex.column);
      columns.push(col);
      covariates.push({ kind: "numeric", column: ex.column });
      continue;
    }
    const seen = new Set<string>();
    for (let r = 0; r < n; r++) seen.add(ex.text(rows[r])!);
    const levels = sortLevels([...seen], frame.column(ex.column).kind !== "str");
    const reference = ex.reference ?? levels[0];
    if (!seen.has(reference)) {
      throw new TrueliftError(
        "E_UNKNOWN_LEVEL",
        `Reference level '${reference}' does not occur in column '${ex.column}' (levels: ${levels.slice(0, 10).join(", ")}).`,
        { details: { column: ex.column, reference, levels: levels.slice(0, 50) } },
      );
    }
    const label =
      ex.reference === undefined ? `C(${ex.column})` : `C(${ex.column}, Treatment(${pyRepr(reference)}))`;
    const fitted: LogitFittedCovariate = { kind: "categorical", column: ex.column, reference, levels, label };
    covariates.push(fitted);
    const dummies = dummyColumns(fitted, (r) => ex.text(rows[r]), n);
    for (const d of dummies) {
      names.push(d.name);
      columns.push(d.values);
    }
  }
  return { n, k: columns.length, names, columns, interceptIndex, y, w, rows, dropped: nAll - n, covariates };
}

/**
 * @internal The design columns of already-fitted covariates on new data (for prediction). Rows with a missing value get
 * `ok[i] = 0`; a categorical value not seen in the fit → `E_UNKNOWN_LEVEL`.
 */
export function predictionColumns(
  frame: Frame,
  covariates: readonly LogitFittedCovariate[],
  intercept: boolean,
): { columns: Float64Array[]; ok: Uint8Array } {
  const n = frame.nrows;
  const ok = new Uint8Array(n).fill(1);
  const columns: Float64Array[] = [];
  if (intercept) columns.push(new Float64Array(n).fill(1));
  for (const cov of covariates) {
    const ex = extractor(frame, cov);
    if (ex.kind === "numeric") {
      for (let i = 0; i < n; i++) if (!Number.isFinite(ex.values[i])) ok[i] = 0;
      columns.push(ex.values);
      continue;
    }
    if (cov.kind !== "categorical") continue;
    const known = new Set(cov.levels);
    for (let i = 0; i < n; i++) {
      const t = ex.text(i);
      if (t === null) ok[i] = 0;
      else if (!known.has(t)) {
        throw new TrueliftError(
          "E_UNKNOWN_LEVEL",
          `Column '${cov.column}' holds level '${t}' (row ${i}), which the model was not fitted on.`,
          {
            details: { column: cov.column, level: t, row: i },
            hint: "Drop those rows or refit on data with it.",
          },
        );
      }
    }
    for (const d of dummyColumns(cov, (i) => ex.text(i), n)) columns.push(d.values);
  }
  return { columns, ok };
}

function dummyColumns(
  cov: Extract<LogitFittedCovariate, { kind: "categorical" }>,
  text: (row: number) => string | null,
  n: number,
): { name: string; values: Float64Array }[] {
  const index = new Map<string, number>();
  const out: { name: string; values: Float64Array }[] = [];
  for (const level of cov.levels) {
    if (level === cov.reference) continue;
    index.set(level, out.length);
    out.push({ name: `${cov.label}[T.${level}]`, values: new Float64Array(n) });
  }
  for (let r = 0; r < n; r++) {
    const t = text(r);
    const j = t === null ? undefined : index.get(t);
    if (j !== undefined) out[j].values[r] = 1;
  }
  return out;
}

function extractor(frame: Frame, cov: LogitCovariate | LogitFittedCovariate): Extractor {
  if (typeof cov === "string" || cov.kind === "numeric") {
    const column = typeof cov === "string" ? cov : cov.column;
    const col = frame.column(column);
    if (col.kind === "str") {
      throw new TrueliftError("E_COLUMN_TYPE", `Covariate '${column}' holds text.`, {
        details: { column },
        hint: `Pass it as { kind: "categorical", column: "${column}" } to dummy-code it.`,
      });
    }
    return { kind: "numeric", column, values: frame.numeric(column) };
  }
  const col = frame.column(cov.column);
  const reference = cov.reference;
  if (col.kind === "str") {
    const { codes, levels } = col;
    return {
      kind: "categorical",
      column: cov.column,
      reference,
      text: (i) => (codes[i] < 0 ? null : levels[codes[i]]),
    };
  }
  const values = col.values;
  return {
    kind: "categorical",
    column: cov.column,
    reference,
    text: (i) => (Number.isFinite(values[i]) ? String(values[i]) : null),
  };
}

function sortLevels(levels: string[], numeric: boolean): string[] {
  return numeric ? levels.sort((a, b) => Number(a) - Number(b)) : levels.sort();
}

function pyRepr(s: string): string {
  return `'${s.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}
