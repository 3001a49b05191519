import fc from "fast-check";
import type { CompressRequest } from "../../../src/core/compress.js";
import { Frame } from "../../../src/core/frame.js";

/** Column names that are SQL payloads: each must work as a plain name and inject nothing. */
export const NASTY_NAMES = [
  'x"; DROP TABLE t; --',
  "a`b",
  "it's",
  "semi;colon",
  "dash -- dash",
  "back\\slash",
  "/* c */ name",
] as const;

/** A small frame with a text key, a numeric key and two measures (NULLs allowed), and a request over it. */
export interface GeneratedCase {
  readonly frame: Frame;
  readonly request: CompressRequest;
}

/**
 * fast-check arbitrary of small frames: text key `g` (3 levels, some NULL), integer key `k`, measures `x`, `y`
 * (x with a shared offset up to 1e4, so that a naive Σx² would lose digits; some NULL), and a request with
 * crossProducts and, sometimes, a filter.
 */
export function generatedCase(): fc.Arbitrary<GeneratedCase> {
  const row = fc.record({
    g: fc.option(fc.constantFrom("a", "b", "it's"), { freq: 8 }),
    k: fc.integer({ min: 0, max: 3 }),
    x: fc.option(
      fc.integer({ min: -5000, max: 5000 }).map((v) => v / 100),
      { freq: 10 },
    ),
    y: fc.option(
      fc.integer({ min: -1000, max: 1000 }).map((v) => v / 8),
      { freq: 10 },
    ),
  });
  return fc
    .record({
      rows: fc.array(row, { minLength: 1, maxLength: 40 }),
      offset: fc.constantFrom(0, 1000, 10_000),
      keys: fc.constantFrom(["g"], ["k"], ["g", "k"], []),
      filter: fc.constantFrom("none", "between", "in"),
    })
    .map(({ rows, offset, keys, filter }) => {
      const frame = Frame.fromObject({
        g: rows.map((r) => r.g),
        k: rows.map((r) => r.k),
        x: rows.map((r) => (r.x === null ? null : r.x + offset)),
        y: rows.map((r) => r.y),
      });
      const where: CompressRequest["where"] =
        filter === "between"
          ? [{ column: "k", op: "between", low: 1, high: 2 }]
          : filter === "in"
            ? [{ column: "g", op: "in", values: ["a", "it's"] }]
            : undefined;
      return {
        frame,
        request: { keys, measures: ["x", "y"], crossProducts: true, ...(where ? { where } : {}) },
      };
    });
}

/** The fixture request: two keys (text tier, integer wave), three measures with co-moments, and a filter. */
export const FIXTURE_REQUEST: CompressRequest = {
  keys: ["engagement_tier", "wave"],
  measures: ["session_minutes", "cost_usd", "query_confidence"],
  crossProducts: true,
  where: [{ column: "signup_week", op: "between", low: 5, high: 45 }],
};

/** The fixture columns the engines load. */
export const FIXTURE_COLUMNS = [
  "engagement_tier",
  "wave",
  "signup_week",
  "session_minutes",
  "cost_usd",
  "query_confidence",
] as const;
