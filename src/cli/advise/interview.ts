import { type AdviseAnswers, ROLLOUT_LABELS, ROLLOUTS, type Rollout } from "./recommend.js";

/** Asks one question and resolves with the typed answer (trimmed by the caller). */
export type Ask = (question: string) => Promise<string>;

const opt = (s: string) => {
  const t = s.trim();
  return t === "" ? undefined : t;
};

function list(s: string): readonly string[] | undefined {
  const items = s
    .split(",")
    .map((x) => x.trim())
    .filter((x) => x !== "");
  return items.length > 0 ? items : undefined;
}

async function chooseRollout(ask: Ask): Promise<Rollout> {
  const menu = ROLLOUTS.map((r, i) => `  ${i + 1}. ${ROLLOUT_LABELS[r]}`).join("\n");
  for (let attempt = 0; attempt < 5; attempt++) {
    const a = (await ask(`How was the feature rolled out?\n${menu}\nChoose 1–${ROLLOUTS.length}: `)).trim();
    const n = Number(a);
    if (Number.isInteger(n) && n >= 1 && n <= ROLLOUTS.length) return ROLLOUTS[n - 1];
    if ((ROLLOUTS as readonly string[]).includes(a)) return a as Rollout;
  }
  return "ab";
}

async function yes(ask: Ask, question: string): Promise<boolean> {
  return /^y(es)?$/i.test((await ask(`${question} [y/N] `)).trim());
}

/**
 * The advisor's interactive questions: the rollout shape (a numbered menu), then the follow-ups that change the
 * answer (a pre-period metric for an A/B test, the number of waves, the opt-in drivers, the score and cutoff, the
 * donor pool, the number of workspaces and the spillover exposure) and the column names for the command.
 * Blank answers leave placeholders. `known` answers (from flags) are not asked again.
 *
 * @example
 * ```ts
 * const scripted = ["4", "task_completed", "query_confidence", "0.85", "below", ""];
 * const answers = await interview(async () => scripted.shift() ?? "");
 * answers.rollout; // "threshold"
 * ```
 */
export async function interview(ask: Ask, known: Partial<AdviseAnswers> = {}): Promise<AdviseAnswers> {
  const rollout = known.rollout ?? (await chooseRollout(ask));
  const get = async (key: keyof AdviseAnswers, question: string): Promise<string | undefined> => {
    const k = known[key];
    if (k !== undefined) return String(k);
    return opt(await ask(`${question} `));
  };
  const outcome = await get("outcome", "Outcome column (the metric the feature should move; blank to skip):");
  const base = { ...known, rollout, outcome };
  switch (rollout) {
    case "ab": {
      const hasPre =
        known.preMetric !== undefined ||
        (await yes(ask, "Do you have the same metric measured for each user before the test?"));
      const preMetric = hasPre ? await get("preMetric", "Pre-period metric column:") : undefined;
      const treatment = await get("treatment", "Assignment column (0/1):");
      return { ...base, preMetric, treatment };
    }
    case "waves": {
      const w = await get("waves", "How many waves (groups with different start dates)? [2]");
      const waves = w !== undefined && Number.isInteger(Number(w)) ? Number(w) : 2;
      const time = await get("time", "Period column (week, month):");
      const startColumn = await get("startColumn", "Column with each row's treatment start period:");
      const cluster = await get("cluster", "Unit the waves were assigned by (e.g. workspace_id):");
      const unit = waves >= 3 ? await get("unit", "Panel unit column:") : undefined;
      return { ...base, waves, time, startColumn, cluster, unit };
    }
    case "toggle": {
      const treatment = await get("treatment", "Opt-in flag column (0/1):");
      const c =
        known.covariates ?? list((await ask("What drives opting in (columns, comma-separated)? ")) ?? "");
      return { ...base, treatment, covariates: c };
    }
    case "threshold": {
      const running = await get("running", "Score column compared with the threshold:");
      const c = await get("cutoff", "Threshold value:");
      const cutoff = c !== undefined && Number.isFinite(Number(c)) ? Number(c) : undefined;
      const s = known.treatedSide ?? opt(await ask("Which side gets the feature: above or below? [above] "));
      const treatedSide = s === "below" ? "below" : "above";
      return { ...base, running, cutoff, treatedSide };
    }
    case "global": {
      const hasDonors =
        known.donors !== undefined
          ? known.donors !== "none"
          : await yes(ask, "Are there comparable units (markets, workspaces) that did not get it?");
      const donors = hasDonors ? await get("donors", "Donor unit ids (e.g. 25-49):") : "none";
      const unit = await get("unit", "Unit column:");
      const time = await get("time", "Period column:");
      const treatedUnits = await get("treatedUnits", "Treated unit ids (e.g. 0-24):");
      const ts = await get("treatmentStart", "Launch period:");
      const treatmentStart = ts !== undefined && Number.isFinite(Number(ts)) ? Number(ts) : undefined;
      return { ...base, donors, unit, time, treatedUnits, treatmentStart };
    }
    case "shared": {
      const cluster = await get("cluster", "Workspace (cluster) column:");
      const k = await get("clusters", "How many workspaces?");
      const clusters = k !== undefined && Number.isInteger(Number(k)) ? Number(k) : undefined;
      const treatment = await get("treatment", "Column marking treated workspaces:");
      const exposure = await get(
        "exposure",
        "Column marking untreated users exposed to treated colleagues (blank if none):",
      );
      return { ...base, cluster, clusters, treatment, exposure };
    }
  }
}
