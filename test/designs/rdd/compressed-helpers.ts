import { expect } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import type { Frame } from "../../../src/core/frame.js";
import { rddCellRequest } from "../../../src/designs/rdd/cells.js";
import { rddFromCells } from "../../../src/designs/rdd/from-cells.js";
import { rdd } from "../../../src/designs/rdd/rdd.js";
import { parseRddSpec, type RddSpec } from "../../../src/designs/rdd/spec.js";
import { errorCode } from "../../helpers/error-code.js";

/** The tolerance of {@link expectSameResult}: relative, and absolute near 0. */
export interface SameTolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** 1e-10 relative, 1e-12 absolute near 0 (the compress → estimate contract). */
export const EXACT: SameTolerance = { rtol: 1e-10, atol: 1e-12 };

const NUMBER = /-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/gi;

function sameNumber(a: number, b: number, tol: SameTolerance, path: string): void {
  if (!Number.isFinite(a) || !Number.isFinite(b)) {
    expect(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)), `${path}: ${a} vs ${b}`).toBe(true);
    return;
  }
  const ok = Math.abs(a - b) <= Math.max(tol.atol, tol.rtol * Math.max(Math.abs(a), Math.abs(b)));
  expect(ok, `${path}: ${a} vs ${b}`).toBe(true);
}

/**
 * Every number of `a` within the tolerance of `b`, every other leaf identical (numbers inside text, e.g. a
 * bandwidth quoted in a failure message, compare as numbers); the compressed path's own `cells` field is skipped.
 * Returns the number of numbers compared.
 */
export function expectSameResult(
  a: unknown,
  b: unknown,
  tol: SameTolerance = EXACT,
  path = "result",
): number {
  if (typeof a === "number" && typeof b === "number") {
    sameNumber(a, b, tol, path);
    return 1;
  }
  if (typeof a === "string" && typeof b === "string") {
    expect(a.replace(NUMBER, "#"), path).toBe(b.replace(NUMBER, "#"));
    const na = a.match(NUMBER) ?? [];
    const nb = b.match(NUMBER) ?? [];
    na.forEach((v, i) => {
      sameNumber(Number(v), Number(nb[i]), tol, `${path} (number ${i} in text)`);
    });
    return na.length;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    expect(a, path).toEqual(b);
    return 0;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!(Array.isArray(a) && Array.isArray(b))) throw new Error(`${path}: array vs non-array`);
    expect(a.length, `${path}.length`).toBe(b.length);
    let n = 0;
    for (let i = 0; i < a.length; i++) n += expectSameResult(a[i], b[i], tol, `${path}[${i}]`);
    return n;
  }
  const ka = Object.keys(a).filter((k) => k !== "cells");
  const kb = Object.keys(b).filter((k) => k !== "cells");
  expect(ka.sort(), `${path} keys`).toEqual(kb.sort());
  let n = 0;
  for (const k of ka) n += expectSameResult(Reflect.get(a, k), Reflect.get(b, k), tol, `${path}.${k}`);
  return n;
}

/** The largest relative difference between the numbers of two results (|a − b| ≤ atol counts as 0). */
export function worstRelative(
  a: unknown,
  b: unknown,
  atol = 1e-12,
  path = "result",
): { worst: number; at: string } {
  if (typeof a === "number" && typeof b === "number") {
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) <= atol) return { worst: 0, at: path };
    return { worst: Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)), at: `${path}: ${a} vs ${b}` };
  }
  let w = { worst: 0, at: path };
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return w;
  for (const k of Object.keys(a)) {
    if (k === "cells") continue;
    const c = worstRelative(Reflect.get(a, k), Reflect.get(b, k), atol, `${path}.${k}`);
    if (c.worst > w.worst) w = c;
  }
  return w;
}

/** The row path and the cells path of one spec (`rdd` on the rows; compress, then `rddFromCells`). */
export function bothPaths(frame: Frame, spec: RddSpec) {
  const rows = rdd(frame, spec);
  const cells = compressFrameToCells(frame, rddCellRequest(parseRddSpec(spec), {}));
  return { rows, cells: rddFromCells(cells, spec), cellFrame: cells };
}

/** A run's result, or the code of the TrueliftError it threw (other errors are rethrown). */
function outcome<T>(f: () => T): { result: T | null; code: string | undefined } {
  let result: T | null = null;
  const code = errorCode(() => {
    result = f();
  });
  return { result, code };
}

/**
 * Both paths of one spec for the property tests, each as its result or its error code: `rdd` on the rows, and
 * compress then `rddFromCells`.
 */
export function bothOutcomes(frame: Frame, spec: RddSpec) {
  const cells = compressFrameToCells(frame, rddCellRequest(parseRddSpec(spec), {}));
  return { rows: outcome(() => rdd(frame, spec)), fromCells: outcome(() => rddFromCells(cells, spec)) };
}

/** mulberry32: a small seeded generator for the properties' noise (fast-check shrinks raw doubles to 0s). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
