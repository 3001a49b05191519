import { describe, expect, test } from "vitest";
import type { Frame } from "../../../src/core/frame.js";
import {
  collapsedLogitRefitter,
  crumpThreshold,
  eValue,
  eValueFor,
  ipwBootstrap,
  LOGIT_PROPENSITY,
  layoutPropensity,
  parsePropensitySpec,
  propensity,
  propensityParallel,
  stagePropensityRows,
} from "../../../src/designs/propensity/index.js";
import { saasFixture } from "../../helpers/fixture.js";
import { LALONDE_COVARIATES, lalondeFrame } from "./lalonde.js";

const SPEC = {
  treatment: "opt_in_agent_mode",
  outcome: "task_completed",
  covariates: ["engagement_tier", "query_confidence"],
};

describe("refitting bootstrap", () => {
  test("500 replicates on the fixture: within Monte Carlo error of the tutorial's intervals, reproducible", () => {
    const res = propensity(saasFixture(), { ...SPEC, bootstrap: { reps: 500, seed: 7 } });
    const b = res.ipw.bootstrap;
    expect(b?.failed).toBe(0);
    expect(b?.refit).toBe("collapsed");
    // fixtures README: ATE [+0.0745, +0.0954], ATT [+0.0687, +0.0865]; MC error of a 2.5% quantile with 500
    // replicates is about 0.3 SE ≈ 0.0017.
    const near = (a: readonly [number, number] | null | undefined, e: [number, number]) => {
      expect(Math.abs((a as [number, number])[0] - e[0])).toBeLessThan(0.004);
      expect(Math.abs((a as [number, number])[1] - e[1])).toBeLessThan(0.004);
    };
    near(b?.ate.ci, [0.0745, 0.0954]);
    near(b?.att.ci, [0.0687, 0.0865]);
    // Pinned bit for bit to the values before the row-table draws (commit c4a36cf): speed-ups of the draws and
    // the refit must not change them.
    expect(b?.ate.ci).toEqual([0.07356000671021465, 0.09626963533666565]);
    expect(b?.att.ci).toEqual([0.06689882098187032, 0.08685789707916228]);
    expect([b?.ate.se, b?.att.se]).toEqual([0.005790858544615682, 0.005047734142109612]);
    // bootstrap SE close to the sandwich SE
    expect(Math.abs((b?.ate.se as number) / (res.ipw.ate.se as number) - 1)).toBeLessThan(0.15);
    const again = propensity(saasFixture(), { ...SPEC, bootstrap: { reps: 20, seed: 7 } });
    const again2 = propensity(saasFixture(), { ...SPEC, bootstrap: { reps: 20, seed: 7 } });
    expect(again.ipw.bootstrap).toEqual(again2.ipw.bootstrap);
  }, 120_000);

  test("staged: the analysis, then the bootstrap on its input, equals propensity() with the bootstrap", () => {
    const spec = { ...SPEC, bootstrap: { reps: 20, seed: 11 } };
    const { run } = stagePropensityRows(saasFixture(), spec);
    const input = run.bootstrapInput;
    expect(input).not.toBeNull();
    const boot = ipwBootstrap(input as NonNullable<typeof input>);
    const whole = propensity(saasFixture(), spec);
    expect(boot).toEqual(whole.ipw.bootstrap);
    expect(run.finish(null).result.estimate).toEqual(whole.estimate);
  });

  test("propensityParallel gives the same result as propensity (here: in-thread fallback)", async () => {
    const spec = { ...SPEC, bootstrap: { reps: 20, seed: 11 } };
    const a = propensity(saasFixture(), spec);
    const b = await propensityParallel(saasFixture(), spec, { threads: 2 });
    expect(b.ipw.bootstrap).toEqual(a.ipw.bootstrap);
    expect(b.estimate).toEqual(a.estimate);
  }, 60_000);

  /**
   * Refits the resample "every third row twice, every fifth row dropped" with the collapsed refitter (rows as
   * patterns, optionally in reverse order) and by a full logit fit on the expanded rows; returns the largest
   * score difference.
   */
  const refitGap = (frame: Frame, spec: Parameters<typeof parsePropensitySpec>[0], reverse: boolean) => {
    const layout = layoutPropensity(frame, parsePropensitySpec(spec));
    const fit = LOGIT_PROPENSITY.fit({ treatment: layout.treatment, t: layout.t, columns: layout.ps }, {});
    const n = layout.n;
    const order = Int32Array.from({ length: n }, (_, i) => (reverse ? n - 1 - i : i));
    const counts = Float64Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 3 === 0 ? 2 : 1));
    const refit = collapsedLogitRefitter(
      layout.ps.map((c) => Float64Array.from(order, (i) => c.values[i])),
      Float64Array.from(fit.coefficients, (c) => c.estimate),
      0,
      50,
      new Float64Array(n).fill(1),
    );
    const cells = new Float64Array(2 * n);
    order.forEach((i, q) => {
      cells[2 * q + layout.t[i]] = counts[i];
    });
    const scores = Float64Array.from(refit(cells) as Float64Array);
    const idx: number[] = [];
    counts.forEach((m, i) => {
      for (let r = 0; r < m; r++) idx.push(i);
    });
    const full = LOGIT_PROPENSITY.fit(
      {
        treatment: layout.treatment,
        t: Float64Array.from(idx, (i) => layout.t[i]),
        columns: layout.ps.map((c) => ({ ...c, values: Float64Array.from(idx, (i) => c.values[i]) })),
      },
      {},
    );
    const position = new Int32Array(n);
    order.forEach((i, q) => {
      position[i] = q;
    });
    let gap = 0;
    idx.forEach((i, j) => {
      gap = Math.max(gap, Math.abs(scores[position[i]] - full.scores[j]));
    });
    return gap;
  };

  test("collapsed refit = full refit of the resample (exact MLE), in any pattern order", () => {
    // lalonde: dummies and several numeric columns (general path); fixture rows: tier dummies and one numeric
    // column (the one-column fast path), patterns in data order and reversed (one block per row vs runs)
    const lalonde = { treatment: "treat", outcome: "re78", covariates: LALONDE_COVARIATES };
    const rows = saasFixture().take(Int32Array.from({ length: 3000 }, (_, i) => i));
    for (const reverse of [false, true]) {
      expect(refitGap(lalondeFrame(), lalonde, reverse)).toBeLessThan(1e-8);
      expect(refitGap(rows, SPEC, reverse)).toBeLessThan(1e-8);
    }
  });

  test("families without a collapsed refit fall back to full refits", () => {
    const frame = lalondeFrame();
    const spec = parsePropensitySpec({ treatment: "treat", outcome: "re78", covariates: LALONDE_COVARIATES });
    const layout = layoutPropensity(frame, spec);
    const fit = LOGIT_PROPENSITY.fit({ treatment: "treat", t: layout.t, columns: layout.ps }, {});
    const input = {
      treatment: "treat",
      t: layout.t,
      y: layout.y,
      columns: layout.ps,
      model: LOGIT_PROPENSITY,
      reps: 30,
      seed: 3,
      alpha: 0.05,
    };
    const slow = ipwBootstrap({ ...input, fit: { ...fit, refitter: () => null } });
    expect(slow.refit).toBe("full");
    expect(slow.ate.se).toBeGreaterThan(0);
  });
});

describe("small pieces", () => {
  test("E-value (VanderWeele & Ding 2017, worked example RR 3.9 → 7.26)", () => {
    expect(eValue(3.9)).toBeCloseTo(7.26, 2);
    expect(eValue(1 / 3.9)).toBeCloseTo(7.26, 2);
    const e = eValueFor(
      { name: "x", estimate: 0.1, se: 0.2, statistic: 0.5, df: null, pValue: 0.6, ci: [-0.3, 0.5] },
      { scale: "risk", baseline: 0.5 },
    );
    expect(e?.ciBound).toBe(1);
    expect(e?.riskRatio).toBeCloseTo(1.2, 12);
  });
  test("Crump threshold is 0 without extreme scores", () => {
    expect(crumpThreshold(Float64Array.of(0.4, 0.5, 0.6, 0.45))).toBe(0);
    const p = Float64Array.from({ length: 200 }, (_, i) => 0.001 + (0.998 * i) / 199);
    const a = crumpThreshold(p);
    expect(a).toBeGreaterThan(0.01);
    expect(a).toBeLessThan(0.2);
  });
});
