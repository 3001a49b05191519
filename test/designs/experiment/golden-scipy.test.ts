import { describe, expect, it } from "vitest";
import { type ExperimentComparison, experiment } from "../../../src/designs/experiment/experiment.js";
import { bhAdjust, holmAdjust } from "../../../src/designs/experiment/multiplicity.js";
import { srmTest } from "../../../src/designs/experiment/srm.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";
import { threeArm } from "./three-arm.js";

interface Contrast {
  estimate: number;
  se: number;
  pValue: number;
  df?: number;
  ci: [number, number];
  relative: { estimate: number; se: number; pValue: number; ci: [number, number] };
}
// biome-ignore lint/suspicious/noExplicitAny: golden JSON
const g = loadGolden<any>("experiment", "peers").expected;
const fixture = readFixture("saas_llm_logs_seed42.csv.gz");
const three = threeArm();

function expectContrast(c: ExperimentComparison | undefined, e: Contrast): void {
  expect(c).toBeDefined();
  const cmp = c as ExperimentComparison;
  expectClose(cmp.difference.estimate, e.estimate, TOL.estimate, "estimate");
  expectClose(cmp.difference.se, e.se, TOL.se, "se");
  expectClose(cmp.difference.pValue, e.pValue, TOL.pValue, "pValue");
  if (e.df !== undefined) expectClose(cmp.difference.df, e.df, TOL.se, "df");
  expectClose(cmp.difference.ci, e.ci, TOL.se, "ci");
  expectClose(cmp.relative?.estimate, e.relative.estimate, TOL.estimate, "relative");
  expectClose(cmp.relative?.se, e.relative.se, TOL.se, "relative se");
  expectClose(cmp.relative?.pValue, e.relative.pValue, TOL.pValue, "relative p");
  expectClose(cmp.relative?.ci, e.relative.ci, TOL.se, "relative ci");
}

const find = (r: { comparisons: readonly ExperimentComparison[] }, metric: string, variant: string) =>
  r.comparisons.find((c) => c.metric === metric && c.variant === variant);

describe("experiment: golden values from scipy / statsmodels / numpy", () => {
  it("Welch t on the tutorial fixture equals scipy ttest_ind(equal_var=False) (truth +4 pp)", () => {
    const r = experiment(fixture, { treatment: "prompt_variant", control: 0, metrics: ["task_completed"] });
    expectContrast(find(r, "task_completed", "1"), g.fixture.welch_task_completed);
    expect(r.comparisons[0].inference).toBe("welch");
    expect(r.estimate.ci?.[0]).toBeLessThan(0.04);
    expect(r.estimate.ci?.[1]).toBeGreaterThan(0.04);
  });

  it("CUPED (θ pooled) equals Welch on y − θ(pre − mean) computed in numpy, with its variance reduction", () => {
    const r = experiment(fixture, {
      treatment: "prompt_variant",
      control: 0,
      metrics: ["task_completed"],
      cuped: "session_minutes",
    });
    const e = g.fixture.cuped_task_completed_session_minutes["1"];
    const c = find(r, "task_completed", "1");
    expectContrast(c, e);
    expectClose(c?.varianceReduction, e.varianceReduction, TOL.se);
    expectClose(c?.unadjusted?.se, g.fixture.welch_task_completed.se, TOL.se);
  });

  it("ratio metric cost per completed task: delta method at the user equals numpy", () => {
    const r = experiment(fixture, {
      treatment: "prompt_variant",
      control: 0,
      ratios: [{ numerator: "cost_usd", denominator: "task_completed" }],
    });
    const c = find(r, "cost_usd/task_completed", "1");
    expectContrast(c, g.fixture.ratio_cost_per_completed);
    expectClose(c?.controlMean, g.fixture.ratio_cost_per_completed.controlRatio, TOL.estimate);
  });

  it("SRM on the fixture equals scipy chisquare", () => {
    const r = experiment(fixture, { treatment: "prompt_variant", control: 0, metrics: ["task_completed"] });
    expect(r.srm.observed).toEqual(g.fixture.srm_prompt_variant.observed);
    expectClose(r.srm.chi2, g.fixture.srm_prompt_variant.chi2, TOL.estimate);
    expectClose(r.srm.pValue, g.fixture.srm_prompt_variant.pValue, TOL.pValue);
  });

  it("three arms: Welch per variant, CUPED, ratio at rows and at teams, HC2 OLS", () => {
    const r = experiment(three, {
      treatment: "arm",
      control: "A",
      metrics: ["y", "conv"],
      ratios: [{ numerator: "tasks", denominator: "sessions" }],
    });
    expect(r.arms.map((a) => a.level)).toEqual(["A", "B", "C"]);
    for (const v of ["B", "C"]) {
      expectContrast(find(r, "y", v), g.three_arm.welch_y[v]);
      expectContrast(find(r, "conv", v), g.three_arm.welch_conv[v]);
      expectContrast(find(r, "tasks/sessions", v), g.three_arm.ratio_rows[v]);
    }
    const cuped = experiment(three, { treatment: "arm", control: "A", metrics: ["y"], cuped: "pre" });
    for (const v of ["B", "C"]) {
      expectContrast(find(cuped, "y", v), g.three_arm.cuped_y_pre[v]);
      expectClose(
        find(cuped, "y", v)?.varianceReduction,
        g.three_arm.cuped_y_pre[v].varianceReduction,
        TOL.se,
      );
    }
    const teams = experiment(three, {
      treatment: "arm",
      control: "A",
      cluster: "team",
      ratios: [{ numerator: "tasks", denominator: "sessions" }],
    });
    for (const v of ["B", "C"]) expectContrast(find(teams, "tasks/sessions", v), g.three_arm.ratio_teams[v]);
    const hc2 = experiment(three, { treatment: "arm", control: "A", metrics: ["y"], vcov: "HC2" });
    for (const v of ["B", "C"]) {
      const c = find(hc2, "y", v);
      const e = g.three_arm.hc2_y[v];
      expect(c?.inference).toBe("HC2");
      expectClose(c?.difference.estimate, e.estimate, TOL.estimate);
      expectClose(c?.difference.se, e.se, TOL.se);
      expectClose(c?.difference.df, e.df, TOL.estimate);
      expectClose(c?.difference.pValue, e.pValue, TOL.pValue);
      expectClose(c?.difference.ci, e.ci, TOL.se);
    }
  });

  it("SRM with equal and planned splits equals scipy chisquare", () => {
    const r = experiment(three, { treatment: "arm", control: "A", metrics: ["y"] });
    expect(r.srm.observed).toEqual(g.three_arm.srm_equal.observed);
    expectClose(r.srm.chi2, g.three_arm.srm_equal.chi2, TOL.estimate);
    expectClose(r.srm.pValue, g.three_arm.srm_equal.pValue, TOL.pValue);
    const p = srmTest(["A", "B", "C"], g.srm_planned.observed, g.srm_planned.split, "rows");
    expectClose(p.chi2, g.srm_planned.chi2, TOL.estimate);
    expectClose(p.pValue, g.srm_planned.pValue, TOL.pValue);
  });

  it("Holm and Benjamini–Hochberg equal statsmodels multipletests (ties included)", () => {
    expectClose(holmAdjust(g.multiplicity.p), g.multiplicity.holm, TOL.estimate);
    expectClose(bhAdjust(g.multiplicity.p), g.multiplicity.bh, TOL.estimate);
  });
});
