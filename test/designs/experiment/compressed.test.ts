import { describe, expect, it } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import {
  experiment,
  experimentCellRequest,
  experimentFromCells,
} from "../../../src/designs/experiment/experiment.js";
import { type ExperimentSpec, parseExperimentSpec } from "../../../src/designs/experiment/spec.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { threeArm } from "./three-arm.js";

const three = threeArm();

/** The reference: one cell per row (the request's keys plus the row id), so nothing is pooled before estimating. */
function onRows(frame: Frame, spec: ExperimentSpec) {
  const s = parseExperimentSpec(spec);
  const req = experimentCellRequest(s);
  const rows = frame.withColumn(
    "__row",
    Float64Array.from({ length: frame.nrows }, (_, i) => i),
  );
  const cells = compressFrameToCells(rows, { ...req, keys: [...req.keys, "__row"] });
  expect(cells.frame.nrows).toBe(frame.nrows);
  return experimentFromCells(cells, s);
}

const SPECS: Record<string, ExperimentSpec> = {
  welch: { treatment: "arm", control: "A", metrics: ["y", "conv"] },
  cuped: {
    treatment: "arm",
    control: "A",
    metrics: ["y"],
    cuped: "pre",
    guardrails: [{ metric: "conv", margin: -0.05 }],
  },
  ratio: { treatment: "arm", control: "A", ratios: [{ numerator: "tasks", denominator: "sessions" }] },
  clusterRatio: {
    treatment: "arm",
    control: "A",
    cluster: "team",
    ratios: [{ numerator: "tasks", denominator: "sessions" }],
  },
  lin: { treatment: "arm", control: "A", metrics: ["y"], covariates: ["x1"] },
  clusterCuped: { treatment: "arm", control: "A", metrics: ["y"], cluster: "team", cuped: "pre" },
  clusterLin: {
    treatment: "arm",
    control: "A",
    metrics: ["y"],
    cluster: "team",
    covariates: ["x1", "x2"],
    vcov: "CR1",
  },
};

describe("experiment: compress → estimate equals the rows to 1e-10", () => {
  for (const [name, spec] of Object.entries(SPECS)) {
    it(name, () => {
      const compressed = experiment(three, spec);
      const rows = onRows(three, spec);
      expect(compressed.n.cells).toBeLessThan(
        name === "lin" || name === "clusterLin" ? three.nrows + 1 : 200,
      );
      expect(compressed.n.obs).toBe(three.nrows);
      expectClose(compressed.comparisons, rows.comparisons, TOL.identity);
      expectClose(compressed.srm, rows.srm, TOL.identity);
      expect(compressed.diagnostics.map((d) => [d.code, d.severity])).toEqual(
        rows.diagnostics.map((d) => [d.code, d.severity]),
      );
    });
  }

  it("row order does not matter (cells arrive in any order from an engine)", () => {
    const order = Int32Array.from({ length: three.nrows }, (_, i) => three.nrows - 1 - i);
    const a = experiment(three, SPECS.clusterCuped);
    const b = experiment(three.take(order), SPECS.clusterCuped);
    expectClose(b.comparisons, a.comparisons, TOL.identity);
  });

  it("the cell request: keys treatment × cluster × covariates, co-moments only for CUPED or ratios", () => {
    expect(experimentCellRequest(parseExperimentSpec(SPECS.welch))).toEqual({
      keys: ["arm"],
      measures: ["y", "conv"],
      crossProducts: false,
    });
    expect(experimentCellRequest(parseExperimentSpec(SPECS.clusterLin))).toEqual({
      keys: ["arm", "team", "x1", "x2"],
      measures: ["y"],
      crossProducts: false,
    });
    expect(experimentCellRequest(parseExperimentSpec(SPECS.cuped)).crossProducts).toBe(true);
  });

  it("is deterministic and returns frozen data", () => {
    const a = experiment(three, SPECS.cuped);
    expect(JSON.stringify(experiment(three, SPECS.cuped))).toBe(JSON.stringify(a));
    expect(Object.isFrozen(a.comparisons[0].difference)).toBe(true);
  });
});

describe("experiment: small hand-checkable case", () => {
  it("two arms of three rows: difference, Welch SE and relative lift", () => {
    const f = Frame.fromObject({ arm: ["c", "c", "c", "t", "t", "t"], y: [1, 2, 3, 2, 4, 6] });
    const r = experiment(f, { treatment: "arm", control: "c", metrics: ["y"] });
    const c = r.comparisons[0];
    expect(c.difference.estimate).toBeCloseTo(2, 12);
    // s_c² = 1, s_t² = 4 → SE = √(1/3 + 4/3); df = (5/3)² / ((1/3)²/2 + (4/3)²/2) = 2.9412
    expect(c.difference.se).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(c.difference.df).toBeCloseTo(25 / 9 / (17 / 18), 12);
    expect(c.relative?.estimate).toBeCloseTo(1, 12);
  });
});
