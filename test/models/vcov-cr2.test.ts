import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols, olsFit } from "../../src/models/ols.js";
import { symmetricEigen } from "../../src/models/vcov/cr2.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { clusterFixture } from "../designs/cluster/cluster-fixture.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose, TOL } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

interface Summ {
  names: string[];
  params: number[];
  bse: number[];
  df: number[];
  pvalues: number[];
  ci_lower: number[];
  ci_upper: number[];
}
interface Cr3 {
  names: string[];
  bse: number[];
  vcov: number[][];
}

/** Satterthwaite df: estimatr's eigen-decomposition route vs ours (k×k); agreement to 1e-6 relative. */
const DF_TOL = { rtol: 1e-6 } as const;

function check(
  terms: readonly {
    estimate: number;
    se: number | null;
    df: number | null;
    pValue: number | null;
    ci: readonly [number, number] | null;
  }[],
  g: Summ,
) {
  expectClose(
    terms.map((t) => t.estimate),
    g.params,
    TOL.estimate,
    "estimate",
  );
  expectClose(
    terms.map((t) => t.se),
    g.bse,
    TOL.se,
    "se",
  );
  expectClose(
    terms.map((t) => t.df),
    g.df,
    DF_TOL,
    "df",
  );
  expectClose(
    terms.map((t) => t.pValue),
    g.pvalues,
    TOL.pValue,
    "pValue",
  );
  expectClose(
    terms.map((t) => t.ci?.[0]),
    g.ci_lower,
    TOL.se,
    "ciLower",
  );
  expectClose(
    terms.map((t) => t.ci?.[1]),
    g.ci_upper,
    TOL.se,
    "ciUpper",
  );
}

describe("CR2 / CR3 on a small-K case (golden: R estimatr lm_robust, sandwich vcovCL)", () => {
  const golden = loadGolden<{
    treat_x_cr2: Summ;
    treat_cr2: Summ;
    treat_x_cr1_stata: Summ;
    treat_x_cr3: Cr3;
  }>("cluster", "cr2_small_k");
  const records = (golden.data as { rows: { y: number; treat: number; x: number; g: number }[] }).rows;
  const rows = {
    y: records.map((r) => r.y),
    treat: records.map((r) => r.treat),
    x: records.map((r) => r.x),
    g: records.map((r) => r.g),
  };
  const frame = Frame.fromObject(rows);

  it("CR2 SEs and Bell–McCaffrey df per coefficient match estimatr", () => {
    const fit = ols(frame, {
      ...parseFormula("y ~ treat + x"),
      vcov: { type: "cluster", by: ["g"], kind: "CR2" },
    });
    expect(fit.terms.map((t) => t.name)).toEqual(["Intercept", "treat", "x"]);
    check(fit.terms, golden.expected.treat_x_cr2);
    const one = ols(frame, {
      ...parseFormula("y ~ treat"),
      vcov: { type: "cluster", by: ["g"], kind: "CR2" },
    });
    check(one.terms, golden.expected.treat_cr2);
  });

  it("CR1 matches estimatr's 'stata' type; CR3 matches sandwich's HC3 (= (G−1)/G × the jackknife)", () => {
    const cr1Fit = olsFit(frame, { ...parseFormula("y ~ treat + x"), vcov: { type: "cluster", by: ["g"] } });
    check(cr1Fit.result.terms, golden.expected.treat_x_cr1_stata);
    const cr3 = withVcov(cr1Fit, { type: "cluster", by: ["g"], kind: "CR3" });
    expectClose(
      cr3.terms.map((t) => t.se),
      golden.expected.treat_x_cr3.bse,
      TOL.se,
      "se",
    );
    expectClose(cr3.vcovMatrix, golden.expected.treat_x_cr3.vcov, TOL.se, "vcov");
    expect(cr3.terms.every((t) => t.df === 7)).toBe(true);
  });

  it("CR3 equals the leave-one-cluster-out jackknife computed by refitting", () => {
    const fullFit = olsFit(frame, parseFormula("y ~ treat + x"));
    const full = fullFit.result;
    const cr3 = withVcov(fullFit, { type: "cluster", by: ["g"], kind: "CR3" });
    const b = full.terms.map((t) => t.estimate);
    const G = 8;
    const v = [0, 0, 0].map(() => [0, 0, 0]);
    for (let g = 1; g <= G; g++) {
      const sub = frame.filter(rows.g.map((x) => x !== g));
      const bg = ols(sub, parseFormula("y ~ treat + x")).terms.map((t) => t.estimate);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) v[i][j] += ((G - 1) / G) * (bg[i] - b[i]) * (bg[j] - b[j]);
    }
    expectClose(cr3.vcovMatrix, v, { rtol: 1e-9 }, "jackknife");
  });

  it("weighted CR3 equals the jackknife of the weighted fit", () => {
    const w = Frame.fromObject({ ...rows, w: rows.y.map((_, i) => 1 + (i % 3)) });
    const spec = { ...parseFormula("y ~ treat + x"), weights: "w" };
    const fullFit = olsFit(w, spec);
    const full = fullFit.result;
    const cr3 = withVcov(fullFit, { type: "cluster", by: ["g"], kind: "CR3" });
    const b = full.terms.map((t) => t.estimate);
    const v = [0, 0, 0].map(() => [0, 0, 0]);
    for (let g = 1; g <= 8; g++) {
      const bg = ols(w.filter(rows.g.map((x) => x !== g)), spec).terms.map((t) => t.estimate);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 3; j++) v[i][j] += (7 / 8) * (bg[i] - b[i]) * (bg[j] - b[j]);
    }
    expectClose(cr3.vcovMatrix, v, { rtol: 1e-9 }, "weighted jackknife");
  });

  it("rejects what it does not implement", () => {
    const w = Frame.fromObject({ ...rows, w: rows.y.map((_, i) => 1 + (i % 3)) });
    expect(
      errorCode(() =>
        ols(w, {
          ...parseFormula("y ~ treat"),
          weights: "w",
          vcov: { type: "cluster", by: ["g"], kind: "CR2" },
        }),
      ),
    ).toBe("E_UNSUPPORTED_VCOV");
    expect(
      errorCode(() =>
        ols(frame, {
          ...parseFormula("y ~ x"),
          absorb: ["g"],
          vcov: { type: "cluster", by: ["g"], kind: "CR3" },
        }),
      ),
    ).toBe("E_UNSUPPORTED_VCOV");
    expect(
      errorCode(() =>
        ols(frame, { ...parseFormula("y ~ x"), vcov: { type: "cluster", by: ["g", "treat"], kind: "CR2" } }),
      ),
    ).toBe("E_INVALID_SPEC");
  });

  it("symmetricEigen reconstructs the matrix", () => {
    const a = Float64Array.of(4, 1, 0.5, 1, 3, 0.2, 0.5, 0.2, 2);
    const { values, vectors } = symmetricEigen(a, 3);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let r = 0; r < 3; r++) s += vectors[i * 3 + r] * values[r] * vectors[j * 3 + r];
        expect(Math.abs(s - a[i * 3 + j])).toBeLessThan(1e-12);
      }
  });
});

describe("CR2 / CR3 on the tutorial fixture (golden: R estimatr, test/golden/cluster/cr2_fixture.json)", () => {
  const golden = loadGolden<{
    treated_cr2: Summ;
    two_exposure_cr2: Summ;
    treated_cr1_stata: Summ;
    treated_cr3: Cr3;
    two_exposure_cr3: Cr3;
  }>("cluster", "cr2_fixture").expected;
  const frame = clusterFixture();

  it("user-level OLS on the workspace treatment and the two-exposure model", () => {
    const vcov = { type: "cluster", by: ["workspace_id"], kind: "CR2" } as const;
    check(ols(frame, { ...parseFormula("session_minutes_obs ~ treated"), vcov }).terms, golden.treated_cr2);
    const twoFit = olsFit(frame, { ...parseFormula("session_minutes_obs ~ treated + is_spillover"), vcov });
    const two = twoFit.result;
    expect(two.terms.map((t) => t.name)).toEqual(
      golden.two_exposure_cr2.names.map((n) => (n === "(Intercept)" ? "Intercept" : n)),
    );
    check(two.terms, golden.two_exposure_cr2);
    const cr1 = ols(frame, {
      ...parseFormula("session_minutes_obs ~ treated"),
      vcov: { type: "cluster", by: ["workspace_id"] },
    });
    check(cr1.terms, golden.treated_cr1_stata);
    const cr3 = withVcov(twoFit, { type: "cluster", by: ["workspace_id"], kind: "CR3" });
    expectClose(
      cr3.terms.map((t) => t.se),
      golden.two_exposure_cr3.bse,
      TOL.se,
      "se",
    );
  });
});
