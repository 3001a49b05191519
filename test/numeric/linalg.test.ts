import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cholesky, choleskyInverse, choleskySolve, gramRank } from "../../src/numeric/linalg/cholesky.js";
import { qrPivoted } from "../../src/numeric/linalg/qr.js";
import { expectClose } from "../helpers/expect-close.js";

describe("cholesky", () => {
  it("solves and inverts SPD systems (property)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: 12, maxLength: 12 }),
        (v) => {
          const k = 3;
          // A = BᵀB + I is SPD
          const a = new Float64Array(9);
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              let s = i === j ? 1 : 0;
              for (let r = 0; r < 4; r++) s += v[r * 3 + i] * v[r * 3 + j];
              a[i * 3 + j] = s;
            }
          const l = cholesky(a, k);
          expect(l).not.toBeNull();
          const inv = choleskyInverse(l!, k);
          for (let i = 0; i < 3; i++)
            for (let j = 0; j < 3; j++) {
              let s = 0;
              for (let r = 0; r < 3; r++) s += a[i * 3 + r] * inv[r * 3 + j];
              expect(Math.abs(s - (i === j ? 1 : 0))).toBeLessThan(1e-9);
            }
          const x = choleskySolve(l!, k, Float64Array.of(1, 2, 3));
          for (let i = 0; i < 3; i++) {
            let s = 0;
            for (let r = 0; r < 3; r++) s += a[i * 3 + r] * x[r];
            expect(Math.abs(s - (i + 1))).toBeLessThan(1e-9);
          }
        },
      ),
    );
  });

  it("returns null for a non-positive-definite matrix", () => {
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeNull();
  });
});

describe("rank detection", () => {
  it("gramRank names the later collinear column", () => {
    // columns 1, x, 2x with x = 1, 2, 3
    expect(gramRank(Float64Array.of(3, 6, 12, 6, 14, 28, 12, 28, 56), 3)).toEqual({
      kept: [0, 1],
      dropped: [2],
    });
  });

  it("qrPivoted finds rank 2 and reproduces |R| diagonal of a full-rank matrix", () => {
    const x = Float64Array.of(1, 1, 1, 1, 2, 3, 2, 4, 6);
    const q = qrPivoted(x, 3, 3);
    expect(q.rank).toBe(2);
    expect(q.collinear.length).toBe(1);
    const full = qrPivoted(Float64Array.of(3, 0, 0, 4), 2, 2);
    expect(full.rank).toBe(2);
    expectClose(Math.abs(full.r[0]), 4, { rtol: 1e-12 });
    expectClose(Math.abs(full.r[3]), 3, { rtol: 1e-12 });
  });
});
