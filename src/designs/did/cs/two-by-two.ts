import { cholesky, choleskyInverse, choleskySolve } from "../../../numeric/linalg/cholesky.js";

/**
 * One 2×2 DiD cell on panel data: the units of group g (D = 1) and their comparison units (D = 0), the change in
 * outcome between the base and the current period, and the covariate matrix with a leading intercept column
 * (row-major n × k).
 *
 * @example
 * ```ts
 * const cell: TwoByTwoData = { n: 2, k: 1, dy: Float64Array.of(1, 0), d: Uint8Array.of(1, 0), x: Float64Array.of(1, 1) };
 * ```
 */
export interface TwoByTwoData {
  readonly n: number;
  readonly k: number;
  readonly dy: Float64Array;
  readonly d: Uint8Array;
  readonly x: Float64Array;
}

/** An estimate with its influence function (one value per unit of the cell, mean zero), or why it failed. *
 * @example
 * ```ts
 * const r: TwoByTwoResult = regDidPanel(cell);
 * if (r.ok) r.att;
 * ```
 */
export type TwoByTwoResult =
  | {
      readonly ok: true;
      readonly att: number;
      readonly inf: Float64Array;
      readonly psNotConverged: boolean;
    }
  | { readonly ok: false; readonly reason: "singular-regression" | "overlap" | "singular-pscore" };

const EPS = 2.220446049250313e-16;

/** Reciprocal 1-norm condition number of a symmetric positive-definite matrix (as R's `rcond`), 0 if not PD. *
 * @example
 * ```ts
 * rcondSpd(Float64Array.of(2, 0, 0, 1), 2); // 0.5
 * ```
 */
export function rcondSpd(a: Float64Array, k: number): number {
  const l = cholesky(a, k);
  if (!l) return 0;
  const inv = choleskyInverse(l, k);
  let na = 0;
  let ni = 0;
  for (let j = 0; j < k; j++) {
    let sa = 0;
    let si = 0;
    for (let i = 0; i < k; i++) {
      sa += Math.abs(a[i * k + j]);
      si += Math.abs(inv[i * k + j]);
    }
    na = Math.max(na, sa);
    ni = Math.max(ni, si);
  }
  const r = 1 / (na * ni);
  return Number.isFinite(r) ? r : 0;
}

interface ControlOls {
  /** Fitted change for every unit: xᵢ'β. */
  readonly fitted: Float64Array;
  /** (Σ_{D=0} x xᵀ / n)⁻¹ (row-major k × k). */
  readonly xpxInv: Float64Array;
}

/** OLS of Δy on x among the comparison units (DRDID: `lm(deltaY ~ -1 + int.cov, subset = D == 0)`). */
function controlOls(c: TwoByTwoData): ControlOls | null {
  const { n, k, dy, d, x } = c;
  const xtx = new Float64Array(k * k);
  const xty = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (d[i]) continue;
    const o = i * k;
    for (let a = 0; a < k; a++) {
      const xa = x[o + a];
      xty[a] += xa * dy[i];
      for (let b = 0; b <= a; b++) xtx[a * k + b] += xa * x[o + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) xtx[b * k + a] = xtx[a * k + b];
  if (rcondSpd(xtx, k) < EPS) return null;
  const l = cholesky(xtx, k)!;
  const beta = choleskySolve(l, k, xty);
  const inv = choleskyInverse(l, k);
  for (let a = 0; a < k * k; a++) inv[a] *= n;
  const fitted = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) s += x[i * k + a] * beta[a];
    fitted[i] = s;
  }
  return { fitted, xpxInv: inv };
}

interface Pscore {
  /** Fitted propensity, capped at 1 − 1e-6 as DRDID does. */
  readonly ps: Float64Array;
  /** (Σ ps(1−ps) x xᵀ)⁻¹ · n (DRDID's `Hessian.ps`). */
  readonly hessian: Float64Array;
  readonly converged: boolean;
}

/**
 * Logistic regression of D on x by Newton–Raphson (the MLE DRDID obtains with `fastglm`), with did's overlap
 * check (a fitted propensity ≥ 0.999 makes the cell unidentified).
 */
function pscore(c: TwoByTwoData): Pscore | "overlap" | "singular" {
  const { n, k, d, x } = c;
  const beta = new Float64Array(k);
  let nt = 0;
  for (let i = 0; i < n; i++) nt += d[i];
  if (nt === n || nt === 0) return "overlap";
  const pbar = nt / n;
  beta[0] = Math.log(pbar / (1 - pbar));
  const p = new Float64Array(n);
  const grad = new Float64Array(k);
  const h = new Float64Array(k * k);
  let converged = false;
  const fill = () => {
    for (let i = 0; i < n; i++) {
      let eta = 0;
      for (let a = 0; a < k; a++) eta += x[i * k + a] * beta[a];
      p[i] = 1 / (1 + Math.exp(-eta));
    }
  };
  for (let iter = 0; iter < 100; iter++) {
    fill();
    grad.fill(0);
    h.fill(0);
    for (let i = 0; i < n; i++) {
      const r = d[i] - p[i];
      const w = p[i] * (1 - p[i]);
      const o = i * k;
      for (let a = 0; a < k; a++) {
        grad[a] += r * x[o + a];
        for (let b = 0; b <= a; b++) h[a * k + b] += w * x[o + a] * x[o + b];
      }
    }
    for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) h[b * k + a] = h[a * k + b];
    const l = cholesky(h, k);
    if (!l) break;
    const step = choleskySolve(l, k, grad);
    let maxRel = 0;
    for (let a = 0; a < k; a++) {
      beta[a] += step[a];
      maxRel = Math.max(maxRel, Math.abs(step[a]) / (1 + Math.abs(beta[a])));
    }
    if (!Number.isFinite(maxRel)) break;
    if (maxRel < 1e-11) {
      converged = true;
      break;
    }
  }
  fill();
  let maxP = 0;
  for (let i = 0; i < n; i++) maxP = Math.max(maxP, p[i]);
  if (!(maxP < 0.999)) return "overlap";
  const ps = new Float64Array(n);
  const xtwx = new Float64Array(k * k);
  for (let i = 0; i < n; i++) {
    const v = Math.min(p[i], 1 - 1e-6);
    ps[i] = v;
    const w = v * (1 - v);
    const o = i * k;
    for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) xtwx[a * k + b] += w * x[o + a] * x[o + b];
  }
  for (let a = 0; a < k; a++) for (let b = 0; b < a; b++) xtwx[b * k + a] = xtwx[a * k + b];
  if (rcondSpd(xtwx, k) < EPS) return "singular";
  const hessian = choleskyInverse(cholesky(xtwx, k)!, k);
  for (let a = 0; a < k * k; a++) hessian[a] *= n;
  return { ps, hessian, converged };
}

/** v = M a for a row-major k × k matrix. */
function matVecK(m: Float64Array, a: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let c = 0; c < k; c++) s += m[r * k + c] * a[c];
    out[r] = s;
  }
  return out;
}

function rowDot(x: Float64Array, i: number, k: number, v: Float64Array): number {
  let s = 0;
  for (let a = 0; a < k; a++) s += x[i * k + a] * v[a];
  return s;
}

/**
 * Outcome-regression DiD (Heckman, Ichimura & Todd 1997), DRDID's `reg_did_panel` with unit weights: the
 * treated units' mean change minus the mean of the comparison-group regression prediction over the treated,
 * with the OLS estimation effect in the influence function.
 *
 * @example
 * ```ts
 * const r = regDidPanel({ n: 4, k: 1, dy: Float64Array.of(1, 2, 0, 1), d: Uint8Array.of(1, 1, 0, 0), x: Float64Array.of(1, 1, 1, 1) });
 * r.ok && r.att; // 1 (1.5 − 0.5)
 * ```
 * @see Sant'Anna & Zhao (2020), "Doubly robust difference-in-differences estimators", J. Econometrics 219(1).
 */
export function regDidPanel(c: TwoByTwoData): TwoByTwoResult {
  const { n, k, dy, d, x } = c;
  const ols = controlOls(c);
  if (!ols) return { ok: false, reason: "singular-regression" };
  const od = ols.fitted;
  let nt = 0;
  let sTreat = 0;
  let sCont = 0;
  const m1 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (!d[i]) continue;
    nt++;
    sTreat += dy[i];
    sCont += od[i];
    for (let a = 0; a < k; a++) m1[a] += x[i * k + a] / n;
  }
  const etaTreat = sTreat / nt;
  const etaCont = sCont / nt;
  const meanD = nt / n;
  const a1 = matVecK(ols.xpxInv, m1, k);
  const inf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const infTreat = d[i] ? (dy[i] - etaTreat) / meanD : 0;
    const cont1 = d[i] ? od[i] - etaCont : 0;
    const cont2 = d[i] ? 0 : (dy[i] - od[i]) * rowDot(x, i, k, a1);
    inf[i] = infTreat - (cont1 + cont2) / meanD;
  }
  return { ok: true, att: etaTreat - etaCont, inf, psNotConverged: false };
}

/**
 * Normalised (Hájek) IPW DiD (Abadie 2005), DRDID's `std_ipw_did_panel` with unit weights: logit propensity,
 * comparison units weighted by p/(1−p) and trimmed at p ≥ 0.995, with the propensity estimation effect.
 *
 * @example
 * ```ts
 * const r = stdIpwDidPanel({ n: 4, k: 1, dy: Float64Array.of(1, 2, 0, 1), d: Uint8Array.of(1, 1, 0, 0), x: Float64Array.of(1, 1, 1, 1) });
 * r.ok && r.att; // 1
 * ```
 * @see Abadie (2005), "Semiparametric difference-in-differences estimators", Rev. Econ. Stud. 72(1);
 *   Sant'Anna & Zhao (2020), J. Econometrics 219(1).
 */
export function stdIpwDidPanel(c: TwoByTwoData): TwoByTwoResult {
  const { n, k, dy, d, x } = c;
  const ps = pscore(c);
  if (ps === "overlap") return { ok: false, reason: "overlap" };
  if (ps === "singular") return { ok: false, reason: "singular-pscore" };
  const { wt, wc, swt, swc, etaTreat, etaCont } = hajekMeans(d, ps.ps, dy);
  const m2 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const f = (wc[i] * (dy[i] - etaCont)) / n;
    if (f !== 0) for (let a = 0; a < k; a++) m2[a] += f * x[i * k + a];
  }
  const a2 = matVecK(ps.hessian, m2, k);
  const meanWt = swt / n;
  const meanWc = swc / n;
  const inf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const infTreat = (wt[i] * (dy[i] - etaTreat)) / meanWt;
    const cont2 = (d[i] - ps.ps[i]) * rowDot(x, i, k, a2);
    inf[i] = infTreat - (wc[i] * (dy[i] - etaCont) + cont2) / meanWc;
  }
  return { ok: true, att: etaTreat - etaCont, inf, psNotConverged: !ps.converged };
}

/**
 * Locally efficient doubly robust DiD, DRDID's `drdid_panel` with unit weights: OLS outcome model for the
 * comparison group's change plus logit propensity weights, with both estimation effects in the influence
 * function. Consistent if either model is right.
 *
 * @example
 * ```ts
 * const r = drDidPanel({ n: 4, k: 1, dy: Float64Array.of(1, 2, 0, 1), d: Uint8Array.of(1, 1, 0, 0), x: Float64Array.of(1, 1, 1, 1) });
 * r.ok && r.att; // 1
 * ```
 * @see Sant'Anna & Zhao (2020), "Doubly robust difference-in-differences estimators", J. Econometrics 219(1),
 *   eq. (3.1).
 */
export function drDidPanel(c: TwoByTwoData): TwoByTwoResult {
  const { n, k, dy, d, x } = c;
  const ps = pscore(c);
  if (ps === "overlap") return { ok: false, reason: "overlap" };
  if (ps === "singular") return { ok: false, reason: "singular-pscore" };
  const ols = controlOls(c);
  if (!ols) return { ok: false, reason: "singular-regression" };
  const od = ols.fitted;
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) resid[i] = dy[i] - od[i];
  const { wt, wc, swt, swc, etaTreat, etaCont } = hajekMeans(d, ps.ps, resid);
  const m1 = new Float64Array(k);
  const m2 = new Float64Array(k);
  const m3 = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const r = dy[i] - od[i];
    for (let a = 0; a < k; a++) {
      const xa = x[i * k + a] / n;
      m1[a] += wt[i] * xa;
      m2[a] += wc[i] * (r - etaCont) * xa;
      m3[a] += wc[i] * xa;
    }
  }
  const a1 = matVecK(ols.xpxInv, m1, k);
  const a2 = matVecK(ps.hessian, m2, k);
  const a3 = matVecK(ols.xpxInv, m3, k);
  const meanWt = swt / n;
  const meanWc = swc / n;
  const inf = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const r = dy[i] - od[i];
    const olsRes = d[i] ? 0 : r;
    const treat1 = wt[i] * (r - etaTreat);
    const treat2 = olsRes * rowDot(x, i, k, a1);
    const cont1 = wc[i] * (r - etaCont);
    const cont2 = (d[i] - ps.ps[i]) * rowDot(x, i, k, a2);
    const cont3 = olsRes * rowDot(x, i, k, a3);
    inf[i] = (treat1 - treat2) / meanWt - (cont1 + cont2 - cont3) / meanWc;
  }
  return { ok: true, att: etaTreat - etaCont, inf, psNotConverged: !ps.converged };
}

/**
 * Normalised (Hájek) weighted means of `v` for the treated (weight 1) and the comparison units (odds weights
 * p / (1 − p), trimmed to 0 when p ≥ 0.995 as DRDID does), with the weights and their sums.
 */
function hajekMeans(d: ArrayLike<number>, ps: ArrayLike<number>, v: ArrayLike<number>) {
  const n = v.length;
  const wt = new Float64Array(n);
  const wc = new Float64Array(n);
  let swt = 0;
  let swc = 0;
  let at = 0;
  let ac = 0;
  for (let i = 0; i < n; i++) {
    const p = ps[i];
    if (d[i]) wt[i] = 1;
    else wc[i] = p < 0.995 ? p / (1 - p) : 0;
    swt += wt[i];
    swc += wc[i];
    at += wt[i] * v[i];
    ac += wc[i] * v[i];
  }
  return { wt, wc, swt, swc, etaTreat: at / swt, etaCont: ac / swc };
}
