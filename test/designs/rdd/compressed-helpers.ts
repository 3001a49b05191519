import { expect } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import type { Frame } from "../../../src/core/frame.js";
import { rddCellRequest } from "../../../src/designs/rdd/cells.js";
import { rdd, rddFromCells } from "../../../src/designs/rdd/rdd.js";
import { parseRddSpec, type RddSpec } from "../../../src/designs/rdd/spec.js";

/**
 * Every number of `a` within 1e-10 relative of `b` (1e-12 absolute near 0), every other leaf identical; the
 * compressed path's own `cells` field is skipped. Returns the number of numbers compared.
 */
export function expectSameResult(a: unknown, b: unknown, path = "result"): number {
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b) || !Number.isFinite(a) || !Number.isFinite(b)) {
      expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${path}: ${a} vs ${b}`).toBe(true);
      return 1;
    }
    const ok = Math.abs(a - b) <= Math.max(1e-12, 1e-10 * Math.max(Math.abs(a), Math.abs(b)));
    expect(ok, `${path}: ${a} vs ${b}`).toBe(true);
    return 1;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    expect(a, path).toEqual(b);
    return 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    expect(Array.isArray(a) && Array.isArray(b), `${path}: array`).toBe(true);
    const aa = a as readonly unknown[];
    const bb = b as readonly unknown[];
    expect(aa.length, `${path}.length`).toBe(bb.length);
    let n = 0;
    for (let i = 0; i < aa.length; i++) n += expectSameResult(aa[i], bb[i], `${path}[${i}]`);
    return n;
  }
  const ka = Object.keys(a).filter((k) => k !== "cells");
  const kb = Object.keys(b).filter((k) => k !== "cells");
  expect(ka.sort(), `${path} keys`).toEqual(kb.sort());
  let n = 0;
  for (const k of ka) n += expectSameResult(Reflect.get(a, k), Reflect.get(b, k), `${path}.${k}`);
  return n;
}

/** The row path and the cells path of one spec (`rdd` on the rows; compress, then `rddFromCells`). */
export function bothPaths(frame: Frame, spec: RddSpec) {
  const rows = rdd(frame, spec);
  const cells = compressFrameToCells(frame, rddCellRequest(parseRddSpec(spec), {}));
  return { rows, cells: rddFromCells(cells, spec), cellFrame: cells };
}
