import { describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { parseFormula } from "../../src/models/formula.js";
import { ols, olsFit } from "../../src/models/ols.js";
import { normalizeVcov } from "../../src/models/vcov/types.js";
import { withVcov } from "../../src/models/with-vcov.js";
import { clusterFixture } from "../designs/cluster/cluster-fixture.js";
import { errorCode } from "../helpers/error-code.js";
import { expectClose, TOL } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

/** One model of test/golden/cluster/cr3_clubsandwich.json (R clubSandwich vcovCR type "CR3", naive-t). */
interface ClubCr3 {
  names: string[];
  params: number[];
  bse: number[];
  vcov: number[][];
  df: number[];
  pvalues: number[];
  ci_lower: number[];
  ci_upper: number[];
}

const golden = loadGolden<{
  treated: ClubCr3;
  two_exposure: ClubCr3;
  small_treat_x: ClubCr3;
  small_treat_x_weighted: ClubCr3;
}>("cluster", "cr3_clubsandwich");

type Fit = ReturnType<typeof withVcov>;

/** Every number clubSandwich reports, at the project's 1e-6 (SEs, p-values, intervals) / 1e-8 (estimates). */
function check(fit: Fit, g: ClubCr3): void {
  expectClose(
    fit.terms.map((t) => t.estimate),
    g.params,
    TOL.estimate,
    "estimate",
  );
  expectClose(
    fit.terms.map((t) => t.se),
    g.bse,
    TOL.se,
    "se",
  );
  expectClose(fit.vcovMatrix, g.vcov, TOL.se, "vcov");
  expectClose(
    fit.terms.map((t) => t.df),
    g.df,
    TOL.identity,
    "df",
  );
  expectClose(
    fit.terms.map((t) => t.pValue),
    g.pvalues,
    TOL.pValue,
    "pValue",
  );
  expectClose(
    fit.terms.map((t) => t.ci?.[0]),
    g.ci_lower,
    TOL.se,
    "ciLower",
  );
  expectClose(
    fit.terms.map((t) => t.ci?.[1]),
    g.ci_upper,
    TOL.se,
    "ciUpper",
  );
}

describe("CR3-clubsandwich: R clubSandwich vcovCR(type = 'CR3') (test/golden/cluster/cr3_clubsandwich.json)", () => {
  const records = smallRows();

  it("records the tool, version and call", () => {
    expect(golden.tool).toBe("R clubSandwich");
    expect(golden.version).toMatch(/clubSandwich \d/);
    expect(golden.call).toContain("vcovCR");
  });

  it("the tutorial fixture: user-level OLS on the workspace treatment and the two-exposure model", () => {
    const frame = clusterFixture();
    const vcov = { type: "cluster", by: ["workspace_id"], kind: "CR3-clubsandwich" } as const;
    check(
      withVcov(olsFit(frame, parseFormula("session_minutes_obs ~ treated")), vcov),
      golden.expected.treated,
    );
    check(
      withVcov(olsFit(frame, parseFormula("session_minutes_obs ~ treated + is_spillover")), vcov),
      golden.expected.two_exposure,
    );
  });

  it("a small case (8 unequal clusters), unweighted and with analytic weights", () => {
    const frame = Frame.fromObject(records);
    const vcov = { type: "cluster", by: ["g"], kind: "CR3-clubsandwich" } as const;
    check(withVcov(olsFit(frame, parseFormula("y ~ treat + x")), vcov), golden.expected.small_treat_x);
    const weighted = olsFit(frame, { ...parseFormula("y ~ treat + x"), weights: "w" });
    check(withVcov(weighted, vcov), golden.expected.small_treat_x_weighted);
  });

  it("'CR3' (sandwich's convention) is (G−1)/G times 'CR3-clubsandwich', SEs √((G−1)/G)", () => {
    const frame = Frame.fromObject(records);
    const fit = olsFit(frame, { ...parseFormula("y ~ treat + x"), weights: "w" });
    const club = withVcov(fit, { type: "cluster", by: ["g"], kind: "CR3-clubsandwich" });
    const sandwich = withVcov(fit, { type: "cluster", by: ["g"], kind: "CR3" });
    const G = 8;
    expectClose(
      sandwich.vcovMatrix,
      (club.vcovMatrix ?? []).map((row) => row.map((v) => ((G - 1) / G) * v)),
      TOL.identity,
      "scaled",
    );
    expectClose(
      sandwich.terms.map((t) => t.se),
      club.terms.map((t) => (t.se as number) * Math.sqrt((G - 1) / G)),
      TOL.identity,
      "se ratio",
    );
  });

  it("is a named option: normalizeVcov keeps it, one cluster column only, no absorbed fixed effects", () => {
    expect(normalizeVcov({ type: "cluster", by: ["g"], kind: "CR3-clubsandwich" })).toMatchObject({
      kind: "CR3-clubsandwich",
    });
    expect(
      errorCode(() => normalizeVcov({ type: "cluster", by: ["g", "treat"], kind: "CR3-clubsandwich" })),
    ).toBe("E_INVALID_SPEC");
    expect(
      errorCode(() =>
        ols(Frame.fromObject(records), {
          ...parseFormula("y ~ x"),
          absorb: ["g"],
          vcov: { type: "cluster", by: ["g"], kind: "CR3-clubsandwich" },
        }),
      ),
    ).toBe("E_UNSUPPORTED_VCOV");
  });
});

/** The rows of cr2_small_k.json with the script's weights w = 1 + ((row − 1) mod 3). */
function smallRows(): Record<string, number[]> {
  const rows = (
    loadGolden("cluster", "cr2_small_k").data as {
      rows: { y: number; treat: number; x: number; g: number }[];
    }
  ).rows;
  return {
    y: rows.map((r) => r.y),
    treat: rows.map((r) => r.treat),
    x: rows.map((r) => r.x),
    g: rows.map((r) => r.g),
    w: rows.map((_, i) => 1 + (i % 3)),
  };
}
