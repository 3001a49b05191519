import { describe, expect, it } from "vitest";
import { type ExperimentComparison, experiment } from "../../../src/designs/experiment/experiment.js";
import type { ExperimentSpec } from "../../../src/designs/experiment/spec.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { readFixture } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";
import { threeArm } from "./three-arm.js";

interface Expected {
  estimate: number;
  se: number;
  df: number;
  pValue: number;
  ci: [number, number];
  relative: { estimate: number; se: number; pValue: number; ci: [number, number]; controlMean: number };
}
const golden = loadGolden<Record<string, Record<string, Expected>>>("experiment", "estimatr");
const g = golden.expected;
const fixture = readFixture("saas_llm_logs_seed42.csv.gz");
const three = threeArm();

function check(c: ExperimentComparison | undefined, e: Expected): void {
  expect(c).toBeDefined();
  const d = (c as ExperimentComparison).difference;
  expectClose(d.estimate, e.estimate, TOL.estimate, "estimate");
  expectClose(d.se, e.se, TOL.se, "se");
  expectClose(d.df, e.df, TOL.se, "df");
  expectClose(d.pValue, e.pValue, TOL.pValue, "pValue");
  expectClose(d.ci, e.ci, TOL.se, "ci");
  const r = (c as ExperimentComparison).relative;
  expectClose(r?.estimate, e.relative.estimate, TOL.estimate, "relative");
  expectClose(r?.se, e.relative.se, TOL.se, "relative se");
  expectClose(r?.ci, e.relative.ci, TOL.se, "relative ci");
  expectClose(c?.controlMean, e.relative.controlMean, TOL.estimate, "control mean");
}

function run(spec: ExperimentSpec, data = three) {
  const r = experiment(data, spec);
  return (variant: string) => r.comparisons.find((c) => c.variant === variant);
}

describe(`experiment: golden values from ${golden.tool} (${golden.version})`, () => {
  it("Lin's interacted adjustment with HC2 equals estimatr::lm_lin (three arms)", () => {
    const r = run({ treatment: "arm", control: "A", metrics: ["y"], covariates: ["x1", "x2"] });
    for (const v of ["B", "C"]) {
      expect(r(v)?.inference).toBe("HC2");
      expect(r(v)?.adjustment).toBe("lin");
      check(r(v), g.lin_hc2_three[v]);
    }
  });

  it("Lin with clusters and CR2 equals lm_lin(clusters =, se_type = 'CR2')", () => {
    const r = run({
      treatment: "arm",
      control: "A",
      metrics: ["y"],
      covariates: ["x1", "x2"],
      cluster: "team",
    });
    for (const v of ["B", "C"]) check(r(v), g.lin_cr2_three[v]);
  });

  it("arm dummies clustered by the randomization unit: CR2 and CR1 equal lm_robust", () => {
    const cr2 = run({ treatment: "arm", control: "A", metrics: ["y"], cluster: "team" });
    const cr1 = run({ treatment: "arm", control: "A", metrics: ["y"], cluster: "team", vcov: "CR1" });
    for (const v of ["B", "C"]) {
      expect(cr2(v)?.inference).toBe("CR2");
      check(cr2(v), g.cr2_three[v]);
      check(cr1(v), g.cr1_three[v]);
    }
  });

  it("CUPED with clusters equals lm_robust on y − θ(pre − mean) with CR2", () => {
    const r = run({ treatment: "arm", control: "A", metrics: ["y"], cuped: "pre", cluster: "team" });
    for (const v of ["B", "C"]) check(r(v), g.cuped_cr2_three[v]);
  });

  it("tutorial fixture: Lin HC2 on prompt_variant, and wave randomized by workspace with CR2", () => {
    const lin = run(
      {
        treatment: "prompt_variant",
        control: 0,
        metrics: ["task_completed"],
        covariates: ["signup_week", "opt_in_agent_mode", "query_confidence"],
      },
      fixture,
    );
    check(lin("1"), g.lin_hc2_fixture["1"]);
    const wave = run(
      { treatment: "wave", control: 2, metrics: ["task_completed"], cluster: "workspace_id" },
      fixture,
    );
    check(wave("1"), g.cr2_fixture_wave["1"]);
  });
});
