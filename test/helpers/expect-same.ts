import { expect } from "vitest";

/**
 * Walks two results (plain data): every number equal to `rel` relative (`abs` absolute near 0), every other value
 * exactly; paths in `skip` (e.g. "$.n.cells") are not compared. Used to show that a compressed path (cells from
 * memory, DuckDB, PostgreSQL, ClickHouse) gives the row path's result.
 */
export function expectSame(
  a: unknown,
  b: unknown,
  options: { readonly rel?: number; readonly abs?: number; readonly skip?: readonly string[] } = {},
  path = "$",
): void {
  const rel = options.rel ?? 1e-10;
  const abs = options.abs ?? 1e-12;
  if (options.skip?.includes(path)) return;
  if (typeof a === "number" && typeof b === "number") {
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      expect(Object.is(a, b), `${path}: ${a} vs ${b}`).toBe(true);
      return;
    }
    const tol = Math.max(rel * Math.max(Math.abs(a), Math.abs(b)), abs);
    if (Math.abs(a - b) > tol) expect.fail(`${path}: ${a} vs ${b} (|Δ| ${Math.abs(a - b)} > ${tol})`);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    expect(b.length, `${path}.length`).toBe(a.length);
    a.forEach((x, i) => {
      expectSame(x, b[i], options, `${path}[${i}]`);
    });
    return;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = Object.keys(a).sort();
    expect(Object.keys(b).sort(), `${path} keys`).toEqual(keys);
    for (const k of keys) expectSame(Reflect.get(a, k), Reflect.get(b, k), options, `${path}.${k}`);
    return;
  }
  expect(b, path).toEqual(a);
}
