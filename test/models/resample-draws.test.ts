import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng.js";
import {
  addDrawCounts,
  drawIndices,
  lemireIndex,
  multinomialCounts,
  rademacherWeights,
  randomPermutation,
  shuffleFirst,
  webbWeights,
} from "../../src/models/resample.js";

describe("resampling draws shared by every replicate loop", () => {
  it("drawIndices is n calls of rng.int(n); addDrawCounts('int') counts the same draws", () => {
    const a = createRng(3);
    const expected = Array.from({ length: 50 }, () => a.int(50));
    expect(Array.from(drawIndices(createRng(3), 50))).toEqual(expected);
    const counts = new Int32Array(50);
    addDrawCounts(createRng(3), counts, "int");
    const tally = new Int32Array(50);
    for (const i of expected) tally[i]++;
    expect(counts).toEqual(tally);
  });

  it("lemireIndex is unbiased multiply-shift: in range, and addDrawCounts('lemire') counts its draws", () => {
    const rng = createRng(5);
    const draws = Array.from({ length: 1000 }, () => lemireIndex(rng, 7, 4294967296 % 7));
    expect(Math.min(...draws)).toBe(0);
    expect(Math.max(...draws)).toBe(6);
    const again = createRng(5);
    const counts = new Float64Array(7);
    addDrawCounts(again, counts, "lemire");
    expect(counts.reduce((s, c) => s + c, 0)).toBe(7);
  });

  it("Rademacher weights: one word each, or 32 per word", () => {
    const r = createRng(11);
    const word = Array.from({ length: 5 }, () => (r.nextUint32() & 1 ? 1 : -1));
    expect(Array.from(rademacherWeights(createRng(11), new Float64Array(5), "word"))).toEqual(word);
    const bits = createRng(11).nextUint32();
    const packed = Array.from({ length: 32 }, (_, c) => ((bits >>> c) & 1 ? 1 : -1));
    expect(Array.from(rademacherWeights(createRng(11), new Float64Array(32), "bit"))).toEqual(packed);
  });

  it("Webb weights take the six points", () => {
    const points = new Set(webbWeights(createRng(2), new Float64Array(200)));
    expect([...points].sort((a, b) => a - b)).toEqual(
      [-Math.sqrt(1.5), -1, -Math.sqrt(0.5), Math.sqrt(0.5), 1, Math.sqrt(1.5)].sort((a, b) => a - b),
    );
  });

  it("permutations and partial shuffles are permutations", () => {
    expect(randomPermutation(createRng(4), 9).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    const items = shuffleFirst(createRng(4), [10, 11, 12, 13, 14], 2);
    expect([...items].sort()).toEqual([10, 11, 12, 13, 14]);
    expect(new Set(items.slice(0, 2)).size).toBe(2);
  });

  it("multinomialCounts draws n units over the categories", () => {
    const out = new Int32Array(3);
    multinomialCounts(createRng(8), 10, Float64Array.of(2, 3, 5), out);
    expect(out.reduce((s, c) => s + c, 0)).toBe(10);
  });
});
