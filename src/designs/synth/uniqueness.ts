import { symmetricEigen } from "../../models/vcov/cr2.js";
/**
 * Evidence for (or against) the uniqueness of simplex least-squares weights, from the problem's optimality (KKT)
 * conditions. See {@link weightUniqueness}.
 */
export interface WeightUniqueness {
  /** True when the KKT conditions certify that no other weight vector attains the same objective. */
  readonly unique: boolean;
  /** Donors with positive weight (the face of the simplex the solution lies on). */
  readonly support: number;
  /**
   * Rank of the reduced Hessian on the support (the donors' columns differenced against the largest-weight one);
   * full rank is `support − 1`.
   */
  readonly rank: number;
  /**
   * Smallest eigenvalue of the reduced Hessian on the support, relative to the largest squared column norm of
   * those donors (0 = linearly dependent; null with a single donor, where the face is a point).
   */
  readonly minEigenvalue: number | null;
  /** Zero-weight donors (0-based) whose multiplier (reduced cost) is zero: they could enter at no cost. */
  readonly degenerateDonors: readonly number[];
  /**
   * With degenerate donors: the smallest relative eigenvalue of the reduced Hessian on support ∪ degenerate
   * donors (> 0 means they cannot enter without raising the objective); null without degenerate donors.
   */
  readonly minEigenvalueWithDegenerate: number | null;
}

/** Relative eigenvalue below which a reduced Hessian is treated as singular (columns linearly dependent). */
const EIGEN_TOL = 1e-12;
/** Relative size below which a zero-weight donor's multiplier counts as zero. */
const MULTIPLIER_TOL = 1e-10;

/**
 * Whether the minimiser of ‖A w − b‖² on the simplex (w ≥ 0, Σw = 1) is unique, decided from the optimality
 * (KKT) conditions at the given minimiser `w` (A is `rows` × `cols` row-major; the synthetic-control weight problem
 * with A the donors' pre-period outcomes, or their predictors scaled by √V).
 *
 * Every other minimiser w′ has the same fit A w′ = A w and lies on the face spanned by the support S of w and
 * the zero-weight donors D whose multiplier λⱼ = ∇ⱼ + ν is zero (the others would raise the objective at rate
 * λⱼ > 0). So w is unique when the reduced Hessian — AᵀA on the directions of S ∪ D that keep Σw = 1, i.e. the
 * Gram matrix of the columns of S ∪ D differenced against one of them — is positive definite: those columns are
 * affinely independent. With D empty (strict complementarity) this is the classic second-order condition on the
 * face of the solution. When the matrix on S ∪ D is singular the weights are reported not unique (strictly, a
 * null direction that needs a degenerate donor at negative weight would not be feasible; this check does not
 * try to rule that out).
 *
 * Tolerances: a reduced Hessian is singular when its smallest eigenvalue (Jacobi) is at most 10⁻¹² times the
 * largest squared column norm of its donors; a multiplier is zero when it is at most 10⁻¹⁰ times the gradient's
 * scale (max diagonal of AᵀA plus max |Aᵀb|).
 *
 * @example
 * ```ts
 * import { weightUniqueness } from "truelift";
 * // two identical donors: any split between them fits equally well
 * weightUniqueness(Float64Array.of(1, 1, 0, 0, 0, 1), 2, 3, Float64Array.of(2, 0), Float64Array.of(1, 0, 0)).unique; // false
 * ```
 * @see Nocedal & Wright (2006), Numerical Optimization, 2nd ed., §16.1 and Theorem 16.4 (second-order conditions
 *   and uniqueness for QPs); Abadie, Diamond & Hainmueller (2010), JASA 105 (the weight problem).
 */
export function weightUniqueness(
  a: Float64Array,
  rows: number,
  cols: number,
  b: Float64Array,
  w: Float64Array,
): WeightUniqueness {
  const support: number[] = [];
  for (let j = 0; j < cols; j++) if (w[j] > 0) support.push(j);
  const resid = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = -b[i];
    for (let j = 0; j < cols; j++) s += a[i * cols + j] * w[j];
    resid[i] = s;
  }
  const grad = new Float64Array(cols);
  let scale = 0;
  for (let j = 0; j < cols; j++) {
    let g = 0;
    let d = 0;
    let atb = 0;
    for (let i = 0; i < rows; i++) {
      const x = a[i * cols + j];
      g += x * resid[i];
      d += x * x;
      atb += x * b[i];
    }
    grad[j] = g;
    scale = Math.max(scale, d + Math.abs(atb));
  }
  let nu = 0;
  for (const j of support) nu -= grad[j];
  nu = support.length > 0 ? nu / support.length : 0;
  const inSupport = new Uint8Array(cols);
  for (const j of support) inSupport[j] = 1;
  const degenerateDonors: number[] = [];
  for (let j = 0; j < cols; j++) {
    if (!inSupport[j] && grad[j] + nu <= MULTIPLIER_TOL * scale) degenerateDonors.push(j);
  }
  const onSupport = reducedSpectrum(a, rows, cols, support, w);
  const withDegenerate =
    degenerateDonors.length > 0 ? reducedSpectrum(a, rows, cols, [...support, ...degenerateDonors], w) : null;
  const decisive = withDegenerate ?? onSupport;
  return {
    unique: decisive.minRelative === null || decisive.minRelative > EIGEN_TOL,
    support: support.length,
    rank: onSupport.rank,
    minEigenvalue: onSupport.minRelative,
    degenerateDonors,
    minEigenvalueWithDegenerate: withDegenerate ? withDegenerate.minRelative : null,
  };
}

/** Eigen-evidence of the reduced Hessian on the donors `set`: differenced against the largest-weight donor. */
function reducedSpectrum(
  a: Float64Array,
  rows: number,
  cols: number,
  set: readonly number[],
  w: Float64Array,
): { minRelative: number | null; rank: number } {
  if (set.length <= 1) return { minRelative: null, rank: 0 };
  let ref = set[0];
  for (const j of set) if (w[j] > w[ref]) ref = j;
  const others = set.filter((j) => j !== ref);
  const m = others.length;
  let colScale = 0;
  for (const j of set) {
    let s = 0;
    for (let i = 0; i < rows; i++) s += a[i * cols + j] ** 2;
    colScale = Math.max(colScale, s);
  }
  const h = new Float64Array(m * m);
  for (let p = 0; p < m; p++) {
    for (let q = p; q < m; q++) {
      let s = 0;
      for (let i = 0; i < rows; i++) {
        const r = a[i * cols + ref];
        s += (a[i * cols + others[p]] - r) * (a[i * cols + others[q]] - r);
      }
      h[p * m + q] = s;
      h[q * m + p] = s;
    }
  }
  const eig = symmetricEigen(h, m).values;
  const denom = colScale > 0 ? colScale : 1;
  let min = Number.POSITIVE_INFINITY;
  let rank = 0;
  for (const e of eig) {
    min = Math.min(min, e / denom);
    if (e / denom > EIGEN_TOL) rank++;
  }
  return { minRelative: Math.max(0, min), rank };
}
