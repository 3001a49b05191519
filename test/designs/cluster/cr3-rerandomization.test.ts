import { describe, expect, it } from "vitest";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { CLUSTER_CLI } from "../../../src/designs/cluster/cli.js";
import { cluster, clusterCellRequest, clusterFromCells } from "../../../src/designs/cluster/cluster.js";
import { type ClusterSpec, parseClusterSpec } from "../../../src/designs/cluster/spec.js";
import { clusterSummary } from "../../../src/designs/cluster/summary.js";
import { randomizationInference } from "../../../src/models/randomization.js";
import { errorCode } from "../../helpers/error-code.js";
import { expectClose, TOL } from "../../helpers/expect-close.js";
import { loadGolden } from "../../helpers/golden.js";
import { clusterFixture } from "./cluster-fixture.js";

describe("cluster(): inference.cr3 selects the CR3 convention", () => {
  const spec = {
    outcome: "session_minutes_obs",
    treatment: { column: "wave", treatedValues: [1] },
    cluster: "workspace_id",
    inference: { seed: 1, pairs: false as const },
  };
  const frame = clusterFixture();

  it("'CR3-clubsandwich' is R clubSandwich's CR3 (test/golden/cluster/cr3_clubsandwich.json); 'CR3' stays sandwich's", () => {
    const g = loadGolden<{
      treated: { bse: number[]; pvalues: number[]; ci_lower: number[]; ci_upper: number[] };
    }>("cluster", "cr3_clubsandwich").expected.treated;
    const club = cluster(frame, { ...spec, inference: { ...spec.inference, cr3: "CR3-clubsandwich" } });
    expectClose(club.estimators.cr3.se, g.bse[1], TOL.se, "se");
    expectClose(club.estimators.cr3.pValue, g.pvalues[1], TOL.pValue, "p");
    expectClose(club.estimators.cr3.ci, [g.ci_lower[1], g.ci_upper[1]], TOL.se, "ci");
    const plain = cluster(frame, spec);
    const sandwich = loadGolden<{ treated_cr3: { bse: number[] } }>("cluster", "cr2_fixture").expected
      .treated_cr3;
    expectClose(plain.estimators.cr3.se, sandwich.bse[1], TOL.se, "sandwich se");
    expectClose(
      club.estimators.cr3.se,
      (plain.estimators.cr3.se as number) * Math.sqrt(50 / 49),
      TOL.identity,
      "√",
    );
    expect(clusterSummary(club).lines.some((l) => l.label === "User-level OLS, CR3 (clubSandwich)")).toBe(
      true,
    );
    expect(club.tidy.estimates.some((e) => e.method === "CR3 (jackknife, clubSandwich)")).toBe(true);
    expect(clusterSummary(plain).lines.some((l) => l.label === "User-level OLS, CR3")).toBe(true);
  });

  it("the CLI flag --cr3 and the spec reject an unknown convention", () => {
    const base = { outcome: "y", treatment: "d", cluster: "g" };
    expect(CLUSTER_CLI.toSpec({ ...base, cr3: "CR3-clubsandwich" }, {}).inference).toMatchObject({
      cr3: "CR3-clubsandwich",
    });
    expect(errorCode(() => parseClusterSpec({ ...base, inference: { cr3: "CR4" } }))).toBe("E_INVALID_SPEC");
  });
});

/** K clusters of 10–30 users, a cluster-level covariate x driving the outcome, the first half treated. */
function simulate(K: number, seed: number): Frame {
  const rng = createRng(seed);
  const y: number[] = [];
  const d: number[] = [];
  const g: number[] = [];
  const x: number[] = [];
  for (let c = 0; c < K; c++) {
    const xc = Math.round(rng.normal() * 1000) / 1000;
    const arm = c % 2;
    const m = 10 + rng.int(21);
    for (let i = 0; i < m; i++) {
      y.push(1 + 0.3 * arm + xc + rng.normal());
      d.push(arm);
      g.push(c);
      x.push(xc);
    }
  }
  return Frame.fromObject({ y, d, g, x, x2: x.map((v, i) => v * v + (g[i] % 3)) });
}

describe("cluster(): randomization inference under re-randomization (Morgan & Rubin 2012)", () => {
  const frame = simulate(10, 5);
  const rr = { covariates: ["x", "x2"], threshold: "observed" as const };
  const inference = {
    seed: 9,
    pairs: false as const,
    wild: false as const,
    randomization: { rerandomization: rr },
  };
  const spec: ClusterSpec = { outcome: "y", treatment: "d", cluster: "g", inference };

  it("uses the cluster-level balance columns and the accepted assignments only; same on compressed cells", () => {
    const res = cluster(frame, spec);
    const ri = res.smallK?.randomization;
    expect(ri?.rerandomization).toMatchObject({
      criterion: "mahalanobis",
      covariates: ["x", "x2"],
      drawn: 252,
    });
    // The same test straight from the model, on the cluster table.
    const K = 10;
    const sums = new Float64Array(K);
    const sizes = new Float64Array(K);
    const x = new Float64Array(K);
    const x2 = new Float64Array(K);
    const yv = frame.numeric("y");
    const gv = frame.numeric("g");
    for (let i = 0; i < frame.nrows; i++) {
      sums[gv[i]] += yv[i];
      sizes[gv[i]] += 1;
      x[gv[i]] = frame.numeric("x")[i];
      x2[gv[i]] = frame.numeric("x2")[i];
    }
    const treated = Uint8Array.from({ length: K }, (_, c) => c % 2);
    const direct = randomizationInference(
      { sums, sizes, treated },
      { rerandomization: { covariates: [x, x2], names: ["x", "x2"], threshold: "observed" } },
    );
    expect(ri?.pValue).toBe(direct.pValue);
    expect(ri?.reps).toBe(direct.reps);
    expect(ri?.rerandomization).toEqual(direct.rerandomization);
    expect(ri?.reps).toBeLessThan(252);
    const s = parseClusterSpec(spec);
    const cells = clusterFromCells(compressFrameToCells(frame, clusterCellRequest(s)), s);
    expect(cells.smallK?.randomization?.pValue).toBe(ri?.pValue);
    expect(clusterCellRequest(s).keys).toEqual(["g", "d", "x", "x2"]);
    const line = clusterSummary(res).lines.find((l) => l.label === "Re-randomization");
    expect(line?.value).toContain("balance on x, x2");
    expect(res.tidy.estimates.some((e) => e.method === "randomization inference (re-randomized)")).toBe(true);
  });

  it("a rule that accepts everything reproduces plain randomization inference", () => {
    const all = cluster(frame, {
      ...spec,
      inference: { ...inference, randomization: { rerandomization: { covariates: ["x"], threshold: 1e9 } } },
    });
    const plain = cluster(frame, { ...spec, inference: { ...inference, randomization: {} } });
    expect(all.smallK?.randomization?.pValue).toBe(plain.smallK?.randomization?.pValue);
    expect(all.smallK?.randomization?.ci).toEqual(plain.smallK?.randomization?.ci);
    expect(all.smallK?.randomization?.rerandomization?.acceptanceRate).toBe(1);
  });

  it("coded errors and CLI wiring", () => {
    const varying = frame.withColumn(
      "x",
      Float64Array.from(frame.numeric("x"), (v, i) => v + (i === 0 ? 1 : 0)),
    );
    expect(errorCode(() => cluster(varying, spec))).toBe("E_BALANCE_VARIES_IN_CLUSTER");
    expect(
      errorCode(() =>
        cluster(frame, {
          ...spec,
          inference: {
            ...inference,
            randomization: { rerandomization: { covariates: ["x"], threshold: 0 } },
          },
        }),
      ),
    ).toBe("E_RERANDOMIZATION_REJECTS_OBSERVED");
    expect(
      errorCode(() =>
        cluster(frame, {
          ...spec,
          inference: { randomization: { rerandomization: { covariates: ["nope"], threshold: 1 } } },
        }),
      ),
    ).toBe("E_COLUMN_MISSING");
    const base = { outcome: "y", treatment: "d", cluster: "g" };
    expect(
      CLUSTER_CLI.toSpec({ ...base, riBalance: "x, x2", riThreshold: "observed" }, {}).inference,
    ).toEqual({
      randomization: { rerandomization: { covariates: ["x", "x2"], threshold: "observed" } },
    });
    expect(
      CLUSTER_CLI.toSpec({ ...base, riBalance: "x", riThreshold: "2.5", riReps: "999" }, {}).inference,
    ).toEqual({
      randomization: { reps: 999, rerandomization: { covariates: ["x"], threshold: 2.5 } },
    });
    expect(errorCode(() => CLUSTER_CLI.toSpec({ ...base, riBalance: "x" }, {}))).toBe("E_USAGE");
  });
});
