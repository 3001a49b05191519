/**
 * Number formatting shared by the text and Markdown renderers: signed estimates with a real minus sign,
 * p-values with a floor, intervals.
 *
 * @example
 * ```ts
 * import { signed } from "truelift";
 * signed(-0.00095, 5); // "−0.00095"
 * signed(-1e-17); // "+0.0000" (a value that rounds to zero has no sign)
 * ```
 */
export function signed(x: number | null, digits = 4): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  const text = Math.abs(x).toFixed(digits);
  // A value that rounds to zero prints as +0…: its sign is rounding noise, not a direction.
  return (x >= 0 || Number(text) === 0 ? "+" : "−") + text;
}

/**
 * A p-value for display: three decimals, or "< 0.001".
 *
 * @example
 * ```ts
 * import { pValueText } from "truelift";
 * pValueText(0.00002); // "< 0.001"
 * ```
 */
export function pValueText(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return "n/a";
  return p < 0.001 ? "< 0.001" : p.toFixed(3);
}

/**
 * A confidence interval for display.
 *
 * @example
 * ```ts
 * import { intervalText } from "truelift";
 * intervalText([0.0323, 0.076]); // "[+0.0323, +0.0760]"
 * ```
 */
export function intervalText(ci: readonly [number, number] | null, digits = 4): string {
  return ci === null ? "n/a" : `[${signed(ci[0], digits)}, ${signed(ci[1], digits)}]`;
}

/**
 * A plain number with fixed decimals, or "n/a".
 *
 * @example
 * ```ts
 * import { fixed } from "truelift";
 * fixed(0.0108647, 4); // "0.0109"
 * ```
 */
export function fixed(x: number | null, digits = 4): string {
  if (x === null || !Number.isFinite(x)) return "n/a";
  const text = x.toFixed(digits);
  return text.startsWith("-") && Number(text) === 0 ? text.slice(1) : text;
}
