import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interview } from "../../src/cli/advise/interview.js";
import { recommend } from "../../src/cli/advise/recommend.js";
import { Frame } from "../../src/core/frame.js";
import { createRng } from "../../src/core/rng.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols } from "../../src/models/ols.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-advise-"));
const json = async (args: string[]) => {
  const run = await runCli(["advise", ...args, "--format", "json"], { cwd });
  expect(run.stderr).toBe("");
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout);
};

describe("truelift advise: one answer per rollout shape", () => {
  it("staged waves → difference-in-differences, with the exact command", async () => {
    const a = await json([
      "--rollout",
      "waves",
      "--data",
      "saas.csv",
      "--outcome",
      "task_completed",
      "--time",
      "signup_week",
      "--start-column",
      "treatment_week",
      "--cluster",
      "workspace_id",
    ]);
    expect(a.design).toBe("did");
    expect(a.command).toBe(
      "truelift did saas.csv --outcome task_completed --time signup_week --start-column treatment_week --cluster workspace_id",
    );
    expect(a.assumptions.map((x: { diagnostic: string }) => x.diagnostic)).toContain("D_DID_PARALLEL_TRENDS");
    expect(a.columns.every((c: { given: boolean }) => c.given)).toBe(true);
  });

  it("three or more waves → staggered DiD (Callaway–Sant'Anna) with a unit column", async () => {
    const a = await json(["--rollout", "waves", "--waves", "4"]);
    expect(a.design).toBe("did-staggered");
    expect(a.command).toContain("--unit <unit_id>");
    expect(a.assumptions[0].diagnostic).toBe("D_CS_PRETEST");
  });

  it("opt-in toggle → propensity scores", async () => {
    const a = await json([
      "--rollout",
      "toggle",
      "--outcome",
      "task_completed",
      "--treatment",
      "opt_in_agent_mode",
      "--covariates",
      "engagement_tier,query_confidence",
    ]);
    expect(a.design).toBe("propensity");
    expect(a.command).toBe(
      "truelift propensity <data.csv> --treatment opt_in_agent_mode --outcome task_completed --covariates engagement_tier,query_confidence --bootstrap 500 --seed 1",
    );
    expect(a.assumptions.map((x: { diagnostic: string }) => x.diagnostic)).toEqual(
      expect.arrayContaining(["D_PS_OVERLAP", "D_PS_BALANCE", "D_PS_EVALUE"]),
    );
  });

  it("threshold → regression discontinuity, treated side carried into the command", async () => {
    const a = await json([
      "--rollout",
      "threshold",
      "--outcome",
      "task_completed",
      "--running",
      "query_confidence",
      "--cutoff",
      "0.85",
      "--treated-side",
      "below",
    ]);
    expect(a.design).toBe("rdd");
    expect(a.command).toBe(
      "truelift rdd <data.csv> --outcome task_completed --running query_confidence --cutoff 0.85 --treated below",
    );
    expect(a.assumptions[0].diagnostic).toBe("D_RDD_DENSITY_TEST");
  });

  it("global rollout → synthetic control; with no donors, an honest 'no credible design'", async () => {
    const a = await json([
      "--rollout",
      "global",
      "--outcome",
      "task_completed",
      "--unit",
      "workspace_id",
      "--time",
      "signup_week",
      "--treated-units",
      "0-24",
      "--donors",
      "25-49",
      "--treatment-start",
      "20",
    ]);
    expect(a.design).toBe("synth");
    expect(a.command).toBe(
      "truelift synth <data.csv> --outcome task_completed --unit workspace_id --time signup_week --treated-units 0-24 --donors 25-49 --treatment-start 20 --bootstrap 500 --seed 1",
    );
    const none = await json(["--rollout", "global", "--donors", "none"]);
    expect(none.design).toBe("none");
    expect(none.command).toBe("");
    expect(none.why).toMatch(/no holdout and no comparable units/);
  });

  it("shared workspaces → cluster randomization; few clusters adds small-K inference", async () => {
    const a = await json([
      "--rollout",
      "shared",
      "--outcome",
      "session_minutes_obs",
      "--treatment",
      "treated",
      "--cluster",
      "workspace_id",
      "--exposure",
      "is_spillover",
      "--clusters",
      "12",
    ]);
    expect(a.design).toBe("cluster");
    expect(a.command).toBe(
      "truelift cluster <data.csv> --outcome session_minutes_obs --treatment treated --cluster workspace_id --exposure is_spillover --small-k always --seed 1",
    );
    expect(a.notes[0]).toMatch(/Only 12 clusters/);
    const many = await json(["--rollout", "shared", "--clusters", "50"]);
    expect(many.command).not.toContain("--small-k");
  });

  it("random A/B → truelift experiment: difference in means, Welch SE, SRM; CUPED only with a pre-period metric", async () => {
    const plain = await json(["--rollout", "ab", "--outcome", "minutes", "--treatment", "variant"]);
    expect(plain.design).toBe("experiment");
    expect(plain.designName).toMatch(/randomized experiment/);
    expect(plain.why).toMatch(/use a plain A\/B analysis/);
    expect(plain.steps[0]).toMatch(/Difference in means/);
    expect(plain.steps[1]).toMatch(/Welch/);
    expect(plain.steps.join(" ")).not.toMatch(/CUPED: θ/);
    expect(plain.steps[2]).toMatch(/--pre-metric/);
    expect(plain.command).toBe(
      "truelift experiment <data.csv> --treatment variant --control <control> --metrics minutes",
    );
    const cuped = await json([
      "--rollout",
      "ab",
      "--outcome",
      "minutes",
      "--treatment",
      "variant",
      "--pre-metric",
      "minutes_before",
    ]);
    expect(cuped.steps[2]).toMatch(/^CUPED: θ = cov\(minutes, minutes_before\) \/ var\(minutes_before\)/);
    expect(cuped.columns.map((c: { name: string }) => c.name)).toEqual([
      "minutes",
      "variant",
      "minutes_before",
    ]);
    expect(cuped.command).toContain("--cuped minutes_before");
  });

  it("text and markdown renderings", async () => {
    const t = await runCli(["advise", "--rollout", "threshold", "--cutoff", "0.85"], { cwd });
    expect(t.code).toBe(0);
    expect(t.stdout).toMatch(/^Design: regression discontinuity/);
    expect(t.stdout).toContain(
      "Run:\n  truelift rdd <data.csv> --outcome <outcome> --running <score> --cutoff 0.85",
    );
    const m = await runCli(["advise", "--rollout", "ab", "--format", "md"], { cwd });
    expect(m.stdout).toMatch(/^## Design: randomized experiment/);
    expect(m.stdout).toContain("```sh\ntruelift experiment");
  });

  it("without --rollout and without a terminal: a usage error; a bad --rollout lists the choices", async () => {
    const a = await runCli(["advise"], { cwd });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^error\[E_USAGE\].*--rollout/);
    const b = await runCli(["advise", "--rollout", "random"], { cwd });
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/^error\[E_INVALID_ARGUMENT\].*ab, waves, toggle, threshold, global, shared/);
    const c = await runCli(["advise", "--rollout", "threshold", "--cutoff", "high"], { cwd });
    expect(c.code).toBe(2);
  });
});

describe("the interactive interview", () => {
  const scripted = (answers: string[]) => {
    const asked: string[] = [];
    return {
      asked,
      ask: async (q: string) => {
        asked.push(q);
        return answers.shift() ?? "";
      },
    };
  };

  it("menu number → rollout, then the follow-ups of that rollout", async () => {
    const s = scripted(["4", "task_completed", "query_confidence", "0.85", "below"]);
    const a = await interview(s.ask);
    expect(a).toMatchObject({
      rollout: "threshold",
      outcome: "task_completed",
      running: "query_confidence",
      cutoff: 0.85,
      treatedSide: "below",
    });
    expect(s.asked[0]).toMatch(/How was the feature rolled out\?/);
    expect(s.asked[0]).toContain("6. Shared workspaces");
    expect(recommend(a).design).toBe("rdd");
  });

  it("A/B: asks for a pre-period metric and enables CUPED when there is one", async () => {
    const s = scripted(["1", "minutes", "y", "minutes_before", "variant"]);
    const a = await interview(s.ask);
    expect(a).toMatchObject({ rollout: "ab", preMetric: "minutes_before", treatment: "variant" });
    expect(recommend(a).steps[2]).toMatch(/^CUPED/);
    const n = await interview(scripted(["ab", "", "n", ""]).ask);
    expect(n.preMetric).toBeUndefined();
  });

  it("every rollout can be answered; a re-asked invalid choice; known flags are not asked", async () => {
    for (const [i, design] of ["experiment", "did", "propensity", "rdd", "synth", "cluster"].entries()) {
      const a = await interview(scripted(["9", String(i + 1), "", "y"]).ask);
      expect(recommend(a).design).toBe(design);
    }
    const s = scripted(["workspace_id", "50", "treated", ""]);
    const a = await interview(s.ask, { rollout: "shared", outcome: "y" });
    expect(a).toMatchObject({ cluster: "workspace_id", clusters: 50, treatment: "treated", outcome: "y" });
    expect(s.asked.some((q) => /rolled out|Outcome/.test(q))).toBe(false);
  });
});

describe("the A/B recipe's claim: OLS on the arm dummy with HC2 = difference in means with Welch's SE", () => {
  it("agrees to 1e-12 on unequal arms with unequal variances", () => {
    const rng = createRng(11, 0);
    const n = 301;
    const d = Array.from({ length: n }, (_, i) => (i % 3 === 0 ? 1 : 0));
    const y = d.map((t) => (t ? 1.5 + 3 * (rng.uniform() - 0.5) : 1 + (rng.uniform() - 0.5)));
    const fit = ols(Frame.fromObject({ y, d }), {
      ...parseFormula("y ~ d"),
      vcov: { type: "hc", kind: "HC2" },
    });
    const term = fit.terms.find((t) => t.name === "d");
    const arm = (k: number) => y.filter((_, i) => d[i] === k);
    const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
    const v = (a: number[]) => a.reduce((s, x) => s + (x - mean(a)) ** 2, 0) / (a.length - 1);
    const a1 = arm(1);
    const a0 = arm(0);
    expect(term?.estimate).toBeCloseTo(mean(a1) - mean(a0), 12);
    expect(term?.se).toBeCloseTo(Math.sqrt(v(a1) / a1.length + v(a0) / a0.length), 12);
  });
});
