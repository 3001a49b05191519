import { describe, expect, it } from "vitest";
import { createRng } from "../../../../src/core/rng.js";
import { densityBandwidths, prepareDensitySample } from "../../../../src/designs/rdd/density/bandwidth.js";
import { binomialTestHalf } from "../../../../src/designs/rdd/density/binomial.js";
import { densityTest } from "../../../../src/designs/rdd/density/density-test.js";
import {
  densityCVector,
  densityGMatrix,
  densitySMatrix,
  hermitePoly,
} from "../../../../src/designs/rdd/density/matrices.js";
import type { DensityTestOptions } from "../../../../src/designs/rdd/density/types.js";
import { errorCode } from "../../../helpers/error-code.js";
import { expectClose, TOL } from "../../../helpers/expect-close.js";
import { readFixture } from "../../../helpers/fixture.js";
import { loadGolden } from "../../../helpers/golden.js";

interface CjmCase {
  cutoff: number;
  options: Record<string, unknown>;
  result: {
    hLeft: number;
    hRight: number;
    left: number;
    right: number;
    seLeft: number;
    seRight: number;
    robust: { estimate: number; se: number; statistic: number; pValue: number };
    conventional: { estimate: number; se: number; statistic: number; pValue: number };
    n: Record<string, number>;
    bandwidths: { target: string; h: number; variance: number | null; biasSq: number }[];
    binomial: { windowLeft: number; windowRight: number; nLeft: number; nRight: number; pValue: number }[];
  };
}
interface McCase {
  cutoff: number;
  options: { binWidth?: number; h?: number };
  result: {
    binWidth: number;
    bandwidth: number;
    fLeft: number;
    fRight: number;
    theta: number;
    se: number;
    statistic: number;
    pValue: number;
  };
}
const golden = loadGolden<{ cjm: Record<string, CjmCase>; mccrary: Record<string, McCase> }>(
  "rdd",
  "density-goldens",
);

/**
 * Tolerances. The golden script integrates the kernel moments numerically (scipy quad, ~1e-13) and solves the
 * fits with lstsq; bandwidths pass through fractional powers and a data-dependent trimming, so estimates agree
 * to ~1e-9 relative. Named per quantity.
 */
const TOL_DENSITY = { rtol: 1e-8, atol: 1e-12 };
const TOL_BW = { rtol: 1e-8, atol: 1e-12 };

function baseline(): Float64Array {
  const out = new Float64Array(200);
  for (let i = 0; i < 200; i++) out[i] = -1.5 + (3 * i) / 199 + 0.05 * Math.sin(i);
  return out;
}

function toOptions(c: CjmCase): DensityTestOptions {
  const o = c.options as Record<string, unknown>;
  return {
    cutoff: c.cutoff,
    ...(o.p === undefined ? {} : { p: o.p as number }),
    ...(o.kernel === undefined ? {} : { kernel: o.kernel as DensityTestOptions["kernel"] }),
    ...(o.bwselect === undefined ? {} : { bwselect: o.bwselect as DensityTestOptions["bwselect"] }),
    ...(o.vce === undefined ? {} : { vce: o.vce as DensityTestOptions["vce"] }),
    ...(o.fitselect === undefined ? {} : { fitselect: o.fitselect as DensityTestOptions["fitselect"] }),
    ...(o.mass === undefined ? {} : { massPoints: o.mass as boolean }),
    ...(o.h === undefined ? {} : { h: o.h as [number, number] }),
  };
}

describe("densityTest (Cattaneo, Jansson & Ma) against the rddensity algorithm", () => {
  const qc = readFixture("saas_llm_logs_seed42.csv.gz").numeric("query_confidence");
  for (const [name, c] of Object.entries(golden.expected.cjm)) {
    it(`matches the golden case ${name}`, () => {
      const x = name.startsWith("tutorial") ? qc : baseline();
      const r = densityTest(x, toOptions(c));
      const g = c.result;
      expectClose(r.left.h, g.hLeft, TOL_BW, "hLeft");
      expectClose(r.right.h, g.hRight, TOL_BW, "hRight");
      expectClose(r.left.estimate, g.left, TOL_DENSITY, "fLeft");
      expectClose(r.right.estimate, g.right, TOL_DENSITY, "fRight");
      expectClose(r.left.se, g.seLeft, TOL.se, "seLeft");
      expectClose(r.right.se, g.seRight, TOL.se, "seRight");
      expectClose(r.estimate?.estimate, g.robust.estimate, { rtol: 1e-7, atol: 1e-10 }, "jump");
      expectClose(r.estimate?.se, g.robust.se, TOL.se, "se");
      expectClose(r.estimate?.statistic, g.robust.statistic, { rtol: 1e-6, atol: 1e-9 }, "T");
      expectClose(r.estimate?.pValue, g.robust.pValue, TOL.pValue, "p");
      expectClose(r.conventional?.estimate, g.conventional.estimate, { rtol: 1e-7, atol: 1e-10 }, "conv");
      expectClose(r.conventional?.se, g.conventional.se, TOL.se, "conv se");
      expect(r.n).toEqual(g.n);
      expect(r.binomial.map((b) => [b.nLeft, b.nRight])).toEqual(g.binomial.map((b) => [b.nLeft, b.nRight]));
      expectClose(
        r.binomial.map((b) => [b.windowLeft, b.windowRight]),
        g.binomial.map((b) => [b.windowLeft, b.windowRight]),
        TOL_BW,
        "binomial windows",
      );
      expectClose(
        r.binomial.map((b) => b.pValue),
        g.binomial.map((b) => b.pValue),
        TOL.pValue,
        "binomial p",
      );
      if (g.bandwidths.length > 0) {
        expect(r.bandwidths.map((b) => b.target)).toEqual(["left", "right", "diff", "sum"]);
        for (let i = 0; i < 4; i++) {
          expectClose(r.bandwidths[i].h, g.bandwidths[i].h, TOL_BW, `bw[${i}].h`);
          expectClose(r.bandwidths[i].variance, g.bandwidths[i].variance, TOL.se, `bw[${i}].variance`);
          expectClose(r.bandwidths[i].biasSq, g.bandwidths[i].biasSq, TOL.se, `bw[${i}].biasSq`);
        }
      }
    });
  }

  it("reproduces rddensity's own numerical baseline (package test fixture) on its test data", () => {
    const x = baseline();
    const r = densityTest(x, { cutoff: 0, h: 0.6 });
    // rddensity tests/fixtures/numerical-baseline.csv, case rddensity_fixed and rddensity_all.
    expectClose(r.left.estimate, 0.35436788441285694, TOL_DENSITY, "hat_left");
    expectClose(r.right.estimate, 0.36540670986861795, TOL_DENSITY, "hat_right");
    expectClose(r.estimate?.se, 0.317064829733349, TOL.se, "sd_jk_diff");
    expectClose(r.estimate?.pValue, 0.9722267229011303, TOL.pValue, "p_jk");
    expectClose(r.conventional?.estimate, 0.0016355952590914602, { rtol: 1e-7 }, "hat_p_diff");
    expectClose(r.conventional?.se, 0.18584458290069245, TOL.se, "sd_jk_p_diff");
    const e = densityTest(x, { cutoff: 0 });
    expectClose(e.left.h, 1.5096395383771382, TOL_BW, "h (estimated)");
    expectClose(e.estimate?.statistic, 0.0015633849762083487, { rtol: 1e-6 }, "t_jk (estimated)");
    const bw = e.bandwidths;
    expectClose(bw[0].variance, 1.836396989467658, TOL.se, "h_l_variance");
    expectClose(bw[1].biasSq, 0.00015654898269760944, TOL.se, "h_r_biassq");
    expectClose(bw[3].biasSq, 0.00045769011080528846, TOL.se, "h_sum_biassq");
    const pl = densityTest(x, { cutoff: 0, h: [0.75, 0.65], kernel: "epanechnikov", vce: "plugin" });
    expectClose(pl.left.se, 0.18251921198891685, TOL.se, "sd_asy_left");
    expectClose(pl.estimate?.se, 0.2696431804595114, TOL.se, "sd_asy_diff");
    const rs = densityTest(x, { cutoff: 0, h: 0.8, fitselect: "restricted" });
    expectClose(rs.left.estimate, 0.33395764754479695, TOL_DENSITY, "restricted hat_left");
    expectClose(rs.estimate?.se, 0.1556351689639912, TOL.se, "restricted sd_jk_diff");
  });

  it("does not flag the tutorial data (no manipulation at 0.85)", () => {
    const r = densityTest(qc, { cutoff: 0.85 });
    expect(r.diagnostics[0].code).toBe("D_RDD_DENSITY_TEST");
    expect(r.diagnostics[0].severity).toBe("pass");
    expect(r.massPoints).toBe(true);
    expect(r.diagnostics.map((d) => d.code)).toContain("D_RDD_DENSITY_MASS_POINTS");
    expect(Object.isFrozen(r.estimate)).toBe(true);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
  });
});

describe("binomialTestHalf", () => {
  it("matches R's binom.test(k, n, 0.5) two-sided p-values", () => {
    // R 4.x: binom.test(3, 20)$p.value = 0.00257682800292969; binom.test(10, 20) = 1; binom.test(0, 5) = 0.0625
    expectClose(binomialTestHalf(3, 20), 0.00257682800292969, { rtol: 1e-13 }, "binom 3/20");
    expect(binomialTestHalf(10, 20)).toBe(1);
    expect(binomialTestHalf(0, 5)).toBeCloseTo(0.0625, 15);
    expect(binomialTestHalf(5, 5)).toBeCloseTo(0.0625, 15);
    expect(binomialTestHalf(4000, 10000)).toBeLessThan(1e-80);
    expect(binomialTestHalf(0, 0)).toBe(1);
  });
});

describe("kernel moment matrices", () => {
  it("match closed forms", () => {
    // ∫₀¹ u^m (1 − u) du = 1/((m+1)(m+2))
    const s = densitySMatrix(2, "triangular");
    expect(s[0]).toBeCloseTo(1 / 2, 15);
    expect(s[4]).toBeCloseTo(1 / 12, 15);
    expect(densityCVector(3, 0, "uniform")[0]).toBeCloseTo(0.5 / 4, 15);
    // G for p = 0, uniform: ∫∫_{x<y} x/4 + ∫∫_{x>y} y/4 = 2 · (1/4)(1/6) = 1/12
    expect(densityGMatrix(0, "uniform")[0]).toBeCloseTo(1 / 12, 15);
    expect(hermitePoly(0.7, 4)).toBeCloseTo(0.7 ** 4 - 6 * 0.49 + 3, 14);
  });
});

describe("McCrary (2008) option against rdd::DCdensity's algorithm", () => {
  const qc = readFixture("saas_llm_logs_seed42.csv.gz").numeric("query_confidence");
  for (const [name, c] of Object.entries(golden.expected.mccrary)) {
    it(`matches the golden case ${name}`, () => {
      const x = name.startsWith("tutorial") ? qc : baseline();
      const r = densityTest(x, {
        cutoff: c.cutoff,
        method: "mccrary",
        ...(c.options.binWidth === undefined ? {} : { binWidth: c.options.binWidth }),
        ...(c.options.h === undefined ? {} : { h: c.options.h }),
      });
      const g = c.result;
      expectClose(r.options.binWidth, g.binWidth, TOL.estimate, "bin");
      expectClose(r.left.h, g.bandwidth, { rtol: 1e-9 }, "bw");
      expectClose(r.left.estimate, g.fLeft, { rtol: 1e-9 }, "fLeft");
      expectClose(r.right.estimate, g.fRight, { rtol: 1e-9 }, "fRight");
      expectClose(r.estimate?.estimate, g.theta, { rtol: 1e-7, atol: 1e-12 }, "theta");
      expectClose(r.estimate?.se, g.se, TOL.se, "se");
      expectClose(r.estimate?.pValue, g.pValue, TOL.pValue, "p");
    });
  }
});

/** x from a smooth density (a Beta(2, 2)-like draw on [0, 1]), optionally with units just above c moved below. */
function sample(seed: number, n: number, shift: number): Float64Array {
  const rng = createRng(seed, 0);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let v = rng.beta(2, 2);
    if (v >= 0.5 && v < 0.55 && rng.uniform() < shift) v = 0.5 - (v - 0.5); // sorted to just below the cutoff
    x[i] = v;
  }
  return x;
}

describe("simulation: size and power", () => {
  it("rejects about 5% of the time without manipulation and almost always with it", () => {
    const reps = 200;
    let rejNull = 0;
    let rejAlt = 0;
    for (let s = 0; s < reps; s++) {
      if ((densityTest(sample(1000 + s, 1000, 0), { cutoff: 0.5 }).estimate?.pValue ?? 1) < 0.05) rejNull++;
      if ((densityTest(sample(5000 + s, 1000, 0.6), { cutoff: 0.5 }).estimate?.pValue ?? 1) < 0.05) rejAlt++;
    }
    // Size: binomial(200, 0.05) has sd 3.1, so 10 ± 3 sd is [1, 19] rejections.
    expect(rejNull).toBeGreaterThanOrEqual(1);
    expect(rejNull).toBeLessThanOrEqual(19);
    expect(rejAlt / reps).toBeGreaterThan(0.8);
  }, 120_000);
});

describe("errors by code, before any computation", () => {
  const x = Float64Array.from({ length: 100 }, (_, i) => i / 99);
  it("rejects a cutoff outside the data", () => {
    expect(errorCode(() => densityTest(x, { cutoff: 1.5 }))).toBe("E_RDD_CUTOFF_OUT_OF_RANGE");
    expect(errorCode(() => densityTest(x, { cutoff: 0 }))).toBe("E_RDD_CUTOFF_OUT_OF_RANGE");
  });
  it("rejects bad options", () => {
    expect(errorCode(() => densityTest(x, { cutoff: 0.5, p: 9 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => densityTest(x, { cutoff: 0.5, q: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => densityTest(x, { cutoff: 0.5, h: -1 }))).toBe("E_INVALID_ARGUMENT");
    expect(errorCode(() => densityTest(x, { cutoff: 0.5, kernel: "gaussian" as "uniform" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => densityTest(x, { cutoff: 0.5, fitselect: "restricted", bwselect: "each" }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(errorCode(() => densityTest(x, { cutoff: Number.NaN }))).toBe("E_INVALID_ARGUMENT");
  });
  it("rejects missing and infinite values", () => {
    expect(errorCode(() => densityTest(Float64Array.of(0, Number.NaN, 1), { cutoff: 0.5 }))).toBe(
      "E_MISSING_VALUES",
    );
    expect(
      errorCode(() => densityTest(Float64Array.of(0, Number.POSITIVE_INFINITY, 1), { cutoff: 0.5 })),
    ).toBe("E_NONFINITE_VALUES");
  });
  it("rejects a side with no observations, or too few, within the bandwidth", () => {
    const gap = Float64Array.from([
      ...Array.from({ length: 50 }, (_, i) => i / 100),
      ...Array.from({ length: 50 }, (_, i) => 0.9 + i / 1000),
    ]);
    expect(errorCode(() => densityTest(gap, { cutoff: 0.7, h: 0.1 }))).toBe("E_RDD_NO_OBS_SIDE");
    expect(errorCode(() => densityTest(gap, { cutoff: 0.7, h: [0.215, 0.3] }))).toBe("E_RDD_TOO_FEW_OBS");
  });
});

describe("bandwidth selector internals", () => {
  it("keeps the regularised bandwidths inside the data and above the local minimums", () => {
    const x = sample(7, 500, 0);
    const s = prepareDensitySample(x, 0.5, true);
    const rows = densityBandwidths(s, {
      p: 2,
      kernel: "triangular",
      fitselect: "unrestricted",
      vce: "jackknife",
      massPoints: true,
      regularize: true,
      nLocalMin: 23,
      nUniqueMin: 23,
    });
    for (const r of rows) {
      expect(r.h).toBeGreaterThan(0);
      expect(r.h).toBeLessThanOrEqual(0.5);
    }
  });
});
