/**
 * Householder QR with column pivoting (the algorithm of LAPACK's `dgeqp3`, Businger & Golub 1965), on a
 * column-major n×k matrix. Returns the numerical rank — the number of diagonal entries of R with
 * |r_ii| > tol·|r_11| — the pivot order, and which original columns fall outside the rank (the collinear ones).
 * Used where rank must be judged on X itself rather than on XᵀX (whose condition number is squared).
 *
 * @example
 * ```ts
 * import { qrPivoted } from "truelift";
 * // n = 3, k = 3 column-major: 1, x, 2x
 * const x = Float64Array.of(1, 1, 1, 1, 2, 3, 2, 4, 6);
 * qrPivoted(x, 3, 3).rank; // 2
 * ```
 * @see Golub & Van Loan, Matrix Computations (4th ed.), Algorithm 5.4.1.
 */
export function qrPivoted(
  x: Float64Array,
  n: number,
  k: number,
  tol = 1e-10,
): { rank: number; pivot: Int32Array; r: Float64Array; collinear: number[] } {
  const a = Float64Array.from(x);
  const pivot = new Int32Array(k);
  for (let j = 0; j < k; j++) pivot[j] = j;
  const norms = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += a[j * n + i] ** 2;
    norms[j] = s;
  }
  const steps = Math.min(n, k);
  let rank = 0;
  let r11 = 0;
  for (let j = 0; j < steps; j++) {
    // Recompute trailing norms exactly (k is small; this avoids the downdating cancellation of dgeqp3).
    let best = j;
    let bestNorm = -1;
    for (let c = j; c < k; c++) {
      let s = 0;
      for (let i = j; i < n; i++) s += a[c * n + i] ** 2;
      norms[c] = s;
      if (s > bestNorm) {
        bestNorm = s;
        best = c;
      }
    }
    if (best !== j) {
      for (let i = 0; i < n; i++) {
        const t = a[j * n + i];
        a[j * n + i] = a[best * n + i];
        a[best * n + i] = t;
      }
      const tp = pivot[j];
      pivot[j] = pivot[best];
      pivot[best] = tp;
    }
    const alphaNorm = Math.sqrt(bestNorm);
    if (j === 0) r11 = alphaNorm;
    if (alphaNorm <= tol * r11 || alphaNorm === 0) break;
    rank++;
    // Householder reflector for column j below the diagonal.
    const x0 = a[j * n + j];
    const alpha = x0 >= 0 ? -alphaNorm : alphaNorm;
    const v0 = x0 - alpha;
    let vnorm2 = v0 * v0;
    for (let i = j + 1; i < n; i++) vnorm2 += a[j * n + i] ** 2;
    a[j * n + j] = alpha;
    if (vnorm2 === 0) continue;
    for (let c = j + 1; c < k; c++) {
      let dot = v0 * a[c * n + j];
      for (let i = j + 1; i < n; i++) dot += a[j * n + i] * a[c * n + i];
      const f = (2 * dot) / vnorm2;
      a[c * n + j] -= f * v0;
      for (let i = j + 1; i < n; i++) a[c * n + i] -= f * a[j * n + i];
    }
    for (let i = j + 1; i < n; i++) a[j * n + i] = 0;
  }
  const r = new Float64Array(k * k);
  for (let i = 0; i < Math.min(n, k); i++) for (let c = i; c < k; c++) r[i * k + c] = a[c * n + i];
  const collinear = Array.from(pivot.subarray(rank)).sort((p, q) => p - q);
  return { rank, pivot, r, collinear };
}
