/** Options of {@link nelderMead}; the defaults are R's `optim(method = "Nelder-Mead")` defaults. */
export interface NelderMeadOptions {
  /** Reflection factor. __Default value:__ 1. */
  readonly alpha?: number;
  /** Contraction factor. __Default value:__ 0.5. */
  readonly beta?: number;
  /** Expansion factor. __Default value:__ 2. */
  readonly gamma?: number;
  /** Relative convergence tolerance. __Default value:__ √ε = 1.490116e−8 (R's `reltol`). */
  readonly reltol?: number;
  /** Stop when the best value is ≤ abstol. __Default value:__ −∞. */
  readonly abstol?: number;
  /** Function-evaluation budget. __Default value:__ 500 (R's `maxit`). */
  readonly maxit?: number;
}

/** Result of {@link nelderMead}, as R's `optim`: par, value, counts, convergence (0 ok, 1 maxit, 10 degenerate). */
export interface NelderMeadResult {
  readonly par: Float64Array;
  readonly value: number;
  readonly evaluations: number;
  readonly convergence: 0 | 1 | 10;
}

const BIG = 1.0e35;

/**
 * The Nelder–Mead simplex minimiser exactly as R's `optim(method = "Nelder-Mead")` runs it (`nmmin` in R's
 * src/appl/optim.c, after Nash's Compact Numerical Methods, 2nd ed., Algorithm 19): the same initial simplex
 * (step 10 % of the largest |start| coordinate, 0.1 if all are 0), the same reflection / extension /
 * contraction / shrink rules and order of evaluations, the convergence test VH ≤ VL + reltol·(|f₀| + reltol) on
 * the start's value, and the evaluation budget. Non-finite values count as 10³⁵. So a synthetic-control V search
 * started like Synth's follows the same path as R, up to floating-point differences in the objective.
 *
 * @example
 * ```ts
 * import { nelderMead } from "truelift";
 * const r = nelderMead((x) => (x[0] - 1) ** 2 + (x[1] + 2) ** 2, Float64Array.of(0, 0));
 * r.par; // ≈ [1, −2]
 * ```
 * @see Nelder & Mead (1965), "A simplex method for function minimization", Computer Journal 7, 308–313.
 * @see Nash (1990), Compact Numerical Methods for Computers, 2nd ed., Algorithm 19.
 */
export function nelderMead(
  fn: (x: Float64Array) => number,
  start: Float64Array,
  options: NelderMeadOptions = {},
): NelderMeadResult {
  const alpha = options.alpha ?? 1;
  const bet = options.beta ?? 0.5;
  const gamm = options.gamma ?? 2;
  const intol = options.reltol ?? Math.sqrt(Number.EPSILON);
  const abstol = options.abstol ?? Number.NEGATIVE_INFINITY;
  const maxit = options.maxit ?? 500;
  const n = start.length;
  const bvec = Float64Array.from(start);
  const evalf = (x: Float64Array): number => {
    const v = fn(x);
    return Number.isFinite(v) ? v : BIG;
  };
  if (maxit <= 0) return { par: bvec, value: evalf(bvec), evaluations: 0, convergence: 0 };
  // P[i][j]: coordinate i of vertex j (i < n), P[n][j] its value; column n + 1 is the centroid.
  const n1 = n + 1;
  const cCol = n + 1;
  const P: Float64Array[] = [];
  for (let i = 0; i <= n; i++) P.push(new Float64Array(n + 2));
  let f = fn(bvec);
  if (!Number.isFinite(f)) throw new RangeError("nelderMead: the function cannot be evaluated at the start.");
  let funcount = 1;
  const convtol = intol * (Math.abs(f) + intol);
  P[n][0] = f;
  for (let i = 0; i < n; i++) P[i][0] = bvec[i];
  let L = 1;
  let size = 0;
  let step = 0;
  for (let i = 0; i < n; i++) if (0.1 * Math.abs(bvec[i]) > step) step = 0.1 * Math.abs(bvec[i]);
  if (step === 0) step = 0.1;
  for (let j = 2; j <= n1; j++) {
    for (let i = 0; i < n; i++) P[i][j - 1] = bvec[i];
    let trystep = step;
    while (P[j - 2][j - 1] === bvec[j - 2]) {
      P[j - 2][j - 1] = bvec[j - 2] + trystep;
      trystep *= 10;
    }
    size += trystep;
  }
  let oldsize = size;
  let calcvert = true;
  let fail: 0 | 1 | 10 = 0;
  do {
    if (calcvert) {
      for (let j = 0; j < n1; j++) {
        if (j + 1 !== L) {
          for (let i = 0; i < n; i++) bvec[i] = P[i][j];
          P[n][j] = evalf(bvec);
          funcount++;
        }
      }
      calcvert = false;
    }
    let VL = P[n][L - 1];
    let VH = VL;
    let H = L;
    for (let j = 1; j <= n1; j++) {
      if (j !== L) {
        const fj = P[n][j - 1];
        if (fj < VL) {
          L = j;
          VL = fj;
        }
        if (fj > VH) {
          H = j;
          VH = fj;
        }
      }
    }
    if (VH <= VL + convtol || VL <= abstol) break;
    for (let i = 0; i < n; i++) {
      let temp = -P[i][H - 1];
      for (let j = 0; j < n1; j++) temp += P[i][j];
      P[i][cCol] = temp / n;
    }
    for (let i = 0; i < n; i++) bvec[i] = (1 + alpha) * P[i][cCol] - alpha * P[i][H - 1];
    f = evalf(bvec);
    funcount++;
    const VR = f;
    if (VR < VL) {
      P[n][cCol] = f;
      for (let i = 0; i < n; i++) {
        const e = gamm * bvec[i] + (1 - gamm) * P[i][cCol];
        P[i][cCol] = bvec[i];
        bvec[i] = e;
      }
      f = evalf(bvec);
      funcount++;
      if (f < VR) {
        for (let i = 0; i < n; i++) P[i][H - 1] = bvec[i];
        P[n][H - 1] = f;
      } else {
        for (let i = 0; i < n; i++) P[i][H - 1] = P[i][cCol];
        P[n][H - 1] = VR;
      }
    } else {
      if (VR < VH) {
        for (let i = 0; i < n; i++) P[i][H - 1] = bvec[i];
        P[n][H - 1] = VR;
      }
      for (let i = 0; i < n; i++) bvec[i] = (1 - bet) * P[i][H - 1] + bet * P[i][cCol];
      f = evalf(bvec);
      funcount++;
      if (f < P[n][H - 1]) {
        for (let i = 0; i < n; i++) P[i][H - 1] = bvec[i];
        P[n][H - 1] = f;
      } else if (VR >= VH) {
        calcvert = true;
        size = 0;
        for (let j = 0; j < n1; j++) {
          if (j + 1 !== L) {
            for (let i = 0; i < n; i++) {
              P[i][j] = bet * (P[i][j] - P[i][L - 1]) + P[i][L - 1];
              size += Math.abs(P[i][j] - P[i][L - 1]);
            }
          }
        }
        if (size < oldsize) {
          oldsize = size;
        } else {
          fail = 10;
          break;
        }
      }
    }
  } while (funcount <= maxit);
  const par = new Float64Array(n);
  for (let i = 0; i < n; i++) par[i] = P[i][L - 1];
  if (funcount > maxit) fail = 1;
  return { par, value: P[n][L - 1], evaluations: funcount, convergence: fail };
}
