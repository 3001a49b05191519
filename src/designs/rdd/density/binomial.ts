/** One window of the local binomial test: observations within `window` of the cutoff on each side. */
export interface DensityBinomialRow {
  /** Half-length of the window below / above the cutoff. */
  readonly windowLeft: number;
  readonly windowRight: number;
  /** Observations with c − windowLeft ≤ x < c, and with c ≤ x ≤ c + windowRight. */
  readonly nLeft: number;
  readonly nRight: number;
  /** Exact two-sided binomial p-value of nLeft out of nLeft + nRight against probability 1/2. */
  readonly pValue: number;
}

/**
 * Exact two-sided binomial test of k successes in n trials against p = 1/2, as R's `binom.test` computes it
 * (the probabilities of all outcomes no more likely than k, with R's relative tolerance 1 + 10⁻⁷). For p = 1/2
 * the distribution is symmetric, so this is min(1, 2·P(X ≤ min(k, n − k))), summed in log space.
 *
 * @example
 * ```ts
 * import { binomialTestHalf } from "truelift";
 * binomialTestHalf(3, 20); // 0.002576…
 * ```
 */
export function binomialTestHalf(k: number, n: number): number {
  if (n === 0) return 1;
  const m = Math.min(k, n - k);
  if (2 * m === n) return 1;
  // log pmf(i) = log C(n, i) − n log 2, built up from i = 0.
  const ln2n = n * Math.LN2;
  let logC = 0;
  let tail = 0;
  const logs: number[] = [];
  for (let i = 0; i <= m; i++) {
    if (i > 0) logC += Math.log((n - i + 1) / i);
    logs.push(logC - ln2n);
  }
  const top = logs[logs.length - 1];
  for (const l of logs) tail += Math.exp(l - top);
  return Math.min(1, 2 * tail * Math.exp(top));
}

/**
 * rddensity's complementary binomial tests (Cattaneo, Frandsen & Titiunik 2015): in `windows` nested windows
 * around the cutoff, is the split of observations below vs above the cutoff 50/50? The first window is the
 * smallest holding at least 20 observations on each side; later windows grow by that length or, when ten of
 * them would pass the bandwidth, spread evenly up to it (rddensity's defaults for `binoN`, `binoNW` = 10 and the
 * step). `x` must be sorted and centred at the cutoff.
 *
 * @example
 * ```ts
 * import { densityBinomialTests, prepareDensitySample } from "truelift";
 * const s = prepareDensitySample(x, 0.85, true);
 * densityBinomialTests(s.x, s.nl, 0.06, 0.05, 10, 20, s.count)[0].pValue;
 * ```
 * @see Cattaneo, M. D., Frandsen, B. and Titiunik, R. (2015), "Randomization Inference in the Regression
 * Discontinuity Design", Journal of Causal Inference 3(1), 1–24, https://doi.org/10.1515/jci-2013-0010
 */
export function densityBinomialTests(
  x: Float64Array,
  nl: number,
  hl: number,
  hr: number,
  windows = 10,
  minObs = 20,
  count: Float64Array | null = null,
): DensityBinomialRow[] {
  const c = (i: number): number => (count ? count[i] : 1);
  let n = 0;
  for (let i = 0; i < x.length; i++) n += c(i);
  const nr = n - nl;
  if (nl === 0 || nr === 0) return [];
  // Entries below the cutoff (x − c < 0).
  let split = 0;
  while (split < x.length && x[split] < 0) split++;
  // |x| of the k-th row nearest the cutoff on each side (clamped to the side's rows).
  const leftAbs = (k: number): number => {
    let acc = 0;
    for (let i = split - 1; i >= 0; i--) {
      acc += c(i);
      if (acc >= Math.min(k, nl)) return -x[i];
    }
    return -x[0];
  };
  const rightAt = (k: number): number => {
    let acc = 0;
    for (let i = split; i < x.length; i++) {
      acc += c(i);
      if (acc >= Math.min(k, nr)) return x[i];
    }
    return x[x.length - 1];
  };
  const w1 = Math.max(leftAbs(minObs), rightAt(minObs));
  let wl: number[];
  let wr: number[];
  if (windows <= 1 || w1 >= hl || w1 >= hr) {
    wl = [w1];
    wr = [w1];
  } else {
    const grow = (h: number): number[] => {
      const out = [w1];
      for (let j = 1; j < windows; j++)
        out.push(w1 * windows > h ? w1 + (j * (h - w1)) / (windows - 1) : w1 + j * w1);
      return out;
    };
    wl = grow(hl);
    wr = grow(hr);
  }
  const countLeft = (w: number): number => {
    let k = 0;
    for (let i = split - 1; i >= 0 && -x[i] <= w; i--) k += c(i);
    return k;
  };
  const countRight = (w: number): number => {
    let k = 0;
    for (let i = split; i < x.length && x[i] <= w; i++) k += c(i);
    return k;
  };
  return wl.map((w, j) => {
    const a = countLeft(w);
    const b = countRight(wr[j]);
    return { windowLeft: w, windowRight: wr[j], nLeft: a, nRight: b, pValue: binomialTestHalf(a, a + b) };
  });
}
