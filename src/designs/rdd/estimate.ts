import type { Term } from "../../core/result.js";
import { waldTerm } from "../../models/wald-term.js";
import { type BwSelectOptions, type RddBwSelect, selectBandwidths } from "./bwselect.js";
import type { RddKernel, RddSupport } from "./kernel.js";
import type { RddLayout } from "./layout.js";
import type { RddVce } from "./lpoly.js";
import { type RawJump, robustFit } from "./robust.js";
import type { RddSideData } from "./side.js";
import type { ValidRddSpec } from "./spec.js";

/** rdrobust's three inference rows for one jump, signed treated minus untreated. */
export interface RddRows {
  /** Order-p estimate with its conventional SE. */
  readonly conventional: Term;
  /** Bias-corrected estimate with the conventional SE (not valid inference; printed by rdrobust). */
  readonly biasCorrected: Term;
  /** Bias-corrected estimate with the robust SE: the recommended interval. */
  readonly robust: Term;
}

/** Bandwidths or counts below and above the cutoff. */
export interface RddPair {
  readonly below: number;
  readonly above: number;
}

/** One local-polynomial RD fit at given or selected bandwidths. */
export interface RddFit {
  /** The effect (sharp: outcome jump; fuzzy: Wald ratio), treated minus untreated. */
  readonly effect: RddRows;
  /** Fuzzy: the take-up jump (first stage) and the outcome jump (reduced form), treated minus untreated. */
  readonly firstStage: RddRows | null;
  readonly reducedForm: RddRows | null;
  readonly p: number;
  readonly q: number;
  readonly kernel: RddKernel;
  readonly vce: RddVce;
  readonly bwselect: RddBwSelect | "manual";
  readonly h: RddPair;
  readonly b: RddPair;
  /** Rows with positive kernel weight at h (rdrobust's "Eff. Number of Obs.") and at b. */
  readonly nEffective: RddPair;
  readonly nBias: RddPair;
  /** Fitted limits of the outcome at the cutoff from each side (conventional, order p). */
  readonly limits: RddPair;
}

/** Local-fit settings shared by every fit of one analysis (from the spec). */
export interface RddFitSettings extends Omit<BwSelectOptions, "p" | "q"> {
  readonly p: number;
  readonly q: number;
  readonly alpha: number;
  readonly treated: ValidRddSpec["treated"];
}

/**
 * The settings of the spec with rdrobust's defaults: p = 1, q = p + 1, triangular kernel on |u| ≤ 1, `mserd`,
 * nearest-neighbour variance with 3 matches, mass-point adjustment, bandwidths capped at the data range.
 *
 * @example
 * ```ts
 * import { fitSettings, parseRddSpec } from "truelift";
 * fitSettings(parseRddSpec({ outcome: "y", running: "x", cutoff: 0 }), null).kernel; // "triangular"
 * ```
 */
export function fitSettings(s: ValidRddSpec, clusters: number | null): RddFitSettings {
  const deriv = s.deriv ?? 0;
  const p = s.p ?? deriv + 1;
  return {
    c: s.cutoff,
    p,
    q: s.q ?? p + 1,
    deriv,
    kernel: (s.kernel ?? "triangular") as RddKernel,
    support: (s.support ?? "closed") as RddSupport,
    vce: (s.vce ?? "nn") as RddVce,
    nnmatch: s.nnmatch ?? 3,
    bwselect: s.bwselect ?? "mserd",
    masspoints: s.masspoints ?? "adjust",
    bwcheck: s.bwcheck ?? null,
    bwrestrict: s.bwrestrict ?? true,
    scaleregul: s.scaleregul ?? 1,
    clusters,
    alpha: s.alpha ?? 0.05,
    treated: s.treated ?? "above",
  };
}

/** A fixed bandwidth: h and b per side (below, above). */
export interface FixedBandwidth {
  readonly h: readonly [number, number];
  readonly b: readonly [number, number];
}

/** Resolves the spec's `bandwidth` into h and b per side (b defaults to h, as rdrobust's rho = 1). */
export function fixedBandwidth(bw: ValidRddSpec["bandwidth"]): FixedBandwidth | null {
  if (bw === undefined) return null;
  const two = (v: number | readonly [number, number]): [number, number] =>
    typeof v === "number" ? [v, v] : [v[0], v[1]];
  if (typeof bw === "number") return { h: [bw, bw], b: [bw, bw] };
  const h = two(bw.h);
  return { h, b: bw.b === undefined ? h : two(bw.b) };
}

function noTakeUp(side: RddSideData): RddSideData {
  return { ...side, t: null };
}

function constant(v: Float64Array | null): boolean {
  if (!v || v.length === 0) return true;
  for (let i = 1; i < v.length; i++) if (v[i] !== v[0]) return false;
  return true;
}

/**
 * Fits the RD at fixed bandwidths or selects them first (rdrobust's full pipeline), on the layout's data or on
 * replacement sides (placebo cutoffs, donuts, covariates as outcomes).
 *
 * @example
 * ```ts
 * // rddFit(layout, settings, { h: [0.1, 0.1], b: [0.1, 0.1] }).effect.conventional.estimate
 * ```
 * @see Calonico, Cattaneo & Titiunik (2014); rdrobust (R) `rdrobust()`.
 */
export function rddFit(
  layout: Pick<RddLayout, "left" | "right" | "x" | "n">,
  st: RddFitSettings,
  fixed: FixedBandwidth | null,
): RddFit {
  const { left, right } = layout;
  let h: readonly [number, number];
  let b: readonly [number, number];
  if (fixed) {
    h = fixed.h;
    b = fixed.b;
  } else if (left.rows + right.rows < 20) {
    const x = layout.x;
    const all = Math.max(Math.abs(st.c - x[0]), Math.abs(st.c - x[x.length - 1]));
    h = [all, all];
    b = [all, all];
  } else {
    // rdrobust selects sharp bandwidths when take-up is constant on a side (perfect compliance).
    const perfect = left.t !== null && (constant(left.t) || constant(right.t));
    const sel = selectBandwidths(
      perfect ? noTakeUp(left) : left,
      perfect ? noTakeUp(right) : right,
      layout,
      st,
    );
    h = sel.h;
    b = sel.b;
  }
  const raw = robustFit(left, right, { ...st, h, b });
  const sign = st.treated === "below" ? -1 : 1;
  const fuzzy = raw.firstStage !== null;
  const effect = rows("effect", raw.effect, fuzzy ? 1 : sign, st.alpha);
  return {
    effect,
    firstStage: raw.firstStage ? rows("first stage", raw.firstStage, sign, st.alpha) : null,
    reducedForm: raw.reducedForm ? rows("reduced form", raw.reducedForm, sign, st.alpha) : null,
    p: st.p,
    q: st.q,
    kernel: st.kernel,
    vce: st.vce,
    bwselect: fixed ? "manual" : st.bwselect,
    h: { below: h[0], above: h[1] },
    b: { below: b[0], above: b[1] },
    nEffective: { below: raw.nH[0], above: raw.nH[1] },
    nBias: { below: raw.nB[0], above: raw.nB[1] },
    limits: { below: raw.limits[0], above: raw.limits[1] },
  };
}

function rows(name: string, j: RawJump, sign: number, alpha: number): RddRows {
  return {
    conventional: waldTerm(`${name} (conventional)`, sign * j.cl, j.seCl, alpha),
    biasCorrected: waldTerm(`${name} (bias-corrected)`, sign * j.bc, j.seCl, alpha),
    robust: waldTerm(`${name} (robust)`, sign * j.bc, j.seRb, alpha),
  };
}
