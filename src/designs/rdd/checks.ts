import { isTrueliftError } from "../../core/errors.js";
import type { Term } from "../../core/result.js";
import { type FixedBandwidth, type RddFit, type RddFitSettings, rddFit } from "./estimate.js";
import type { RddLayout, RddUnitColumn } from "./layout.js";
import { type RddSideData, splitSides } from "./side.js";

/** A re-estimate that could not be computed, with the error code and message. */
export interface RddCheckFailure {
  readonly code: string;
  readonly message: string;
}

/** One validity re-estimate: the conventional and robust rows, or why it failed. */
export interface RddCheckRow {
  /** What was changed: a covariate name, a placebo cutoff, a donut radius, a polynomial order. */
  readonly label: string;
  readonly value: number | string;
  readonly conventional: Term | null;
  readonly robust: Term | null;
  readonly nEffective: number | null;
  readonly failure: RddCheckFailure | null;
}

/** Units of a subset of the layout (with `outcome` as the outcome; units where it is missing dropped), re-split at a cutoff. */
export function subsetSides(
  layout: RddLayout,
  keep: (i: number) => boolean,
  cutoff: number,
  outcome: RddUnitColumn = { mean: layout.y, ss: layout.ss },
): Pick<RddLayout, "left" | "right" | "x" | "n"> {
  const all = new Int32Array(layout.x.length);
  let m = 0;
  for (let i = 0; i < layout.x.length; i++) if (keep(i) && !Number.isNaN(outcome.mean[i])) all[m++] = i;
  // (a unit whose outcome is missing in every row has a NaN mean: dropped)
  const idx = all.subarray(0, m);
  const pick = (v: Float64Array) => {
    const out = new Float64Array(m);
    for (let j = 0; j < m; j++) out[j] = v[idx[j]];
    return out;
  };
  const x = pick(layout.x);
  const n = pick(outcome.n ?? layout.n);
  const cl = layout.cluster;
  const sides = splitSides(
    {
      x,
      n,
      y: pick(outcome.mean),
      ss: outcome.ss ? pick(outcome.ss) : null,
      t: layout.t ? pick(layout.t) : null,
    },
    cl ? Int32Array.from(idx, (i) => cl[i]) : null,
    cutoff,
  );
  return { ...sides, x, n };
}

/** Runs one re-estimate, turning coded errors (too few observations, no data on a side) into a failure row. */
export function tryCheck(label: string, value: number | string, run: () => RddFit): RddCheckRow {
  try {
    const f = run();
    return {
      label,
      value,
      conventional: f.effect.conventional,
      robust: f.effect.robust,
      nEffective: f.nEffective.below + f.nEffective.above,
      failure: null,
    };
  } catch (e) {
    if (!isTrueliftError(e)) throw e;
    return {
      label,
      value,
      conventional: null,
      robust: null,
      nEffective: null,
      failure: { code: e.code, message: e.message },
    };
  }
}

/**
 * Covariate continuity: each pre-determined covariate as the outcome of the same RD (same bandwidths, sharp, no
 * take-up). A jump in a covariate at the cutoff says the two sides differ in more than the treatment.
 *
 * @example
 * ```ts
 * // covariateChecks(layout, layout.covariates, settings, bw)[0].robust?.pValue
 * ```
 * @see Cattaneo, Idrobo & Titiunik (2020), A Practical Introduction to RD Designs: Foundations, §5.1.
 */
export function covariateChecks(
  layout: RddLayout,
  covariates: Readonly<Record<string, RddUnitColumn>>,
  st: RddFitSettings,
  bw: FixedBandwidth,
): RddCheckRow[] {
  return Object.entries(covariates).map(([name, v]) =>
    tryCheck("covariate", name, () => {
      const sides = subsetSides({ ...layout, t: null }, () => true, st.c, v);
      return rddFit(sides, st, bw);
    }),
  );
}

/**
 * Placebo cutoffs: the RD re-estimated at fake thresholds using only the data on the same side of the true
 * cutoff (so the real jump cannot leak in), at the headline bandwidths. __Default:__ the median of each side.
 *
 * @example
 * ```ts
 * // placeboChecks(layout, [0.6, 0.92], settings, bw).map((r) => r.robust?.estimate)
 * ```
 * @see Cattaneo, Idrobo & Titiunik (2020), §5.3.
 */
export function placeboChecks(
  layout: RddLayout,
  cutoffs: readonly number[],
  st: RddFitSettings,
  bw: FixedBandwidth,
): RddCheckRow[] {
  const c = st.c;
  return cutoffs.map((pc) =>
    tryCheck("placebo cutoff", pc, () => {
      const below = pc < c;
      const sides = subsetSides(
        { ...layout, t: null },
        (i) => (below ? layout.x[i] < c : layout.x[i] >= c),
        pc,
      );
      if (sides.left.rows === 0 || sides.right.rows === 0) {
        return rddFit(sides, { ...st, c: pc }, bw); // throws E_RDD_NO_OBS_SIDE
      }
      const h = below ? bw.h[0] : bw.h[1];
      const b = below ? bw.b[0] : bw.b[1];
      return rddFit(sides, { ...st, c: pc }, { h: [h, h], b: [b, b] });
    }),
  );
}

/** Default placebo cutoffs: the medians of the running variable's rows below and above the cutoff. */
export function defaultPlaceboCutoffs(layout: Pick<RddLayout, "left" | "right">): number[] {
  const med = (side: RddSideData) => {
    const n = side.rows;
    const at = (r: number) => {
      let acc = 0;
      for (let i = 0; i < side.x.length; i++) {
        acc += side.n[i];
        if (acc > r) return side.x[i];
      }
      return side.x[side.x.length - 1];
    };
    return n % 2 === 1 ? at((n - 1) / 2) : (at(n / 2 - 1) + at(n / 2)) / 2;
  };
  const out: number[] = [];
  if (layout.left.rows >= 2) out.push(med(layout.left));
  if (layout.right.rows >= 2) out.push(med(layout.right));
  return out;
}

/**
 * Donut-hole re-estimates: rows with |x − c| < r dropped (the units nearest the cutoff are the likeliest to have
 * sorted), same bandwidths.
 *
 * @example
 * ```ts
 * // donutChecks(layout, [0.01, 0.025], settings, bw)
 * ```
 * @see Barreca, Guldi, Lindo & Waddell (2011), QJE 126(4); Cattaneo, Idrobo & Titiunik (2020), §5.5.
 */
export function donutChecks(
  layout: RddLayout,
  radii: readonly number[],
  st: RddFitSettings,
  bw: FixedBandwidth,
): RddCheckRow[] {
  return radii.map((r) =>
    tryCheck("donut radius", r, () =>
      rddFit(
        subsetSides(layout, (i) => Math.abs(layout.x[i] - st.c) >= r, st.c),
        st,
        bw,
      ),
    ),
  );
}

/**
 * Linear against quadratic: the effect with p = 1 and p = 2 (deriv + 1 and deriv + 2 for a kink) at the same
 * bandwidth (b = h). A jump that appears
 * only with the straight line is often curvature the line cannot follow.
 *
 * @example
 * ```ts
 * // polynomialChecks(layout, settings, 0.1).map((r) => r.conventional?.estimate) // [+0.0548, +0.0569]
 * ```
 * @see Gelman & Imbens (2019), JBES 37(3) (why not high-order polynomials).
 */
export function polynomialChecks(
  layout: RddLayout,
  st: RddFitSettings,
  h: readonly [number, number],
): RddCheckRow[] {
  return [st.deriv + 1, st.deriv + 2].map((p) =>
    tryCheck("polynomial order", p, () => rddFit(layout, { ...st, p, q: p + 1 }, { h, b: h })),
  );
}
