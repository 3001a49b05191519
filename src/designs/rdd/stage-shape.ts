import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError } from "../../core/errors.js";
import type { DeepReadonly } from "../../core/result.js";
import type { DensityTestResult } from "./density/index.js";
import { densityTest } from "./density/index.js";
import { type RddDensityBin, rddDensityBins } from "./density-bins.js";
import type { RddLayout } from "./layout.js";
import { type RdPlotResult, rdplot } from "./rdplot/index.js";
import type { RddHeadlineStage } from "./stage-headline.js";

/**
 * The running variable's shape in {@link rdd}: the density (manipulation) test, the RD plot and the histogram
 * around the cutoff.
 */
export interface RddShapeStage {
  /** The density test, or null when skipped (`density: false`) or not computable. */
  readonly density: DeepReadonly<DensityTestResult> | null;
  /** The density test's diagnostics, or `D_RDD_DENSITY_UNDEFINED` when it could not run. */
  readonly densityDiagnostics: readonly Diagnostic[];
  /** The RD plot (binned means and global polynomial fits), or null when skipped or not computable. */
  readonly plot: DeepReadonly<RdPlotResult> | null;
  /** The histogram of the running variable around the cutoff (tidy bins), or null when it cannot be laid out. */
  readonly densityBins: RddDensityBin[] | null;
}

/**
 * Runs the Cattaneo–Jansson–Ma density test at the cutoff, builds the RD plot and bins the running variable around
 * the cutoff ({@link rddDensityBins}); a caller error in any (too little data) leaves that part null instead of
 * failing the analysis.
 *
 * @example
 * ```ts
 * rddShape(rddHeadline(frame, spec)).density?.estimate?.pValue; // the manipulation test's p-value
 * ```
 */
export function rddShape(head: RddHeadlineStage): RddShapeStage {
  const { spec: s, layout } = head;
  const alpha = head.settings.alpha;
  let density: DeepReadonly<DensityTestResult> | null = null;
  let densityDiagnostics: readonly Diagnostic[] = [];
  if (s.density !== false) {
    try {
      density = densityTest(layout.x, { cutoff: s.cutoff, alpha, counts: layout.n });
      densityDiagnostics = density.diagnostics;
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
      densityDiagnostics = [
        diagnostic("D_RDD_DENSITY_UNDEFINED", "warn", { code: e.code }, { reason: e.message }),
      ];
    }
  }
  let plot: DeepReadonly<RdPlotResult> | null = null;
  if (s.rdplot !== false) {
    try {
      // IMSE-optimal evenly-spaced bins, which trace the regression function so the jump shows: rdplot's default
      // mimicking-variance bins reproduce the data's scatter, hundreds of bins per side with large samples
      // (0/1 means for a binary outcome), which hides a jump of a few points.
      plot = rdplot(rowsY(layout), rowsX(layout), { cutoff: s.cutoff, alpha, binselect: "es" });
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
    }
  }
  const densityBins = rddDensityBins(layout.x, layout.cutoff, head.hMid, layout.n);
  return { density, densityDiagnostics, plot, densityBins };
}

function rowsX(layout: RddLayout): Float64Array {
  if (layout.rows === layout.x.length) return layout.x;
  const out = new Float64Array(layout.rows);
  for (let i = 0, r = 0; i < layout.x.length; r += layout.n[i], i++)
    out.fill(layout.x[i], r, r + layout.n[i]);
  return out;
}

function rowsY(layout: RddLayout): Float64Array {
  if (layout.rows === layout.x.length) return layout.y;
  const out = new Float64Array(layout.rows);
  for (let i = 0, r = 0; i < layout.x.length; r += layout.n[i], i++) {
    const n = layout.n[i];
    const m = layout.y[i];
    const s = Math.round(n * m);
    const ss = layout.ss ? layout.ss[i] : 0;
    if (Math.abs(n * m - s) <= 1e-9 * n && Math.abs(ss - (s * (n - s)) / n) <= 1e-9 * n) {
      out.fill(0, r, r + n - s);
      out.fill(1, r + n - s, r + n);
      continue;
    }
    out.fill(m, r, r + n);
    const d = n >= 2 && ss > 0 ? Math.sqrt(ss / 2) : 0;
    if (d > 0) {
      out[r] += d;
      out[r + 1] -= d;
    }
  }
  return out;
}
