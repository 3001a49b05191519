import { expect } from "vitest";
import type { CompressedTable } from "../../../src/core/compress.js";

/**
 * Asserts an engine's table equals the in-memory reference: keys, n, rowsScanned and nullRows exactly; means,
 * centred second moments and co-moments to 1e-10 relative (with an absolute floor of 1e-12 · n · scale², where
 * scale is the largest |mean| or 1, for sums that are exactly zero in one and rounding noise in the other).
 */
export function expectCompressedEqual(actual: CompressedTable, expected: CompressedTable): void {
  expect(actual.keys).toEqual(expected.keys);
  expect(actual.measures).toEqual(expected.measures);
  expect(actual.groups).toBe(expected.groups);
  expect(actual.rowsScanned).toBe(expected.rowsScanned);
  expect(actual.nullRows).toEqual(expected.nullRows);
  expect(actual.droppedRows).toBe(expected.droppedRows);
  for (const k of expected.keys) {
    const a = actual.keyValues[k];
    const e = expected.keyValues[k];
    expect(a instanceof Float64Array ? Array.from(a) : a).toEqual(
      e instanceof Float64Array ? Array.from(e) : e,
    );
  }
  expect(Array.from(actual.n)).toEqual(Array.from(expected.n));
  const scale = (m: string, g: number) => Math.max(1, Math.abs(expected.mean[m][g]));
  for (const m of expected.measures) {
    for (let g = 0; g < expected.groups; g++) {
      const n = expected.n[g];
      close(actual.mean[m][g], expected.mean[m][g], 1e-12 * scale(m, g), `mean ${m} group ${g}`);
      close(actual.m2[m][g], expected.m2[m][g], 1e-12 * n * scale(m, g) ** 2, `m2 ${m} group ${g}`);
    }
  }
  if (expected.comoment) {
    expect(Object.keys(actual.comoment ?? {})).toEqual(Object.keys(expected.comoment));
    for (const [pair, values] of Object.entries(expected.comoment)) {
      const [a, b] = pair.split("\u0000");
      for (let g = 0; g < expected.groups; g++) {
        const atol = 1e-12 * expected.n[g] * scale(a, g) * scale(b, g);
        close(actual.comoment?.[pair][g] ?? Number.NaN, values[g], atol, `comoment ${pair} group ${g}`);
      }
    }
  } else expect(actual.comoment).toBeUndefined();
}

function close(a: number, e: number, atol: number, what: string): void {
  const tol = 1e-10 * Math.abs(e) + atol;
  if (!(Math.abs(a - e) <= tol))
    throw new Error(`${what}: ${a} vs ${e} (|diff| ${Math.abs(a - e)} > ${tol})`);
}
