import { TrueliftError } from "../../core/errors.js";
import { spdInverse } from "../../numeric/linalg/cholesky.js";
import { kernelWeight, type RddKernel, type RddSupport } from "./kernel.js";
import { nnResiduals, type RddResiduals } from "./nn-residuals.js";
import type { RddSideData } from "./side.js";
import { tieRuns } from "./tie-runs.js";

/**
 * Variance estimators of the local-polynomial fit (rdrobust's `vce`): nearest-neighbour residuals (`nn`, the
 * default, with `nnmatch` neighbours) or the heteroskedasticity-robust HC0–HC3 plug-in residuals. With a cluster
 * column the scores are summed by cluster (CR1 factor `(n − 1)/(n − k)·G/(G − 1)`, per side).
 *
 * @example
 * ```ts
 * import { RDD_VCE } from "truelift";
 * RDD_VCE; // ["nn", "hc0", "hc1", "hc2", "hc3"]
 * ```
 */
export const RDD_VCE = ["nn", "hc0", "hc1", "hc2", "hc3"] as const;
/** One of {@link RDD_VCE}. */
export type RddVce = (typeof RDD_VCE)[number];

/** How the local fits of one side are weighted and their variance estimated. */
export interface LocalOptions {
  readonly c: number;
  readonly kernel: RddKernel;
  readonly support: RddSupport;
  readonly vce: RddVce;
  readonly nnmatch: number;
}

/** A kernel-weighted polynomial fit of degree `k − 1` in (x − c) on the units of one side with positive weight. */
export interface LocalFit {
  /** Unit positions (into the side arrays) with positive weight, ascending. */
  readonly rows: Int32Array;
  /** Kernel weights of those units. */
  readonly w: Float64Array;
  /** Basis R (m × k, row-major): 1, (x − c), …, (x − c)^(k−1). */
  readonly basis: Float64Array;
  readonly k: number;
  /** (Rᵀ W R)⁻¹, k × k. */
  readonly invG: Float64Array;
  /** Coefficients per response column (outcome, then take-up when fuzzy). */
  readonly beta: readonly Float64Array[];
}

/** Units of a side with positive kernel weight at bandwidth h (the side is sorted, so they are contiguous). */
export function kernelRows(
  side: RddSideData,
  h: number,
  o: LocalOptions,
): { rows: Int32Array; w: Float64Array; wAll: (i: number) => number } {
  // Tied running values share their weight: one kernel evaluation per tie group, rows kept in typed arrays.
  const n = side.x.length;
  const bounds: number[] = [];
  const gw: number[] = [];
  let kept = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    while (j < n && side.x[j] === side.x[i]) j++;
    const w = kernelWeight(side.x[i], o.c, h, o.kernel, o.support);
    if (w > 0) {
      bounds.push(i, j);
      gw.push(w);
      kept += j - i;
    }
    i = j;
  }
  const rows = new Int32Array(kept);
  const w = new Float64Array(kept);
  for (let g = 0, r = 0; g < gw.length; g++) {
    for (let i = bounds[2 * g]; i < bounds[2 * g + 1]; i++, r++) {
      rows[r] = i;
      w[r] = gw[g];
    }
  }
  return {
    rows,
    w,
    wAll: (i) => kernelWeight(side.x[i], o.c, h, o.kernel, o.support),
  };
}

/** Polynomial basis rows for the given side rows. */
export function polyBasis(side: RddSideData, rows: Int32Array, c: number, k: number): Float64Array {
  const m = rows.length;
  const r = new Float64Array(m * k);
  for (let i = 0; i < m; i++) {
    const u = side.x[rows[i]] - c;
    let v = 1;
    for (let j = 0; j < k; j++) {
      r[i * k + j] = v;
      v *= u;
    }
  }
  return r;
}

/** The response columns of a side: outcome, then take-up when the design is fuzzy. */
export function responses(side: RddSideData): Float64Array[] {
  return side.t ? [side.y, side.t] : [side.y];
}

/**
 * Weighted least squares of each response on the basis with weights w (rows given), by the normal equations
 * (rdrobust's `qrXXinv`: the inverse of the Cholesky-factored Gram matrix).
 */
export function weightedFit(
  side: RddSideData,
  rows: Int32Array,
  w: Float64Array,
  c: number,
  k: number,
  what: string,
): LocalFit {
  const m = rowsOf(side, rows);
  if (m < k) {
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `Only ${m} observation${m === 1 ? "" : "s"} with positive kernel weight on one side for ${what}; a polynomial of order ${k - 1} needs at least ${k}.`,
      { details: { observations: m, parameters: k, fit: what } },
    );
  }
  const basis = polyBasis(side, rows, c, k);
  // Rows tied in x share their basis row and weight: one rank-one update per tie group (count × w·r rᵀ).
  const runs = tieRuns(side.x, rows, w);
  const g = new Float64Array(k * k);
  for (let r = 0; r + 1 < runs.length; r++) {
    const i = runs[r];
    let cnt = 0;
    for (let j = i; j < runs[r + 1]; j++) cnt += side.n[rows[j]];
    const wi = w[i] * cnt;
    const off = i * k;
    for (let a = 0; a < k; a++) {
      const ra = basis[off + a] * wi;
      for (let b = 0; b <= a; b++) g[a * k + b] += ra * basis[off + b];
    }
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) g[a * k + b] = g[b * k + a];
  const invG = spdInverse(g, k);
  if (!invG) {
    throw new TrueliftError(
      "E_RDD_TOO_FEW_OBS",
      `The local polynomial of order ${k - 1} for ${what} is singular on one side: too few distinct values of the running variable with positive kernel weight.`,
      { details: { observations: m, parameters: k, fit: what } },
    );
  }
  const beta = responses(side).map((v) => {
    const rhs = new Float64Array(k);
    for (let r = 0; r + 1 < runs.length; r++) {
      const i = runs[r];
      let sy = 0;
      for (let j = i; j < runs[r + 1]; j++) sy += side.n[rows[j]] * v[rows[j]];
      const wy = w[i] * sy;
      for (let a = 0; a < k; a++) rhs[a] += basis[i * k + a] * wy;
    }
    return symMatVec(invG, rhs, k);
  });
  return { rows, w, basis, k, invG, beta };
}

/** Rows held by the given units of a side (Σ n). */
export function rowsOf(side: RddSideData, rows: Int32Array): number {
  let m = 0;
  for (let i = 0; i < rows.length; i++) m += side.n[rows[i]];
  return m;
}

/** y = A x for a k × k row-major A. */
export function symMatVec(a: Float64Array, x: Float64Array, k: number): Float64Array {
  const y = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += a[i * k + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** Leverages h_ii = r_iᵀ (RᵀWR)⁻¹ r_i · w_i of a fit (rdrobust's `hii`). */
export function leverages(fit: LocalFit): Float64Array {
  const { basis, invG, k, w } = fit;
  const m = fit.rows.length;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let a = 0; a < k; a++) {
      let t = 0;
      for (let b = 0; b < k; b++) t += basis[i * k + b] * invG[b * k + a];
      s += t * basis[i * k + a];
    }
    out[i] = s * w[i];
  }
  return out;
}

/**
 * Residuals for the variance of a fit (rdrobust's `rdrobust_res`) per unit ({@link RddResiduals}):
 * nearest-neighbour residuals, or `y − ŷ` scaled by 1 (HC0), sqrt(m/(m − d)) (HC1; 1 with clusters; m rows),
 * 1/sqrt(1 − h) (HC2), 1/(1 − h) (HC3). `predict` gives the fitted values of each response column at each unit;
 * `hii` the leverages (HC2/HC3), constant within a unit.
 */
export function varianceResiduals(
  side: RddSideData,
  rows: Int32Array,
  o: LocalOptions,
  predict: readonly Float64Array[] | null,
  hii: Float64Array | null,
  d: number,
): RddResiduals {
  const cols = responses(side);
  const m = rows.length;
  const sub = cols.map((v) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = v[rows[i]];
    return out;
  });
  if (o.vce === "nn") {
    const x = new Float64Array(m);
    const n = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      x[i] = side.x[rows[i]];
      n[i] = side.n[rows[i]];
    }
    return nnResiduals(x, n, sub, o.nnmatch);
  }
  if (!predict) throw new Error("varianceResiduals: fitted values are required for HC residuals");
  const total = rowsOf(side, rows);
  const slope = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let f = 1;
    if (o.vce === "hc1") f = side.cluster ? 1 : Math.sqrt(total / (total - d));
    else if (o.vce === "hc2") f = Math.sqrt(1 / Math.max(1 - (hii?.[i] ?? 0), 1e-8));
    else if (o.vce === "hc3") f = 1 / Math.max(1 - (hii?.[i] ?? 0), 1e-8);
    slope[i] = f;
  }
  const mean = sub.map((v, c) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) out[i] = slope[i] * (v[i] - predict[c][i]);
    return out;
  });
  return { mean, slope };
}

/** Fitted values R β of each response column. */
export function fitted(
  basis: Float64Array,
  beta: readonly Float64Array[],
  m: number,
  k: number,
): Float64Array[] {
  return beta.map((b) => {
    const out = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = 0; j < k; j++) s += basis[i * k + j] * b[j];
      out[i] = s;
    }
    return out;
  });
}

/**
 * The meat Σ (Σ_l s_l e_il)² x_i x_iᵀ over rows of a sandwich (rdrobust's `rdrobust_vce`), with the score rows
 * `xs` (one per unit, m × k, row-major), the residuals per unit combined by `s` (a unit's Σe² is n·ē² plus the
 * outcome's within-unit spread, {@link RddResiduals}), and cluster sums with the CR1 factor when the side has
 * clusters (`rows` maps score rows to side positions).
 */
export function meat(
  xs: Float64Array,
  k: number,
  res: RddResiduals,
  s: readonly number[],
  side: RddSideData,
  rows: Int32Array,
): Float64Array {
  const m = rows.length;
  const cluster = side.cluster;
  const out = new Float64Array(k * k);
  const e = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let v = 0;
    for (let l = 0; l < res.mean.length; l++) v += s[l] * res.mean[l][i];
    e[i] = v;
  }
  const n = side.n;
  const ss = side.ss;
  if (!cluster) {
    // Units with the same score row (tied x) add one outer product scaled by their Σ e².
    const e2of = (i: number): number => {
      const r = rows[i];
      const base = n[r] * e[i] * e[i];
      if (!ss || ss[r] === 0) return base;
      const d = s[0] * res.slope[i];
      return base + d * d * ss[r];
    };
    let i = 0;
    while (i < m) {
      let e2 = e2of(i);
      let j = i + 1;
      while (j < m && sameRow(xs, k, i, j)) {
        e2 += e2of(j);
        j++;
      }
      for (let a = 0; a < k; a++) {
        const xa = xs[i * k + a] * e2;
        for (let b = 0; b <= a; b++) out[a * k + b] += xa * xs[i * k + b];
      }
      i = j;
    }
  } else {
    const sums = new Map<number, Float64Array>();
    let total = 0;
    for (let i = 0; i < m; i++) {
      const g = cluster.codes[rows[i]];
      let sv = sums.get(g);
      if (!sv) {
        sv = new Float64Array(k);
        sums.set(g, sv);
      }
      const ne = n[rows[i]] * e[i];
      total += n[rows[i]];
      for (let a = 0; a < k; a++) sv[a] += xs[i * k + a] * ne;
    }
    const groups = sums.size;
    for (const sv of sums.values()) {
      for (let a = 0; a < k; a++) for (let b = 0; b <= a; b++) out[a * k + b] += sv[a] * sv[b];
    }
    const f = ((total - 1) / (total - k)) * (groups / (groups - 1));
    for (let a = 0; a < k * k; a++) out[a] *= f;
  }
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) out[a * k + b] = out[b * k + a];
  return out;
}

function sameRow(xs: Float64Array, k: number, i: number, j: number): boolean {
  for (let a = 0; a < k; a++) if (xs[i * k + a] !== xs[j * k + a]) return false;
  return true;
}

/** Element (j, j) of A M A for symmetric k × k A and M. */
export function sandwichDiag(a: Float64Array, m: Float64Array, k: number, j: number): number {
  let s = 0;
  for (let p = 0; p < k; p++) {
    const ap = a[j * k + p];
    if (ap === 0) continue;
    for (let q = 0; q < k; q++) s += ap * m[p * k + q] * a[q * k + j];
  }
  return s;
}
