import { cholesky, choleskySolve } from "../../numeric/linalg/cholesky.js";
import { bfgs } from "../../numeric/optimize/bfgs.js";
import { nelderMead } from "../../numeric/optimize/nelder-mead.js";
import { simplexLeastSquaresWarm } from "../../numeric/optimize/simplex-warm.js";

/**
 * The inputs of the nested ADH problem: k predictors of the treated unit (`x1`) and of the J donors (`x0`,
 * k × J row-major), and the pre-period outcomes the V search fits (`z1`, T0; `z0`, T0 × J row-major).
 */
export interface AdhProblem {
  readonly x1: Float64Array;
  readonly x0: Float64Array;
  readonly z1: Float64Array;
  readonly z0: Float64Array;
  readonly nDonors: number;
}

/** One start of the outer V search: Nelder–Mead and BFGS from it, the better of the two kept. */
export interface AdhStart {
  readonly start: "equal" | "regression";
  /** The starting V (normalised to sum 1) handed to both optimisers. */
  readonly initialV: readonly number[];
  /** The kept optimum, normalised as V = |v|/Σ|v|. */
  readonly v: readonly number[];
  /** The method whose optimum was kept. */
  readonly method: "Nelder-Mead" | "BFGS";
  /** Pre-period mean squared outcome gap at the kept optimum (Synth's `loss.v`). */
  readonly lossV: number;
  readonly nelderMead: { readonly lossV: number; readonly evaluations: number; readonly convergence: number };
  readonly bfgs: {
    readonly lossV: number;
    readonly evaluations: number;
    readonly gradients: number;
    readonly convergence: number;
  } | null;
  /** Convergence code of the kept run (R's: 0 converged, 1 iteration limit, 10 degenerate simplex). */
  readonly convergence: number;
}

/**
 * How the outer V search ran, stated so it can be reproduced: which deterministic starts, how many, which one
 * won and by which rule. There is no randomness: the same input gives the same V bit for bit.
 */
export interface AdhVSearch {
  /** The starts tried, in order ("equal" = 1/k each; "regression" = Synth's regression-based start). */
  readonly starts: readonly ("equal" | "regression")[];
  /** The start whose optimum gave V (null when V was not searched: custom or a single predictor). */
  readonly best: "equal" | "regression" | null;
  /** The optimiser whose optimum was kept for the best start (null when V was not searched). */
  readonly method: "Nelder-Mead" | "BFGS" | null;
  /** Pre-period MSPE at the chosen V. */
  readonly lossV: number;
  /** The rule, in words. */
  readonly rule: string;
  /** Always true: the starts are deterministic functions of the data (no seed is involved). */
  readonly deterministic: true;
}

/** Result of {@link adhWeights}. */
export interface AdhSolution {
  /** Diagonal of V (non-negative, sums to 1), one per predictor. */
  readonly v: Float64Array;
  readonly weights: Float64Array;
  /** Mean over the pre-periods of (z1 − z0 w)², as Synth's `loss.v` (an MSPE since Synth 1.1-5). */
  readonly lossV: number;
  /** (x1 − x0 w)ᵀ V (x1 − x0 w) on the scaled predictors, as Synth's `loss.w`. */
  readonly lossW: number;
  /** How V was chosen. */
  readonly vSource: "optimised" | "custom" | "single-predictor";
  /** The Nelder–Mead runs (empty unless optimised); the better one gives V. */
  readonly starts: readonly AdhStart[];
  /** The predictor scale: each predictor's sample SD over the donors and the treated unit. */
  readonly scale: Float64Array;
  /** The V search's starts and result, stated for reproduction. */
  readonly vSearch: AdhVSearch;
  /**
   * Whether the inner solver certified the weights at the chosen V as the unique minimiser of the predictor fit
   * (its KKT check: positive definite reduced Hessian and positive multipliers off the support). The full
   * evidence is computed by `weightUniqueness` in the weights stage.
   */
  readonly innerUnique: boolean;
}

/**
 * Synthetic-control weights with predictors and the V matrix chosen by the nested procedure of Abadie, Diamond &
 * Hainmueller (2010), following R's Synth `synth()` conventions:
 *
 * 1. predictors are divided by their sample SD over donors and treated unit together;
 * 2. for a given diagonal V = diag(|v|/Σ|v|), the inner problem W(V) = argmin (X1 − X0 w)ᵀ V (X1 − X0 w) on the
 *    simplex; the outer loss is the pre-period outcome MSPE, mean (Z1 − Z0 W(V))² (Synth's `fn.V`);
 * 3. V is searched from two starts — equal weights 1/k, and the regression start (diagonal of B Bᵀ, B the
 *    coefficients of regressing every unit's pre-period outcomes on its scaled predictors with an intercept,
 *    normalised; skipped when that regression is singular) — each by Nelder–Mead and by BFGS with R `optim`'s
 *    defaults (Synth's `optimx(method = c("Nelder-Mead", "BFGS"))`, ported exactly in {@link nelderMead} and
 *    {@link bfgs}), keeping the better method per start and then the better start (ties go to the regression
 *    start, as in Synth);
 * 4. one predictor → V = 1; `customV` → V = |v|/Σv without search.
 *
 * Where this differs from Synth: the inner QP is solved exactly (active set, KKT-certified, see
 * {@link simplexLeastSquaresWarm}) instead of by kernlab's interior-point `ipop` (margin 5·10⁻⁴), so weights that
 * ipop leaves at ~10⁻⁵ are exact zeros here and the outer loss is a slightly different (exact) function of V; the
 * optional genoud global search is not offered. When the inner minimiser is not unique (the treated predictors
 * lie inside the donors' hull) the solver's cold start (best single donor, then the active-set path) picks one;
 * `innerUnique` says so, and `synth` then probes how much the pre-period fit varies among the equally good
 * weights (`nearUniqueness`, warning `D_SYNTH_WEIGHTS_NOT_UNIQUE`).
 * The search is deterministic (two fixed starts, no seed): `vSearch` states the starts, the winner and the rule,
 * and the same input gives the same V bit for bit.
 * V itself is often weakly identified (a flat loss), so V can differ from Synth's while W agrees.
 *
 * Verified against R (test/golden/scripts/synth_adh.R, synth_basque.R): with the same exact inner QP the
 * Nelder–Mead runs take the same number of evaluations and the BFGS runs the same number of gradients as R's
 * optimx, reaching the same V and W; on the classic Basque data (R Synth's example) the weights are Cataluña
 * 0.8508, Madrid 0.1492 (published 0.851 / 0.149) with pre-period MSPE 0.008865, within 10⁻⁵ of Synth's own
 * (ipop) solution.
 *
 * @example
 * ```ts
 * import { adhWeights } from "truelift";
 * const sol = adhWeights({ x1, x0, z1, z0, nDonors: 38 });
 * sol.v;       // predictor importance
 * sol.weights; // donor weights on the simplex
 * ```
 * @see Abadie, Diamond & Hainmueller (2010), JASA 105, 493–505; Abadie, Diamond & Hainmueller (2011),
 *   "Synth: An R package for synthetic control methods in comparative case studies", JSS 42(13).
 */
export function adhWeights(problem: AdhProblem, customV?: readonly number[]): AdhSolution {
  const { x1, x0, z1, z0, nDonors: J } = problem;
  const k = x1.length;
  const T0 = z1.length;
  const scale = new Float64Array(k);
  const x1s = new Float64Array(k);
  const x0s = new Float64Array(k * J);
  for (let i = 0; i < k; i++) {
    let mean = x1[i];
    for (let j = 0; j < J; j++) mean += x0[i * J + j];
    mean /= J + 1;
    let ss = (x1[i] - mean) ** 2;
    for (let j = 0; j < J; j++) ss += (x0[i * J + j] - mean) ** 2;
    const sd = Math.sqrt(ss / J);
    scale[i] = sd;
    const d = sd > 0 ? sd : 1;
    x1s[i] = x1[i] / d;
    for (let j = 0; j < J; j++) x0s[i * J + j] = x0[i * J + j] / d;
  }
  let innerUnique = false;
  const innerW = (v: Float64Array): Float64Array => {
    let s = 0;
    for (let i = 0; i < k; i++) s += Math.abs(v[i]);
    const a = new Float64Array(k * J);
    const b = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      const r = Math.sqrt(Math.abs(v[i]) / s);
      b[i] = r * x1s[i];
      for (let j = 0; j < J; j++) a[i * J + j] = r * x0s[i * J + j];
    }
    const sol = simplexLeastSquaresWarm(a, k, J, b);
    innerUnique = sol.unique;
    return sol.x;
  };
  const lossV = (w: Float64Array): number => {
    let ss = 0;
    for (let t = 0; t < T0; t++) {
      let s = z1[t];
      for (let j = 0; j < J; j++) s -= z0[t * J + j] * w[j];
      ss += s * s;
    }
    return ss / T0;
  };
  const starts: AdhStart[] = [];
  let vPar: Float64Array;
  let vSource: AdhSolution["vSource"];
  let bestStart: AdhStart | null = null;
  if (customV !== undefined) {
    vPar = Float64Array.from(customV);
    vSource = "custom";
  } else if (k === 1) {
    vPar = Float64Array.of(1);
    vSource = "single-predictor";
  } else {
    vSource = "optimised";
    const objective = (v: Float64Array): number => {
      let s = 0;
      for (let i = 0; i < k; i++) s += Math.abs(v[i]);
      return s > 0 ? lossV(innerW(v)) : Number.POSITIVE_INFINITY;
    };
    const search = (
      start: "equal" | "regression",
      sv: Float64Array,
    ): { par: Float64Array; info: AdhStart } => {
      const nm = nelderMead(objective, sv);
      let bf: ReturnType<typeof bfgs> | null = null;
      try {
        bf = bfgs(objective, sv);
      } catch (e) {
        if (!(e instanceof RangeError)) throw e;
      }
      const useBfgs = bf !== null && bf.value < nm.value;
      const kept = useBfgs && bf ? bf : nm;
      return {
        par: kept.par,
        info: {
          start,
          initialV: normalised(sv),
          v: normalised(kept.par),
          method: useBfgs ? "BFGS" : "Nelder-Mead",
          lossV: kept.value,
          nelderMead: { lossV: nm.value, evaluations: nm.evaluations, convergence: nm.convergence },
          bfgs:
            bf === null
              ? null
              : {
                  lossV: bf.value,
                  evaluations: bf.evaluations,
                  gradients: bf.gradients,
                  convergence: bf.convergence,
                },
          convergence: kept.convergence,
        },
      };
    };
    const r1 = search("equal", new Float64Array(k).fill(1 / k));
    starts.push(r1.info);
    let best = r1;
    const sv2 = regressionStart(x1s, x0s, z1, z0, k, J, T0);
    if (sv2 !== null) {
      const r2 = search("regression", sv2);
      starts.push(r2.info);
      if (!(r1.info.lossV < r2.info.lossV)) best = r2;
    }
    vPar = best.par;
    bestStart = best.info;
  }
  let vs = 0;
  for (let i = 0; i < k; i++) vs += Math.abs(vPar[i]);
  const v = new Float64Array(k);
  for (let i = 0; i < k; i++) v[i] = Math.abs(vPar[i]) / vs;
  const weights = innerW(v);
  let lossW = 0;
  for (let i = 0; i < k; i++) {
    let g = x1s[i];
    for (let j = 0; j < J; j++) g -= x0s[i * J + j] * weights[j];
    lossW += v[i] * g * g;
  }
  const loss = lossV(weights);
  const vSearch: AdhVSearch = {
    starts: starts.map((st) => st.start),
    best: bestStart?.start ?? null,
    method: bestStart?.method ?? null,
    lossV: loss,
    rule:
      vSource === "optimised"
        ? "Nelder–Mead and BFGS (R optim defaults) from each start; the lower pre-period MSPE is kept per start, then across starts (ties go to the regression start)"
        : vSource === "custom"
          ? "V given by the user (customV), not searched"
          : "one predictor: V = 1, not searched",
    deterministic: true,
  };
  return { v, weights, lossV: loss, lossW, vSource, starts, scale, vSearch, innerUnique };
}

/** |v| / Σ|v| as a plain array. */
function normalised(v: Float64Array): number[] {
  let s = 0;
  for (const x of v) s += Math.abs(x);
  return Array.from(v, (x) => Math.abs(x) / s);
}

/** Synth's regression-based V start; null when the units × (k + 1) design is singular. */
function regressionStart(
  x1s: Float64Array,
  x0s: Float64Array,
  z1: Float64Array,
  z0: Float64Array,
  k: number,
  J: number,
  T0: number,
): Float64Array | null {
  const n = J + 1;
  const p = k + 1;
  if (n < p) return null;
  // Row u of Xall: [1, predictors of unit u], u = 0 the treated unit.
  const xrow = (u: number, c: number): number =>
    c === 0 ? 1 : u === 0 ? x1s[c - 1] : x0s[(c - 1) * J + u - 1];
  const zval = (t: number, u: number): number => (u === 0 ? z1[t] : z0[t * J + u - 1]);
  const xtx = new Float64Array(p * p);
  for (let a = 0; a < p; a++) {
    for (let b = 0; b < p; b++) {
      let s = 0;
      for (let u = 0; u < n; u++) s += xrow(u, a) * xrow(u, b);
      xtx[a * p + b] = s;
    }
  }
  const l = cholesky(xtx, p);
  if (!l) return null;
  let maxDiag = 0;
  for (let a = 0; a < p; a++) maxDiag = Math.max(maxDiag, xtx[a * p + a]);
  for (let a = 0; a < p; a++) if (!(l[a * p + a] ** 2 > 1e-13 * maxDiag)) return null;
  const sv = new Float64Array(k);
  const rhs = new Float64Array(p);
  for (let t = 0; t < T0; t++) {
    for (let a = 0; a < p; a++) {
      let s = 0;
      for (let u = 0; u < n; u++) s += xrow(u, a) * zval(t, u);
      rhs[a] = s;
    }
    const beta = choleskySolve(l, p, rhs);
    for (let i = 0; i < k; i++) sv[i] += beta[i + 1] ** 2;
  }
  let s = 0;
  for (let i = 0; i < k; i++) s += sv[i];
  if (!(s > 0) || !Number.isFinite(s)) return null;
  for (let i = 0; i < k; i++) sv[i] /= s;
  return sv;
}
