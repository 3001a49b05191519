import { describe, expect, it } from "vitest";
import { rdplotBinNumbers } from "../../../../src/designs/rdd/rdplot/bin-numbers.js";
import { type RdPlotOptions, rdplot } from "../../../../src/designs/rdd/rdplot/rdplot.js";
import { errorCode } from "../../../helpers/error-code.js";
import { expectClose } from "../../../helpers/expect-close.js";
import { readFixture } from "../../../helpers/fixture.js";
import { loadGolden } from "../../../helpers/golden.js";

interface Row {
  side: string;
  bin: number;
  lower: number;
  upper: number;
  meanX: number;
  meanY: number;
  n: number;
  se: number;
  ciLower: number;
  ciUpper: number;
}
interface Case {
  data: "tutorial" | "synthetic";
  cutoff: number;
  options: Record<string, unknown>;
  result: {
    binselect: string;
    bins: [number, number];
    candidates: Record<string, [number, number]>;
    coefficients: { left: number[]; right: number[] };
    nEffective: [number, number];
    binRows: Row[];
    binRowsCount?: number;
  };
}
const golden = loadGolden<Record<string, Case>>("rdd", "rdplot-goldens");

/** Polynomial coefficients: the golden solves the raw-power system with lstsq, truelift a scaled basis. */
const TOL_COEF = { rtol: 1e-7, atol: 1e-9 };
/** Bin means and edges are sums and ratios of the data: near machine precision. */
const TOL_BIN = { rtol: 1e-10, atol: 1e-12 };
/** Per-bin intervals also depend on the t quantile (@stdlib here, scipy there), which agree to ~1e-9. */
const TOL_CI = { rtol: 1e-8, atol: 1e-10 };

function synthetic(n = 2000): { x: Float64Array; y: Float64Array } {
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 1; i <= n; i++) {
    const xi = 2 * ((i * 0.6180339887498949) % 1) - 1;
    x[i - 1] = xi;
    y[i - 1] = xi * xi * xi - xi + 0.5 * (xi >= 0 ? 1 : 0) + 0.3 * (((i * Math.SQRT2) % 1) - 0.5);
  }
  return { x, y };
}

describe("rdplot against the rdplot algorithm (numpy port of rdrobust's R source)", () => {
  const f = readFixture("saas_llm_logs_seed42.csv.gz");
  const tut = { x: f.numeric("query_confidence"), y: f.numeric("task_completed") };
  const syn = synthetic();
  for (const [name, c] of Object.entries(golden.expected)) {
    it(`matches ${name}`, () => {
      const d = c.data === "tutorial" ? tut : syn;
      const r = rdplot(d.y, d.x, { cutoff: c.cutoff, ...(c.options as Partial<RdPlotOptions>) });
      const g = c.result;
      expect(r.binselect).toBe(g.binselect);
      expect(r.bins).toEqual(g.bins);
      expect(r.nEffective).toEqual(g.nEffective);
      expectClose(r.coefficients.left, g.coefficients.left, TOL_COEF, "coef.left");
      expectClose(r.coefficients.right, g.coefficients.right, TOL_COEF, "coef.right");
      const rows = c.data === "tutorial" ? [...r.binRows.slice(0, 3), ...r.binRows.slice(-3)] : r.binRows;
      if (g.binRowsCount !== undefined) expect(r.binRows.length).toBe(g.binRowsCount);
      expect(rows.length).toBe(g.binRows.length);
      rows.forEach((row, i) => {
        const e = g.binRows[i];
        expect([row.side, row.bin, row.n]).toEqual([e.side, e.bin, e.n]);
        expectClose(
          [row.lower, row.upper, row.meanX, row.meanY, row.se],
          [e.lower, e.upper, e.meanX, e.meanY, e.se],
          TOL_BIN,
          `${name} bin ${row.bin}`,
        );
        expectClose([row.ciLower, row.ciUpper], [e.ciLower, e.ciUpper], TOL_CI, `${name} bin ${row.bin} ci`);
      });
    });
  }

  it("computes every candidate number of bins as rdplot does", () => {
    for (const c of Object.values(golden.expected)) {
      if (c.options.nbins !== undefined) continue;
      const d = c.data === "tutorial" ? tut : syn;
      const li: number[] = [];
      const ri: number[] = [];
      d.x.forEach((v, i) => {
        (v < c.cutoff ? li : ri).push(i);
      });
      const sub = (a: Float64Array, idx: number[]) => Float64Array.from(idx, (i) => a[i]);
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (const v of d.x) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
      const j = rdplotBinNumbers(sub(d.x, li), sub(d.y, li), sub(d.x, ri), sub(d.y, ri), c.cutoff, lo, hi);
      const g = c.result.candidates;
      expect([j.esHat, j.esChk, j.qsHat, j.qsChk, j.esHatMv, j.esChkMv, j.qsHatMv, j.qsChkMv]).toEqual([
        g.es,
        g.espr,
        g.qs,
        g.qspr,
        g.esmv,
        g.esmvpr,
        g.qsmv,
        g.qsmvpr,
      ]);
    }
  });

  it("returns tidy, frozen, JSON-safe rows and the fitted curve on a 500-point grid per side", () => {
    const r = rdplot(syn.y, syn.x, { cutoff: 0 });
    expect(r.curve.length).toBe(1000);
    expect(r.curve[0]).toEqual({
      side: "left",
      x: -1 + (syn.x.reduce((a, b) => Math.min(a, b), 1) + 1),
      y: expect.any(Number),
    });
    expect(r.curve[499].x).toBe(0);
    expect(r.curve[500].x).toBe(0);
    expect(Object.isFrozen(r.binRows[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    // the binned means track the truth: left curve at the cutoff ≈ 0, right ≈ 0.5
    const atC = (side: string) => r.curve.filter((p) => p.side === side && p.x === 0)[0].y;
    expect(atC("left")).toBeCloseTo(0, 1);
    expect(atC("right")).toBeCloseTo(0.5, 1);
    expect(r.binselectLabel).toBe("mimicking variance evenly-spaced method using spacings estimators");
  });

  it("reports mass points and switches to the polynomial-regression variant", () => {
    const r = rdplot(tut.y, tut.x, { cutoff: 0.85 });
    expect(r.binselect).toBe("esmvpr");
    expect(r.diagnostics.map((d) => d.code)).toContain("D_RDPLOT_MASS_POINTS");
  });
});

describe("rdplot errors by code", () => {
  const { x, y } = synthetic(100);
  it("rejects bad inputs before computing", () => {
    expect(errorCode(() => rdplot(y, x.subarray(0, 50), { cutoff: 0 }))).toBe("E_LENGTH_MISMATCH");
    expect(errorCode(() => rdplot(y, x, { cutoff: 2 }))).toBe("E_RDD_CUTOFF_OUT_OF_RANGE");
    expect(errorCode(() => rdplot(y.subarray(0, 10), x.subarray(0, 10), { cutoff: 0 }))).toBe(
      "E_RDD_TOO_FEW_OBS",
    );
    expect(errorCode(() => rdplot(y, x, { cutoff: 0, binselect: "xx" as "es" }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => rdplot(y, x, { cutoff: 0, nbins: 0 }))).toBe("E_INVALID_ARGUMENT");
    const yn = Float64Array.from(y);
    yn[3] = Number.NaN;
    expect(errorCode(() => rdplot(yn, x, { cutoff: 0 }))).toBe("E_MISSING_VALUES");
    const xs = Float64Array.from(x, (v) => (v < 0 ? -0.5 : v));
    expect(errorCode(() => rdplot(y, xs, { cutoff: 0 }))).toBe("E_RDD_TOO_FEW_OBS");
  });
});
