import { expect } from "vitest";
import { Frame } from "../../src/core/frame.js";
import type { DeepReadonly } from "../../src/core/result.js";
import type { OlsResult } from "../../src/models/ols.js";
import { expectClose, expectTermsClose, TOL } from "../helpers/expect-close.js";
import { saasFixture } from "../helpers/fixture.js";

/** statsmodels numbers for one fit, as written by test/golden/scripts/ols_common.py `summarize`. */
export interface SmFit {
  names: string[];
  params: number[];
  bse: number[];
  statistic: number[];
  pvalues: number[];
  ci: [number, number][];
  cov: number[][];
  use_t: boolean;
  df: number | null;
  nobs: number;
  df_resid: number;
  rsquared: number;
  rsquared_adj: number;
  scale: number;
  ssr: number;
  k_total?: number;
}

/** The fixture rows with signup_week < 30, plus post = signup_week >= 20 and treated = wave == 1. */
export function didFrame(): Frame {
  const all = saasFixture();
  const week = all.numeric("signup_week");
  const f = all.filter(Array.from(week, (v) => (v < 30 ? 1 : 0)));
  const w = f.numeric("signup_week");
  const wave = f.numeric("wave");
  return f
    .withColumn(
      "post",
      Float64Array.from(w, (v) => (v >= 20 ? 1 : 0)),
    )
    .withColumn(
      "treated",
      Float64Array.from(wave, (v) => (v === 1 ? 1 : 0)),
    );
}

/** The pre-period (post == 0) rows of {@link didFrame}, with weeks_since_start = signup_week − 10. */
export function placeboFrame(): Frame {
  const d = didFrame();
  const pre = d.filter(Array.from(d.numeric("post"), (v) => (v === 0 ? 1 : 0)));
  return pre.withColumn(
    "weeks_since_start",
    Float64Array.from(pre.numeric("signup_week"), (v) => v - 10),
  );
}

/** A frame from golden JSON columns (null → missing). */
export function frameFromColumns(cols: Record<string, (number | string | null)[]>): Frame {
  return Frame.fromObject(cols as Record<string, (number | null)[] | (string | null)[]>);
}

const CI_TOL = { rtol: 1e-6, atol: 1e-10 };
const COV_TOL = { rtol: 1e-6, atol: 1e-14 };

/**
 * Compares a result with statsmodels: names exactly, estimates at TOL.estimate, SEs / statistics / CIs /
 * covariances at TOL.se, p-values at TOL.pValue, df exactly. With `only`, compares just those names (in that
 * order) — used for fixed-effect fits, whose dummies are absorbed.
 */
export function expectMatchesStatsmodels(res: DeepReadonly<OlsResult>, sm: SmFit, only = false): void {
  const idx = sm.names.map((n) => res.terms.findIndex((t) => t.name === n));
  if (!only) expect(res.terms.map((t) => t.name)).toEqual(sm.names);
  expect(
    idx.every((i) => i >= 0),
    `names ${sm.names.join(", ")}`,
  ).toBe(true);
  const terms = idx.map((i) => res.terms[i]);
  expectTermsClose(terms, {
    estimate: [sm.params, TOL.estimate],
    se: [sm.bse, TOL.se],
    statistic: [sm.statistic, TOL.se],
    pValue: [sm.pvalues, TOL.pValue],
    ci: [sm.ci, CI_TOL],
  });
  for (const t of terms) expect(t.df).toBe(sm.use_t ? sm.df : null);
  const cov = idx.map((i) => idx.map((j) => res.vcovMatrix![i][j]));
  expectClose(cov, sm.cov, COV_TOL, "vcov");
  expect(res.n.obs).toBe(sm.nobs);
  expect(res.dfResid).toBe(sm.df_resid);
  expectClose(res.rss, sm.ssr, TOL.estimate, "rss");
  expectClose(res.sigma ** 2, sm.scale, TOL.estimate, "scale");
  expectClose(res.r2, sm.rsquared, TOL.estimate, "r2");
  expectClose(res.adjR2, sm.rsquared_adj, TOL.estimate, "adjR2");
}
