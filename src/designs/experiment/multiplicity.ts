/**
 * Holm's (1979) step-down adjusted p-values: sorted ascending, p̃_(i) = max_{j ≤ i} min(1, (m − j + 1) p_(j)),
 * returned in the input order (as statsmodels `multipletests(method="holm")`). Controls the family-wise error
 * rate under any dependence.
 *
 * @example
 * ```ts
 * import { holmAdjust } from "truelift/designs/experiment";
 * holmAdjust([0.01, 0.04, 0.03]); // [0.03, 0.06, 0.06]
 * ```
 * @see Holm (1979), "A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6(2).
 */
export function holmAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach((idx, j) => {
    running = Math.max(running, Math.min(1, (m - j) * p[idx]));
    out[idx] = running;
  });
  return out;
}

/**
 * Benjamini–Hochberg (1995) step-up adjusted p-values (q-values): sorted ascending,
 * p̃_(i) = min_{j ≥ i} min(1, m p_(j) / j), returned in the input order (statsmodels `fdr_bh`). Controls the
 * false discovery rate for independent or positively dependent tests.
 *
 * @example
 * ```ts
 * import { bhAdjust } from "truelift/designs/experiment";
 * bhAdjust([0.01, 0.04, 0.03]); // [0.03, 0.04, 0.04]
 * ```
 * @see Benjamini & Hochberg (1995), "Controlling the false discovery rate", JRSS B 57(1).
 */
export function bhAdjust(p: readonly number[]): number[] {
  const m = p.length;
  const order = p.map((_, i) => i).sort((a, b) => p[a] - p[b] || a - b);
  const out = new Array<number>(m);
  let running = 1;
  for (let j = m - 1; j >= 0; j--) {
    const idx = order[j];
    running = Math.min(running, Math.min(1, (m * p[idx]) / (j + 1)));
    out[idx] = running;
  }
  return out;
}
