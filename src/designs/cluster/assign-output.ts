import type { DeepReadonly } from "../../core/result.js";
import type { ClusterAssignment } from "./assign.js";

/**
 * The assignment as CSV text, one row per cluster: the cluster column (under its own name), `stratum` (when
 * stratified), `treated` (0/1), `arm`, and on every row the `seed` and `input_sha256` so the file alone
 * identifies the registered plan. Fields with commas, quotes or newlines are quoted (RFC 4180).
 *
 * @example
 * ```ts
 * import { assignClusters, assignmentCsv, Frame } from "truelift";
 * const plan = assignClusters(Frame.fromObject({ ws: ["a", "b"] }), { cluster: "ws", seed: 1 });
 * assignmentCsv(plan); // "ws,treated,arm,seed,input_sha256\na,0,control,1,…\nb,1,treatment,1,…\n"
 * ```
 */
export function assignmentCsv(plan: DeepReadonly<ClusterAssignment>): string {
  const stratified = plan.strata.length > 0;
  const header = [plan.cluster, ...(stratified ? ["stratum"] : []), "treated", "arm", "seed", "input_sha256"];
  const lines = [header.map(quote).join(",")];
  for (const row of plan.assignment) {
    const cells = [
      row.cluster,
      ...(stratified ? [row.stratum ?? ""] : []),
      String(row.treated),
      row.treated === 1 ? "treatment" : "control",
      String(plan.seed),
      plan.inputHash,
    ];
    lines.push(cells.map(quote).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The whole plan as pretty-printed JSON (assignment, counts, balance, re-randomization record, mechanism, seed,
 * input hash, diagnostics): the file to register before outcomes exist, and what randomization inference reads
 * back to re-draw under the same design.
 *
 * @example
 * ```ts
 * import { assignClusters, assignmentJson, Frame } from "truelift";
 * const plan = assignClusters(Frame.fromObject({ ws: ["a", "b"] }), { cluster: "ws", seed: 1 });
 * JSON.parse(assignmentJson(plan)).seed; // 1
 * ```
 */
export function assignmentJson(plan: DeepReadonly<ClusterAssignment>): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}

function quote(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A plain-text summary of a plan: counts per arm and block, the re-randomization record, the balance table, the
 * seed and input hash, and the diagnostics.
 *
 * @example
 * ```ts
 * import { assignClusters, assignmentSummaryText, Frame } from "truelift";
 * const plan = assignClusters(Frame.fromObject({ ws: ["a", "b", "c", "d"] }), { cluster: "ws", seed: 1 });
 * assignmentSummaryText(plan); // "Cluster assignment: 4 clusters, 2 treated, 2 control …"
 * ```
 */
export function assignmentSummaryText(plan: DeepReadonly<ClusterAssignment>): string {
  const c = plan.counts;
  const lines = [
    `Cluster assignment: ${c.clusters} clusters, ${c.treated} treated, ${c.control} control (${plan.design.mechanism} randomization by '${plan.cluster}').`,
  ];
  if (plan.strata.length > 0) {
    lines.push(`Strata (${plan.strata.join(" × ")}):`);
    for (const b of c.blocks) lines.push(`  ${b.stratum}: ${b.treated} of ${b.clusters} treated`);
  }
  lines.push(
    `Possible assignments before re-randomization: ${c.possibleAssignments.toLocaleString("en-US")}`,
  );
  if (plan.rerandomization) {
    const r = plan.rerandomization;
    lines.push(
      `Re-randomization: ${r.rule}; accepted draw ${r.draws} (statistic ${r.statistic.toFixed(4)}).`,
    );
  }
  if (plan.balance.length > 0) {
    lines.push("Balance (cluster-level means):");
    const w = Math.max(9, ...plan.balance.map((b) => b.covariate.length));
    lines.push(
      `  ${"covariate".padEnd(w)}  ${"treated".padStart(10)}  ${"control".padStart(10)}  ${"SMD".padStart(7)}`,
    );
    for (const b of plan.balance) {
      lines.push(
        `  ${b.covariate.padEnd(w)}  ${num(b.meanTreated).padStart(10)}  ${num(b.meanControl).padStart(10)}  ${(b.smd === null ? "inf" : b.smd.toFixed(3)).padStart(7)}`,
      );
    }
  }
  lines.push(`Seed ${plan.seed}; input SHA-256 ${plan.inputHash}`);
  for (const d of plan.diagnostics) lines.push(`[${d.severity}] ${d.message}`);
  return `${lines.join("\n")}\n`;
}

function num(x: number): string {
  return Math.abs(x) >= 1000 ? x.toFixed(1) : x.toPrecision(4);
}
