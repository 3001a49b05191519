import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import type { Frame } from "../../src/core/frame.js";
import { generatePanel, PANEL_COLUMNS } from "../../src/data/generate/panel.js";
import { MAX_PANEL_ROWS, type PanelOptions } from "../../src/data/generate/panel-options.js";
import type { PanelTruth } from "../../src/data/generate/panel-truth.js";
import { hashFile } from "../../src/data/hash.js";
import { writeDataset } from "../../src/data/write.js";
import { runCli } from "../cli/run-cli.js";
import { errorCode } from "../helpers/error-code.js";
import { tempDir } from "./helpers.js";

const dir = tempDir("truelift-panel-");
/** Noise-free 2×2 comparisons are sums of a few dozen doubles of order 1–10: exact up to rounding. */
const EXACT = 1e-9;
/** Tolerance in standard errors for sampling checks (a false alarm at 5 SE has probability ~6e-7). */
const Z = 5;

function ints(f: Frame, name: string): Int32Array {
  const c = f.column(name);
  if (c.kind !== "i32") throw new Error(`${name} is ${c.kind}`);
  return c.values;
}

/** Mean of y by (cohort first_treat, period): a Map from g (0 = never) to a Float64Array over periods 1 … T. */
function cellMeans(f: Frame, T: number): Map<number, Float64Array> {
  const g = ints(f, "first_treat");
  const t = ints(f, "period");
  const y = f.numeric("y");
  const sums = new Map<number, Float64Array>();
  const counts = new Map<number, Float64Array>();
  for (let r = 0; r < f.nrows; r++) {
    if (!sums.has(g[r])) {
      sums.set(g[r], new Float64Array(T));
      counts.set(g[r], new Float64Array(T));
    }
    (sums.get(g[r]) as Float64Array)[t[r] - 1] += y[r];
    (counts.get(g[r]) as Float64Array)[t[r] - 1] += 1;
  }
  for (const [k, s] of sums) {
    const c = counts.get(k) as Float64Array;
    for (let i = 0; i < T; i++) s[i] /= c[i];
  }
  return sums;
}

/** The 2×2 DiD of cohort g against comparison c between periods t and b. */
function did2x2(means: Map<number, Float64Array>, g: number, c: number, t: number, b: number): number {
  const mg = means.get(g) as Float64Array;
  const mc = means.get(c) as Float64Array;
  return mg[t - 1] - mg[b - 1] - (mc[t - 1] - mc[b - 1]);
}

function invalid(options: PanelOptions): { code: string | undefined; option: unknown; hint: string } {
  try {
    generatePanel(options);
  } catch (e) {
    if (e instanceof TrueliftError) return { code: e.code, option: e.details.option, hint: e.hint };
    throw e;
  }
  return { code: undefined, option: undefined, hint: "" };
}

describe("generatePanel: schema", () => {
  const { frame: f, truth } = generatePanel({ seed: 3, units: 200, periods: 24 });

  it("has the documented columns, kinds and unit-major layout", () => {
    expect(f.names).toEqual([...PANEL_COLUMNS]);
    expect(f.nrows).toBe(200 * 24);
    const kinds = f.names.map((n) => f.column(n).kind);
    expect(kinds).toEqual(["i32", "i32", "i32", "i32", "f64", "f64", "i32"]);
    const unit = ints(f, "unit");
    const period = ints(f, "period");
    const g = ints(f, "first_treat");
    const d = ints(f, "treated");
    const cluster = ints(f, "cluster");
    const x = f.numeric("x");
    let ok = true;
    for (let r = 0; r < f.nrows; r++) {
      const i = Math.floor(r / 24);
      const first = r - (r % 24);
      ok &&=
        unit[r] === i + 1 &&
        period[r] === (r % 24) + 1 &&
        cluster[r] === unit[r] &&
        g[r] === g[first] &&
        x[r] === x[first] &&
        d[r] === (g[r] > 0 && period[r] >= g[r] ? 1 : 0) &&
        [0, 8, 12, 16].includes(g[r]) &&
        Number.isFinite(f.numeric("y")[r]);
    }
    expect(ok).toBe(true);
    expect(Object.isFrozen(truth)).toBe(true);
    expect(Object.isFrozen(truth.attGT[0])).toBe(true);
    expect(JSON.parse(JSON.stringify(truth))).toEqual(truth);
  });

  it("assigns exact cohort shares (largest remainder), and whole clusters when clusters < units", () => {
    const t = generatePanel({ seed: 9, units: 1000 }).truth;
    expect(t.cohorts.map((c) => c.units)).toEqual([200, 200, 200]);
    expect(t.neverTreated).toBe(400);
    const odd = generatePanel({ seed: 9, units: 7, shares: [0.3, 0.3, 0.3] }).truth;
    expect(odd.cohorts.map((c) => c.units)).toEqual([2, 2, 2]); // quotas 2.1 × 3, never 0.7 → 1
    expect(odd.neverTreated).toBe(1);

    const { frame, truth: ct } = generatePanel({ seed: 5, units: 1000, clusters: 40, periods: 20 });
    const cl = ints(frame, "cluster");
    const g = ints(frame, "first_treat");
    const byCluster = new Map<number, Set<number>>();
    const sizes = new Map<number, number>();
    for (let r = 0; r < frame.nrows; r += 20) {
      const s = byCluster.get(cl[r]) ?? new Set<number>();
      s.add(g[r]);
      byCluster.set(cl[r], s);
      sizes.set(cl[r], (sizes.get(cl[r]) ?? 0) + 1);
    }
    expect(byCluster.size).toBe(40);
    for (const s of byCluster.values()) expect(s.size).toBe(1); // one cohort per cluster
    expect([...sizes.values()].every((n) => n === 25)).toBe(true);
    const clustersPerCohort = [0, 8, 12, 16].map(
      (gg) => [...byCluster.values()].filter((s) => s.has(gg)).length,
    );
    expect(clustersPerCohort).toEqual([16, 8, 8, 8]);
    expect(ct.cohorts.map((c) => c.units)).toEqual([200, 200, 200]);
    expect(ct.clusters).toBe(40);
  });

  it("shifts x by cohort as documented (x | cohort k ~ N(0.5·(3 − k)/3, 1))", () => {
    const t = generatePanel({ seed: 11, units: 30_000, periods: 2, cohorts: [2], shares: [0.5] }).truth;
    expect(Math.abs(t.cohorts[0].xMean - 0.5)).toBeLessThan(Z * Math.sqrt(1 / 15_000));
    expect(Math.abs((t.neverTreatedXMean ?? 99) - 0)).toBeLessThan(Z * Math.sqrt(1 / 15_000));
    const three = generatePanel({ seed: 11, units: 30_000, periods: 16 }).truth;
    three.cohorts.forEach((c, k) => {
      expect(Math.abs(c.xMean - (0.5 * (3 - k)) / 3)).toBeLessThan(Z * Math.sqrt(1 / c.units));
    });
  });
});

describe("generatePanel: reproducibility", () => {
  it("gives identical columns and file bytes for the same seed, different ones for another seed", async () => {
    const a = generatePanel({ seed: 42, units: 300 }).frame;
    const b = generatePanel({ seed: 42, units: 300 }).frame;
    const c = generatePanel({ seed: 43, units: 300 }).frame;
    for (const n of PANEL_COLUMNS) {
      const va = a.column(n);
      const vb = b.column(n);
      if (va.kind === "str" || vb.kind === "str") throw new Error("no str columns");
      expect(Buffer.from(va.values.buffer).equals(Buffer.from(vb.values.buffer)), n).toBe(true);
    }
    expect(a.numeric("y")).not.toEqual(c.numeric("y"));
    expect(a.numeric("x")).not.toEqual(c.numeric("x"));
    const s1 = await writeDataset(a, join(dir, "a.csv"));
    const s2 = await writeDataset(b, join(dir, "b.csv"));
    expect(s1.sha256).toBe(s2.sha256);
    expect(readFileSync(join(dir, "a.csv"), "utf8").split("\n")[0]).toBe(
      "unit,period,first_treat,treated,x,y,cluster",
    );
  });

  it("keeps every random component on its own stream (changing σ leaves cohorts, x, α and λ unchanged)", () => {
    const a = generatePanel({ seed: 8, units: 100, noiseSd: 1 });
    const b = generatePanel({ seed: 8, units: 100, noiseSd: 0 });
    const c = generatePanel({ seed: 8, units: 100, noiseSd: 0 });
    expect(ints(a.frame, "first_treat")).toEqual(ints(b.frame, "first_treat"));
    expect(a.frame.numeric("x")).toEqual(b.frame.numeric("x"));
    expect(b.frame.numeric("y")).toEqual(c.frame.numeric("y"));
    expect(a.frame.numeric("y")).not.toEqual(b.frame.numeric("y"));
  });

  it("generates 1M rows (20,000 units × 50 periods) quickly", () => {
    const started = performance.now();
    const { frame } = generatePanel({ seed: 1, units: 20_000, periods: 50, cohorts: [10, 20, 30] });
    const ms = performance.now() - started;
    expect(frame.nrows).toBe(1_000_000);
    expect(ms).toBeLessThan(5000); // typically ~0.1–0.3 s; generous for a shared machine
  });
});

describe("generatePanel: truth", () => {
  function checkTwoByTwos(truth: PanelTruth, frame: Frame, comparison: number): void {
    const means = cellMeans(frame, truth.periods);
    let checked = 0;
    for (const cell of truth.attGT) {
      if (!cell.aggregated || cell.biasUniversal === null) continue;
      const g = cell.cohort;
      const t = cell.period;
      const universal = did2x2(means, g, comparison, t, g - 1);
      expect(Math.abs(universal - (cell.att + cell.biasUniversal)), `universal g=${g} t=${t}`).toBeLessThan(
        EXACT,
      );
      if (cell.biasVarying !== null) {
        const varying = did2x2(means, g, comparison, t, t < g ? t - 1 : g - 1);
        expect(Math.abs(varying - (cell.att + cell.biasVarying)), `varying g=${g} t=${t}`).toBeLessThan(
          EXACT,
        );
      } else {
        expect(t).toBe(1);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(0);
  }

  it("staggered, σ = 0: every 2×2 DiD against the never-treated recovers ATT(g,t) exactly (no bias)", () => {
    const { frame, truth } = generatePanel({ seed: 21, units: 500, noiseSd: 0 });
    expect(truth.comparison).toBe("never-treated");
    expect(truth.attGT).toHaveLength(3 * 24);
    for (const c of truth.attGT) {
      expect(c.biasUniversal).toBe(0);
      expect(c.att).toBeCloseTo(c.eventTime >= 0 ? 0.5 + 0.2 * c.eventTime : 0, 12);
    }
    checkTwoByTwos(truth, frame, 0);
  });

  it("aggregates as the did package: dynamic (cohort-size weights) and simple (post cells, cohort-size weights)", () => {
    const truth = generatePanel({
      seed: 4,
      units: 997,
      cohortEffects: [0.3, 0, -0.2],
      shares: [0.1, 0.25, 0.3],
    }).truth;
    const n = truth.cohorts.map((c) => c.units);
    expect(n).toEqual([100, 249, 299]);
    const g = [8, 12, 16];
    const tau = (k: number, e: number): number => (e >= 0 ? 0.5 + 0.2 * e + [0.3, 0, -0.2][k] : 0);
    // Simple: Σ_k n_k Σ_{t ≥ g_k} τ / Σ_k n_k (T − g_k + 1).
    let num = 0;
    let den = 0;
    for (let k = 0; k < 3; k++) {
      for (let t = g[k]; t <= 24; t++) {
        num += n[k] * tau(k, t - g[k]);
        den += n[k];
      }
    }
    expect(truth.overall).toBeCloseTo(num / den, 12);
    // Dynamic at e = 2 (all cohorts), e = 10 (cohorts 8, 12), e = 16 (cohort 8 only), e = -15 (cohort 16 only).
    const dyn = (e: number) => truth.dynamic.find((d) => d.eventTime === e);
    expect(dyn(2)?.att).toBeCloseTo(
      (n[0] * tau(0, 2) + n[1] * tau(1, 2) + n[2] * tau(2, 2)) / (n[0] + n[1] + n[2]),
      12,
    );
    expect(dyn(10)?.cohorts).toEqual([8, 12]);
    expect(dyn(10)?.att).toBeCloseTo((n[0] * tau(0, 10) + n[1] * tau(1, 10)) / (n[0] + n[1]), 12);
    expect(dyn(16)?.att).toBeCloseTo(0.5 + 0.2 * 16 + 0.3, 12);
    expect(dyn(-15)?.cohorts).toEqual([16]);
    expect(dyn(-15)?.att).toBe(0);
    expect(truth.dynamic.map((d) => d.eventTime)).toEqual(
      Array.from({ length: 16 + 15 + 1 }, (_, i) => i - 15),
    );
    // Group aggregation per cohort: mean over its post periods.
    expect(truth.cohorts[2].att).toBeCloseTo(0.5 + 0.2 * 4 - 0.2, 12); // e = 0..8, mean e = 4
  });

  it("trend-violation, σ = 0: the 2×2s carry the documented pre-trend bias (δ = 0.05 per period)", () => {
    const { frame, truth } = generatePanel({ seed: 2, scenario: "trend-violation", units: 400, noiseSd: 0 });
    expect(truth.params.differentialTrend).toBe(0.05);
    for (const c of truth.cohorts) expect(c.slopeGap).toBeCloseTo(0.05, 15);
    const pre = truth.attGT.find((c) => c.cohort === 16 && c.period === 5);
    expect(pre?.att).toBe(0);
    expect(pre?.biasVarying).toBeCloseTo(0.05, 15);
    expect(pre?.biasUniversal).toBeCloseTo(0.05 * (5 - 15), 15);
    checkTwoByTwos(truth, frame, 0);
  });

  it("covariate trend and effect heterogeneity in x: sample truth uses the realised x̄ per cohort", () => {
    const { frame, truth } = generatePanel({
      seed: 6,
      units: 300,
      noiseSd: 0,
      covariateTrend: 0.3,
      effectByX: 0.4,
    });
    const c0 = truth.cohorts[0];
    const x0 = truth.neverTreatedXMean ?? Number.NaN;
    expect(c0.slopeGap).toBeCloseTo(0.3 * (c0.xMean - x0), 14);
    const cell = truth.attGT.find((c) => c.cohort === 8 && c.period === 10);
    expect(cell?.att).toBeCloseTo(0.5 + 0.2 * 2 + 0.4 * c0.xMean, 14);
    checkTwoByTwos(truth, frame, 0);
  });

  it("trend-violation with noise: the pre-period 2×2s average to δ within sampling error", () => {
    const { frame, truth } = generatePanel({ seed: 17, scenario: "trend-violation", units: 4000 });
    const means = cellMeans(frame, truth.periods);
    const nC = truth.neverTreated;
    for (const c of truth.cohorts) {
      const g = c.firstTreat;
      // Mean of the varying-base pre-period 2×2s over t = 2 … g − 1 (telescopes to one long difference).
      let sum = 0;
      for (let t = 2; t < g; t++) sum += did2x2(means, g, 0, t, t - 1);
      const est = sum / (g - 2);
      const se = Math.sqrt(2 * (1 / c.units + 1 / nC)) / (g - 2);
      expect(Math.abs(est - 0.05), `g=${g}: ${est}`).toBeLessThan(Z * se);
      expect(est / se).toBeGreaterThan(3); // the violation is detectable
    }
  });

  it("two-wave: no never-treated units; the last cohort is the comparison, as in the did package", () => {
    const { frame, truth } = generatePanel({ seed: 1, scenario: "two-wave", units: 200, noiseSd: 0 });
    expect(truth.periods).toBe(52);
    expect(truth.neverTreated).toBe(0);
    expect(truth.comparison).toBe("last-cohort");
    expect(truth.cohorts.map((c) => c.units)).toEqual([100, 100]);
    expect(truth.cohorts[1].att).toBeNull();
    expect(truth.overall).toBeCloseTo(0.5 + 0.2 * 4.5, 12); // cohort 20, t = 20 … 29
    expect(truth.attGT.filter((c) => c.aggregated).every((c) => c.cohort === 20 && c.period < 30)).toBe(true);
    expect(truth.attGT.find((c) => c.cohort === 30 && c.period === 40)?.att).toBeCloseTo(2.5, 12);
    checkTwoByTwos(truth, frame, 30);
    expect(ints(frame, "first_treat").every((g) => g === 20 || g === 30)).toBe(true);
  });
});

describe("generatePanel: option errors", () => {
  it.each<[string, PanelOptions, string]>([
    ["seed", { seed: 1.5 }, "seed"],
    ["scenario", { seed: 1, scenario: "nope" as "staggered" }, "scenario"],
    ["units", { seed: 1, units: 1 }, "units"],
    ["periods", { seed: 1, periods: 1.5 }, "periods"],
    ["rows", { seed: 1, units: MAX_PANEL_ROWS, periods: 2 }, "units"],
    ["default cohorts beyond periods", { seed: 1, periods: 10 }, "cohorts"],
    ["cohort in period 1", { seed: 1, cohorts: [1], shares: [0.5] }, "cohorts"],
    ["unsorted cohorts", { seed: 1, cohorts: [12, 8], shares: [0.2, 0.2] }, "cohorts"],
    ["shares length", { seed: 1, shares: [0.5] }, "shares"],
    ["shares sum", { seed: 1, shares: [0.5, 0.5, 0.5] }, "shares"],
    ["zero share", { seed: 1, shares: [0.5, 0, 0.2] }, "shares"],
    ["single cohort, no never-treated", { seed: 1, cohorts: [5], shares: [1] }, "shares"],
    ["empty cohort after rounding", { seed: 1, units: 4, shares: [0.1, 0.1, 0.1] }, "shares"],
    ["clusters", { seed: 1, units: 10, clusters: 11 }, "clusters"],
    ["cohortEffects", { seed: 1, cohortEffects: [1] }, "cohortEffects"],
    ["noiseSd", { seed: 1, noiseSd: -1 }, "noiseSd"],
    ["effectSlope", { seed: 1, effectSlope: Number.NaN }, "effectSlope"],
    ["periodRho", { seed: 1, periodRho: 1 }, "periodRho"],
  ])("%s → E_INVALID_ARGUMENT naming the option", (_label, options, option) => {
    const r = invalid(options);
    expect(r.code).toBe("E_INVALID_ARGUMENT");
    expect(r.option).toBe(option);
  });

  it("hints at the fix for the default cohorts on a short panel", () => {
    expect(invalid({ seed: 1, periods: 10 }).hint).toContain("pass cohorts explicitly or raise periods");
    expect(
      errorCode(() => generatePanel({ seed: 1, periods: 10, cohorts: [4, 6], shares: [0.3, 0.3] })),
    ).toBe(undefined);
  });
});

describe("truelift generate --scenario <panel>", () => {
  it("writes the panel the library generates, and keeps --users scenarios unchanged", async () => {
    const r = await runCli(
      [
        "generate",
        "--scenario",
        "staggered",
        "--seed",
        "1",
        "--units",
        "500",
        "--periods",
        "24",
        "--out",
        "panel.csv",
      ],
      { cwd: dir },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /^Wrote 12000 rows × 7 columns to panel\.csv \(csv, \d+ bytes, sha256 [0-9a-f]{64}\)/,
    );
    const lib = generatePanel({ seed: 1, scenario: "staggered", units: 500, periods: 24 });
    const ref = await writeDataset(lib.frame, join(dir, "ref.csv"));
    expect(await hashFile(join(dir, "panel.csv"))).toBe(ref.sha256);

    const j = await runCli(
      [
        "generate",
        "--scenario",
        "two-wave",
        "--units",
        "100",
        "--clusters",
        "10",
        "--out",
        "w.csv",
        "--format",
        "json",
      ],
      { cwd: dir },
    );
    expect(j.code, j.stderr).toBe(0);
    const out = JSON.parse(j.stdout);
    const truth = generatePanel({ seed: 42, scenario: "two-wave", units: 100, clusters: 10 }).truth;
    expect(out).toMatchObject({
      command: "generate",
      scenario: "two-wave",
      rows: 5200,
      units: 100,
      periods: 52,
      clusters: 10,
      seed: 42,
      neverTreated: 0,
      trueOverallAtt: truth.overall,
    });
  });

  it("rejects panel flags on user-level scenarios, --cluster on panels, and bad panel options (exit 2)", async () => {
    for (const [args, text] of [
      [["generate", "--units", "10", "--out", "u.csv"], "--units applies to the panel scenarios only"],
      [["generate", "--scenario", "staggered", "--cluster", "--out", "u.csv"], "--cluster applies"],
      [["generate", "--scenario", "staggered", "--periods", "10", "--out", "u.csv"], "cohorts must be"],
      [
        ["generate", "--scenario", "staggered", "--units", "0", "--out", "u.csv"],
        "--units must be an integer",
      ],
    ] as const) {
      const r = await runCli([...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(text);
    }
  });
});
