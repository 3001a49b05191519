import { TrueliftError } from "../core/errors.js";
import type { Column, Frame } from "../core/frame.js";
import { type GroupCodes, groupCodes } from "../core/group-codes.js";
import { type Part, partsFill } from "./design-fill.js";
import { type CodedColumn, codeTerms, type Factor, type FactorLevels, type TermSpec } from "./formula.js";

// The group coding lives in core (designs use it too); re-exported here for the linear-model layer.
export { type GroupCodes, groupCodes } from "../core/group-codes.js";

/**
 * A design column produced on demand, block by block (treatment dummies and interactions), so an n-row
 * design never allocates an n-length array per dummy. `fill` writes rows [start, start+len) to
 * `out[offset…]`, minus `shift` when given (the same values as subtracting afterwards).
 */
export interface VirtualColumn {
  readonly length: number;
  fill(start: number, len: number, out: Float64Array, offset: number, shift?: number): void;
}

/** A stored column (`Float64Array`, read-only) or a {@link VirtualColumn}. */
export type DesignColumn = Float64Array | VirtualColumn;

/**
 * The values of a design column as one array (a stored column is returned as is, not copied).
 *
 * @example
 * ```ts
 * import { buildDesign, Frame, materializeColumn, parseFormula } from "truelift";
 * const f = Frame.fromObject({ y: [1, 2, 3], g: ["a", "b", "b"] });
 * const d = buildDesign(f, { ...parseFormula("y ~ C(g)"), absorb: [], clusterBy: [], missing: "drop" });
 * materializeColumn(d.columns[0]); // Float64Array [0, 1, 1]  (C(g)[T.b])
 * ```
 * @see patsy `build_design_matrices` (the same columns, stored whole).
 */
export function materializeColumn(c: DesignColumn): Float64Array {
  if (c instanceof Float64Array) return c;
  const out = new Float64Array(c.length);
  c.fill(0, c.length, out, 0);
  return out;
}

/** What {@link buildDesign} needs: the mean model plus every other column the fit touches. */
export interface DesignRequest {
  /** The outcome column, or null for a design without one (prediction on new data). */
  readonly outcome: string | null;
  readonly terms: readonly TermSpec[];
  readonly intercept: boolean;
  readonly weights?: string;
  readonly absorb: readonly string[];
  readonly clusterBy: readonly string[];
  /** `"drop"` (statsmodels' `missing='drop'`) or `"error"`. */
  readonly missing: "drop" | "error";
  /**
   * `"lazy"` skips the missing-value scan of the outcome and numeric factors (the caller promises to detect a
   * non-finite Gram matrix and rebuild with `"full"`). __Default value:__ `"full"`.
   */
  readonly scan?: "full" | "lazy";
  /**
   * The weights are frequency counts: each frame row is a cell standing for `weights` rows, so dropped rows are
   * counted in those units (`dropped`, `droppedReasons`); `n` still counts frame rows (cells). The caller
   * validates the counts (positive integers). __Default value:__ `false`.
   */
  readonly frequency?: boolean;
  /** Keep rows of weight 0 (else dropped as `zero_weight`). __Default value:__ `false`. */
  readonly keepZeroWeights?: boolean;
  /** Fixed levels of categorical columns (prediction with a fitted model's levels; another value → E_UNKNOWN_LEVEL). */
  readonly levels?: ReadonlyMap<string, readonly string[]>;
}

/**
 * A design matrix, column-wise: the columns (length `n` each), the outcome, the weights, and the group codes of
 * the fixed effects and clusters. Everything is read-only: when every row is used, a plain numeric column is
 * the frame's own array (no copy), and dummies / interactions are {@link VirtualColumn}s reading the frame's
 * codes. The intercept is implicit (`intercept: true` means `names[0] === "Intercept"` and no column exists).
 */
export interface DesignMatrix {
  readonly n: number;
  /** Frame row of each used row, or null when every row is used in order. */
  readonly rows: Int32Array | null;
  readonly names: readonly string[];
  readonly intercept: boolean;
  /** Non-intercept columns, in `names` order. */
  readonly columns: readonly DesignColumn[];
  /** The outcome (length 0 when the request has none). */
  readonly y: Float64Array;
  readonly weights: Float64Array | null;
  readonly absorb: readonly GroupCodes[];
  readonly clusters: readonly GroupCodes[];
  readonly nTotal: number;
  /** Rows dropped (in frequency units for a `frequency` request). */
  readonly dropped: number;
  readonly droppedReasons: Readonly<Record<string, number>>;
  /** Sorted levels (among used rows) of each categorical column. */
  readonly levels: ReadonlyMap<string, readonly string[]>;
}

const FIRST_ROWS = 10;

/**
 * Validates the request against the frame and builds the design matrix, column by column (no per-row objects):
 *
 * ```
 * columns exist (E_COLUMN_MISSING) → types (E_COLUMN_TYPE) → values (E_NONFINITE_VALUES, E_BAD_WEIGHTS)
 *   → missing rows: drop and count by reason, or E_MISSING_VALUES / E_NAN_IN_CLUSTER when missing = "error"
 *   → categorical levels among used rows, reference level (E_UNKNOWN_LEVEL) → patsy coding → columns
 * ```
 *
 * A row is dropped when any used column (outcome, factors, weights, fixed effects, clusters) is missing (NaN
 * or a null string); its reason is `missing:<first such column>`. Rows with weight 0 are dropped as
 * `zero_weight` (as fixest; statsmodels keeps them in N).
 *
 * @example
 * ```ts
 * import { buildDesign, Frame, parseFormula } from "truelift";
 * const frame = Frame.fromObject({ y: [1, 2, 3, null], x: [0, 1, 2, 3] });
 * const d = buildDesign(frame, { ...parseFormula("y ~ x"), absorb: [], clusterBy: [], missing: "drop" });
 * d.names;          // ["Intercept", "x"]
 * d.droppedReasons; // { "missing:y": 1 }
 * ```
 * @see statsmodels `missing='drop'` handling (`statsmodels.base.data.handle_missing`); patsy `dmatrices`.
 */
export function buildDesign(frame: Frame, req: DesignRequest): DesignMatrix {
  const factors = uniqueFactorColumns(req.terms);
  // 1. Existence, then types.
  const outcome = req.outcome === null ? [] : [req.outcome];
  const used = [...outcome, ...factors.map((f) => f.column), ...(req.weights ? [req.weights] : [])];
  for (const name of [...used, ...req.absorb, ...req.clusterBy]) frame.column(name);
  for (const o of outcome) requireNumeric(frame, o, "the outcome");
  for (const f of factors) if (f.kind === "numeric") requireNumeric(frame, f.column, "a numeric term");
  if (req.weights) requireNumeric(frame, req.weights, "the weights");

  // 2. Missing values and bad values, in one scan per column (a finite column sum proves a numeric column has
  //    neither NaN nor ±Infinity, so the row-by-row scan runs only when it has something to find).
  const nTotal = frame.nrows;
  let keepArr: Uint8Array | null = null;
  const keep = (): Uint8Array => {
    keepArr ??= new Uint8Array(nTotal).fill(1);
    return keepArr;
  };
  const reasons: Record<string, number> = {};
  const offenders: { column: string; rows: number[] }[] = [];
  const multCol = req.frequency && req.weights ? frame.column(req.weights) : null;
  const mult = multCol && multCol.kind !== "str" ? multCol.values : null;
  const numericCols = [...outcome, ...factors.filter((f) => f.kind === "numeric").map((f) => f.column)];
  const scanOrder = [...new Set([...used, ...req.absorb, ...req.clusterBy])];
  const lazy = new Set(req.scan === "lazy" ? numericCols : []);
  for (const c of [req.weights, ...req.absorb, ...req.clusterBy]) lazy.delete(c as string);
  for (const f of factors) if (f.kind === "categorical") lazy.delete(f.column);
  for (const name of scanOrder) {
    const col = frame.column(name);
    if (col.kind === "i32" || lazy.has(name)) continue;
    if (col.kind === "f64" && name !== req.weights && Number.isFinite(columnSum(col.values))) continue;
    if (col.kind === "str" && !hasMissingCode(col.codes)) continue;
    const rowsMissing = scanMissing(col, keep(), name, reasons, numericCols.includes(name), mult);
    if (rowsMissing.length > 0) offenders.push({ column: name, rows: rowsMissing });
  }
  if (req.weights)
    scanWeights(frame.column(req.weights), keep(), req.weights, reasons, req.keepZeroWeights === true);
  if (req.missing === "error" && offenders.length > 0) throwMissing(offenders, req.clusterBy);

  let dropped = 0;
  for (const r of Object.values(reasons)) dropped += r;
  let n = nTotal;
  if (keepArr) {
    n = 0;
    for (let i = 0; i < nTotal; i++) n += keepArr[i];
  }
  if (n === 0) {
    throw new TrueliftError("E_EMPTY_DATA", "No rows are left after dropping rows with missing values.", {
      details: { rows: nTotal, droppedReasons: reasons },
    });
  }
  let rows: Int32Array | null = null;
  if (n < nTotal && keepArr) {
    const k = keepArr;
    rows = new Int32Array(n);
    for (let i = 0, j = 0; i < nTotal; i++) if (k[i]) rows[j++] = i;
  }

  // 3. Categorical levels (among used rows) and the patsy coding.
  const levelCache = new Map<string, CategoricalCodes>();
  const levelsOf = (f: Factor): FactorLevels => {
    if (f.kind !== "categorical") throw new Error("unreachable");
    let lv = levelCache.get(f.column);
    if (!lv) {
      lv = categoricalLevels(frame.column(f.column), rows, n);
      const fixed = req.levels?.get(f.column);
      if (fixed) lv = withFixedLevels(lv, fixed, f.column);
      levelCache.set(f.column, lv);
    }
    let reference = 0;
    if (f.reference !== undefined) {
      reference = lv.labels.indexOf(f.reference);
      if (reference < 0) {
        throw new TrueliftError(
          "E_UNKNOWN_LEVEL",
          `Reference level '${f.reference}' does not occur in column '${f.column}' (levels: ${lv.labels
            .slice(0, 20)
            .join(", ")}).`,
          { details: { column: f.column, reference: f.reference, levels: lv.labels.slice(0, 100) } },
        );
      }
    }
    return { labels: lv.labels, reference };
  };
  const codeIntercept = req.intercept || req.absorb.length > 0;
  const coded = codeTerms(req.terms, codeIntercept, levelsOf);
  let codedCols = coded.columns;
  if (req.absorb.length > 0) codedCols = codedCols.filter((c) => c.parts.length > 0);
  const intercept = codedCols.length > 0 && codedCols[0].parts.length === 0;

  // 4. Columns.
  const numericCache = new Map<string, Float64Array>();
  const numericOf = (name: string): Float64Array => {
    let v = numericCache.get(name);
    if (!v) {
      const col = frame.column(name);
      v = rows === null && col.kind === "f64" ? col.values : gatherNumeric(col, rows, n);
      numericCache.set(name, v);
    }
    return v;
  };
  const columns = codedCols
    .filter((c) => c.parts.length > 0)
    .map((c) => designColumn(c, coded.factors, numericOf, (col) => levelCache.get(col)!, n));
  const y = req.outcome === null ? new Float64Array(0) : numericOf(req.outcome);
  const weights = req.weights ? numericOf(req.weights) : null;
  const absorb = req.absorb.map((name) => groupCodes(frame, name, rows));
  const clusters = req.clusterBy.map((name) => groupCodes(frame, name, rows));
  return {
    n,
    rows,
    names: codedCols.map((c) => c.name),
    intercept,
    columns,
    y,
    weights,
    absorb,
    clusters,
    nTotal,
    dropped,
    droppedReasons: reasons,
    levels: new Map([...levelCache].map(([c, lv]) => [c, lv.labels])),
  };
}

function uniqueFactorColumns(terms: readonly TermSpec[]): Factor[] {
  const out: Factor[] = [];
  const seen = new Set<string>();
  for (const t of terms) {
    if (!t || !Array.isArray(t.factors) || t.factors.length === 0) {
      throw new TrueliftError("E_INVALID_SPEC", "Every term needs one or more factors.");
    }
    for (const f of t.factors) {
      if (!f || (f.kind !== "numeric" && f.kind !== "categorical") || typeof f.column !== "string") {
        throw new TrueliftError(
          "E_INVALID_SPEC",
          "A factor must be { kind: 'numeric' | 'categorical', column: string }.",
        );
      }
      const key = `${f.kind}:${f.column}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(f);
      }
    }
  }
  return out;
}

function requireNumeric(frame: Frame, name: string, role: string): void {
  const col = frame.column(name);
  if (col.kind === "str") {
    throw new TrueliftError("E_COLUMN_TYPE", `Column '${name}' holds text, but ${role} must be numeric.`, {
      details: { column: name, kind: col.kind, example: col.levels[0] ?? null },
      hint:
        role === "a numeric term"
          ? `Wrap it in C(${name}) to use it as a categorical, or cast it to numbers.`
          : "Cast the column to numbers before the analysis.",
    });
  }
}

/** Marks rows with a missing value in `col` as dropped; returns the first offending rows (all, not just kept). */
function scanMissing(
  col: Column,
  keep: Uint8Array,
  name: string,
  reasons: Record<string, number>,
  finite: boolean,
  mult: ArrayLike<number> | null,
): number[] {
  const first: number[] = [];
  const reason = `missing:${name}`;
  let count = 0;
  if (col.kind === "str") {
    const c = col.codes;
    for (let i = 0; i < c.length; i++) {
      if (c[i] >= 0) continue;
      if (first.length < FIRST_ROWS) first.push(i);
      if (keep[i]) {
        keep[i] = 0;
        count += mult ? mult[i] : 1;
      }
    }
  } else if (col.kind === "f64") {
    const v = col.values;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (!Number.isNaN(x)) {
        if (finite && (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY)) {
          throw new TrueliftError(
            "E_NONFINITE_VALUES",
            `Column '${name}' has an infinite value (row ${i}).`,
            {
              details: { column: name, row: i },
            },
          );
        }
        continue;
      }
      if (first.length < FIRST_ROWS) first.push(i);
      if (keep[i]) {
        keep[i] = 0;
        count += mult ? mult[i] : 1;
      }
    }
  }
  if (count > 0) reasons[reason] = (reasons[reason] ?? 0) + count;
  return first;
}

function scanWeights(
  col: Column,
  keep: Uint8Array,
  name: string,
  reasons: Record<string, number>,
  keepZero: boolean,
): void {
  if (col.kind === "str") return;
  const v = col.values;
  let zero = 0;
  for (let i = 0; i < v.length; i++) {
    const w = v[i];
    if (Number.isNaN(w)) continue;
    if (w < 0 || w === Number.POSITIVE_INFINITY || w === Number.NEGATIVE_INFINITY) {
      throw new TrueliftError("E_BAD_WEIGHTS", `Weight column '${name}' has the value ${w} at row ${i}.`, {
        details: { column: name, row: i, value: String(w) },
      });
    }
    if (w === 0 && keep[i] && !keepZero) {
      keep[i] = 0;
      zero++;
    }
  }
  if (zero > 0) reasons.zero_weight = zero;
  let any = false;
  for (let i = 0; i < v.length && !any; i++) any = keep[i] === 1;
  if (!any && zero > 0) {
    throw new TrueliftError("E_BAD_WEIGHTS", `Every usable weight in column '${name}' is zero.`, {
      details: { column: name },
    });
  }
}

function throwMissing(offenders: { column: string; rows: number[] }[], clusterBy: readonly string[]): never {
  const nonCluster = offenders.filter((o) => !clusterBy.includes(o.column));
  const list = nonCluster.length > 0 ? nonCluster : offenders;
  const text = list.map(
    (o) => `'${o.column}' (rows ${o.rows.join(", ")}${o.rows.length >= FIRST_ROWS ? ", …" : ""})`,
  );
  const details = {
    columns: list.map((o) => o.column),
    rows: Object.fromEntries(list.map((o) => [o.column, o.rows])),
  };
  if (nonCluster.length === 0) {
    throw new TrueliftError("E_NAN_IN_CLUSTER", `Missing cluster ids in ${text.join("; ")}.`, { details });
  }
  throw new TrueliftError("E_MISSING_VALUES", `Missing values in ${text.join("; ")}.`, { details });
}

/**
 * Levels of a categorical column among the used rows (sorted), with per-row codes and the code of each level:
 * for a text column with every row used, the frame's own dictionary codes (no copy).
 */
interface CategoricalCodes {
  readonly labels: string[];
  readonly codes: Int32Array;
  /** The value in `codes` of each level, by sorted level index. */
  readonly codeOf: Int32Array;
}

function categoricalLevels(col: Column, rows: Int32Array | null, n: number): CategoricalCodes {
  if (col.kind === "str") {
    const src = col.codes;
    const present = new Uint8Array(col.levels.length);
    if (rows) for (let i = 0; i < n; i++) present[src[rows[i]]] = 1;
    else for (let i = 0; i < n; i++) present[src[i]] = 1;
    const codes = [...present.keys()].filter((c) => present[c] === 1);
    codes.sort((a, b) => (col.levels[a] < col.levels[b] ? -1 : col.levels[a] > col.levels[b] ? 1 : 0));
    return {
      labels: codes.map((c) => col.levels[c]),
      codes: rows ? gatherInt(src, rows) : src,
      codeOf: Int32Array.from(codes),
    };
  }
  const values = new Set<number>();
  for (let i = 0; i < n; i++) {
    const v = col.values[rows ? rows[i] : i];
    values.add(v === 0 ? 0 : v);
  }
  const sorted = [...values].sort((a, b) => a - b);
  const rank = new Map(sorted.map((v, r) => [v, r]));
  const index = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = col.values[rows ? rows[i] : i];
    index[i] = rank.get(v === 0 ? 0 : v)!;
  }
  return { labels: sorted.map((v) => String(v)), codes: index, codeOf: Int32Array.from(sorted, (_, r) => r) };
}

/** Recodes levels found in the data to a fixed level list (codes of levels absent from the data never match). */
function withFixedLevels(lv: CategoricalCodes, fixed: readonly string[], column: string): CategoricalCodes {
  const found = new Map(lv.labels.map((l, i) => [l, i]));
  const known = new Set(fixed);
  const unseen = lv.labels.find((l) => !known.has(l));
  if (unseen !== undefined) {
    throw new TrueliftError(
      "E_UNKNOWN_LEVEL",
      `Column '${column}' holds level '${unseen}', which the model was not fitted on.`,
      { details: { column, level: unseen }, hint: "Drop those rows or refit on data with it." },
    );
  }
  const codeOf = Int32Array.from(fixed, (l) => (found.has(l) ? lv.codeOf[found.get(l)!] : -2));
  return { labels: [...fixed], codes: lv.codes, codeOf };
}

function columnSum(v: Float64Array): number {
  let s0 = 0;
  let s1 = 0;
  const m = v.length & ~1;
  let i = 0;
  for (; i < m; i += 2) {
    s0 += v[i];
    s1 += v[i + 1];
  }
  if (i < v.length) s0 += v[i];
  return s0 + s1;
}

function hasMissingCode(codes: Int32Array): boolean {
  for (let i = 0; i < codes.length; i++) if (codes[i] < 0) return true;
  return false;
}

function gatherInt(src: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = src[rows[i]];
  return out;
}

function gatherNumeric(col: Column, rows: Int32Array | null, n: number): Float64Array {
  if (col.kind === "str") throw new Error("unreachable: text column gathered as numeric");
  const src = col.values;
  const out = new Float64Array(n);
  if (rows === null) {
    for (let i = 0; i < n; i++) out[i] = src[i];
  } else {
    for (let i = 0; i < n; i++) out[i] = src[rows[i]];
  }
  return out;
}

function designColumn(
  c: CodedColumn,
  factors: readonly Factor[],
  numericOf: (column: string) => Float64Array,
  levelsOf: (column: string) => CategoricalCodes,
  n: number,
): DesignColumn {
  if (c.parts.length === 1 && c.parts[0].level === null) return numericOf(factors[c.parts[0].factor].column);
  const parts: Part[] = c.parts.map((part) => {
    const f = factors[part.factor];
    if (part.level === null) return { values: numericOf(f.column) };
    const lv = levelsOf(f.column);
    return { codes: lv.codes, code: lv.codeOf[part.level] };
  });
  return { length: n, fill: partsFill(parts) };
}
