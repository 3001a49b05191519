import { fixed, intervalText, signed } from "../../core/format.js";
import type { DeepReadonly } from "../../core/result.js";
import { type DesignSummary, type SummaryLine, summaryDiagnostics } from "../shared/summary.js";
import type { SynthResult } from "./synth.js";

/** The summary of a synthetic-control result: labelled lines (headline first) and the diagnostics. */
export type SynthSummary = DesignSummary;

/**
 * Tidy summary of a {@link SynthResult}: the effect with its placebo p-value and bootstrap interval, the pre-fit,
 * the top donor weights, V (with predictors), the placebo distribution, the in-time placebo, leave-one-out and
 * the naive contrasts, then every diagnostic — the rows the CLI prints. Render with `summaryText` /
 * `summaryMarkdown` from summary.ts.
 *
 * @example
 * ```ts
 * import { summaryText, synth, synthSummary } from "truelift";
 * console.log(summaryText(synthSummary(synth(frame, spec))));
 * // Synthetic control on task_completed (25 treated units pooled, 25 donors)
 * //   Effect (mean post-period gap)  +0.0829  placebo p 0.0385 (floor 1/26)  95% CI [+0.0532, +0.1188] …
 * ```
 */
export function synthSummary(res: DeepReadonly<SynthResult>): SynthSummary {
  const level = Math.round((1 - res.alpha) * 100);
  const lines: SummaryLine[] = [];
  const pl = res.placebo;
  const est = res.estimate;
  const parts = [signed(est.estimate)];
  if (pl) parts.push(`placebo p ${fixed(pl.meanGapTest.pValue)} (floor 1/${pl.kept + 1})`);
  if (res.bootstrap) {
    parts.push(`${level}% CI ${intervalText(est.ci)}`);
    parts.push(
      `bootstrap SE ${fixed(est.se)} (${res.bootstrap.replicates.length} reps, seed ${res.bootstrap.seed})`,
    );
  }
  lines.push({ label: "Effect (mean post-period gap)", value: parts.join("  ") });
  const p = res.panel;
  lines.push({
    label: "Panel",
    value: `${p.periods.length} periods ${p.periods[0]}–${p.periods[p.periods.length - 1]}, ${p.preCount} before ${res.time} ${p.treatmentStart}; ${p.filledCells} empty cells filled; ${res.n.rowsUsed.toLocaleString("en-US")} rows used`,
  });
  lines.push({
    label: "Pre-period fit",
    value: `RMSPE ${fixed(res.fit.preRmspe)}; post RMSPE ${fixed(res.fit.postRmspe)} (ratio ${fixed(res.fit.ratio, 2)})`,
  });
  const top = [...res.weights].sort((a, b) => b.weight - a.weight).slice(0, 5);
  lines.push({
    label: `Donor weights (${res.usedDonors} of ${res.n.donors} used${res.fit.uniqueWeights ? "" : "; not unique"})`,
    value: top.map((w) => `${w.unit} ${w.weight.toFixed(4)}`).join(", "),
  });
  if (res.predictors) {
    lines.push({
      label: `Predictor weights V (${res.predictors.vSource})`,
      value: res.predictors.names.map((n, i) => `${n} ${(res.predictors?.v[i] ?? 0).toFixed(4)}`).join(", "),
    });
    const vs = res.fit.vSearch;
    if (vs?.best) {
      lines.push({
        label: "V search",
        value: `deterministic starts ${vs.starts.join(", ")}; kept the ${vs.best} start (${vs.method}), pre-period MSPE ${vs.lossV.toPrecision(6)}`,
      });
    }
  }
  if (pl) {
    lines.push({
      label: `In-space placebos (${pl.kept} donors)`,
      value: `gaps mean ${signed(pl.gapMean)}, SD ${fixed(pl.gapSd)}, range ${intervalText(pl.gapRange)}; RMSPE-ratio p ${fixed(pl.ratioTest.pValue)}`,
    });
  }
  if (res.inTimePlacebo) {
    lines.push({
      label: `In-time placebo (${res.time} ${res.inTimePlacebo.fakeStart})`,
      value: `mean gap ${signed(res.inTimePlacebo.meanGap)} before the real launch`,
    });
  }
  if (res.leaveOneOut?.gapRange) {
    lines.push({
      label: `Leave-one-out (${res.leaveOneOut.fits.length} donors)`,
      value: `effect range ${intervalText(res.leaveOneOut.gapRange)}`,
    });
  }
  lines.push({
    label: "Naive before/after",
    value: `${signed(res.naive.beforeAfter)} (treated only); vs plain donor mean: post gap ${signed(res.naive.postDifference)}, DiD ${signed(res.naive.didVsDonorMean)}`,
  });
  const nt = p.treatedUnits.length;
  return {
    title: `Synthetic control on ${res.outcome} (${nt === 1 ? `treated unit ${p.treatedUnits[0]}` : `${nt} treated units pooled`}, ${res.n.donors} donors)`,
    lines,
    diagnostics: summaryDiagnostics(res.diagnostics),
  };
}
