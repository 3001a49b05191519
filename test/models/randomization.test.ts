import { describe, expect, it } from "vitest";
import { randomizationInference, randomizationSamples } from "../../src/models/randomization.js";
import { errorCode } from "../helpers/error-code.js";

const sums = Float64Array.of(10, 14, 9, 30, 22, 18, 40, 12);
const sizes = Float64Array.of(5, 6, 4, 10, 7, 6, 12, 5);
const treated = Uint8Array.of(1, 0, 0, 1, 1, 0, 1, 0);

/** Brute force over every split of 8 clusters into 4 treated (within strata when given). */
function bruteForce(tau0: number, strata?: Int32Array): number {
  const diff = (d: number[]) => {
    let s1 = 0;
    let n1 = 0;
    let s0 = 0;
    let n0 = 0;
    for (let g = 0; g < 8; g++) {
      const y0 = sums[g] - tau0 * sizes[g] * treated[g];
      if (d[g]) {
        s1 += y0;
        n1 += sizes[g];
      } else {
        s0 += y0;
        n0 += sizes[g];
      }
    }
    return s1 / n1 - s0 / n0;
  };
  const obs = Math.abs(diff([...treated]));
  let count = 0;
  let total = 0;
  for (let mask = 0; mask < 256; mask++) {
    const d = Array.from({ length: 8 }, (_, g) => (mask >>> g) & 1);
    if (d.reduce((a, b) => a + b, 0) !== 4) continue;
    if (strata) {
      const ok = [0, 1].every(
        (s) =>
          d.filter((_, g) => strata[g] === s && d[g]).length ===
          [...treated].filter((t, g) => strata[g] === s && t).length,
      );
      if (!ok) continue;
    }
    total++;
    if (Math.abs(diff(d)) >= obs - 1e-10 * Math.max(obs, 1)) count++;
  }
  return count / total;
}

describe("randomizationInference", () => {
  it("enumerates all C(8,4) = 70 assignments and matches brute force at several sharp nulls", () => {
    for (const tau0 of [0, 0.5, -0.3, 1.2]) {
      const r = randomizationInference({ sums, sizes, treated }, { nullValue: tau0 });
      expect(r.exact).toBe(true);
      expect(r.assignments).toBe(70);
      expect(r.minPValue).toBeCloseTo(1 / 70, 15);
      expect(r.pValue).toBeCloseTo(bruteForce(tau0), 12);
    }
  });

  it("respects strata: only within-stratum re-draws (C(4,2)² = 36)", () => {
    const strata = Int32Array.of(0, 0, 0, 0, 1, 1, 1, 1);
    const r = randomizationInference({ sums, sizes, treated, strata });
    expect(r.assignments).toBe(36);
    expect(r.pValue).toBeCloseTo(bruteForce(0, strata), 12);
  });

  it("the interval inverts the test; sampling is seeded and uses (1 + count)/(1 + reps)", () => {
    const r = randomizationInference({ sums, sizes, treated }, { alpha: 0.2 });
    const [lo, hi] = r.ci!;
    expect(bruteForce(lo + 1e-7)).toBeGreaterThanOrEqual(0.2);
    expect(bruteForce(lo - 1e-7)).toBeLessThan(0.2);
    expect(bruteForce(hi - 1e-7)).toBeGreaterThanOrEqual(0.2);
    expect(bruteForce(hi + 1e-7)).toBeLessThan(0.2);
    const a = randomizationInference({ sums, sizes, treated }, { exact: false, reps: 999, seed: 3 });
    const b = randomizationInference({ sums, sizes, treated }, { exact: false, reps: 999, seed: 3 });
    expect(a).toEqual(b);
    expect(a.exact).toBe(false);
    expect(a.minPValue).toBe(1 / 1000);
    expect(Math.abs(a.pValue - bruteForce(0))).toBeLessThan(0.05);
  });

  it("rejects designs and options it cannot use", () => {
    expect(errorCode(() => randomizationInference({ sums, sizes, treated: new Uint8Array(8) }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => randomizationInference({ sums, sizes, treated }, { exact: false }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(
      errorCode(() => randomizationInference({ sums, sizes, treated }, { exact: true, maxExact: 10 })),
    ).toBe("E_INVALID_ARGUMENT");
  });
});

describe("randomizationSamples", () => {
  it("tells whether randomization inference would draw random numbers (and so need a seed)", () => {
    const units = {
      sums: Float64Array.of(1, 2, 3, 4),
      sizes: Float64Array.of(1, 1, 1, 1),
      treated: Uint8Array.of(0, 0, 1, 1),
    };
    expect(randomizationSamples(units, {})).toBe(false);
    expect(randomizationSamples(units, { exact: false })).toBe(true);
    expect(randomizationSamples(units, { maxExact: 5 })).toBe(true);
  });
});
