import { it } from "vitest";
import { experiment } from "../../../src/designs/experiment/experiment.js";
import { readFixture } from "../../helpers/fixture.js";

it("smoke", () => {
  const f = readFixture("saas_llm_logs_seed42.csv.gz");
  const r = experiment(f, {
    treatment: "prompt_variant",
    control: 0,
    metrics: ["task_completed", "thumbs_up"],
    ratios: [{ numerator: "cost_usd", denominator: "task_completed" }],
    guardrails: [{ metric: "retained_7d", margin: -0.01 }],
    cuped: "session_minutes",
  });
  console.log(JSON.stringify(r, null, 1).slice(0, 6000));
  const r2 = experiment(f, { treatment: "wave", control: 2, metrics: ["task_completed"], cluster: "workspace_id", covariates: ["signup_week", "opt_in_agent_mode"] });
  console.log(JSON.stringify(r2.comparisons, null, 1));
});
