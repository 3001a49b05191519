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
 * The design advisor's answer for the `waves` rollout (staged waves): this design, the columns it needs (given or
 * as placeholders), the assumptions to check with the diagnostic that reports each, and the exact command.
 *
 * @example
 * ```ts
 * wavesAdvice({ rollout: "waves" }).command;
 * ```
 */
export function wavesAdvice(a: AdviseAnswers): Advice {
  const staggered = (a.waves ?? 2) >= 3;
  const outcome = outcomeColumn(a);
  const time = adviceColumn("time", a.time, "period", "the period of each row (week, month)");
  const start = adviceColumn(
    "treatment start",
    a.startColumn,
    "start_period",
    "the period each row's wave got the feature",
  );
  const cluster = adviceColumn(
    "cluster",
    a.cluster,
    "workspace_id",
    "the unit the waves were assigned by (CR1 errors)",
  );
  const unit = staggered
    ? adviceColumn("unit", a.unit, "unit_id", "the panel unit (Callaway–Sant'Anna)")
    : null;
  const columns = [outcome, time, start, cluster, ...(unit ? [unit] : [])];
  return {
    rollout: "waves",
    design: staggered ? "did-staggered" : "did",
    designName: staggered
      ? "difference-in-differences with staggered adoption (Callaway–Sant'Anna)"
      : "difference-in-differences",
    why: staggered
      ? "Waves were chosen, and time moves everyone: compare each wave's change with the change of units not yet treated. With three or more waves the plain two-way fixed-effects regression mixes in forbidden comparisons, so the headline is the Callaway–Sant'Anna ATT (with the Bacon decomposition of TWFE for contrast)."
      : "Waves were chosen, and time moves everyone: a before/after of wave 1 mixes the feature with the trend. Difference-in-differences subtracts the change of the not-yet-treated wave over the same weeks.",
    columns,
    assumptions: [
      {
        assumption: "Parallel trends: without the feature, the waves would have moved together",
        check: "Placebo slope on the pre-period and the event-study leads test",
        diagnostic: staggered ? "D_CS_PRETEST" : "D_DID_PARALLEL_TRENDS",
      },
      {
        assumption: "No anticipation before the start",
        check: "Jump in the last pre-periods",
        diagnostic: "D_DID_ANTICIPATION",
      },
      {
        assumption: "Enough clusters for cluster-robust errors",
        check: "Number of clusters (≥ 30 for CR1)",
        diagnostic: "D_FEW_CLUSTERS",
      },
      {
        assumption: "The comparison wave is not yet treated in the window",
        check: "Window stops when the comparison wave starts",
        diagnostic: "D_DID_WINDOW",
      },
    ],
    command: commandLine([
      "truelift did",
      adviceData(a),
      adviceFlag("--outcome", outcome),
      adviceFlag("--time", time),
      adviceFlag("--start-column", start),
      unit ? adviceFlag("--unit", unit) : null,
      adviceFlag("--cluster", cluster),
      a.covariates && a.covariates.length > 0 ? adviceFlag("--covariates", a.covariates.join(",")) : null,
    ]),
    steps: [],
    notes: ["If parallel trends fails, try synthetic control: `truelift advise --rollout global`."],
  };
}
