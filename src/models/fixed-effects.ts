import type { GroupCodes } from "./design-matrix.js";

/**
 * Options of the fixed-effect demeaning.
 *
 * - `tol`: stop when the largest change of the fixed-effect coefficients in one sweep is at most `tol` times the
 *   column's weighted root mean square. __Default value:__ `1e-12`.
 * - `maxIter`: most accelerated iterations (two sweeps each) per column; hitting it adds the diagnostic
 *   `D_FE_NOT_CONVERGED`. __Default value:__ `10000`.
 */
export interface AbsorbOptions {
  readonly tol?: number;
  readonly maxIter?: number;
}

/** How the demeaning of one column went. */
export interface DemeanReport {
  readonly iterations: number;
  readonly converged: boolean;
}

/** Per-fixed-effect level weights, computed once and shared by every column's demeaning. */
export interface FixedEffectContext {
  readonly fes: readonly GroupCodes[];
  readonly weights: Float64Array | null;
  /** 1 / Σ w over each level, per fixed effect. */
  readonly invWeight: readonly Float64Array[];
  /**
   * Two unweighted fixed effects whose every combination occurs equally often (a balanced panel): the projection
   * is then exact in closed form, x − x̄_a − x̄_b + x̄, with no iterations.
   */
  readonly balancedTwoWay: boolean;
}

/**
 * Builds the shared per-level weight sums of the fixed effects.
 *
 * @example
 * ```ts
 * import { fixedEffectContext } from "truelift";
 * const fe = { column: "g", codes: Int32Array.of(0, 0, 1), count: 2, missing: 0 };
 * fixedEffectContext([fe], null).invWeight[0]; // Float64Array [0.5, 1]
 * ```
 * @see Gaure (2013), "OLS with multiple high dimensional category variables", CSDA 66.
 */
export function fixedEffectContext(
  fes: readonly GroupCodes[],
  weights: Float64Array | null,
): FixedEffectContext {
  const invWeight = fes.map((fe) => {
    const s = new Float64Array(fe.count);
    const codes = fe.codes;
    if (weights) for (let i = 0; i < codes.length; i++) s[codes[i]] += weights[i];
    else for (let i = 0; i < codes.length; i++) s[codes[i]] += 1;
    for (let g = 0; g < s.length; g++) s[g] = s[g] > 0 ? 1 / s[g] : 0;
    return s;
  });
  return { fes, weights, invWeight, balancedTwoWay: weights === null && isBalancedGrid(fes) };
}

/** True when two fixed effects cross in a complete grid with the same count in every cell. */
function isBalancedGrid(fes: readonly GroupCodes[]): boolean {
  if (fes.length !== 2) return false;
  const [a, b] = fes;
  const n = a.codes.length;
  const cells = a.count * b.count;
  if (cells === 0 || cells > n || n % cells !== 0) return false;
  const per = n / cells;
  const count = new Int32Array(cells);
  for (let i = 0; i < n; i++) {
    const c = a.codes[i] * b.count + b.codes[i];
    if (++count[c] > per) return false;
  }
  return true;
}

/**
 * Sweeps the fixed effects out of `x` (weighted when the context has weights): returns x − D·c with c the
 * (weighted) least-squares fixed-effect coefficients — the residual of projecting x on the dummies of every
 * fixed effect, which by Frisch–Waugh–Lovell gives the same slopes as explicit dummies.
 *
 * One fixed effect is exact in one pass (group means, plus one refinement pass for accuracy). Two or more use
 * the method of alternating projections in coefficient space (a Gauss–Seidel sweep over the fixed effects),
 * accelerated by Irons & Tuck (1969) extrapolation as in fixest, until the largest coefficient change is
 * below `tol` × the weighted RMS of x.
 *
 * @example
 * ```ts
 * import { demean, fixedEffectContext } from "truelift";
 * const fe = { column: "g", codes: Int32Array.of(0, 0, 1, 1), count: 2, missing: 0 };
 * const ctx = fixedEffectContext([fe], null);
 * demean(Float64Array.of(1, 3, 10, 20), ctx).out; // [-1, 1, -5, 5]
 * ```
 * @see Guimarães & Portugal (2010), "A simple feasible procedure to fit models with high-dimensional fixed
 *   effects", Stata Journal 10(4); Gaure (2013), "OLS with multiple high dimensional category variables",
 *   CSDA 66; Bergé (2018), fixest, "Efficient estimation of maximum likelihood models with multiple
 *   fixed-effects"; Irons & Tuck (1969), "A version of the Aitken accelerator for computer iteration".
 */
export function demean(
  x: Float64Array,
  ctx: FixedEffectContext,
  options: AbsorbOptions = {},
): { out: Float64Array; report: DemeanReport } {
  const { fes, weights: w, invWeight } = ctx;
  const n = x.length;
  const out = new Float64Array(n);
  if (fes.length === 1) {
    const codes = fes[0].codes;
    const inv = invWeight[0];
    const sums = new Float64Array(inv.length);
    for (let pass = 0; pass < 2; pass++) {
      const src = pass === 0 ? x : out;
      sums.fill(0);
      if (w) for (let i = 0; i < n; i++) sums[codes[i]] += w[i] * src[i];
      else for (let i = 0; i < n; i++) sums[codes[i]] += src[i];
      for (let g = 0; g < sums.length; g++) sums[g] *= inv[g];
      for (let i = 0; i < n; i++) out[i] = src[i] - sums[codes[i]];
    }
    return { out, report: { iterations: 1, converged: true } };
  }
  if (ctx.balancedTwoWay) return { out: demeanBalanced(x, ctx), report: { iterations: 1, converged: true } };
  const tol = options.tol ?? 1e-12;
  const maxIter = options.maxIter ?? 10_000;
  let ss = 0;
  let sw = 0;
  for (let i = 0; i < n; i++) {
    const wi = w ? w[i] : 1;
    ss += wi * x[i] * x[i];
    sw += wi;
  }
  const scale = Math.sqrt(ss / sw);
  const offsets: number[] = [];
  let total = 0;
  for (const fe of fes) {
    offsets.push(total);
    total += fe.count;
  }
  let X = new Float64Array(total);
  const GX = new Float64Array(total);
  const GGX = new Float64Array(total);
  const sweep = (src: Float64Array, dst: Float64Array): number => {
    dst.set(src);
    for (let q = 0; q < fes.length; q++) {
      const codes = fes[q].codes;
      const inv = invWeight[q];
      const off = offsets[q];
      const sums = new Float64Array(inv.length);
      for (let i = 0; i < n; i++) {
        let r = x[i];
        for (let p = 0; p < fes.length; p++) if (p !== q) r -= dst[offsets[p] + fes[p].codes[i]];
        sums[codes[i]] += w ? w[i] * r : r;
      }
      for (let g = 0; g < sums.length; g++) dst[off + g] = sums[g] * inv[g];
    }
    let change = 0;
    for (let j = 0; j < total; j++) {
      const d = Math.abs(dst[j] - src[j]);
      if (d > change) change = d;
    }
    return change;
  };
  let iterations = 0;
  let converged = scale === 0;
  let result: Float64Array = X;
  while (!converged && iterations < maxIter) {
    iterations++;
    if (sweep(X, GX) <= tol * scale) {
      result = GX;
      converged = true;
      break;
    }
    if (sweep(GX, GGX) <= tol * scale) {
      result = GGX;
      converged = true;
      break;
    }
    // Irons–Tuck: X ← GGX − (δGX·δ²X / δ²X·δ²X) δGX.
    let vprod = 0;
    let ssq = 0;
    for (let j = 0; j < total; j++) {
      const dG = GGX[j] - GX[j];
      const d2 = dG - (GX[j] - X[j]);
      vprod += dG * d2;
      ssq += d2 * d2;
    }
    const next = new Float64Array(total);
    if (ssq === 0) next.set(GGX);
    else {
      const coef = vprod / ssq;
      for (let j = 0; j < total; j++) next[j] = GGX[j] - coef * (GGX[j] - GX[j]);
    }
    X = next;
    result = X;
  }
  for (let i = 0; i < n; i++) {
    let r = x[i];
    for (let q = 0; q < fes.length; q++) r -= result[offsets[q] + fes[q].codes[i]];
    out[i] = r;
  }
  return { out, report: { iterations, converged } };
}

/**
 * {@link demean} of several columns, in order. On a balanced two-way grid the columns are swept together, four at a
 * time, so the fixed-effect codes are read once per block instead of once per column; every column's arithmetic is
 * the same sequence of operations as {@link demean}'s, so the results are bit-identical to demeaning one by one.
 *
 * @example
 * ```ts
 * import { demeanColumns, fixedEffectContext } from "truelift";
 * const a = { column: "unit", codes: Int32Array.of(0, 0, 1, 1), count: 2, missing: 0 };
 * const b = { column: "period", codes: Int32Array.of(0, 1, 0, 1), count: 2, missing: 0 };
 * const ctx = fixedEffectContext([a, b], null);
 * demeanColumns([Float64Array.of(1, 2, 3, 5), Float64Array.of(0, 1, 0, 0)], ctx).map((r) => r.out);
 * // [[0.25, -0.25, -0.25, 0.25], [-0.25, 0.25, 0.25, -0.25]]
 * ```
 * @see Gaure (2013), "OLS with multiple high dimensional category variables", CSDA 66.
 */
export function demeanColumns(
  xs: readonly Float64Array[],
  ctx: FixedEffectContext,
  options: AbsorbOptions = {},
): { out: Float64Array; report: DemeanReport }[] {
  if (!ctx.balancedTwoWay || ctx.fes.length !== 2) return xs.map((x) => demean(x, ctx, options));
  const out: { out: Float64Array; report: DemeanReport }[] = [];
  for (let j = 0; j < xs.length; j += 4) {
    const block = xs.slice(j, j + 4);
    const res = block.length === 4 ? demeanBalanced4(block, ctx) : block.map((x) => demeanBalanced(x, ctx));
    for (const r of res) out.push({ out: r, report: { iterations: 1, converged: true } });
  }
  return out;
}

/**
 * Degrees of freedom the absorbed fixed effects use: the rank of their dummy matrix.
 *
 * One fixed effect: its number of levels L. Two: L₁ + L₂ − C, with C the connected components of the bipartite
 * level graph (exact; equal to fixest's L₁ + L₂ − 1 when the design is connected). Three or more: the two-way
 * rank of the first pair plus Σ_{q≥3} (L_q − 1), fixest's default approximation (`fixef.force_exact = FALSE`),
 * which can over-count parameters when later fixed effects are also disconnected.
 *
 * @example
 * ```ts
 * import { fixedEffectDf } from "truelift";
 * const a = { column: "a", codes: Int32Array.of(0, 0, 1, 1), count: 2, missing: 0 };
 * const b = { column: "b", codes: Int32Array.of(0, 1, 0, 1), count: 2, missing: 0 };
 * fixedEffectDf([a, b]).df; // 3
 * ```
 * @see Abowd, Creecy & Kramarz (2002), "Computing person and firm effects using linked longitudinal
 *   employer-employee data" (connected sets); fixest `ssc(fixef.force_exact)`.
 */
export function fixedEffectDf(fes: readonly GroupCodes[]): {
  levels: number[];
  df: number;
  exact: boolean;
} {
  const levels = fes.map((f) => f.count);
  if (fes.length === 0) return { levels, df: 0, exact: true };
  if (fes.length === 1) return { levels, df: levels[0], exact: true };
  const components = connectedComponents(fes[0], fes[1]);
  let df = levels[0] + levels[1] - components;
  for (let q = 2; q < fes.length; q++) df += levels[q] - 1;
  return { levels, df, exact: fes.length === 2 };
}

/**
 * True when every level of `fe` falls inside a single cluster (fixest's nesting check).
 *
 * @example
 * ```ts
 * import { isNested } from "truelift";
 * const ws = { column: "ws", codes: Int32Array.of(0, 0, 1, 2), count: 3, missing: 0 };
 * const region = { column: "region", codes: Int32Array.of(0, 0, 1, 1), count: 2, missing: 0 };
 * isNested(ws, region); // true
 * ```
 * @see fixest `cpp_check_nested`; Bergé (2018), vignette "On standard errors".
 */
export function isNested(fe: GroupCodes, cluster: GroupCodes): boolean {
  const owner = new Int32Array(fe.count).fill(-1);
  const f = fe.codes;
  const c = cluster.codes;
  for (let i = 0; i < f.length; i++) {
    const g = f[i];
    if (owner[g] < 0) owner[g] = c[i];
    else if (owner[g] !== c[i]) return false;
  }
  return true;
}

/**
 * Number of levels with exactly one (positively weighted) observation (reported as `D_FE_SINGLETONS`);
 * `rowsPer` gives the rows each entry stands for (the counts of compressed cells).
 *
 * @example
 * ```ts
 * import { singletonCount } from "truelift";
 * singletonCount({ column: "g", codes: Int32Array.of(0, 0, 1), count: 2, missing: 0 }); // 1
 * ```
 * @see Correia (2015), "Singletons, cluster-robust standard errors and fixed effects: a bad mix".
 */
export function singletonCount(fe: GroupCodes, rowsPer: ArrayLike<number> | null = null): number {
  const counts = new Float64Array(fe.count);
  for (let i = 0; i < fe.codes.length; i++) counts[fe.codes[i]] += rowsPer ? rowsPer[i] : 1;
  let s = 0;
  for (let g = 0; g < counts.length; g++) if (counts[g] === 1) s++;
  return s;
}

function connectedComponents(a: GroupCodes, b: GroupCodes): number {
  const parent = new Int32Array(a.count + b.count);
  for (let i = 0; i < parent.length; i++) parent[i] = i;
  const find = (v: number): number => {
    while (parent[v] !== v) {
      parent[v] = parent[parent[v]];
      v = parent[v];
    }
    return v;
  };
  let components = parent.length;
  for (let i = 0; i < a.codes.length; i++) {
    const r1 = find(a.codes[i]);
    const r2 = find(a.count + b.codes[i]);
    if (r1 !== r2) {
      parent[r1] = r2;
      components--;
    }
  }
  return components;
}

/**
 * Closed-form two-way demeaning of a balanced grid: x − x̄_a − x̄_b + x̄, applied twice (the second pass removes
 * the rounding left by the first, as the one-way path does).
 */
function demeanBalanced(x: Float64Array, ctx: FixedEffectContext): Float64Array {
  const [a, b] = ctx.fes;
  const [invA, invB] = ctx.invWeight;
  const n = x.length;
  const out = new Float64Array(n);
  const ma = new Float64Array(a.count);
  const mb = new Float64Array(b.count);
  for (let pass = 0; pass < 2; pass++) {
    const src = pass === 0 ? x : out;
    ma.fill(0);
    mb.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const v = src[i];
      ma[a.codes[i]] += v;
      mb[b.codes[i]] += v;
      total += v;
    }
    for (let g = 0; g < ma.length; g++) ma[g] *= invA[g];
    for (let g = 0; g < mb.length; g++) mb[g] *= invB[g];
    const mean = total / n;
    for (let i = 0; i < n; i++) out[i] = src[i] - ma[a.codes[i]] - mb[b.codes[i]] + mean;
  }
  return out;
}

/** {@link demeanBalanced} of four columns in one sweep per pass (each column's operations in the same order). */
function demeanBalanced4(xs: readonly Float64Array[], ctx: FixedEffectContext): Float64Array[] {
  const [a, b] = ctx.fes;
  const [invA, invB] = ctx.invWeight;
  const ac = a.codes;
  const bc = b.codes;
  const n = xs[0].length;
  const outs = xs.map(() => new Float64Array(n));
  const [o0, o1, o2, o3] = outs;
  const ma = Array.from({ length: 4 }, () => new Float64Array(a.count));
  const mb = Array.from({ length: 4 }, () => new Float64Array(b.count));
  const [ma0, ma1, ma2, ma3] = ma;
  const [mb0, mb1, mb2, mb3] = mb;
  for (let pass = 0; pass < 2; pass++) {
    const [s0, s1, s2, s3] = pass === 0 ? xs : outs;
    for (const m of ma) m.fill(0);
    for (const m of mb) m.fill(0);
    let t0 = 0;
    let t1 = 0;
    let t2 = 0;
    let t3 = 0;
    for (let i = 0; i < n; i++) {
      const ga = ac[i];
      const gb = bc[i];
      const v0 = s0[i];
      const v1 = s1[i];
      const v2 = s2[i];
      const v3 = s3[i];
      ma0[ga] += v0;
      mb0[gb] += v0;
      t0 += v0;
      ma1[ga] += v1;
      mb1[gb] += v1;
      t1 += v1;
      ma2[ga] += v2;
      mb2[gb] += v2;
      t2 += v2;
      ma3[ga] += v3;
      mb3[gb] += v3;
      t3 += v3;
    }
    for (let q = 0; q < 4; q++) {
      const mq = ma[q];
      for (let g = 0; g < mq.length; g++) mq[g] *= invA[g];
      const nq = mb[q];
      for (let g = 0; g < nq.length; g++) nq[g] *= invB[g];
    }
    const m0 = t0 / n;
    const m1 = t1 / n;
    const m2 = t2 / n;
    const m3 = t3 / n;
    for (let i = 0; i < n; i++) {
      const ga = ac[i];
      const gb = bc[i];
      o0[i] = s0[i] - ma0[ga] - mb0[gb] + m0;
      o1[i] = s1[i] - ma1[ga] - mb1[gb] + m1;
      o2[i] = s2[i] - ma2[ga] - mb2[gb] + m2;
      o3[i] = s3[i] - ma3[ga] - mb3[gb] + m3;
    }
  }
  return outs;
}
