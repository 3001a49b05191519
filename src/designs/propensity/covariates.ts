import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { PropensityCovariate } from "./spec.js";
import { splineBasis } from "./spline.js";

/** One numeric column of a propensity design: a numeric covariate, a dummy, or an interaction product. */
export interface CovariateColumn {
  /** Column name as reported (patsy style for dummies: `C(tier)[T.light]`; interactions `a:b`). */
  readonly name: string;
  /** The spec column (or `a:b` for an interaction) the column comes from. */
  readonly source: string;
  /** The category level of a dummy, else null. */
  readonly level: string | null;
  /** True when every value is 0 or 1 (SMDs then use p(1 − p) as the variance). */
  readonly binary: boolean;
  readonly values: Float64Array;
}

/** A covariate list expanded to numeric columns. */
export interface ExpandedCovariates {
  /** Model coding: treatment (dummy) coding with the reference level dropped. */
  readonly model: readonly CovariateColumn[];
  /** Balance coding: every level of every categorical, numeric columns and interactions as they are. */
  readonly balance: readonly CovariateColumn[];
}

interface Coded {
  readonly label: string;
  readonly model: CovariateColumn[];
  readonly all: CovariateColumn[];
}

/**
 * Expands propensity covariate terms to numeric columns on the given rows: text columns (or `kind:
 * "categorical"`) become one dummy per non-reference level (levels sorted by code unit, or numerically for
 * numeric codes; reference = the first level unless given), numeric columns enter as they are, and
 * `{interaction: [a, b]}` becomes the products of the two sides' model columns, and `{spline: x, type, df}` the
 * columns of a natural (default) or B-spline basis of x with df columns (default 3; {@link splineBasis}, as R's
 * `ns` / `bs`; knots from the rows given, each counted `counts[i]` times when given — compressed cells) —
 * balance is then checked on x itself.
 *
 * @example
 * ```ts
 * import { expandCovariates, Frame } from "truelift";
 * const f = Frame.fromObject({ tier: ["a", "b", "c", "a"], x: [1, 2, 3, 4] });
 * expandCovariates(f, ["tier", "x"]).model.map((c) => c.name); // ["C(tier)[T.b]", "C(tier)[T.c]", "x"]
 * ```
 */
export function expandCovariates(
  frame: Frame,
  terms: readonly PropensityCovariate[],
  rows: Int32Array | null = null,
  counts: ArrayLike<number> | null = null,
): ExpandedCovariates {
  const model: CovariateColumn[] = [];
  const balance: CovariateColumn[] = [];
  const seen = new Set<string>();
  const push = (list: CovariateColumn[], cols: readonly CovariateColumn[]) => {
    for (const c of cols) {
      const key = `${list === model ? "m" : "b"}:${c.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      list.push(c);
    }
  };
  for (const term of terms) {
    if (typeof term === "object" && "interaction" in term) {
      const [a, b] = term.interaction.map((c) => codeColumn(frame, c, rows, undefined, undefined));
      const products: CovariateColumn[] = [];
      for (const ca of a.model) {
        for (const cb of b.model) {
          const values = new Float64Array(ca.values.length);
          for (let i = 0; i < values.length; i++) values[i] = ca.values[i] * cb.values[i];
          products.push({
            name: `${ca.name}:${cb.name}`,
            source: `${a.label}:${b.label}`,
            level: null,
            binary: ca.binary && cb.binary,
            values,
          });
        }
      }
      push(model, products);
      push(balance, products);
      continue;
    }
    if (typeof term === "object" && "spline" in term) {
      const raw = codeColumn(frame, term.spline, rows, "numeric", undefined);
      push(model, splineColumns(raw.model[0], term.type ?? "natural", term.df ?? 3, counts));
      push(balance, raw.all);
      continue;
    }
    const name = typeof term === "string" ? term : term.column;
    const kind = typeof term === "string" ? undefined : term.kind;
    const reference = typeof term === "string" ? undefined : term.reference;
    const coded = codeColumn(frame, name, rows, kind, reference);
    push(model, coded.model);
    push(balance, coded.all);
  }
  return { model, balance };
}

/** The basis columns of a spline term, named as R's coefficients (`ns(x, df = 3)1`, …). */
function splineColumns(
  raw: CovariateColumn,
  type: "natural" | "b",
  df: number,
  counts: ArrayLike<number> | null,
): CovariateColumn[] {
  const distinct = new Set(raw.values).size;
  if (distinct <= df) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `A spline of '${raw.name}' with df = ${df} needs more than ${df} distinct values; the column has ${distinct}.`,
      {
        details: { column: raw.name, df, distinct },
        hint: `Lower df below ${distinct}, or enter '${raw.name}' as a plain or categorical covariate.`,
      },
    );
  }
  const basis = splineBasis(raw.values, { type, df, counts });
  const label = `${type === "natural" ? "ns" : "bs"}(${raw.name}, df = ${df})`;
  return basis.columns.map((values, j) => ({
    name: `${label}${j + 1}`,
    source: raw.name,
    level: null,
    binary: false,
    values,
  }));
}

function codeColumn(
  frame: Frame,
  name: string,
  rows: Int32Array | null,
  kind: "numeric" | "categorical" | undefined,
  reference: string | undefined,
): Coded {
  const col = frame.column(name);
  const n = rows ? rows.length : frame.nrows;
  const at = (i: number) => (rows ? rows[i] : i);
  if (col.kind !== "str" && kind !== "categorical") {
    const values = new Float64Array(n);
    let binary = true;
    for (let i = 0; i < n; i++) {
      const v = col.values[at(i)];
      values[i] = v;
      if (v !== 0 && v !== 1) binary = false;
    }
    const c: CovariateColumn = { name, source: name, level: null, binary, values };
    return { label: name, model: [c], all: [c] };
  }
  // Categorical: level label of every row, then dummies.
  const labels: string[] = new Array(n);
  if (col.kind === "str") {
    for (let i = 0; i < n; i++) labels[i] = col.levels[col.codes[at(i)]];
  } else {
    for (let i = 0; i < n; i++) labels[i] = String(col.values[at(i)]);
  }
  const distinct = [...new Set(labels)];
  if (col.kind === "str") distinct.sort();
  else distinct.sort((x, y) => Number(x) - Number(y));
  const ref = reference ?? distinct[0];
  if (!distinct.includes(ref)) {
    throw new TrueliftError(
      "E_UNKNOWN_LEVEL",
      `Reference level '${ref}' does not occur in column '${name}' (levels: ${distinct.slice(0, 10).join(", ")}).`,
      { details: { column: name, reference: ref, levels: distinct.slice(0, 50) } },
    );
  }
  const label = reference === undefined ? `C(${name})` : `C(${name}, Treatment('${reference}'))`;
  const index = new Map(distinct.map((l, j) => [l, j]));
  const dummies = distinct.map((level) => ({
    name: `${label}[T.${level}]`,
    source: name,
    level,
    binary: true,
    values: new Float64Array(n),
  }));
  for (let i = 0; i < n; i++) dummies[index.get(labels[i]) as number].values[i] = 1;
  const all = dummies.map((d) => ({ ...d, name: `${name}[${d.level}]` }));
  return { label, model: dummies.filter((d) => d.level !== ref), all };
}
