import {
  type Advice,
  type AdviceAssumption,
  type AdviseAnswers,
  adviceColumn,
  adviceData,
  adviceFlag,
  commandLine,
  outcomeColumn,
} from "../shared/advise.js";

/**
 * The design advisor's answer for the `global` rollout (a global rollout): this design, the columns it needs (given or
 * as placeholders), the assumptions to check with the diagnostic that reports each, and the exact command.
 *
 * @example
 * ```ts
 * globalAdvice({ rollout: "global" }).command;
 * ```
 */
export function globalAdvice(a: AdviseAnswers): Advice {
  const outcome = outcomeColumn(a);
  const unit = adviceColumn("unit", a.unit, "unit", "markets, workspaces or products observed over time");
  const time = adviceColumn("time", a.time, "period", "the period column");
  const noDonors = a.donors === "none";
  const assumptions: AdviceAssumption[] = [
    {
      assumption: "The donors were not affected by the launch",
      check: "No donor shifts after the launch",
      diagnostic: "D_SYNTH_DONOR_BREAK",
    },
    {
      assumption: "A weighted mix of donors tracks the treated unit before the launch",
      check: "Pre-period RMSPE small next to the effect; treated unit inside the donors' range",
      diagnostic: "D_SYNTH_PRE_FIT",
    },
    {
      assumption: "The gap is unusual",
      check: "In-space placebos (pseudo p), in-time placebo, leave-one-out",
      diagnostic: "D_SYNTH_PLACEBO",
    },
  ];
  return {
    rollout: "global",
    design: noDonors ? "none" : "synth",
    designName: noDonors ? "no credible design without a comparison" : "synthetic control",
    why: noDonors
      ? "With no holdout and no comparable units that did not get the feature, nothing separates the feature from everything else that changed at the same time. Find donors (other markets, products, or a metric the feature cannot affect) or treat a before/after as descriptive only."
      : "There is no holdout, so a before/after mixes the feature with everything else that changed. Synthetic control builds the missing comparison: a weighted mix of untouched units that tracked the treated unit before the launch.",
    columns: [
      outcome,
      unit,
      time,
      {
        role: "treated units",
        name: a.treatedUnits ?? "<ids>",
        given: a.treatedUnits !== undefined,
        description: "the units that got the feature",
      },
      {
        role: "donors",
        name: noDonors ? "none" : (a.donors ?? "<ids>"),
        given: a.donors !== undefined,
        description: "comparable units that did not",
      },
    ],
    assumptions,
    command: noDonors
      ? ""
      : commandLine([
          "truelift synth",
          adviceData(a),
          adviceFlag("--outcome", outcome),
          adviceFlag("--unit", unit),
          adviceFlag("--time", time),
          `--treated-units ${a.treatedUnits ?? "<ids>"}`,
          `--donors ${a.donors ?? "<ids>"}`,
          `--treatment-start ${a.treatmentStart ?? "<period>"}`,
          "--bootstrap 500 --seed 1",
        ]),
    steps: [],
    notes: noDonors
      ? []
      : [
          "Prefer a handful of similar donors over many: with more donors than pre-periods the weights fit noise.",
        ],
  };
}
