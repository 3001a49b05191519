import { createInterface } from "node:readline/promises";
import { TrueliftError } from "../../core/errors.js";
import type { Json } from "../../core/result.js";
import { interview } from "../advise/interview.js";
import { type AdviseAnswers, ROLLOUTS, recommend } from "../advise/recommend.js";
import { adviceMarkdown, adviceText } from "../advise/render.js";
import { parseChoice, parseInteger } from "../args.js";
import { defineCommand } from "../command.js";

type Options = Readonly<Record<string, string | boolean | undefined>>;

const str = (v: string | boolean | undefined) =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

function parseNumber(option: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `${option} must be a number; got '${value}'.`, {
      details: { option, value },
    });
  }
  return n;
}

/** The answers given as flags (the rollout may be missing: then the interview asks it). */
function answersFromFlags(o: Options): Partial<AdviseAnswers> {
  const rollout = str(o.rollout);
  const side = str(o.treatedSide);
  const covariates = str(o.covariates)
    ?.split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  const waves = str(o.waves);
  const clusters = str(o.clusters);
  const entries: Partial<Record<keyof AdviseAnswers, unknown>> = {
    rollout: rollout === undefined ? undefined : parseChoice("--rollout", rollout, ROLLOUTS),
    data: str(o.data),
    outcome: str(o.outcome),
    preMetric: str(o.preMetric),
    treatment: str(o.treatment),
    time: str(o.time),
    startColumn: str(o.startColumn),
    waves: waves === undefined ? undefined : parseInteger("--waves", waves, { min: 1, max: 1000 }),
    unit: str(o.unit),
    covariates,
    running: str(o.running),
    cutoff: parseNumber("--cutoff", str(o.cutoff)),
    treatedSide:
      side === undefined ? undefined : parseChoice("--treated-side", side, ["above", "below"] as const),
    treatedUnits: str(o.treatedUnits),
    donors: str(o.donors),
    treatmentStart: parseNumber("--treatment-start", str(o.treatmentStart)),
    cluster: str(o.cluster),
    exposure: str(o.exposure),
    clusters: clusters === undefined ? undefined : parseInteger("--clusters", clusters, { min: 1 }),
  };
  return Object.fromEntries(
    Object.entries(entries).filter(([, v]) => v !== undefined),
  ) as Partial<AdviseAnswers>;
}

async function ask(known: Partial<AdviseAnswers>): Promise<AdviseAnswers> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  try {
    return await interview((q) => rl.question(q), known);
  } finally {
    rl.close();
  }
}

/**
 * `truelift advise`: the design advisor. Asks how the feature was rolled out (on a terminal, when `--rollout` is
 * not given) — a random A/B test, staged waves, an opt-in toggle, a threshold, a global rollout or shared
 * workspaces — plus the follow-ups that matter, and answers with the design, the columns it needs, the
 * assumptions to check and the exact command. Non-interactive: `--rollout` and the column flags.
 *
 * @example
 * ```sh
 * truelift advise
 * truelift advise --rollout threshold --outcome task_completed --running query_confidence --cutoff 0.85 --treated below
 * truelift advise --rollout ab --outcome minutes --treatment variant --pre-metric minutes_before
 * ```
 */
export default defineCommand({
  meta: {
    name: "advise",
    description:
      "Which design fits your rollout? Answers with the design, the columns, the assumptions and the command.",
    examples: [
      "truelift advise",
      "truelift advise --rollout waves --outcome task_completed --time signup_week --start-column treatment_week --cluster workspace_id",
      "truelift advise --rollout ab --outcome minutes --treatment variant --pre-metric minutes_before",
    ],
  },
  options: {
    rollout: { flags: "--rollout <shape>", description: `how it was rolled out: ${ROLLOUTS.join(" | ")}` },
    data: { flags: "--data <path>", description: "the data file (used in the command)" },
    outcome: { flags: "--outcome <column>", description: "the metric the feature should move" },
    preMetric: { flags: "--pre-metric <column>", description: "ab: the metric before the test (CUPED)" },
    treatment: { flags: "--treatment <column>", description: "ab/toggle/shared: the 0/1 treatment column" },
    time: { flags: "--time <column>", description: "waves/global: the period column" },
    startColumn: { flags: "--start-column <column>", description: "waves: each row's start period" },
    waves: { flags: "--waves <n>", description: "waves: number of waves (3+: staggered adoption)" },
    unit: { flags: "--unit <column>", description: "waves (staggered)/global: the unit column" },
    covariates: { flags: "--covariates <columns>", description: "toggle: what drives opting in" },
    running: { flags: "--running <column>", description: "threshold: the score" },
    cutoff: { flags: "--cutoff <c>", description: "threshold: the cutoff" },
    treatedSide: { flags: "--treated-side <side>", description: "threshold: above | below (default above)" },
    treatedUnits: { flags: "--treated-units <ids>", description: "global: the treated units" },
    donors: { flags: "--donors <ids|none>", description: "global: untouched comparable units, or none" },
    treatmentStart: { flags: "--treatment-start <period>", description: "global: the launch period" },
    cluster: { flags: "--cluster <column>", description: "waves/shared: the workspace column" },
    exposure: { flags: "--exposure <column>", description: "shared: 0/1 spillover exposure" },
    clusters: { flags: "--clusters <k>", description: "shared: number of workspaces" },
  },
  async run({ options, io }) {
    const known = answersFromFlags(options);
    let answers: AdviseAnswers;
    if (known.rollout !== undefined) {
      answers = { ...known, rollout: known.rollout };
    } else if (io.stderrIsTTY && process.stdin.isTTY === true) {
      answers = await ask(known);
    } else {
      throw new TrueliftError("E_USAGE", "--rollout is needed when the advisor cannot ask (no terminal).", {
        hint: `Pass --rollout ${ROLLOUTS.join("|")} (and the column flags), or run \`truelift advise\` in a terminal.`,
        details: { option: "--rollout" },
      });
    }
    const advice = recommend(answers);
    return {
      data: JSON.parse(JSON.stringify({ answers, ...advice })) as Json,
      text: () => adviceText(advice),
      markdown: () => adviceMarkdown(advice),
    };
  },
});
