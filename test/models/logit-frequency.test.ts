import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { Frame } from "../../src/core/frame.js";
import { type LogitCovariate, type LogitResult, logit, logitFit } from "../../src/models/logit.js";
import { compressRows, rowsFrame } from "../helpers/compress.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose } from "../helpers/expect-close.js";
import { type CellData, cellData } from "./ols-frequency-data.js";

const TOL = { rtol: 1e-10, atol: 1e-12 } as const;

function covariates(keys: number): LogitCovariate[] {
  const cats = ["a", "b", "c"]
    .slice(0, keys)
    .map((column): LogitCovariate => ({ kind: "categorical", column }));
  return ["x", ...cats];
}

function fitBoth(data: CellData, byCluster: boolean): { row: LogitResult; cell: LogitResult } | null {
  const keys = ["x", "a", "b", "c"].slice(0, data.keys + 1);
  const rows = rowsFrame(data.rows);
  const cells = compressRows(data.rows, byCluster ? [...keys, "g"] : keys, ["d"]);
  const spec = { outcome: "d", covariates: covariates(data.keys) };
  let row: LogitResult;
  try {
    row = logit(rows, spec);
  } catch (e) {
    if (!(e instanceof TrueliftError)) throw e;
    expect(errorCode(() => logit(cells, { ...spec, frequency: { count: "count" } }))).toBe(e.code);
    return null;
  }
  return { row, cell: logit(cells, { ...spec, frequency: { count: "count" } }) };
}

function expectSameLogit(cell: LogitResult, row: LogitResult): void {
  expect(cell.terms.map((t) => t.name)).toEqual(row.terms.map((t) => t.name));
  expect(cell.n).toEqual(row.n);
  expect(cell.diagnostics).toEqual(row.diagnostics);
  expectClose(
    cell.terms.map(({ estimate, se, statistic, pValue, ci, df }) => ({
      estimate,
      se,
      statistic,
      pValue,
      ci,
      df,
    })),
    row.terms.map(({ estimate, se, statistic, pValue, ci, df }) => ({
      estimate,
      se,
      statistic,
      pValue,
      ci,
      df,
    })),
    TOL,
    "terms",
  );
  expectClose(cell.covariance, row.covariance, TOL, "covariance");
  const stats = ({ logLik, nullLogLik, pseudoR2, auc }: LogitResult) => ({
    logLik,
    nullLogLik,
    pseudoR2,
    auc,
  });
  expectClose(stats(cell), stats(row), TOL, "fit");
}

describe("logit on binomial cells equals logit on the rows", () => {
  it("MLE, model-based SEs, logLik, pseudo-R², AUC and n to 1e-10", () => {
    let fitted = 0;
    fc.assert(
      fc.property(cellData, fc.boolean(), (data, byCluster) => {
        const both = fitBoth(data, byCluster);
        if (!both) return;
        fitted++;
        expectSameLogit(both.cell, both.row);
      }),
      { numRuns: 50, seed: 1418 },
    );
    expect(fitted).toBeGreaterThan(25);
  });

  it("counts drops in rows and returns one fitted probability per cell", () => {
    const cells = Frame.fromObject({ d: [0.5, 0.25, 2 / 3, null], x: [0, 1, 2, 3], n: [2, 4, 3, 5] });
    const { result, fitted } = logitFit(cells, {
      outcome: "d",
      covariates: ["x"],
      missing: "drop",
      frequency: { count: "n" },
    });
    expect(result.n).toEqual({ obs: 9, dropped: 5, droppedReasons: { missing: 5 } });
    expect(fitted.length).toBe(4);
  });
});

describe("logit frequency: errors", () => {
  const frame = (d: number[], n: number[]) => Frame.fromObject({ d, n, x: [0, 1, 2, 3], w: [1, 1, 1, 1] });
  const spec = { outcome: "d", covariates: ["x"], frequency: { count: "n" } } as const;

  it("a share outside [0, 1] or a bad count → E_BAD_FREQUENCY", () => {
    expect(errorCode(() => logit(frame([0.5, 1.5, 0, 1], [2, 2, 2, 2]), spec))).toBe("E_BAD_FREQUENCY");
    expect(errorCode(() => logit(frame([0.5, 0.5, 0, 1], [2, 0, 2, 2]), spec))).toBe("E_BAD_FREQUENCY");
    expect(errorCode(() => logit(frame([0.5, 0.5, 0, 1], [2, 2.5, 2, 2]), spec))).toBe("E_BAD_FREQUENCY");
  });

  it("frequency with weights → E_INVALID_SPEC; all-failure cells → E_CONSTANT_OUTCOME", () => {
    const f = frame([0.5, 0.5, 0, 1], [2, 2, 2, 2]);
    expect(errorCode(() => logit(f, { ...spec, weights: "w" }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => logit(frame([0, 0, 0, 0], [2, 2, 2, 2]), spec))).toBe("E_CONSTANT_OUTCOME");
  });

  it("separated cells → E_PERFECT_SEPARATION, as on the rows", () => {
    expect(errorCode(() => logit(frame([0, 0, 1, 1], [3, 1, 2, 4]), spec))).toBe("E_PERFECT_SEPARATION");
  });
});
