import { FEW_CLUSTERS_STEP, type NextStepRule, WARN_OR_FAIL } from "../shared/next-step.js";

/**
 * "What to do next" advice for the checks of this design, in the order it is shown: which diagnostic code (and
 * severities) triggers which sentence.
 *
 * @example
 * ```ts
 * import { CLUSTER_NEXT_STEPS } from "truelift";
 * CLUSTER_NEXT_STEPS.map((r) => r.code);
 * ```
 */
export const CLUSTER_NEXT_STEPS: readonly NextStepRule[] = [
  FEW_CLUSTERS_STEP,
  {
    code: "D_CLUSTER_SMALL_K_INFERENCE",
    when: WARN_OR_FAIL,
    advice:
      "With few clusters, report the wild-bootstrap or randomization-inference interval rather than the CR1 one.",
  },
  {
    code: "D_CLUSTER_NAIVE_SE",
    when: WARN_OR_FAIL,
    advice:
      "A user-level analysis would overstate precision: always analyse at the cluster level (what truelift reports), and plan the next test with `truelift power`.",
  },
  {
    code: "D_CLUSTER_ICC",
    when: WARN_OR_FAIL,
    advice:
      "Outcomes are strongly correlated within clusters: plan future tests with more clusters (`truelift power`).",
  },
  {
    code: "D_CLUSTER_SPILLOVER_PROVENANCE",
    when: WARN_OR_FAIL,
    advice:
      "The spillover split rests on a behavioural proxy that users chose: collect who actually collaborates with whom (an edge list) and re-run with `--edges`, or report only the total effect.",
  },
  {
    code: "D_CLUSTER_UNEQUAL_SIZES",
    when: WARN_OR_FAIL,
    advice: "Cluster sizes vary a lot: prefer the CR2 interval with its Satterthwaite degrees of freedom.",
  },
];
