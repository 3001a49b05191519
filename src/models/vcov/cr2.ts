import { TrueliftError } from "../../core/errors.js";
import { BLOCK, fillBlock } from "../../numeric/linalg/block.js";
import { cholesky } from "../../numeric/linalg/cholesky.js";
import { matMul, sandwich } from "../../numeric/linalg/dense.js";
import type { GroupCodes } from "../design-matrix.js";
import { blockResiduals, type LinearFit, type VcovComputation } from "./meat.js";
import type { Dist } from "./types.js";

/** Eigenvalues of I − H_gg at or below this are treated as zero (estimatr's and clubSandwich's tolerance). */
const EIGEN_TOL = 1e-12;

/**
 * Per-cluster sufficient statistics of a linear fit in its working coordinates: the Gram blocks
 * S_g = Σ_{i∈g} wᵢuᵢuᵢᵀ (k×k each, cluster g at offset g·k²) and the score sums t_g = Σ_{i∈g} wᵢeᵢuᵢ (k each).
 * Every cluster-robust estimator of a linear model is a function of these and (XᵀWX)⁻¹ alone.
 */
export interface ClusterBlocks {
  readonly k: number;
  readonly count: number;
  readonly gram: Float64Array;
  readonly score: Float64Array;
}

/**
 * One blocked pass over the fit's rows accumulating each cluster's Gram block and score sum.
 *
 * @example
 * ```ts
 * import { clusterBlocks } from "truelift";
 * // clusterBlocks(fit, groups).gram.subarray(0, fit.k * fit.k) is X₁ᵀW₁X₁ of the first cluster
 * ```
 * @see Cameron & Miller (2015), "A practitioner's guide to cluster-robust inference", J. Human Resources 50(2).
 */
export function clusterBlocks(fit: LinearFit, groups: GroupCodes): ClusterBlocks {
  const { k, n, cols, shifts, weights } = fit;
  const gram = new Float64Array(groups.count * k * k);
  const score = new Float64Array(groups.count * k);
  const buf = new Float64Array(k * BLOCK);
  const e = new Float64Array(BLOCK);
  const u = new Float64Array(k);
  for (let start = 0; start < n; start += BLOCK) {
    const len = Math.min(BLOCK, n - start);
    fillBlock(cols, shifts, start, len, buf);
    blockResiduals(fit, start, len, buf, e);
    for (let t = 0; t < len; t++) {
      const g = groups.codes[start + t];
      const w = weights ? weights[start + t] : 1;
      for (let j = 0; j < k; j++) u[j] = buf[j * BLOCK + t];
      const gb = g * k * k;
      const sb = g * k;
      const we = w * e[t];
      for (let j = 0; j < k; j++) {
        const wu = w * u[j];
        score[sb + j] += we * u[j];
        for (let l = 0; l <= j; l++) gram[gb + j * k + l] += wu * u[l];
      }
    }
  }
  for (let g = 0; g < groups.count; g++) {
    const gb = g * k * k;
    for (let j = 0; j < k; j++) for (let l = 0; l < j; l++) gram[gb + l * k + j] = gram[gb + j * k + l];
  }
  return { k, count: groups.count, gram, score };
}

/**
 * Eigen-decomposition of a small symmetric matrix by cyclic Jacobi rotations: `values` and row-major
 * `vectors` (column j is the eigenvector of `values[j]`).
 *
 * @example
 * ```ts
 * import { symmetricEigen } from "truelift";
 * symmetricEigen(Float64Array.of(2, 1, 1, 2), 2).values; // [1, 3] (in some order)
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), §8.5 (the symmetric Jacobi method).
 */
export function symmetricEigen(a: Float64Array, k: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(k * k);
  for (let i = 0; i < k; i++) v[i * k + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < k; i++)
      for (let j = 0; j < k; j++) {
        const x = m[i * k + j] * m[i * k + j];
        total += x;
        if (i !== j) off += x;
      }
    if (off <= 1e-30 * total || off === 0) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = m[p * k + q];
        if (apq === 0) continue;
        const theta = (m[q * k + q] - m[p * k + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let r = 0; r < k; r++) {
          const mrp = m[r * k + p];
          const mrq = m[r * k + q];
          m[r * k + p] = c * mrp - s * mrq;
          m[r * k + q] = s * mrp + c * mrq;
        }
        for (let r = 0; r < k; r++) {
          const mpr = m[p * k + r];
          const mqr = m[q * k + r];
          m[p * k + r] = c * mpr - s * mqr;
          m[q * k + r] = s * mpr + c * mqr;
        }
        for (let r = 0; r < k; r++) {
          const vrp = v[r * k + p];
          const vrq = v[r * k + q];
          v[r * k + p] = c * vrp - s * vrq;
          v[r * k + q] = s * vrp + c * vrq;
        }
      }
    }
  }
  const values = new Float64Array(k);
  for (let i = 0; i < k; i++) values[i] = m[i * k + i];
  return { values, vectors: v };
}

/**
 * The k×k matrix P with Xᵀ_g f(I − H_gg) X_g = S_g + S_g P S_g, for f(x) = x^(−power) (power ½: CR2's
 * (I − H_gg)^(−1/2); 1: CR3's (I − H_gg)⁻¹), computed without forming the n_g × n_g hat block: with M = LLᵀ and
 * C = LᵀS_gL = VΛVᵀ (the non-zero eigenvalues of H_gg), f(I − H_gg) = I + X_gL·V diag(φ(λ)) Vᵀ·LᵀX_gᵀ,
 * φ(λ) = (f(1 − λ) − 1)/λ. Eigenvalues 1 − λ ≤ 10⁻¹² use the pseudo-inverse (f = 0), as estimatr does; `singular`
 * reports them.
 */
function adjustment(
  l: Float64Array,
  s: Float64Array,
  k: number,
  power: 0.5 | 1,
): { p: Float64Array; singular: boolean } {
  const lt = transpose(l, k);
  const c = matMul(matMul(lt, s, k, k, k), l, k, k, k);
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const m = 0.5 * (c[i * k + j] + c[j * k + i]);
      c[i * k + j] = m;
      c[j * k + i] = m;
    }
  const { values, vectors } = symmetricEigen(c, k);
  const phi = new Float64Array(k);
  let singular = false;
  for (let i = 0; i < k; i++) {
    const lambda = Math.max(values[i], 0);
    const rest = 1 - lambda;
    if (!(rest > EIGEN_TOL)) {
      singular = true;
      phi[i] = lambda > 0 ? -1 / lambda : 0;
    } else if (lambda < 1e-300) phi[i] = power === 1 ? 1 : 0.5;
    else if (power === 1) phi[i] = 1 / rest;
    else phi[i] = Math.expm1(-0.5 * Math.log1p(-lambda)) / lambda;
  }
  // G = V diag(φ) Vᵀ; P = L G Lᵀ.
  const g = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++) {
      let sum = 0;
      for (let r = 0; r < k; r++) sum += vectors[i * k + r] * phi[r] * vectors[j * k + r];
      g[i * k + j] = sum;
    }
  return { p: matMul(matMul(l, g, k, k, k), lt, k, k, k), singular };
}

function transpose(a: Float64Array, k: number): Float64Array {
  const out = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) out[j * k + i] = a[i * k + j];
  return out;
}

/** y = a·x for k×k row-major a. */
function mv(a: Float64Array, x: Float64Array, k: number, off = 0): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += a[off + i * k + j] * x[j];
    y[i] = s;
  }
  return y;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/**
 * Bias-reduced cluster-robust variances: CR2 (Bell & McCaffrey 2002, as R estimatr `lm_robust(se_type = "CR2")`
 * and clubSandwich) and CR3 (the cluster jackknife, MacKinnon, Nielsen & Webb's CV3).
 *
 * - CR2: V = M [Σ_g X_gᵀA_g e_g e_gᵀA_g X_g] M, A_g = (I − H_gg)^(−1/2), M = (XᵀX)⁻¹, no further factor. Its
 *   reference distribution is t with the Bell–McCaffrey Satterthwaite degrees of freedom of each coefficient
 *   (estimatr's, computed under a homoskedastic working model: df = (tr P)²/‖P‖²_F with
 *   P = diag(u_gᵀu_g) − ZᵀMZ, u_g = A_gX_gMc, Z = [X_gᵀu_g]), so every term has its own df.
 * - CR3: V = (G−1)/G · M [Σ_g X_gᵀ(I − H_gg)⁻¹e_g e_gᵀ(I − H_gg)⁻¹X_g] M, which equals
 *   (G−1)/G · Σ_g (β̂₍g₎ − β̂)(β̂₍g₎ − β̂)ᵀ over the leave-one-cluster-out estimates; t(G − 1) — R sandwich
 *   `vcovCL(type = "HC3", cadjust = FALSE)` (its default `cadjust = TRUE` multiplies by G/(G−1) again).
 * - CR3-clubsandwich: the same without (G−1)/G, the plain jackknife Σ_g (β̂₍g₎ − β̂)(β̂₍g₎ − β̂)ᵀ — R clubSandwich
 *   `vcovCR(type = "CR3")` (weighted fits included: it is the jackknife of the WLS fit); t(G − 1) as
 *   clubSandwich's `coef_test(test = "naive-t")`. A cluster whose removal makes XᵀX singular leaves either CR3
 *   undefined: SEs are null with `D_LEVERAGE_ONE`.
 *
 * Nothing of size n_g × n_g is formed: every cluster enters through its k×k Gram block and score sum (see
 * {@link clusterBlocks}), and (I − H_gg)^(−p) through a k×k eigen-decomposition, so the cost is one pass over the
 * rows plus O(G·k³). One clustering column, no absorbed fixed effects; CR2 needs unweighted fits (estimatr's
 * weighted CR2 uses a different working model) — otherwise `E_UNSUPPORTED_VCOV`.
 *
 * Compressed cells (`fit.frequency`, weights = counts) give the row-level CR2/CR3 exactly, df included. Split a
 * cluster's row residuals as e_g = ē_g + d_g, ē_g the cell-mean residual repeated over the cell's rows and d_g the
 * within-cell deviations. Each cell's deviations sum to 0 and its rows share x_c, so X_gᵀd_g = 0: d_g ⟂ col(X_g),
 * hence H_gg d_g = X_g M X_gᵀd_g = 0 and f(I − H_gg) d_g = d_g, and X_gᵀ f(I − H_gg) e_g = X_gᵀ f(I − H_gg) ē_g.
 * With f(I − H_gg) = I + X_g P X_gᵀ (see the adjustment above) that is t_g + S_g P t_g, where
 * S_g = X_gᵀX_g = Σ_c count_c x_c x_cᵀ and t_g = X_gᵀē_g = Σ_c count_c x_c (ȳ_c − ŷ_c) — the count-weighted
 * Gram block and score of the cells. The Satterthwaite df depend on S_g and M = (XᵀX)⁻¹ only, so they match too.
 *
 * @example
 * ```ts
 * import { Frame, ols, parseFormula } from "truelift";
 * const f = Frame.fromObject({
 *   y: [1, 2, 4, 3, 7, 6, 5, 8, 9, 7], x: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], g: [1, 1, 2, 2, 3, 3, 4, 4, 5, 5],
 * });
 * const fit = ols(f, { ...parseFormula("y ~ x"), vcov: { type: "cluster", by: ["g"], kind: "CR2" } });
 * fit.terms[1].df; // the Bell–McCaffrey df of x (not G − 1)
 * ```
 * @see Bell & McCaffrey (2002), "Bias reduction in standard errors for linear regression with multi-stage
 *   samples", Survey Methodology 28(2); Pustejovsky & Tipton (2018), "Small-sample methods for cluster-robust
 *   variance estimation and hypothesis testing in fixed effects models", JBES 36(4); MacKinnon, Nielsen & Webb
 *   (2023), "Cluster-robust inference: a guide to empirical practice", J. Econometrics 232(2).
 */
export function cr2Vcov(
  fit: LinearFit,
  clusters: readonly GroupCodes[],
  kind: "CR2" | "CR3" | "CR3-clubsandwich",
  dist: Dist,
): VcovComputation {
  const analyticWeights = fit.weights !== null && !fit.frequency;
  if (clusters.length !== 1 || fit.absorb.length > 0 || (kind === "CR2" && analyticWeights)) {
    const why =
      clusters.length !== 1
        ? `one clustering column (got ${clusters.length})`
        : fit.absorb.length > 0
          ? "no absorbed fixed effects (add them as C(…) terms instead)"
          : "an unweighted fit (or frequency-weighted cells)";
    throw new TrueliftError("E_UNSUPPORTED_VCOV", `${kind} is implemented for ${why}.`, {
      details: { kind, by: clusters.map((c) => c.column), absorb: fit.absorb.map((a) => a.column) },
    });
  }
  const groups = clusters[0];
  if (groups.count < 2) {
    throw new TrueliftError(
      "E_TOO_FEW_CLUSTERS",
      `Column '${groups.column}' has ${groups.count} cluster${groups.count === 1 ? "" : "s"} among the rows used.`,
      { details: { column: groups.column, clusters: groups.count } },
    );
  }
  const { k, bread } = fit;
  const G = groups.count;
  const blocks = clusterBlocks(fit, groups);
  const l = cholesky(symmetrize(bread, k), k);
  if (!l)
    throw new TrueliftError(
      "E_SINGULAR_DESIGN",
      "The design's cross-product matrix is not positive definite.",
    );
  const meat = new Float64Array(k * k);
  const power = kind === "CR2" ? 0.5 : 1;
  // For the CR2 df: XᵀA X and XᵀA²X of every cluster.
  const xax: Float64Array[] = [];
  const xa2x: Float64Array[] = [];
  let singular = 0;
  for (let g = 0; g < G; g++) {
    const s = blocks.gram.subarray(g * k * k, (g + 1) * k * k);
    const t = blocks.score.subarray(g * k, (g + 1) * k);
    const adj = adjustment(l, s, k, power);
    if (adj.singular) singular++;
    const sp = matMul(s, adj.p, k, k, k);
    const r = mv(sp, t, k);
    for (let j = 0; j < k; j++) r[j] += t[j];
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) meat[i * k + j] += r[i] * r[j];
    if (kind === "CR2" && dist === "t") {
      const a1 = matMul(sp, s, k, k, k);
      for (let i = 0; i < k * k; i++) a1[i] += s[i];
      xax.push(a1);
      const p2 = adjustment(l, s, k, 1).p;
      const a2 = matMul(matMul(s, p2, k, k, k), s, k, k, k);
      for (let i = 0; i < k * k; i++) a2[i] += s[i];
      xa2x.push(a2);
    }
  }
  const matrix = sandwich(bread, meat, k);
  if (kind !== "CR2") {
    // "CR3": sandwich's (G−1)/G-scaled jackknife; "CR3-clubsandwich": clubSandwich's unscaled one.
    if (kind === "CR3") {
      const f = (G - 1) / G;
      for (let i = 0; i < matrix.length; i++) matrix[i] *= f;
    }
    const notes = singular > 0 ? [{ code: "D_LEVERAGE_ONE", evidence: { clusters: singular, kind } }] : [];
    return { matrix, df: dist === "t" ? G - 1 : null, clusters: [G], notes, undefined: singular > 0 };
  }
  if (dist !== "t") return { matrix, df: null, clusters: [G], notes: [] };
  const termDf = Array.from({ length: k }, (_, j) => {
    const c = new Float64Array(k);
    if (fit.transform) for (let i = 0; i < k; i++) c[i] = fit.transform[j * k + i];
    else c[j] = 1;
    // An undefined Satterthwaite df (a coefficient the clusters carry no information on) falls back to G − 1.
    return satterthwaite(bread, c, xax, xa2x, k) ?? G - 1;
  });
  return {
    matrix,
    df: Math.min(...termDf),
    termDf,
    clusters: [G],
    notes: [],
  };
}

/** Bell–McCaffrey / estimatr Satterthwaite df of the contrast cᵀβ (working coordinates). */
function satterthwaite(
  m: Float64Array,
  c: Float64Array,
  xax: readonly Float64Array[],
  xa2x: readonly Float64Array[],
  k: number,
): number | null {
  const G = xax.length;
  const mc = mv(m, c, k);
  const s = new Float64Array(G);
  const z: Float64Array[] = [];
  for (let g = 0; g < G; g++) {
    s[g] = dot(mc, mv(xa2x[g], mc, k));
    z.push(mv(xax[g], mc, k));
  }
  const mz = z.map((zg) => mv(m, zg, k));
  let trace = 0;
  let frob = 0;
  for (let g = 0; g < G; g++) {
    for (let h = 0; h <= g; h++) {
      const v = (g === h ? s[g] : 0) - dot(z[g], mz[h]);
      if (g === h) {
        trace += v;
        frob += v * v;
      } else frob += 2 * v * v;
    }
  }
  const df = (trace * trace) / frob;
  return Number.isFinite(df) && df > 0 ? df : null;
}

function symmetrize(a: Float64Array, k: number): Float64Array {
  const out = Float64Array.from(a);
  for (let i = 0; i < k; i++)
    for (let j = i + 1; j < k; j++) {
      const m = 0.5 * (a[i * k + j] + a[j * k + i]);
      out[i * k + j] = m;
      out[j * k + i] = m;
    }
  return out;
}
