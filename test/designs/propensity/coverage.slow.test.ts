// Slow tier (excluded from `vitest run` by default): npm run test:slow -- test/designs/propensity/coverage.slow.test.ts
import { expect, test } from "vitest";
import { generatePropensityScenario } from "../../../src/data/generate/propensity-scenario.js";
import { propensity } from "../../../src/designs/propensity/index.js";

const FULL = [
  "engagement_tier",
  "usage_score",
  { interaction: ["engagement_tier", "usage_score"] as [string, string] },
];

// Measured (500 seeds, 5,000 users, 2026-11-23): IPW ATE 94.2%, AIPW ATE 95.0%, AIPW ATT 96.0%, IPW ATT 91.4%
// (10,000 users: 95.0 / 95.8 / – / 91.2). The IPW ATT's Wald interval under-covers in this scenario, and not
// because of its standard error: the sandwich agrees with a leave-one-out jackknife to 4% (seed 3: 0.0631 vs
// 0.0656), yet the estimate's sampling distribution is skewed (skewness −1.9, SD 0.087 against a mean SE of
// 0.072) by the control weights p/(1 − p) of heavy users with high usage, and a refitting percentile bootstrap
// (500 replicates) covers even less (89.5% over 400 seeds). The design flags it (D_PS_WEIGHTS warns for the ATT
// and points to the doubly robust estimate, which covers).
test("sandwich-SE coverage of the IPW ATE and the AIPW ATE and ATT is 93–97% over 500 seeds", () => {
  const hits = { ipwAte: 0, ipwAtt: 0, aipwAte: 0, aipwAtt: 0 };
  const seeds = 500;
  for (let seed = 1; seed <= seeds; seed++) {
    const { frame, truth } = generatePropensityScenario({ seed, users: 5000 });
    const res = propensity(frame, {
      treatment: "opt_in_agent_mode",
      outcome: "session_minutes",
      covariates: FULL,
      outcomeCovariates: FULL,
    });
    const inside = (ci: readonly [number, number] | null, v: number) =>
      ci && ci[0] <= v && v <= ci[1] ? 1 : 0;
    hits.ipwAte += inside(res.ipw.ate.ci, truth.sampleAte);
    hits.ipwAtt += inside(res.ipw.att.ci, truth.sampleAtt);
    hits.aipwAte += inside(res.doublyRobust.aipw.ate.ci, truth.sampleAte);
    hits.aipwAtt += inside(res.doublyRobust.aipw.att.ci, truth.sampleAtt);
  }
  const rates = Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, v / seeds]));
  console.log(JSON.stringify(rates));
  for (const r of [rates.ipwAte, rates.aipwAte, rates.aipwAtt]) {
    expect(r).toBeGreaterThanOrEqual(0.93);
    expect(r).toBeLessThanOrEqual(0.97);
  }
  expect(rates.ipwAtt).toBeGreaterThanOrEqual(0.88);
}, 900_000);
