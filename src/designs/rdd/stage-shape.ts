import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { isTrueliftError } from "../../core/errors.js";
import type { DeepReadonly } from "../../core/result.js";
import type { DensityTestResult } from "./density/index.js";
import { densityTest } from "./density/index.js";
import { type RddDensityBin, rddDensityBins } from "./density-bins.js";
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
      plot = rdplot(layout.y, layout.x, {
        cutoff: s.cutoff,
        alpha,
        binselect: "es",
        counts: layout.n,
        withinSS: layout.ss,
      });
    } catch (e) {
      if (!isTrueliftError(e)) throw e;
    }
  }
  const densityBins = rddDensityBins(layout.x, layout.cutoff, head.hMid, layout.n);
  return { density, densityDiagnostics, plot, densityBins };
}
