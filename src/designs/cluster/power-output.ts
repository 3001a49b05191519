import type { DeepReadonly } from "../../core/result.js";
import type { ClusterPower } from "./power.js";

/**
 * A plain-text summary of a power calculation: what was solved, the MDE / K / power, the design effect and its
 * inputs, the effective sample sizes, a few points of the power curve and the diagnostics.
 *
 * @example
 * ```ts
 * import { clusterPower, powerSummaryText } from "truelift";
 * powerSummaryText(clusterPower({ clusters: 50, clusterSize: 1000, icc: 0.05, sd: 0.42 }));
 * // "Minimum detectable effect: 0.0767 (0.183 SD) with 80% power at alpha 0.05, t(48) …"
 * ```
 */
export function powerSummaryText(p: DeepReadonly<ClusterPower>): string {
  const ref = p.df === null ? "normal" : `t(${p.df})`;
  const lines: string[] = [];
  const powerPct = `${(100 * p.power).toFixed(1)}%`;
  if (p.solve === "mde") {
    lines.push(
      `Minimum detectable effect: ${num(p.mde)} (${num(p.mdeStandardized)} SD) with ${powerPct} power at alpha ${p.alpha}, ${ref}.`,
    );
  } else if (p.solve === "clusters") {
    lines.push(
      `Clusters needed: ${p.clusters} (${p.clustersTreated} treated, ${p.clustersControl} control) to detect ${num(p.effect)} with ${powerPct} power at alpha ${p.alpha}, ${ref}.`,
    );
  } else {
    lines.push(`Power: ${powerPct} to detect ${num(p.effect)} at alpha ${p.alpha}, ${ref}.`);
  }
  lines.push(
    `Design: K = ${p.clusters} (${p.clustersTreated} treated / ${p.clustersControl} control), ${num(p.clusterSize.mean)} users per cluster (CV ${p.clusterSize.cv.toFixed(2)}), ICC ${num(p.icc)} (${p.iccSource}), SD ${num(p.sd)}.`,
  );
  lines.push(
    `Design effect ${p.designEffect.toFixed(2)} (equal sizes: ${p.designEffectEqualSizes.toFixed(2)}); effective users per arm ${p.effectiveN.treated.toFixed(1)} / ${p.effectiveN.control.toFixed(1)}; SE of the difference ${num(p.se)}.`,
  );
  const picks = p.curve.filter((_, i) => i % Math.max(1, Math.ceil(p.curve.length / 6)) === 0);
  lines.push(`MDE by K: ${picks.map((c) => `K=${c.clusters}: ${num(c.mde)}`).join(", ")}`);
  for (const d of p.diagnostics) lines.push(`[${d.severity}] ${d.message}`);
  return `${lines.join("\n")}\n`;
}

function num(x: number): string {
  const a = Math.abs(x);
  return a >= 100 ? x.toFixed(1) : a >= 1 ? x.toFixed(3) : x.toPrecision(3);
}
