/** Options of {@link bfgs}; the defaults are R's `optim(method = "BFGS")` defaults. */
export interface BfgsOptions {
  /** Iteration limit (gradient evaluations). __Default value:__ 100. */
  readonly maxit?: number;
  /** Relative convergence tolerance. __Default value:__ √ε = 1.490116e−8. */
  readonly reltol?: number;
  /** Stop when the value is ≤ abstol. __Default value:__ −∞. */
  readonly abstol?: number;
  /** Central-difference step of the numerical gradient (R's `ndeps`). __Default value:__ 10⁻³. */
  readonly ndeps?: number;
}

/** Result of {@link bfgs}, as R's `optim`: par, value, counts, convergence (0 ok, 1 iteration limit). */
export interface BfgsResult {
  readonly par: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly gradients: number;
  readonly convergence: 0 | 1;
}

const STEPREDN = 0.2;
const ACCTOL = 0.0001;
const RELTEST = 10.0;

/**
 * The variable-metric (BFGS) minimiser exactly as R's `optim(method = "BFGS")` runs it without a gradient function
 * (`vmmin` in R's src/appl/optim.c, after Nash's Compact Numerical Methods, Algorithm 21, with optim's
 * central-difference gradient of step `ndeps`): the same backtracking line search (step ×0.2, Armijo constant
 * 10⁻⁴, "no change" test against 10), the same inverse-Hessian update and restarts, the same stopping rules. Used
 * with {@link nelderMead} by the ADH V search, as Synth's `optimx(method = c("Nelder-Mead", "BFGS"))`.
 *
 * @example
 * ```ts
 * import { bfgs } from "truelift";
 * bfgs((x) => (x[0] - 1) ** 2 + 10 * (x[1] + 2) ** 2, Float64Array.of(0, 0)).par; // ≈ [1, −2]
 * ```
 * @see Nash (1990), Compact Numerical Methods for Computers, 2nd ed., Algorithm 21.
 */
export function bfgs(
  fn: (x: Float64Array) => number,
  start: Float64Array,
  options: BfgsOptions = {},
): BfgsResult {
  const maxit = options.maxit ?? 100;
  const reltol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const abstol = options.abstol ?? Number.NEGATIVE_INFINITY;
  const ndeps = options.ndeps ?? 1e-3;
  const n = start.length;
  const b = Float64Array.from(start);
  const gradient = (p: Float64Array, g: Float64Array): void => {
    const x = Float64Array.from(p);
    for (let i = 0; i < n; i++) {
      x[i] = p[i] + ndeps;
      const v1 = fn(x);
      x[i] = p[i] - ndeps;
      const v2 = fn(x);
      g[i] = (v1 - v2) / (2 * ndeps);
      if (!Number.isFinite(g[i])) throw new RangeError(`bfgs: non-finite finite-difference value [${i + 1}]`);
      x[i] = p[i];
    }
  };
  if (maxit <= 0) return { par: b, value: fn(b), evaluations: 0, gradients: 0, convergence: 0 };
  const g = new Float64Array(n);
  const t = new Float64Array(n);
  const X = new Float64Array(n);
  const c = new Float64Array(n);
  // Lower triangle of the inverse-Hessian approximation: B[i][j], j ≤ i.
  const B: Float64Array[] = Array.from({ length: n }, (_, i) => new Float64Array(i + 1));
  let f = fn(b);
  if (!Number.isFinite(f)) throw new RangeError("bfgs: initial value is not finite");
  let fmin = f;
  let funcount = 1;
  let gradcount = 1;
  gradient(b, g);
  let iter = 1;
  let ilast = gradcount;
  let count = 0;
  do {
    if (ilast === gradcount) {
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < i; j++) B[i][j] = 0;
        B[i][i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      X[i] = b[i];
      c[i] = g[i];
    }
    let gradproj = 0;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j <= i; j++) s -= B[i][j] * g[j];
      for (let j = i + 1; j < n; j++) s -= B[j][i] * g[j];
      t[i] = s;
      gradproj += s * g[i];
    }
    if (gradproj < 0) {
      let steplength = 1;
      let accpoint = false;
      do {
        count = 0;
        for (let i = 0; i < n; i++) {
          b[i] = X[i] + steplength * t[i];
          if (RELTEST + X[i] === RELTEST + b[i]) count++;
        }
        if (count < n) {
          f = fn(b);
          funcount++;
          accpoint = Number.isFinite(f) && f <= fmin + gradproj * steplength * ACCTOL;
          if (!accpoint) steplength *= STEPREDN;
        }
      } while (!(count === n || accpoint));
      const enough = f > abstol && Math.abs(f - fmin) > reltol * (Math.abs(fmin) + reltol);
      if (!enough) {
        count = n;
        fmin = f;
      }
      if (count < n) {
        fmin = f;
        gradient(b, g);
        gradcount++;
        iter++;
        let d1 = 0;
        for (let i = 0; i < n; i++) {
          t[i] = steplength * t[i];
          c[i] = g[i] - c[i];
          d1 += t[i] * c[i];
        }
        if (d1 > 0) {
          let d2 = 0;
          for (let i = 0; i < n; i++) {
            let s = 0;
            for (let j = 0; j <= i; j++) s += B[i][j] * c[j];
            for (let j = i + 1; j < n; j++) s += B[j][i] * c[j];
            X[i] = s;
            d2 += s * c[i];
          }
          d2 = 1 + d2 / d1;
          for (let i = 0; i < n; i++) {
            for (let j = 0; j <= i; j++) B[i][j] += (d2 * t[i] * t[j] - X[i] * t[j] - t[i] * X[j]) / d1;
          }
        } else {
          ilast = gradcount;
        }
      } else if (ilast < gradcount) {
        count = 0;
        ilast = gradcount;
      }
    } else {
      count = 0;
      if (ilast === gradcount) count = n;
      else ilast = gradcount;
    }
    if (iter >= maxit) break;
    if (gradcount - ilast > 2 * n) ilast = gradcount;
  } while (count !== n || ilast !== gradcount);
  return {
    par: b,
    value: fmin,
    evaluations: funcount,
    gradients: gradcount,
    convergence: iter < maxit ? 0 : 1,
  };
}
