/**
 * Deterministic decimal rounding on doubles, shared by the dataset generator (which stores rounded values) and
 * the CSV writer (which prints them).
 *
 * **Rounding rule**: round to the nearest multiple of 10^−d of the *exact* binary value of the double; an exact
 * tie (possible only for doubles such as 0.125 that are exactly halfway) rounds **away from zero**. This is the
 * rule ECMAScript specifies for `Number.prototype.toFixed`, so `scaledRound(x, d)` always equals
 * `Number(x.toFixed(d)) * 10^d` — but it is computed with integer arithmetic, without building strings: the fast
 * path takes `x · 10^d` in floating point and decides directly unless the product lies within its rounding error
 * of a half-integer, in which case the tie is settled exactly with `BigInt` on the double's mantissa and exponent.
 * Note that Python's `round()` differs on exact ties (it rounds half to even); ties are vanishingly rare for
 * simulated continuous values.
 *
 * @example
 * ```ts
 * import { scaledRound, roundDecimal } from "truelift";
 * scaledRound(0.74686, 4); // 7469
 * scaledRound(1.005, 2);   // 100   (1.005 is stored as 1.00499999999999989…)
 * scaledRound(0.125, 2);   // 13    (an exact tie: away from zero)
 * roundDecimal(7.0349, 2); // 7.03
 * ```
 */
export function scaledRound(x: number, digits: number): number {
  const scale = POW10[digits];
  if (scale === undefined)
    throw new RangeError(`scaledRound: digits must be an integer in 0..15, got ${digits}`);
  if (!Number.isFinite(x)) return x;
  const a = Math.abs(x);
  const y = a * scale;
  if (y >= 4503599627370496) {
    // ≥ 2^52: every double here is an integer already; the product is exact enough to be the answer.
    return x < 0 ? -Math.round(y) : Math.round(y); // |x| ≥ 2^52 / 10^d, never 0
  }
  const f = Math.floor(y);
  const frac = y - f;
  // The product a·scale carries a relative error below 2^-53; allow a generous margin around the half point.
  const margin = y * 4.5e-16 + 1e-300;
  let n: number;
  if (frac > 0.5 + margin) n = f + 1;
  else if (frac < 0.5 - margin) n = f;
  else n = exactHalfUp(a, scale, f) ? f + 1 : f;
  return x < 0 && n !== 0 ? -n : n; // never −0
}

/**
 * `x` rounded to `digits` decimals with the rule of {@link scaledRound}, returned as the double nearest to that
 * decimal (so `String(roundDecimal(x, d))` prints at most `d` decimals).
 *
 * @example
 * ```ts
 * import { roundDecimal } from "truelift";
 * roundDecimal(0.123456, 4); // 0.1235
 * ```
 */
export function roundDecimal(x: number, digits: number): number {
  return scaledRound(x, digits) / POW10[digits];
}

/**
 * Powers of ten that are exact doubles (10^0 … 10^15).
 * @example
 * ```ts
 * POW10[4]; // 10000
 * ```
 */
export const POW10: readonly number[] = Object.freeze(Array.from({ length: 16 }, (_, i) => 10 ** i));

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Exactly decides whether a·scale ≥ f + 1/2 (a ≥ 0 finite, f integer), i.e. whether rounding half away from zero
 * moves up. Writes a = M·2^E with an integer mantissa M and compares 2·M·scale·2^E with 2f + 1 in BigInt.
 */
function exactHalfUp(a: number, scale: number, f: number): boolean {
  f64[0] = a;
  const hi = u32[LITTLE ? 1 : 0];
  const lo = u32[LITTLE ? 0 : 1];
  const biased = (hi >>> 20) & 0x7ff;
  let mant = BigInt(hi & 0xfffff) * 4294967296n + BigInt(lo);
  let exp: number;
  if (biased === 0) exp = -1074;
  else {
    mant += 4503599627370496n; // implicit leading 1 (2^52)
    exp = biased - 1075;
  }
  const left = mant * BigInt(scale) * 2n; // 2·a·scale = left · 2^exp
  const right = BigInt(2 * f + 1);
  if (exp >= 0) return left << BigInt(exp) >= right;
  return left >= right << BigInt(-exp);
}
