import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { experiment, experimentCellRequest } from "../../../src/designs/experiment/experiment.js";
import { parseExperimentSpec } from "../../../src/designs/experiment/spec.js";
import { srmTest } from "../../../src/designs/experiment/srm.js";
import { errorCode, thrown } from "../../helpers/error-code.js";

const f = Frame.fromObject({
  arm: ["a", "a", "a", "b", "b", "b"],
  team: [1, 1, 2, 3, 3, 4],
  y: [1, 0, 1, 1, 1, 0],
  tier: ["x", "y", "x", "y", "x", "y"],
  num: [1, 2, 3, 4, 5, 6],
  den: [0, 0, 0, 1, 2, 0],
  pre: [1, 2, 3, 4, 5, 6],
});

describe("experiment: bad input gives coded errors", () => {
  it("unknown control level → E_UNKNOWN_LEVEL naming the levels", () => {
    const e = thrown(() => experiment(f, { treatment: "arm", control: "z", metrics: ["y"] }));
    expect(e.code).toBe("E_UNKNOWN_LEVEL");
    expect(e.message).toContain("levels: a, b");
  });

  it("fewer than two arms → E_EXPERIMENT_ONE_ARM", () => {
    const one = f.filter([1, 1, 1, 0, 0, 0]);
    expect(errorCode(() => experiment(one, { treatment: "arm", control: "a", metrics: ["y"] }))).toBe(
      "E_EXPERIMENT_ONE_ARM",
    );
  });

  it("non-numeric metric → E_COLUMN_TYPE (also from the column kinds of an engine)", () => {
    expect(errorCode(() => experiment(f, { treatment: "arm", control: "a", metrics: ["tier"] }))).toBe(
      "E_COLUMN_TYPE",
    );
    const spec = parseExperimentSpec({ treatment: "arm", control: "a", metrics: ["tier"] });
    expect(errorCode(() => experimentCellRequest(spec, { arm: "text", tier: "text" }))).toBe("E_COLUMN_TYPE");
  });

  it("zero denominator total in an arm → E_EXPERIMENT_ZERO_DENOMINATOR", () => {
    const e = thrown(() =>
      experiment(f, { treatment: "arm", control: "a", ratios: [{ numerator: "num", denominator: "den" }] }),
    );
    expect(e.code).toBe("E_EXPERIMENT_ZERO_DENOMINATOR");
    expect(e.details.arm).toBe("a");
  });

  it("missing metric or treatment values → E_MISSING_VALUES", () => {
    const g = f.withColumn("y", [1, Number.NaN, 1, 1, 1, 0]);
    expect(errorCode(() => experiment(g, { treatment: "arm", control: "a", metrics: ["y"] }))).toBe(
      "E_MISSING_VALUES",
    );
    const h = f.withColumn("arm", ["a", null, "a", "b", "b", "b"]);
    expect(errorCode(() => experiment(h, { treatment: "arm", control: "a", metrics: ["y"] }))).toBe(
      "E_MISSING_VALUES",
    );
  });

  it("a missing column → E_COLUMN_MISSING", () => {
    expect(errorCode(() => experiment(f, { treatment: "arm", control: "a", metrics: ["nope"] }))).toBe(
      "E_COLUMN_MISSING",
    );
  });

  it("treatment varying within a cluster → E_TREATMENT_VARIES_IN_CLUSTER", () => {
    const g = f.withColumn("team", [1, 1, 2, 2, 3, 3]);
    expect(
      errorCode(() => experiment(g, { treatment: "arm", control: "a", metrics: ["y"], cluster: "team" })),
    ).toBe("E_TREATMENT_VARIES_IN_CLUSTER");
  });

  it("an arm with a single randomization unit → E_EXPERIMENT_SMALL_ARM", () => {
    const g = f.withColumn("team", [1, 1, 1, 3, 3, 4]);
    expect(
      errorCode(() => experiment(g, { treatment: "arm", control: "a", metrics: ["y"], cluster: "team" })),
    ).toBe("E_EXPERIMENT_SMALL_ARM");
  });

  it("a planned split with the wrong number of shares → E_EXPERIMENT_SPLIT", () => {
    expect(
      errorCode(() =>
        experiment(f, { treatment: "arm", control: "a", metrics: ["y"], plannedSplit: [1, 1, 1] }),
      ),
    ).toBe("E_EXPERIMENT_SPLIT");
    expect(errorCode(() => srmTest(["a", "b"], [3, 3], [1], "rows"))).toBe("E_EXPERIMENT_SPLIT");
  });

  it("inconsistent specs → E_INVALID_SPEC naming the field", () => {
    const bad = [
      { treatment: "arm", control: "a" },
      { treatment: "arm", control: "a", metrics: ["y"], vcov: "CR2" },
      { treatment: "arm", control: "a", metrics: ["y"], cluster: "team", vcov: "HC2" },
      { treatment: "arm", control: "a", metrics: ["y"], covariates: ["pre"], vcov: "welch" },
      { treatment: "arm", control: "a", metrics: ["y"], covariates: ["pre"], cuped: "pre" },
      { treatment: "arm", control: "a", metrics: ["y", "y"] },
      { treatment: "arm", control: "a", metrics: ["y"], covariates: ["y"] },
      { treatment: "arm", control: "a", guardrails: [{ metric: "y", margin: 0 }] },
      { treatment: "arm", control: "a", metrics: ["y"], adjust: "bonferroni" },
    ];
    for (const spec of bad)
      expect(
        errorCode(() => parseExperimentSpec(spec)),
        JSON.stringify(spec),
      ).toBe("E_INVALID_SPEC");
    expect(thrown(() => parseExperimentSpec(bad[1])).message).toContain("spec.vcov");
  });
});

describe("experiment: edge cases without an error", () => {
  it("a control mean of 0 leaves the relative lift null (the difference stands), and the chart skips it", async () => {
    const g = Frame.fromObject({ arm: ["a", "a", "a", "b", "b", "b"], y: [0, 0, 0, 1, 0, 1] });
    const r = experiment(g, { treatment: "arm", control: "a", metrics: ["y"] });
    expect(r.comparisons[0].relative).toBeNull();
    expect(r.comparisons[0].difference.estimate).toBeCloseTo(2 / 3, 12);
    const { experimentCharts } = await import("../../../src/designs/experiment/result-charts.js");
    expect(experimentCharts(r).lifts).toBeNull();
  });

  it("constant outcomes: zero SE → a failing D_ZERO_SE and no interval, never a zero-width one", () => {
    const g = Frame.fromObject({ arm: ["a", "a", "b", "b"], y: [1, 1, 2, 2] });
    const r = experiment(g, { treatment: "arm", control: "a", metrics: ["y"] });
    expect(r.estimate.ci).toBeNull();
    expect(r.diagnostics.find((d) => d.code === "D_ZERO_SE")?.severity).toBe("fail");
  });
});
