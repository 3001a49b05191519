import { expect } from "vitest";
import type { Term } from "../../src/core/result.js";

/** Named tolerances: `rtol` relative, `atol` absolute; a value passes when |a − e| ≤ atol + rtol·|e|. */
export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

/** The project's named tolerances (see README "Golden tests"). */
export const TOL = {
  estimate: { rtol: 1e-8, atol: 1e-12 },
  se: { rtol: 1e-6, atol: 1e-12 },
  pValue: { rtol: 1e-6, atol: 1e-10 },
  identity: { rtol: 1e-10, atol: 1e-12 },
} as const satisfies Record<string, Tolerance>;

type Value =
  | number
  | null
  | undefined
  | readonly Value[]
  | ArrayLike<number>
  | { readonly [k: string]: Value };

/**
 * Compares numbers, arrays and nested objects with a named tolerance, and checks that null and NaN sit in the
 * same positions in both (a NaN where a number is expected fails, as does a number where null is expected).
 */
export function expectClose(actual: unknown, expected: unknown, tol: Tolerance, path = "value"): void {
  const rtol = tol.rtol ?? 0;
  const atol = tol.atol ?? 0;
  if (expected === null || expected === undefined) {
    expect(actual ?? null, `${path}: expected null`).toBeNull();
    return;
  }
  if (typeof expected === "number") {
    expect(typeof actual, `${path}: expected a number, got ${String(actual)}`).toBe("number");
    const a = actual as number;
    if (Number.isNaN(expected)) {
      expect(Number.isNaN(a), `${path}: expected NaN, got ${a}`).toBe(true);
      return;
    }
    expect(Number.isNaN(a), `${path}: got NaN, expected ${expected}`).toBe(false);
    const bound = atol + rtol * Math.abs(expected);
    const diff = Math.abs(a - expected);
    expect(
      diff <= bound,
      `${path}: |${a} − ${expected}| = ${diff.toExponential(3)} > ${bound.toExponential(3)}`,
    ).toBe(true);
    return;
  }
  if (Array.isArray(expected) || ArrayBuffer.isView(expected)) {
    const e = expected as ArrayLike<Value>;
    const a = actual as ArrayLike<Value>;
    expect(a?.length, `${path}: length`).toBe(e.length);
    for (let i = 0; i < e.length; i++) expectClose(a[i], e[i], tol, `${path}[${i}]`);
    return;
  }
  if (typeof expected === "object") {
    for (const [k, v] of Object.entries(expected as Record<string, Value>)) {
      expectClose((actual as Record<string, Value>)?.[k], v, tol, `${path}.${k}`);
    }
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** The per-coefficient quantities of a Term that golden tests compare. */
const TERM_FIELDS = {
  estimate: (t: Term) => t.estimate,
  se: (t: Term) => t.se,
  statistic: (t: Term) => t.statistic,
  pValue: (t: Term) => t.pValue,
  ci: (t: Term) => t.ci,
  ciLower: (t: Term) => t.ci?.[0],
  ciUpper: (t: Term) => t.ci?.[1],
} as const;

/**
 * Compares one column of a coefficient table per field (estimate, se, statistic, pValue, ci, ciLower, ciUpper)
 * with expected values, each at its own named tolerance: `{ se: [golden.bse, TOL.se], … }`.
 */
export function expectTermsClose(
  terms: readonly Term[],
  expected: Partial<Record<keyof typeof TERM_FIELDS, readonly [unknown, Tolerance]>>,
): void {
  for (const [field, spec] of Object.entries(expected)) {
    if (!spec) continue;
    const pick: (t: Term) => unknown = TERM_FIELDS[field as keyof typeof TERM_FIELDS];
    expectClose(terms.map(pick), spec[0], spec[1], field);
  }
}
