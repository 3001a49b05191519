import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { auc } from "../../src/models/auc.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

/** O(n²) definition: P(score⁺ > score⁻) + ½ P(tie), weighted. */
function bruteAuc(y: number[], s: number[], w?: number[]): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < y.length; i++) {
    if (y[i] !== 1) continue;
    for (let j = 0; j < y.length; j++) {
      if (y[j] !== 0) continue;
      const ww = (w ? w[i] : 1) * (w ? w[j] : 1);
      den += ww;
      num += ww * (s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0);
    }
  }
  return num / den;
}

describe("auc", () => {
  const golden = loadGolden<{
    cases: { name: string; y: number[]; score: number[]; w: number[]; auc: number; auc_weighted: number }[];
  }>("logit", "auc_sklearn");
  for (const c of golden.expected.cases) {
    it(`matches sklearn roc_auc_score (${c.name}), with and without weights`, () => {
      expectClose(auc(c.y, c.score), c.auc, { atol: 1e-12 });
      expectClose(auc(c.y, c.score, { weights: c.w }), c.auc_weighted, { atol: 1e-12 });
    });
  }

  it("equals the O(n²) Mann–Whitney definition (property)", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.integer({ min: 0, max: 1 }),
            fc.integer({ min: -3, max: 3 }),
            fc.integer({ min: 0, max: 4 }),
          ),
          {
            minLength: 2,
            maxLength: 60,
          },
        ),
        (rows) => {
          const y = rows.map((r) => r[0]);
          const s = rows.map((r) => r[1] / 2);
          const w = rows.map((r) => r[2]);
          const hasBoth = (ww?: number[]) =>
            y.some((v, i) => v === 1 && (!ww || ww[i] > 0)) &&
            y.some((v, i) => v === 0 && (!ww || ww[i] > 0));
          if (hasBoth()) expectClose(auc(y, s), bruteAuc(y, s), { atol: 1e-14 });
          if (hasBoth(w)) expectClose(auc(y, s, { weights: w }), bruteAuc(y, s, w), { atol: 1e-14 });
        },
      ),
    );
  });

  it("handles the documented examples", () => {
    expect(auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])).toBe(0.75);
    expect(auc([0, 1], [0.5, 0.5])).toBe(0.5);
    expect(auc(Float64Array.of(1, 0), Float64Array.of(2, 1))).toBe(1);
  });

  it("rejects bad input by code", () => {
    expect(errorCode(() => auc([0, 1], [0.5]))).toBe("E_LENGTH_MISMATCH");
    expect(errorCode(() => auc([0, 1], [0.5, 0.2], { weights: [1] }))).toBe("E_LENGTH_MISMATCH");
    expect(errorCode(() => auc([0, 2], [0.5, 0.2]))).toBe("E_NOT_BINARY");
    expect(errorCode(() => auc([0, Number.NaN], [0.5, 0.2]))).toBe("E_NOT_BINARY");
    expect(errorCode(() => auc([0, 1], [0.5, Number.NaN]))).toBe("E_MISSING_VALUES");
    expect(errorCode(() => auc([0, 1], [0.5, 0.2], { weights: [1, -1] }))).toBe("E_BAD_WEIGHTS");
    expect(errorCode(() => auc([1, 1], [0.5, 0.2]))).toBe("E_CONSTANT_OUTCOME");
    expect(errorCode(() => auc([0, 1], [0.5, 0.2], { weights: [1, 0] }))).toBe("E_CONSTANT_OUTCOME");
  });
});
