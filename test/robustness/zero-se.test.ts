import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isTrueliftError } from "../../src/core/errors.js";
import type { Term } from "../../src/core/result.js";
import { cluster, did, propensity, rdd, synth } from "../../src/index.js";
import { waldTerm } from "../../src/models/wald-term.js";
import { nonFinitePaths } from "./finite.js";
import { didCols, frame, psCols, rddCols, synthCols, withCol } from "./fixtures.js";

// Zero-variance cells: outcomes that are constant within each arm / side / group × period cell, or an exact
// function of the design (every residual 0). Each design must either refuse with a coded error or return only
// finite numbers and nulls; a headline with a standard error of 0 carries no statistic, p-value or interval
// (never a zero-width interval) and a failing diagnostic says why.

const SEED = 1616;
const RUNS = 60;

interface Outcome {
  readonly code: string;
  readonly problems: string[];
  /** The headline's SE was (numerically) 0. */
  readonly zeroSe?: boolean;
}

/** Runs a design and returns "accepted" or the error code, with every NaN/Infinity path and zero-SE misuse. */
function check(run: () => unknown): Outcome {
  let result: unknown;
  try {
    result = run();
  } catch (e) {
    if (isTrueliftError(e)) return { code: e.code, problems: e.hint.trim() === "" ? ["no hint"] : [] };
    return { code: "throw", problems: [String(e)] };
  }
  const problems = nonFinitePaths(result);
  const r = result as { estimate: Term; diagnostics: readonly { code: string; severity: string }[] };
  const e = r.estimate;
  const zeroSe = e.se !== null && e.se <= 1e-10 * Math.max(1, Math.abs(e.estimate));
  if (zeroSe) {
    if (e.statistic !== null) problems.push("statistic from se 0");
    if (e.ci !== null) problems.push("interval from se 0");
    const flagged = r.diagnostics.some(
      (d) => (d.code === "D_ZERO_SE" || d.code === "D_DID_ZERO_SE") && d.severity === "fail",
    );
    if (!flagged) problems.push("se 0 without a failing diagnostic");
  }
  if (e.ci !== null && !(e.ci[1] > e.ci[0])) problems.push(`zero-width interval ${e.ci}`);
  return { code: "accepted", problems, zeroSe };
}

/** A small level: cell values are drawn from a few integers (ties and equal cells are the point). */
const level = fc.integer({ min: -3, max: 3 });

describe("robustness: zero-variance cells never give NaN, Infinity or an inference from se 0", () => {
  it("waldTerm: se 0 or non-finite gives null statistic, p-value and interval", () => {
    for (const se of [0, -0, Number.NaN, Number.POSITIVE_INFINITY, 5e-324 * 0]) {
      const t = waldTerm("x", 1, se, 0.05, 3);
      expect([t.statistic, t.pValue, t.ci]).toEqual([null, null, null]);
      expect(nonFinitePaths(t)).toEqual([]);
    }
  });

  it(`cluster: outcome constant within clusters or arms (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 4, max: 10 }),
        fc.array(level, { minLength: 10, maxLength: 10 }),
        fc.boolean(),
        (K, levels, byArm) => {
          const g: number[] = [];
          const d: number[] = [];
          const y: number[] = [];
          for (let k = 0; k < K; k++) {
            const treated = k % 2;
            for (let i = 0; i < 3; i++) {
              g.push(k);
              d.push(treated);
              y.push(byArm ? (levels[treated] ?? 0) : (levels[k] ?? 0));
            }
          }
          const spec = {
            outcome: "y",
            treatment: "d",
            cluster: "g",
            inference: { seed: 1, wild: { reps: 99 }, randomization: { reps: 99 } },
          };
          const got = check(() => cluster(frame({ g, d, y }), spec));
          expect(got.problems).toEqual([]);
          if (byArm) expect(got.code).toBe("E_OUTCOME_CONSTANT");
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it(`rdd: outcome an exact line on each side, or constant (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(level, level, level, level, (a, b, jump, slope2) => {
        const cols = withCol(rddCols(60), "y", (v) =>
          rddCols(60).x.map((x, i) => {
            const u = Number(x);
            return u >= 0 ? a + jump + slope2 * u : a + b * u + 0 * Number(v[i]);
          }),
        );
        const got = check(() =>
          rdd(frame(cols), { outcome: "y", running: "x", cutoff: 0, density: false, rdplot: false }),
        );
        expect(got.problems).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it(`did: outcome constant within group × period cells (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(fc.array(level, { minLength: 4, maxLength: 4 }), (cells) => {
        const base = didCols();
        const cols = withCol(base, "y", () =>
          base.u.map((u, i) => {
            const treated = Number(u) < 4 ? 1 : 0;
            const post = Number(base.t[i]) >= 3 ? 1 : 0;
            return cells[2 * treated + post] ?? 0;
          }),
        );
        const got = check(() =>
          did(frame(cols), { outcome: "y", time: "t", unit: "u", treatment: { column: "g", start: 3 } }),
        );
        expect(got.problems).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it(`propensity: outcome constant within each arm (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        level,
        level,
        fc.constantFrom("ipw" as const, "ra" as const, "aipw" as const),
        fc.constantFrom("ATE" as const, "ATT" as const),
        (y0, y1, estimator, estimand) => {
          const base = psCols();
          const cols = withCol(base, "y", () => base.d.map((d) => (d === 1 ? y1 : y0)));
          const got = check(() =>
            propensity(frame(cols), {
              treatment: "d",
              outcome: "y",
              covariates: ["x1", "x2"],
              estimator,
              estimand,
            }),
          );
          expect(got.problems).toEqual([]);
          // y0 ≠ y1: the effect is exactly y1 − y0 with every residual 0; y0 = y1 is refused or has no SE either.
          if (got.code === "accepted" && y0 !== y1) expect(got.zeroSe).toBe(true);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  }, 60_000);

  it(`synth: every unit an exact copy of one level path (${RUNS / 2} runs)`, () => {
    fc.assert(
      fc.property(level, fc.boolean(), (shift, bootstrap) => {
        const base = synthCols();
        const cols = withCol(base, "y", () => base.t.map((t) => Number(t) + shift));
        const got = check(() =>
          synth(frame(cols), {
            outcome: "y",
            unit: "u",
            time: "t",
            treated: [0],
            treatmentStart: 7,
            inTimePlacebo: false,
            ...(bootstrap ? { bootstrap: { reps: 50, seed: 3 } } : {}),
          }),
        );
        expect(got.problems).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS / 2 },
    );
  }, 60_000);
});
