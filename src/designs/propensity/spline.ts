import { TrueliftError } from "../../core/errors.js";
import { countedQuantile, countedRanks } from "./counts.js";

/** A spline basis for one numeric covariate: the basis columns and the knots they were built on. */
export interface SplineBasis {
  readonly type: "natural" | "b";
  readonly df: number;
  /** Interior knots (quantiles of x) and the boundary knots (min, max of x). */
  readonly knots: readonly number[];
  readonly boundary: readonly [number, number];
  /** df columns, one value per row. */
  readonly columns: readonly Float64Array[];
}

/**
 * Values (or the `deriv`-th derivatives) at x of the B-splines of order `ord` on the knot sequence `t`
 * (`t.length − ord` functions), Cox–de Boor recursion; intervals are closed on the right at the last knot, so
 * the right boundary gets the left limit (as splines::splineDesign).
 */
function bsplineRow(t: readonly number[], x: number, ord: number, deriv: number): Float64Array {
  const nb = t.length - ord;
  // order 1: the indicator of the knot interval holding x
  let b = new Float64Array(t.length - 1);
  let span = -1;
  for (let i = 0; i < t.length - 1; i++) if (t[i] <= x && x < t[i + 1]) span = i;
  if (span < 0) {
    // x at the right boundary: the last non-empty interval
    for (let i = t.length - 2; i >= 0; i--) {
      if (t[i] < t[i + 1] && t[i] <= x && x <= t[i + 1]) {
        span = i;
        break;
      }
    }
  }
  if (span >= 0) b[span] = 1;
  for (let k = 2; k <= ord; k++) {
    const next = new Float64Array(t.length - k);
    const derivative = k > ord - deriv;
    for (let i = 0; i < next.length; i++) {
      const d1 = t[i + k - 1] - t[i];
      const d2 = t[i + k] - t[i + 1];
      if (derivative) {
        next[i] = (k - 1) * ((d1 > 0 ? b[i] / d1 : 0) - (d2 > 0 ? b[i + 1] / d2 : 0));
      } else {
        next[i] = (d1 > 0 ? ((x - t[i]) / d1) * b[i] : 0) + (d2 > 0 ? ((t[i + k] - x) / d2) * b[i + 1] : 0);
      }
    }
    b = next;
  }
  return b.subarray(0, nb);
}

/**
 * Householder QR of a column-major p × 2 matrix as LINPACK's dqrdc2 (R's `qr()`), returning the factored
 * matrix and qraux; `applyQt` is dqrsl's Qᵀy with them.
 */
function householder2(a: Float64Array[], p: number): { a: Float64Array[]; qraux: Float64Array } {
  const qraux = new Float64Array(2);
  for (let l = 0; l < 2; l++) {
    const col = a[l];
    let nrm = 0;
    for (let i = l; i < p; i++) nrm += col[i] * col[i];
    nrm = Math.sqrt(nrm);
    if (nrm === 0) continue;
    if (col[l] !== 0) nrm = Math.sign(col[l]) * Math.abs(nrm);
    for (let i = l; i < p; i++) col[i] /= nrm;
    col[l] += 1;
    for (let j = l + 1; j < 2; j++) {
      let s = 0;
      for (let i = l; i < p; i++) s += col[i] * a[j][i];
      const f = -s / col[l];
      for (let i = l; i < p; i++) a[j][i] += f * col[i];
    }
    qraux[l] = col[l];
    col[l] = -nrm;
  }
  return { a, qraux };
}

function applyQt(qr: { a: Float64Array[]; qraux: Float64Array }, y: Float64Array, p: number): void {
  for (let j = 0; j < Math.min(2, p - 1); j++) {
    if (qr.qraux[j] === 0) continue;
    const col = qr.a[j];
    const keep = col[j];
    col[j] = qr.qraux[j];
    let s = 0;
    for (let i = j; i < p; i++) s += col[i] * y[i];
    const f = -s / col[j];
    for (let i = j; i < p; i++) y[i] += f * col[i];
    col[j] = keep;
  }
}

/**
 * Spline basis of a numeric covariate, as R's `splines::ns(x, df)` (natural cubic, `type: "natural"`) or
 * `splines::bs(x, df)` (cubic B-spline, `type: "b"`), without intercept: interior knots at the type-7 quantiles of
 * x at equally spaced probabilities (df − 1 of them for ns, df − 3 for bs), boundary knots at min and max of x.
 * With `counts` (compressed cells: `x` holds distinct values, `counts` the rows of each) the knots are the
 * quantiles of the rows the cells stand for, and the basis is evaluated once per cell.
 * For ns the cubic B-spline basis is projected onto the functions with zero second derivative at both boundary
 * knots through the same Householder QR as R (LINPACK dqrdc2 / dqrsl), so the columns, not just their span, equal
 * R's and a model's coefficients can be compared with R's to the last digits.
 *
 * @example
 * ```ts
 * import { splineBasis } from "truelift";
 * const s = splineBasis(Float64Array.of(0.1, 0.4, 0.35, 0.8, 0.9, 0.6), { type: "natural", df: 2 });
 * s.columns.length; // 2
 * ```
 * @see de Boor (1978), A Practical Guide to Splines, Springer (B-spline recursion); Hastie (1992), "Generalized
 *   additive models", in Chambers & Hastie, Statistical Models in S (the ns / bs constructions).
 */
export function splineBasis(
  x: Float64Array,
  options: {
    readonly type: "natural" | "b";
    readonly df: number;
    /** Rows per entry of x (frequency counts); one each when absent. */
    readonly counts?: ArrayLike<number> | null;
  },
): SplineBasis {
  const { type, df } = options;
  const minDf = type === "natural" ? 1 : 3;
  if (!Number.isInteger(df) || df < minDf || df > 20) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `A ${type === "natural" ? "natural" : "B-"}spline needs df an integer from ${minDf} to 20, got ${df}.`,
      { details: { df, type } },
    );
  }
  const ranks = countedRanks(x, options.counts ?? null);
  const lo = ranks.at(0);
  const hi = ranks.at(ranks.n - 1);
  const interior = type === "natural" ? df - 1 : df - 3;
  const knots: number[] = [];
  for (let j = 1; j <= interior; j++) knots.push(countedQuantile(ranks, j / (interior + 1), "lerp"));
  const t = [lo, lo, lo, lo, ...knots, hi, hi, hi, hi];
  const nb = t.length - 4; // cubic B-splines on the knots; the first is dropped (no intercept)
  const p = nb - 1;
  const n = x.length;
  const raw = Array.from({ length: p }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    const row = bsplineRow(t, x[i], 4, 0);
    for (let j = 0; j < p; j++) raw[j][i] = row[j + 1];
  }
  if (type === "b") return { type, df, knots, boundary: [lo, hi], columns: raw };
  // Natural: project out the second derivatives at the boundary knots (R: qr.qty(qr(t(const)), t(basis))).
  const c0 = bsplineRow(t, lo, 4, 2);
  const c1 = bsplineRow(t, hi, 4, 2);
  const qr = householder2(
    [
      Float64Array.from({ length: p }, (_, j) => c0[j + 1]),
      Float64Array.from({ length: p }, (_, j) => c1[j + 1]),
    ],
    p,
  );
  const columns = Array.from({ length: p - 2 }, () => new Float64Array(n));
  const y = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) y[j] = raw[j][i];
    applyQt(qr, y, p);
    for (let j = 2; j < p; j++) columns[j - 2][i] = y[j];
  }
  return { type, df, knots, boundary: [lo, hi], columns };
}
