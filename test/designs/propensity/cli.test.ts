import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../../cli/run-cli.js";
import { fixturePath } from "../../helpers/fixture.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-psm-"));
const FIXTURE = fixturePath("saas_llm_logs_seed42.csv.gz");
const ARGS = [
  FIXTURE,
  "--treatment",
  "opt_in_agent_mode",
  "--outcome",
  "task_completed",
  "--covariates",
  "engagement_tier,query_confidence",
];

describe("truelift propensity / psm", () => {
  it("prints the headline, the IPW estimates, the naive contrast and the diagnostics", async () => {
    const run = await runCli(["propensity", ...ARGS], { cwd });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Effect \(AIPW, ATE\)\s+\+0\.0847 {2}SE 0\.0057/);
    expect(run.stdout).toMatch(/IPW ATE \(sandwich\)\s+\+0\.0848/);
    expect(run.stdout).toMatch(/IPW ATT \(sandwich\)\s+\+0\.0767/);
    expect(run.stdout).toMatch(/Naive difference\s+\+0\.2106/);
    expect(run.stdout).toMatch(/AUC 0\.744/);
    expect(run.stdout).toMatch(/\[pass\] After weighting, the groups look alike/);
    expect(run.stdout).toMatch(
      /Matched balance \(1-NN, pooled SD\)\s+max \|SMD\| 0\.918 raw → 0\.000 matched/,
    );
    expect(run.stdout).toMatch(
      /Rosenbaum bounds \(1-NN matched sets\)\s+significance at 5% lost at Γ = 1\.46/,
    );
    expect(run.stdout).toMatch(
      /\[info\] An unmeasured trait would have to change the odds of opting in by a factor of Γ = 1\.46/,
    );
    expect(run.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(32);
  });

  it("alias psm, JSON output and --print-spec", async () => {
    const json = await runCli(
      ["psm", ...ARGS, "--estimand", "ATT", "--estimator", "ipw", "--format", "json"],
      {
        cwd,
      },
    );
    expect(json.code).toBe(0);
    const out = JSON.parse(json.stdout);
    const result = out.data?.result ?? out.result;
    expect(result.estimate.estimate.toFixed(4)).toBe("0.0767");
    const spec = await runCli(
      [
        "psm",
        ...ARGS,
        "--trim",
        "0.05:0.95",
        "--penalty-c",
        "1",
        "--match-k",
        "2",
        "--match-distance",
        "logit",
        "--match-caliper",
        "0.2",
        "--match-ties",
        "first",
        "--match-replace",
        "no",
        "--gammas",
        "1,1.5,2",
        "--covariates",
        "engagement_tier,a:b",
        "--print-spec",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(spec.code).toBe(0);
    const canonical = JSON.parse(spec.stdout);
    const s = canonical.data ?? canonical;
    expect(s.trim).toEqual({ rule: "bounds", lower: 0.05, upper: 0.95 });
    expect(s.model).toEqual({ penalty: { type: "l2", C: 1 } });
    expect(s.covariates).toEqual(["engagement_tier", { interaction: ["a", "b"] }]);
    expect(s.matching).toEqual({ k: 2, distance: "logit", caliper: 0.2, ties: "first", replace: false });
    expect(s.sensitivity).toEqual({ gammas: [1, 1.5, 2] });
  });

  it("matching options reach the matching, its balance and the Rosenbaum bounds", async () => {
    const run = await runCli(
      [
        "propensity",
        ...ARGS,
        "--match-k",
        "3",
        "--match-distance",
        "logit",
        "--gammas",
        "1,1.2",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    const result = out.data?.result ?? out.result;
    expect(result.matching.options).toMatchObject({ k: 3, distance: "logit", ties: "all", replace: true });
    expect(result.sensitivity.rosenbaum.rows.map((r: { gamma: number }) => r.gamma)).toEqual([1, 1.2]);
    const text = await runCli(["propensity", ...ARGS, "--match-k", "3"], { cwd });
    expect(text.stdout).toMatch(/3-NN matching ATT \(all ties\)/);
    expect(text.stdout).toMatch(/Matched balance \(3-NN, pooled SD\)/);
    const bad = await runCli(["propensity", ...ARGS, "--match-k", "0"], { cwd });
    expect(bad.code).toBe(2);
  });

  it("spline terms: ns(x), ns(x, 4), bs(x, df = 5)", async () => {
    const spec = await runCli(
      [
        "psm",
        ...ARGS,
        "--covariates",
        "engagement_tier,ns(query_confidence, 4),bs(x, df = 5),ns(z)",
        "--print-spec",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(spec.code).toBe(0);
    const canonical = JSON.parse(spec.stdout);
    expect((canonical.data ?? canonical).covariates).toEqual([
      "engagement_tier",
      { spline: "query_confidence", type: "natural", df: 4 },
      { spline: "x", type: "b", df: 5 },
      { spline: "z", type: "natural" },
    ]);
    const bad = await runCli(["psm", ...ARGS, "--covariates", "poly(x, 2)"], { cwd });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/splines are written ns\(x\)/);
  });

  it("usage errors", async () => {
    const noSeed = await runCli(["propensity", ...ARGS, "--bootstrap", "10"], { cwd });
    expect(noSeed.code).toBe(2);
    expect(noSeed.stderr).toMatch(/--seed/);
    const missing = await runCli(["propensity", FIXTURE, "--treatment", "opt_in_agent_mode"], { cwd });
    expect(missing.code).toBe(2);
    const notBinary = await runCli(
      [
        "propensity",
        FIXTURE,
        "--treatment",
        "signup_week",
        "--outcome",
        "task_completed",
        "--covariates",
        "engagement_tier",
      ],
      { cwd },
    );
    expect(notBinary.code).toBe(3);
    expect(notBinary.stderr).toMatch(/0\/1/);
  });
});
