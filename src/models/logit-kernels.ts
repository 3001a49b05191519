// Numerical kernels of the logistic model, internal to logit.ts (not part of the public API): per-row state,
// log-likelihood, score, information and the Newton objective. See McCullagh & Nelder, Generalized Linear
// Models (2nd ed., 1989), §4.4 — the score Xᵀ(y − p) and information XᵀWX of the canonical logit link.
import type { LogitDesign } from "./logit-design.js";

/**
 * The per-row quantities of a logistic model at one β, computed once and shared by the log-likelihood, score and
 * information: η = Xβ and e = exp(−|η|). From e, without further exponentials and without cancellation:
 * softplus(η) = max(η, 0) + log1p(e); σ(η) = 1/(1 + e) for η ≥ 0, e/(1 + e) otherwise; σ(η)σ(−η) = e/(1 + e)².
 */
export interface LogitState {
  readonly eta: Float64Array;
  readonly e: Float64Array;
}

/** η = Xβ and e = exp(−|η|) for column-major X. */
export function logitState(columns: readonly Float64Array[], beta: Float64Array, n: number): LogitState {
  const eta = linearPredictor(columns, beta, n);
  const e = new Float64Array(n);
  for (let r = 0; r < n; r++) e[r] = Math.exp(-Math.abs(eta[r]));
  return { eta, e };
}

/** Xβ for column-major X. */
export function linearPredictor(
  columns: readonly Float64Array[],
  beta: Float64Array,
  n: number,
): Float64Array {
  const eta = new Float64Array(n);
  for (let j = 0; j < columns.length; j++) {
    const c = columns[j];
    const b = beta[j];
    for (let r = 0; r < n; r++) eta[r] += b * c[r];
  }
  return eta;
}

/** Σ wᵢ [yᵢ ηᵢ − softplus(ηᵢ)]. */
export function logLikelihood(y: Float64Array, w: Float64Array | null, s: LogitState): number {
  const { eta, e } = s;
  let total = 0;
  if (w) {
    for (let r = 0; r < y.length; r++) {
      const h = eta[r];
      total += w[r] * (y[r] * h - (Math.max(h, 0) + Math.log1p(e[r])));
    }
  } else {
    for (let r = 0; r < y.length; r++) {
      const h = eta[r];
      total += y[r] * h - (Math.max(h, 0) + Math.log1p(e[r]));
    }
  }
  return total;
}

/** The score Xᵀ w (y − p), with y − p computed without cancellation (1 − p = σ(−η) for y = 1); y may be a share. */
export function score(design: LogitDesign, s: LogitState): Float64Array {
  const { n, k, columns, y, w } = design;
  const { eta, e } = s;
  const resid = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const big = 1 / (1 + e[r]); // σ(|η|)
    const small = e[r] * big; // σ(−|η|)
    const pos = eta[r] >= 0;
    // y − p as y·σ(−η) − (1 − y)·σ(η): bit-identical to 1 − p or −p for y ∈ {0, 1}, and a cell's share otherwise.
    const yr = y[r];
    const d =
      yr === 1
        ? pos
          ? small
          : big
        : yr === 0
          ? -(pos ? big : small)
          : yr * (pos ? small : big) - (1 - yr) * (pos ? big : small);
    resid[r] = w ? w[r] * d : d;
  }
  const g = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    const c = columns[j];
    let t = 0;
    for (let r = 0; r < n; r++) t += resid[r] * c[r];
    g[j] = t;
  }
  return g;
}

/** The observed (= expected) information Xᵀ diag(wᵢ pᵢ(1 − pᵢ)) X, row-major k × k. */
export function information(design: LogitDesign, s: LogitState): Float64Array {
  const { n, k, columns, w } = design;
  const { e } = s;
  const v = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const q = e[r] / (1 + e[r]) ** 2;
    v[r] = w ? w[r] * q : q;
  }
  const h = new Float64Array(k * k);
  for (let p = 0; p < k; p++) {
    const a = columns[p];
    for (let q = p; q < k; q++) {
      const b = columns[q];
      let t = 0;
      for (let r = 0; r < n; r++) t += v[r] * a[r] * b[r];
      h[p * k + q] = t;
      h[q * k + p] = t;
    }
  }
  return h;
}

/** Fitted probabilities σ(η). */
export function probabilities(s: LogitState): Float64Array {
  const { eta, e } = s;
  const p = new Float64Array(eta.length);
  for (let r = 0; r < eta.length; r++) p[r] = eta[r] >= 0 ? 1 / (1 + e[r]) : e[r] / (1 + e[r]);
  return p;
}

/** The maximised log-likelihood of the intercept-only model: W·[ȳ log ȳ + (1 − ȳ) log(1 − ȳ)] in weighted form. */
export function interceptOnlyLogLik(y: Float64Array, w: Float64Array | null, sumW: number): number {
  let sy = 0;
  for (let r = 0; r < y.length; r++) sy += (w ? w[r] : 1) * y[r];
  const p = sy / sumW;
  return sy * Math.log(p) + (sumW - sy) * Math.log1p(-p);
}

/** σ(x) = 1 / (1 + e^{−x}) without overflow. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const z = Math.exp(x);
  return z / (1 + z);
}

/**
 * The Newton problem of a logistic fit: the mean negative log-likelihood −ℓ(β)/W plus the scaled L2 penalty
 * (penaltyScale/2)·Σ_{j ≠ intercept} βⱼ², with penaltyScale = 1/(C·W) — sklearn's C·Σ logloss + ½‖β‖² divided by
 * C·W. The per-row state is cached for the last β, so value, gradient and Hessian at one point share one pass of
 * exponentials.
 */
export function logitObjective(design: LogitDesign, sumW: number, penaltyScale: number) {
  const { n, k, columns, y, w, interceptIndex } = design;
  let cacheBeta: Float64Array | null = null;
  let cache: LogitState | null = null;
  const stateOf = (beta: Float64Array): LogitState => {
    if (cache && cacheBeta?.every((v, j) => v === beta[j])) return cache;
    cache = logitState(columns, beta, n);
    cacheBeta = Float64Array.from(beta);
    return cache;
  };
  const penalised = (j: number): boolean => penaltyScale > 0 && j !== interceptIndex;
  return {
    dim: k,
    value(beta: Float64Array): number {
      let pen = 0;
      for (let j = 0; j < k; j++) if (penalised(j)) pen += beta[j] ** 2;
      return -logLikelihood(y, w, stateOf(beta)) / sumW + 0.5 * penaltyScale * pen;
    },
    gradient(beta: Float64Array): Float64Array {
      const g = score(design, stateOf(beta));
      for (let j = 0; j < k; j++) g[j] = -g[j] / sumW + (penalised(j) ? penaltyScale * beta[j] : 0);
      return g;
    },
    hessian(beta: Float64Array): Float64Array {
      const h = information(design, stateOf(beta));
      for (let i = 0; i < k * k; i++) h[i] /= sumW;
      for (let j = 0; j < k; j++) if (penalised(j)) h[j * k + j] += penaltyScale;
      return h;
    },
  };
}
