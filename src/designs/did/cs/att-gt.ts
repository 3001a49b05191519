import type { CsPanel } from "./panel.js";
import type { CsValidSpec } from "./spec.js";
import {
  drDidPanel,
  regDidPanel,
  stdIpwDidPanel,
  type TwoByTwoData,
  type TwoByTwoResult,
} from "./two-by-two.js";

/** One computed ATT(g,t) cell with its unit-level influence function (length n, zero outside the cell). *
 * @example
 * ```ts
 * computeAttGt(panel, spec).cells[0].estimate; // ATT(g,t) of the first group and period
 * ```
 */
export interface CsCell {
  readonly group: number;
  readonly time: number;
  readonly baseTime: number;
  readonly post: boolean;
  /** Null when the cell could not be computed (`failure` says why). */
  readonly estimate: number | null;
  /** True for the universal base period's own cell (normalised to 0, no SE). */
  readonly reference: boolean;
  readonly n: number;
  readonly nTreated: number;
  readonly nControl: number;
  readonly failure: string | null;
  readonly psNotConverged: boolean;
}

/** All cells, in did's order (by group, then time), and their influence functions. *
 * @example
 * ```ts
 * computeAttGt(panel, spec).inf[0].length === panel.n; // true
 * ```
 */
export interface CsCells {
  readonly cells: readonly CsCell[];
  /** `inf[k]` is the influence function of cell k over all n units (did's `inffunc[, k]`). */
  readonly inf: readonly Float64Array[];
}

const ESTIMATORS: Record<CsValidSpec["estMethod"], (c: TwoByTwoData) => TwoByTwoResult> = {
  reg: regDidPanel,
  ipw: stdIpwDidPanel,
  dr: drDidPanel,
};

/**
 * Computes every ATT(g,t) as did's `compute.att_gt` does on a balanced panel: for group g and period t, the
 * base period is t − 1 before treatment (varying) or g − 1 − anticipation (universal, and always after
 * treatment); the comparison units are the never treated, or (not yet treated) units first treated after
 * max(t, base) + anticipation; the 2×2 estimator runs on Δy = y_t − y_base with covariates from the earlier of
 * the two periods; the cell's influence function is scaled by n / n_cell and zero for units outside the cell.
 *
 * @example
 * ```ts
 * const { cells, inf } = computeAttGt(panel, spec);
 * cells[0]; // { group: 2004, time: 2004, baseTime: 2003, post: true, estimate: -0.0105, … }
 * ```
 * @see Callaway & Sant'Anna (2021), "Difference-in-Differences with multiple time periods", J. Econometrics
 *   225(2), eq. (2.6)–(2.7) and Theorem 1.
 */
export function computeAttGt(panel: CsPanel, s: CsValidSpec): CsCells {
  const { n, nT, periods, y, x, p, g, glist } = panel;
  const k = p + 1;
  const estimator = ESTIMATORS[s.estMethod];
  const cells: CsCell[] = [];
  const inf: Float64Array[] = [];
  const antic = s.anticipation;
  const universal = s.basePeriod === "universal";
  const idx = new Int32Array(n);
  for (const grp of glist) {
    // Last period before treatment (and anticipation): the post-treatment base.
    let gBase = -1;
    for (let j = 0; j < nT; j++) if (periods[j] + antic < grp) gBase = j;
    for (let c = universal ? 0 : 1; c < nT; c++) {
      const post = grp <= periods[c];
      const b = universal || post ? gBase : c - 1;
      if (universal && b === c) {
        cells.push({
          group: grp,
          time: periods[c],
          baseTime: periods[b],
          post: false,
          estimate: 0,
          reference: true,
          n: 0,
          nTreated: 0,
          nControl: 0,
          failure: null,
          psNotConverged: false,
        });
        inf.push(new Float64Array(n));
        continue;
      }
      const threshold = (universal ? periods[Math.max(c, b)] : periods[c]) + antic;
      const early = Math.min(c, b);
      let n1 = 0;
      let nt = 0;
      for (let i = 0; i < n; i++) {
        const gi = g[i];
        const treated = gi === grp;
        const control = s.control === "never" ? gi === 0 : gi === 0 || (gi > threshold && !treated);
        if (treated || control) {
          idx[n1++] = i;
          if (treated) nt++;
        }
      }
      const dy = new Float64Array(n1);
      const d = new Uint8Array(n1);
      const xm = new Float64Array(n1 * k);
      for (let j = 0; j < n1; j++) {
        const i = idx[j];
        dy[j] = y[i * nT + c] - y[i * nT + b];
        d[j] = g[i] === grp ? 1 : 0;
        xm[j * k] = 1;
        if (x) for (let a = 0; a < p; a++) xm[j * k + 1 + a] = x[(i * nT + early) * p + a];
      }
      const res = estimator({ n: n1, k, dy, d, x: xm });
      const full = new Float64Array(n);
      const base = {
        group: grp,
        time: periods[c],
        baseTime: periods[b],
        post,
        reference: false,
        n: n1,
        nTreated: nt,
        nControl: n1 - nt,
      };
      if (!res.ok) {
        cells.push({ ...base, estimate: null, failure: res.reason, psNotConverged: false });
      } else {
        const scale = n / n1;
        for (let j = 0; j < n1; j++) full[idx[j]] = scale * res.inf[j];
        cells.push({ ...base, estimate: res.att, failure: null, psNotConverged: res.psNotConverged });
      }
      inf.push(full);
    }
  }
  return { cells, inf };
}
