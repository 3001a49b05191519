import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng.js";
import { BLOCK, type BlockColumn, fillBlock } from "../../src/numeric/linalg/block.js";
import { crossprod, rowCrossprod } from "../../src/numeric/linalg/crossprod.js";
import { expectClose } from "../helpers/expect-close.js";

/** Σᵢ ωᵢ uᵢuᵢᵀ by the textbook triple loop, as the reference. */
function naive(cols: Float64Array[], n: number, w: Float64Array | null, shifts: number[]): number[] {
  const k = cols.length;
  const out = new Array<number>(k * k).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < k; j++)
      for (let l = 0; l < k; l++)
        out[j * k + l] += (w ? w[i] : 1) * (cols[j][i] - shifts[j]) * (cols[l][i] - shifts[l]);
  return out;
}

describe("crossprod (blocked, register-tiled XᵀWX)", () => {
  it("gives the documented examples", () => {
    expect(Array.from(crossprod([null, Float64Array.of(1, 2, 3)], 3, null))).toEqual([3, 6, 6, 14]);
    expect(Array.from(crossprod([null, Float64Array.of(1, 2, 3)], 3, null, Float64Array.of(0, 2)))).toEqual([
      3, 0, 0, 2,
    ]);
  });

  it("matches the triple loop for k = 1…9 columns over several blocks, weighted and shifted", () => {
    const rng = createRng(11, 0);
    const n = 2 * BLOCK + 37;
    for (let k = 1; k <= 9; k++) {
      const cols = Array.from({ length: k }, () => Float64Array.from({ length: n }, () => rng.normal()));
      const w = Float64Array.from({ length: n }, () => rng.uniform());
      const shifts = cols.map((_, j) => 0.1 * j);
      const got = crossprod(cols, n, w, Float64Array.from(shifts));
      expectClose(Array.from(got), naive(cols, n, w, shifts), { rtol: 1e-12, atol: 1e-9 });
    }
  });

  it("reads lazy columns through their fill (same numbers as the stored column)", () => {
    const x = Float64Array.of(1, 2, 3, 4);
    const lazy: BlockColumn = {
      length: 4,
      fill: (s, len, out, off, sh = 0) => {
        for (let t = 0; t < len; t++) out[off + t] = x[s + t] - sh;
      },
    };
    expect(Array.from(crossprod([null, lazy], 4, null))).toEqual(Array.from(crossprod([null, x], 4, null)));
  });
});

describe("fillBlock", () => {
  it("copies and shifts rows [start, start + len) of each column (null = ones)", () => {
    const buf = new Float64Array(2 * BLOCK);
    fillBlock([null, Float64Array.of(5, 6, 7)], Float64Array.of(0, 6), 1, 2, buf);
    expect(Array.from(buf.subarray(0, 2))).toEqual([1, 1]);
    expect(Array.from(buf.subarray(BLOCK, BLOCK + 2))).toEqual([0, 1]);
  });
});

describe("rowCrossprod", () => {
  it("sums the outer products of the rows, ignoring the padding past k", () => {
    expect(Array.from(rowCrossprod(Float64Array.of(1, 2, 0, 3, 4, 0), 2, 2, 3))).toEqual([10, 14, 14, 20]);
    expect(Array.from(rowCrossprod(Float64Array.of(1, 2, 99, 3, 4, 99), 2, 2, 3))).toEqual([10, 14, 14, 20]);
  });
});
