import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { synth } from "../../../src/designs/synth/index.js";
import { expectClose } from "../../helpers/expect-close.js";
import { fixturePath } from "../../helpers/fixture.js";
import { loadGolden } from "../../helpers/golden.js";

interface Search {
  v: number[];
  w: number[];
  lossV: number;
  starts: {
    value: number;
    method: string;
    nelderMead: number;
    bfgs: number;
    nmEvaluations: number;
    bfgsEvaluations: number;
    bfgsGradients: number;
  }[];
}
interface BasqueGolden {
  units: string[];
  X1: number[];
  ipop: Search;
  exact: Search;
  published: Record<string, number>;
}

/** Synth's `basque` data, 1960–1970, without Spain (empty cells are missing values). */
function basqueFrame(): Frame {
  const lines = gunzipSync(readFileSync(fixturePath("basque_1960_1970.csv.gz")))
    .toString("utf8")
    .trim()
    .split("\n");
  const header = lines[0].split(",");
  const rows = lines.slice(1).map((l) => l.split(","));
  const data: Record<string, string[] | (number | null)[]> = {};
  header.forEach((h, j) => {
    data[h] = j === 0 ? rows.map((r) => r[j]) : rows.map((r) => (r[j] === "" ? null : Number(r[j])));
  });
  return Frame.fromObject(data);
}

const ODD = [1961, 1963, 1965, 1967, 1969];
/** The predictors of R Synth's ?synth Basque example. */
const PREDICTORS = [
  ...["school.illit", "school.prim", "school.med", "school.high", "school.post.high", "invest"].map(
    (column) => ({
      column,
      from: 1964,
      to: 1969,
    }),
  ),
  { column: "gdpcap", from: 1960, to: 1969 },
  ...[
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
  ].map((column) => ({ column, periods: ODD })),
  { column: "popdens", periods: [1969] },
];

describe("ADH on the classic Basque data (Abadie & Gardeazabal 2003; R Synth's example)", () => {
  const g = loadGolden<BasqueGolden>("synth", "basque").expected;
  const res = synth(basqueFrame(), {
    outcome: "gdpcap",
    unit: "regionname",
    time: "year",
    treated: ["Basque Country (Pais Vasco)"],
    treatmentStart: 1970,
    predictors: PREDICTORS,
    placebo: false,
    leaveOneOut: false,
    inTimePlacebo: false,
    sdid: false,
    augmented: false,
  });
  const p = res.predictors;
  if (!p) throw new Error("no predictors");
  const byUnit = Object.fromEntries(res.weights.map((w) => [w.unit, w.weight]));

  it("reproduces the published weights: Cataluña 0.851, Madrid 0.149", () => {
    expect(byUnit.Cataluna.toFixed(3)).toBe("0.851");
    expect(byUnit["Madrid (Comunidad De)"].toFixed(3)).toBe("0.149");
    expect(res.usedDonors).toBe(2);
    expect(p.treated).toHaveLength(14);
    expectClose(p.treated, g.X1, { rtol: 1e-12 });
  });

  it("follows R's optimx Nelder-Mead + BFGS search with the exact inner QP", () => {
    expect(p.starts.map((s) => s.method)).toEqual(g.exact.starts.map((s) => s.method));
    expectClose(
      p.starts.map((s) => s.nelderMead.lossV),
      g.exact.starts.map((s) => s.nelderMead),
      { rtol: 1e-6 },
    );
    expect(p.starts.map((s) => s.nelderMead.evaluations)).toEqual(g.exact.starts.map((s) => s.nmEvaluations));
    expectClose(p.lossV, g.exact.lossV, { rtol: 1e-6 });
    expectClose(
      g.units.map((u) => byUnit[u]),
      g.exact.w,
      { atol: 1e-5 },
    );
  });

  it("lands within ipop's accuracy of Synth's own solution", () => {
    expectClose(
      g.units.map((u) => byUnit[u]),
      g.ipop.w,
      { atol: 1e-4 },
    );
    expectClose(p.lossV, g.ipop.lossV, { rtol: 1e-4 });
  });

  it("certifies unique weights from the KKT conditions and does not warn about near-non-uniqueness", () => {
    expect(res.fit.uniqueWeights).toBe(true);
    expect(res.fit.uniqueness.support).toBe(2);
    expect(res.fit.uniqueness.rank).toBe(1);
    expect(res.fit.uniqueness.degenerateDonors).toEqual([]);
    const near = res.fit.nearUniqueness;
    if (!near) throw new Error("no probe");
    expect(near.material).toBe(false);
    expect(res.diagnostics.filter((d) => d.code === "D_SYNTH_WEIGHTS_NOT_UNIQUE")).toEqual([]);
  });
});
