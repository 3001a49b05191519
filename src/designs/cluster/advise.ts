import {
  type Advice,
  type AdviseAnswers,
  adviceColumn,
  adviceData,
  adviceFlag,
  commandLine,
  outcomeColumn,
} from "../shared/advise.js";

/**
 * The design advisor's answer for the `shared` rollout (shared workspaces): this design, the columns it needs (given or
 * as placeholders), the assumptions to check with the diagnostic that reports each, and the exact command.
 *
 * @example
 * ```ts
 * sharedAdvice({ rollout: "shared" }).command;
 * ```
 */
export function sharedAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const treatment = adviceColumn(
    "treatment",
    a.treatment,
    "treated_workspace",
    "which clusters got the feature",
  );
  const cluster = adviceColumn(
    "cluster",
    a.cluster,
    "workspace_id",
    "the workspace (team) each user belongs to",
  );
  const exposure =
    a.exposure !== undefined
      ? adviceColumn(
          "spillover exposure",
          a.exposure,
          "exposed",
          "0/1: untreated users in contact with treated ones",
        )
      : null;
  const fewClusters = a.clusters !== undefined && a.clusters < 30;
  return {
    rollout: "shared",
    design: "cluster",
    designName: "cluster randomization with spillover",
    why: "Users in a workspace are not independent: the feature was assigned by workspace and colleagues affect each other. Inference must count workspaces, not users (a user-level SE is many times too small), and spillover onto untreated users biases the naive contrast toward zero.",
    columns: [outcome, treatment, cluster, ...(exposure ? [exposure] : [])],
    assumptions: [
      {
        assumption: "Enough clusters for cluster-robust inference",
        check: "K ≥ 30 for CR1; fewer → wild cluster bootstrap and randomization inference",
        diagnostic: "D_FEW_CLUSTERS",
      },
      {
        assumption: "Spillover only through the exposure you measured",
        check: "Direct vs spillover decomposition; is exposure observed or a proxy?",
        diagnostic: "D_CLUSTER_SPILLOVER_PROVENANCE",
      },
      {
        assumption: "Clusters of similar size",
        check: "Coefficient of variation of cluster sizes",
        diagnostic: "D_CLUSTER_UNEQUAL_SIZES",
      },
    ],
    command: commandLine([
      "truelift cluster",
      adviceData(a),
      adviceFlag("--outcome", outcome),
      adviceFlag("--treatment", treatment),
      adviceFlag("--cluster", cluster),
      exposure ? adviceFlag("--exposure", exposure) : null,
      fewClusters ? "--small-k always" : null,
      "--seed 1",
    ]),
    steps: [],
    notes: [
      ...(fewClusters
        ? [
            `Only ${a.clusters} clusters: the wild cluster bootstrap and randomization inference give honest p-values (--small-k always).`,
          ]
        : []),
      "Not launched yet? Randomize whole workspaces with `truelift assign` and size the test with `truelift power`.",
    ],
  };
}
