import { describe, expect, it } from "vitest";
import { parseFormula } from "../../src/models/formula.js";
import { ols, olsFit } from "../../src/models/ols.js";
import type { Vcov } from "../../src/models/vcov/types.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { expectClose, TOL } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";
import {
  didFrame,
  expectMatchesStatsmodels,
  frameFromColumns,
  placeboFrame,
  type SmFit,
} from "./ols-fixture.js";

interface FixtureGolden {
  formula: string;
  weights?: string;
  cluster: string;
  fits: Record<string, SmFit>;
}

const FIXTURE_SHA = "4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6";

/** statsmodels fit name → the equivalent truelift vcov. */
function vcovFor(key: string, cluster: string | string[]): Vcov {
  const by = Array.isArray(cluster) ? cluster : [cluster];
  if (key === "iid") return { type: "iid" };
  if (/^HC[0-3]$/.test(key)) return { type: "hc", kind: key as "HC0" | "HC1" | "HC2" | "HC3" };
  if (key.endsWith("_normal")) return { type: "cluster", by, dist: "normal" };
  return { type: "cluster", by };
}

describe("golden (a): fixture DiD, task_completed ~ treated*post + C(engagement_tier)", () => {
  const golden = loadGolden<FixtureGolden>("ols", "did");
  const frame = didFrame();
  const spec = parseFormula(golden.expected.formula);

  it("records its provenance", () => {
    expect(golden.tool).toBe("statsmodels");
    expect(golden.data).toMatchObject({
      path: "test/fixtures/saas_llm_logs_seed42.csv.gz",
      sha256: FIXTURE_SHA,
    });
  });

  for (const key of Object.keys(golden.expected.fits)) {
    it(`matches statsmodels ${key}`, () => {
      const res = ols(frame, { ...spec, vcov: vcovFor(key, golden.expected.cluster) });
      expectMatchesStatsmodels(res, golden.expected.fits[key]);
    });
  }

  it("reproduces the tutorial's clustered DiD: treated:post +0.0541, SE 0.0109, t(49)", () => {
    const res = ols(frame, { ...spec, vcov: { type: "cluster", by: ["workspace_id"] } });
    const did = res.terms.find((t) => t.name === "treated:post")!;
    expect(did.estimate.toFixed(4)).toBe("0.0541");
    expect(did.se!.toFixed(4)).toBe("0.0109");
    expect(did.df).toBe(49);
    expect(res.n.clusters).toEqual([50]);
    expect(res.diagnostics.map((d) => d.code)).not.toContain("D_FEW_CLUSTERS");
  });

  it("withVcov gives the same numbers as fitting with that vcov", () => {
    const fit = olsFit(frame, spec);
    const base = fit.result;
    for (const key of Object.keys(golden.expected.fits)) {
      const swapped = withVcov(fit, vcovFor(key, golden.expected.cluster));
      expectMatchesStatsmodels(swapped, golden.expected.fits[key]);
    }
    expect(base.vcov).toEqual({ type: "iid" });
  });
});

describe("golden (b): pre-period placebo", () => {
  const golden = loadGolden<FixtureGolden>("ols", "placebo");
  const frame = placeboFrame();
  const spec = parseFormula(golden.expected.formula);

  for (const key of Object.keys(golden.expected.fits)) {
    it(`matches statsmodels ${key}`, () => {
      const res = ols(frame, { ...spec, vcov: vcovFor(key, golden.expected.cluster) });
      expectMatchesStatsmodels(res, golden.expected.fits[key]);
    });
  }

  it("slope difference −0.00095; p 0.4435 with the normal reference (statsmodels default), 0.4472 with t(49)", () => {
    const zFit = olsFit(frame, { ...spec, vcov: { type: "cluster", by: ["workspace_id"], dist: "normal" } });
    const z = zFit.result;
    const t = withVcov(zFit, { type: "cluster", by: ["workspace_id"] });
    const slopeZ = z.terms.find((x) => x.name === "treated:weeks_since_start")!;
    const slopeT = t.terms.find((x) => x.name === "treated:weeks_since_start")!;
    expect(slopeZ.estimate.toFixed(5)).toBe("-0.00095");
    expect(slopeZ.pValue!.toFixed(4)).toBe("0.4435");
    expect(slopeT.pValue!.toFixed(4)).toBe("0.4472");
  });
});

describe("golden (c): WLS with weights = session_minutes", () => {
  const golden = loadGolden<FixtureGolden>("ols", "wls");
  const frame = didFrame();
  const spec = parseFormula(golden.expected.formula);

  for (const key of Object.keys(golden.expected.fits)) {
    it(`matches statsmodels ${key}`, () => {
      const res = ols(frame, {
        ...spec,
        weights: "session_minutes",
        vcov: vcovFor(key, golden.expected.cluster),
      });
      expect(res.method).toBe("wls");
      expectMatchesStatsmodels(res, golden.expected.fits[key]);
    });
  }
});

interface SimGolden {
  formula: string;
  nobs_total: number;
  dropped: number;
  fits: Record<string, SmFit>;
  formula_no_intercept: string;
  fits_no_intercept: Record<string, SmFit>;
}

describe("golden (d, e): simulated data with a non-default reference, x:C(g) and C(h):z, two-way clusters", () => {
  const golden = loadGolden<SimGolden>("ols", "simulated");
  const frame = frameFromColumns(
    (golden.data as { columns: Record<string, (number | string | null)[]> }).columns,
  );
  const spec = parseFormula(golden.expected.formula);
  const vcovs: Record<string, Vcov> = {
    iid: { type: "iid" },
    HC1: { type: "hc", kind: "HC1" },
    HC3: { type: "hc", kind: "HC3" },
    CR1_firm: { type: "cluster", by: ["firm"] },
    CR1_firm_year: { type: "cluster", by: ["firm", "year"] },
    CR1_firm_year_normal: { type: "cluster", by: ["firm", "year"], dist: "normal" },
  };

  for (const [key, vcov] of Object.entries(vcovs)) {
    it(`matches statsmodels ${key}`, () => {
      const res = ols(frame, { ...spec, vcov });
      expectMatchesStatsmodels(res, golden.expected.fits[key]);
      expect(res.n.dropped).toBe(golden.expected.dropped);
      expect(res.n.droppedReasons).toEqual({ "missing:x": golden.expected.dropped });
    });
  }

  it("two-way clustering reports both cluster counts and t(min G − 1)", () => {
    const res = ols(frame, { ...spec, vcov: { type: "cluster", by: ["firm", "year"] } });
    expect(res.n.clusters).toEqual([40, 12]);
    expect(res.terms[0].df).toBe(11);
    expect(res.diagnostics.map((d) => d.code)).toContain("D_FEW_CLUSTERS");
  });

  it("two-way clustering is symmetric in the order of the columns", () => {
    const a = ols(frame, { ...spec, vcov: { type: "cluster", by: ["firm", "year"] } });
    const b = ols(frame, { ...spec, vcov: { type: "cluster", by: ["year", "firm"] } });
    expectClose(a.vcovMatrix, b.vcovMatrix, TOL.identity);
  });

  for (const [key, vcov] of Object.entries({
    iid: { type: "iid" },
    HC1: { type: "hc", kind: "HC1" },
  } as const)) {
    it(`matches statsmodels without an intercept (${key}): full-rank C(g)`, () => {
      const res = ols(frame, { ...parseFormula(golden.expected.formula_no_intercept), vcov });
      expectMatchesStatsmodels(res, golden.expected.fits_no_intercept[key]);
    });
  }
});
