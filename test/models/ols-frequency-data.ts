import fc from "fast-check";
import { expect } from "vitest";
import type { Frame } from "../../src/core/frame.js";
import type { DeepReadonly } from "../../src/core/result.js";
import type { OlsResult } from "../../src/models/ols.js";
import { compressRows, type Rows, rowsFrame } from "../helpers/compress.js";
import { expectClose } from "../helpers/expect-close.js";

/** Row-level data with categorical keys a, b, c, a cluster key g, a numeric key x and outcomes y and d (0/1). */
export interface CellData {
  readonly rows: Rows;
  /** Number of categorical keys used in the formula (1–3). */
  readonly keys: number;
}

const row = (clusters: number) =>
  fc.record({
    a: fc.integer({ min: 0, max: 2 }),
    b: fc.integer({ min: 0, max: 1 }),
    c: fc.integer({ min: 0, max: 1 }),
    g: fc.integer({ min: 0, max: clusters - 1 }),
    x: fc.constantFrom(0, 1, 2.5),
    // 1–4 rows share these keys: cells of size 1 and larger, unbalanced.
    ys: fc.array(
      // Unbiased outcomes (fast-check's bias towards 0 makes perfect fits, where SEs are rounding noise).
      fc.tuple(
        fc.noBias(fc.integer({ min: -5000, max: 5000 })).map((v) => v / 500 + 0.1),
        fc.noBias(fc.integer({ min: 0, max: 1 })),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  });

/** Random row-level data (20–60 distinct key draws, 1–4 rows each) and a number of categorical keys. */
export const cellData: fc.Arbitrary<CellData> = fc
  .tuple(fc.integer({ min: 3, max: 6 }), fc.integer({ min: 1, max: 3 }))
  .chain(([clusters, keys]) =>
    fc.array(row(clusters), { minLength: 12, maxLength: 40 }).map((draws): CellData => {
      const cols: Record<string, (string | number)[]> = { a: [], b: [], c: [], g: [], x: [], y: [], d: [] };
      for (const r of draws) {
        for (const [y, d] of r.ys) {
          cols.a.push(`a${r.a}`);
          cols.b.push(`b${r.b}`);
          cols.c.push(`c${r.c}`);
          cols.g.push(`g${r.g}`);
          cols.x.push(r.x);
          cols.y.push(y);
          cols.d.push(d);
        }
      }
      return { rows: cols, keys };
    }),
  );

/** The formula's right-hand side for `keys` categorical keys. */
export function rhs(keys: number): string {
  return ["x", "C(a)", "C(b)", "C(c)"].slice(0, keys + 1).join(" + ");
}

/** The row frame and its cells (grouped by every key column and the cluster). */
export function framesOf(data: CellData): { rows: Frame; cells: Frame } {
  const rows = rowsFrame(data.rows);
  const keys = ["x", "a", "b", "c"].slice(0, data.keys + 1);
  return { rows, cells: compressRows(data.rows, [...keys, "g"], ["y", "d"]) };
}

/** Relative 1e-10 (absolute 1e-12 near zero): the tolerance of compress → estimate against the rows. */
export const CELL_TOL = { rtol: 1e-10, atol: 1e-12 } as const;

/** expectClose's rule without an `expect` per number (fast path; expectClose reports a failure in detail). */
function close(a: unknown, e: unknown): boolean {
  if (e === null || e === undefined) return a === null || a === undefined;
  if (typeof e === "number") {
    if (typeof a !== "number") return false;
    if (Number.isNaN(e)) return Number.isNaN(a);
    return Math.abs(a - e) <= CELL_TOL.atol + CELL_TOL.rtol * Math.abs(e);
  }
  if (Array.isArray(e)) return Array.isArray(a) && a.length === e.length && e.every((v, i) => close(a[i], v));
  if (typeof e === "object" && typeof a === "object" && a !== null) {
    return Object.entries(e).every(([k, v]) => close(Reflect.get(a, k), v));
  }
  return a === e;
}

function expectAllClose(actual: unknown, expected: unknown, path: string): void {
  if (!close(actual, expected)) expectClose(actual, expected, CELL_TOL, path);
}

/** Asserts that a fit on cells reproduces every reported field of the fit on the rows. */
export function expectSameFit(cell: DeepReadonly<OlsResult>, row: DeepReadonly<OlsResult>): void {
  expect(cell.terms.map((t) => t.name)).toEqual(row.terms.map((t) => t.name));
  expect(cell.method).toBe(row.method);
  expect(cell.n).toEqual(row.n);
  expect(cell.dfResid).toBe(row.dfResid);
  expect(cell.k).toBe(row.k);
  expect(cell.fixedEffects).toEqual(row.fixedEffects);
  expect(cell.diagnostics.map((d) => d.code)).toEqual(row.diagnostics.map((d) => d.code));
  expectAllClose(
    cell.terms.map(({ estimate, se, statistic, pValue, ci, df }) => ({
      estimate,
      se,
      statistic,
      pValue,
      ci,
      df,
    })),
    row.terms.map(({ estimate, se, statistic, pValue, ci, df }) => ({
      estimate,
      se,
      statistic,
      pValue,
      ci,
      df,
    })),
    "terms",
  );
  expectAllClose(cell.vcovMatrix, row.vcovMatrix, "vcovMatrix");
  const stats = ({ rss, r2, adjR2, r2Within, sigma }: DeepReadonly<OlsResult>) => ({
    rss,
    r2,
    adjR2,
    r2Within,
    sigma,
  });
  expectAllClose(stats(cell), stats(row), "fit");
}
