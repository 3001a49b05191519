import { describe, expect, it } from "vitest";
import { createRng, RNG_PURPOSES, streamFor } from "../../src/core/rng.js";

const words = (rng: { nextUint32(): number }) => Array.from({ length: 4 }, () => rng.nextUint32());

describe("streamFor: one table of stream layouts, the streams every loop always drew", () => {
  it("resample replicate r is createRng(seed, r + 1)", () => {
    for (const r of [0, 1, 17])
      expect(words(streamFor(9, "resample", r))).toEqual(words(createRng(9, r + 1)));
  });

  it("replicate r is createRng(seed, r); a sequence run k is createRng(seed, k)", () => {
    for (const r of [0, 3]) {
      expect(words(streamFor(9, "replicate", r))).toEqual(words(createRng(9, r)));
      expect(words(streamFor(9, "sequence", r))).toEqual(words(createRng(9, r)));
    }
    expect(words(streamFor(9, "sequence"))).toEqual(words(createRng(9)));
  });

  it("documents each layout and rejects a negative or fractional index", () => {
    expect(RNG_PURPOSES.resample).toEqual({ layout: "per-replicate", first: 1 });
    expect(RNG_PURPOSES.sequence.layout).toBe("per-run");
    expect(() => streamFor(1, "resample", -1)).toThrow(RangeError);
    expect(() => streamFor(1, "replicate", 0.5)).toThrow(RangeError);
  });
});
