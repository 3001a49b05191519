import { describe, expect, it } from "vitest";
import { createRng } from "../../src/core/rng.js";

describe("createRng", () => {
  it("is reproducible for a seed and differs across streams", () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(42, 1);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    const xb = Array.from({ length: 5 }, () => b.nextUint32());
    const xc = Array.from({ length: 5 }, () => c.nextUint32());
    expect(xa).toEqual(xb);
    expect(xa).not.toEqual(xc);
  });

  it("pins the stream so a platform change cannot go unnoticed", () => {
    const r = createRng(7);
    expect(Array.from({ length: 3 }, () => r.nextUint32())).toMatchInlineSnapshot(`
      [
        2310776024,
        3543157365,
        3919496314,
      ]
    `);
  });

  it("draws uniforms, normals and betas with the right moments", () => {
    const r = createRng(1);
    const n = 200_000;
    let su = 0;
    let sn = 0;
    let sn2 = 0;
    let sb = 0;
    for (let i = 0; i < n; i++) {
      su += r.uniform();
      const z = r.normal();
      sn += z;
      sn2 += z * z;
      sb += r.beta(5, 2);
    }
    expect(Math.abs(su / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(sn / n)).toBeLessThan(0.01);
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(0.01);
    expect(Math.abs(sb / n - 5 / 7)).toBeLessThan(0.003);
  });

  it("draws unbiased integers", () => {
    const r = createRng(3);
    const counts = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) counts[r.int(7)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
  });
});
