import { describe, expect, test } from "vitest";
import { generatePropensityScenario } from "../../../src/data/generate/propensity-scenario.js";
import { propensity } from "../../../src/designs/propensity/index.js";

const MAIN = ["engagement_tier", "usage_score"];
const FULL = [...MAIN, { interaction: ["engagement_tier", "usage_score"] as [string, string] }];

describe("confounded opt-in scenario", () => {
  test("main-effects propensity: balance fails, IPW biased, AIPW with the right outcome model recovers the truth", () => {
    const { frame, truth } = generatePropensityScenario({ seed: 3, users: 20_000 });
    const res = propensity(frame, {
      treatment: "opt_in_agent_mode",
      outcome: "session_minutes",
      covariates: MAIN,
      outcomeCovariates: FULL,
    });
    expect(res.diagnostics.find((d) => d.code === "D_PS_BALANCE")?.severity).toBe("fail");
    expect(res.balance.failing.some((c) => c.includes(":"))).toBe(true);
    const aipw = res.doublyRobust.aipw.ate;
    expect(Math.abs(aipw.estimate - truth.sampleAte)).toBeLessThan(3 * (aipw.se as number));
    const ipw = res.ipw.ate;
    expect(Math.abs(ipw.estimate - truth.sampleAte)).toBeGreaterThan(3 * (ipw.se as number));
    expect(truth.sampleAtt).toBeGreaterThan(truth.sampleAte);
    expect(res.diagnostics.find((d) => d.code === "D_PS_ESTIMATORS_DISAGREE")?.severity).toBe("warn");
  });

  test("double-robustness demonstration", () => {
    const { frame, truth } = generatePropensityScenario({ seed: 4, users: 20_000 });
    const spec = {
      treatment: "opt_in_agent_mode",
      outcome: "session_minutes",
      covariates: FULL,
      outcomeCovariates: FULL,
    };
    const p = propensity(frame, { ...spec, misspecify: "propensity" });
    const demoP = p.demonstration;
    expect(demoP?.misspecified).toBe("propensity");
    expect(demoP?.ipw.ate.estimate).toBeCloseTo(p.naive.difference.estimate, 10);
    expect(Math.abs((demoP?.aipw.ate.estimate as number) - truth.sampleAte)).toBeLessThan(
      3 * (demoP?.aipw.ate.se as number),
    );
    const o = propensity(frame, { ...spec, misspecify: "outcome" });
    const demoO = o.demonstration;
    expect(demoO?.ra.ate.estimate).toBeCloseTo(o.naive.difference.estimate, 10);
    expect(Math.abs((demoO?.aipw.ate.estimate as number) - truth.sampleAte)).toBeLessThan(
      3 * (demoO?.aipw.ate.se as number),
    );
    expect(p.balance.failing).toEqual([]);
  });

  test("deterministic by seed", () => {
    const a = generatePropensityScenario({ seed: 9, users: 500 });
    const b = generatePropensityScenario({ seed: 9, users: 500 });
    expect(a.frame.numeric("session_minutes")).toEqual(b.frame.numeric("session_minutes"));
    expect(a.truth).toEqual(b.truth);
  });

  test("simulation: IPW (right propensity) and AIPW (right outcome) unbiased within 2 SE over 200 seeds", () => {
    const ipw: number[] = [];
    const aipw: number[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const { frame, truth } = generatePropensityScenario({ seed, users: 2000 });
      const right = propensity(frame, {
        treatment: "opt_in_agent_mode",
        outcome: "session_minutes",
        covariates: FULL,
        outcomeCovariates: ["engagement_tier"],
        estimator: "ipw",
      });
      const wrongPs = propensity(frame, {
        treatment: "opt_in_agent_mode",
        outcome: "session_minutes",
        covariates: MAIN,
        outcomeCovariates: FULL,
      });
      ipw.push(right.ipw.ate.estimate - truth.sampleAte);
      aipw.push(wrongPs.doublyRobust.aipw.ate.estimate - truth.sampleAte);
    }
    for (const errors of [ipw, aipw]) {
      const m = errors.reduce((a, b) => a + b, 0) / errors.length;
      const sd = Math.sqrt(errors.reduce((a, b) => a + (b - m) ** 2, 0) / (errors.length - 1));
      expect(Math.abs(m)).toBeLessThan((2 * sd) / Math.sqrt(errors.length));
    }
  }, 120_000);
});
