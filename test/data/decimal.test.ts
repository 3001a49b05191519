import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundDecimal, scaledRound } from "../../src/data/decimal.js";

/** The reference: ECMAScript's toFixed rounds the exact binary value, ties away from zero (for |x| < 1e21). */
function viaToFixed(x: number, d: number): number {
  return Number(x.toFixed(d).replace(".", ""));
}

describe("scaledRound", () => {
  it("rounds the exact binary value: 1.005 is below the tie, 0.125 is an exact tie (away from zero)", () => {
    expect(scaledRound(1.005, 2)).toBe(100);
    expect(scaledRound(0.125, 2)).toBe(13);
    expect(scaledRound(-0.125, 2)).toBe(-13);
    expect(scaledRound(2.5, 0)).toBe(3);
    expect(scaledRound(0.74686, 4)).toBe(7469);
    expect(scaledRound(0.85, 4)).toBe(8500);
    expect(scaledRound(7, 2)).toBe(700);
  });

  it("agrees with Number.prototype.toFixed on random doubles for every digit count", () => {
    fc.assert(
      fc.property(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.integer({ min: 0, max: 8 }), (x, d) => {
        expect(scaledRound(x, d)).toBe(viaToFixed(x, d) === 0 ? 0 : viaToFixed(x, d));
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with toFixed right at decimal half-points (the hard cases)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 1, max: 6 }), (k, d) => {
        const x = (2 * k + 1) / (2 * 10 ** d); // the double nearest to a decimal tie
        expect(scaledRound(x, d)).toBe(viaToFixed(x, d));
        const up = x + Number.EPSILON * x;
        const down = x - Number.EPSILON * x;
        expect(scaledRound(up, d)).toBe(viaToFixed(up, d));
        expect(scaledRound(down, d)).toBe(viaToFixed(down, d));
      }),
      { numRuns: 5000 },
    );
  });

  it("returns the double nearest the decimal from roundDecimal, and passes non-finite values through", () => {
    expect(roundDecimal(7.0349, 2)).toBe(7.03);
    expect(String(roundDecimal(0.123456, 4))).toBe("0.1235");
    expect(scaledRound(Number.NaN, 2)).toBeNaN();
    expect(scaledRound(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(() => scaledRound(1, 16)).toThrow(RangeError);
  });
});
