import type { Design } from "../shared/contract.js";
import { CLUSTER_CLI } from "./cli.js";
import { type ClusterResult, cluster, clusterCellRequest, clusterFromCells } from "./cluster.js";
import { clusterCharts } from "./result-charts.js";
import { CLUSTER_SPEC_SCHEMA, type ClusterSpec, parseClusterSpec, type ValidClusterSpec } from "./spec.js";
import { clusterSummary } from "./summary.js";

/**
 * Cluster randomization as one {@link Design}: its spec schema and validator, `cluster()`, the report adapter (summary,
 * naive contrast, charts) and the CLI option table. Listed once in `designs/registry.ts`.
 *
 * Runs as compress → estimate: `compression.request` asks for one `GROUP BY` cluster × treatment × exposure flag
 * × stratum with the outcome's mean and within-cell sum of squares, `compression.estimate` computes the whole
 * result from those cells (`clusterFromCells`), and `run` does the same in memory (`cluster()` compresses the
 * frame first). An edge-list exposure is per user: `run` keeps the rows for it and `compression` refuses it
 * (`E_UNSUPPORTED_COMPRESSED`).
 *
 * @example
 * ```ts
 * import { clusterDesign, registerDesign } from "truelift";
 * const analysis = await registerDesign(clusterDesign).analyze(frame, spec);
 * analysis.summary.lines[0]; // the headline estimate line
 * ```
 * @see Donner & Klar (2000); Bell & McCaffrey (2002); Hudgens & Halloran (2008).
 */
export const clusterDesign: Design<ClusterSpec, ValidClusterSpec, ClusterResult> = {
  name: "cluster",
  title: "Cluster randomization",
  question:
    "What did a feature randomized by workspace do, with honest errors at any number of clusters and spillover separated from the direct effect?",
  schema: CLUSTER_SPEC_SCHEMA,
  parse: parseClusterSpec,
  run: (frame, spec, inputs) => {
    const edges = inputs?.frames?.edges;
    const onProgress = inputs?.onProgress;
    return cluster(frame, spec, {
      ...(edges === undefined ? {} : { edges }),
      ...(onProgress === undefined ? {} : { onProgress }),
    });
  },
  compression: {
    request: clusterCellRequest,
    estimate: (cells, spec, inputs) => {
      const onProgress = inputs?.onProgress;
      return clusterFromCells(cells, spec, onProgress === undefined ? {} : { onProgress });
    },
  },
  report: {
    summary: clusterSummary,
    naive: (r) => ({
      label: "User-level comparison (users treated as independent)",
      estimate: r.naive.userLevel.estimate,
    }),
    charts: clusterCharts,
  },
  cli: CLUSTER_CLI,
};
