import { describe, expect, it } from "vitest";
import { TrueliftError } from "../../src/core/errors.js";
import { createRng } from "../../src/core/rng.js";
import { type BootstrapSpec, bootstrap, bootstrapRun } from "../../src/models/bootstrap.js";
import {
  basicInterval,
  bcaInterval,
  bootstrapSe,
  percentileInterval,
  quantileSorted,
} from "../../src/models/bootstrap-ci.js";
import {
  bootstrapResample,
  clusterPlan,
  fullSample,
  jackknifeResample,
  type ResamplePlan,
} from "../../src/models/resample.js";
import { expectClose } from "../helpers/expect-close.js";
import { loadGolden } from "../helpers/golden.js";

async function code(f: () => unknown): Promise<string | undefined> {
  try {
    await f();
  } catch (e) {
    if (e instanceof TrueliftError) return e.code;
    throw e;
  }
  return undefined;
}

const meanOf =
  (x: Float64Array) =>
  (idx: Int32Array): number => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += x[idx[i]];
    return s / idx.length;
  };

function normalSample(seed: number, n: number, mu: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => mu + rng.normal());
}

describe("resampling plans", () => {
  it("draws replicate r from stream r + 1, independently of other replicates", () => {
    const plan: ResamplePlan = { kind: "rows", n: 50 };
    const a = bootstrapResample(plan, 9, 17).indices;
    const rng = createRng(9, 18);
    expect(Array.from(a)).toEqual(Array.from({ length: 50 }, () => rng.int(50)));
    expect(Array.from(bootstrapResample(plan, 9, 16).indices)).not.toEqual(Array.from(a));
  });

  it("groups clusters by sorted label and keeps them intact when resampled", () => {
    const labels = Int32Array.of(7, 3, 7, 3, 5, 7, 12);
    const plan = clusterPlan(labels);
    expect(plan.groups).toBe(4);
    expect(Array.from(plan.labels)).toEqual([3, 5, 7, 12]);
    expect(Array.from(plan.rows)).toEqual([1, 3, 4, 0, 2, 5, 6]);
    expect(Array.from(fullSample(plan).clusterOf!)).toEqual([2, 0, 2, 0, 1, 2, 3]);
    for (let r = 0; r < 50; r++) {
      const { indices, clusterOf } = bootstrapResample(plan, 1, r);
      // Each draw position d holds exactly the rows of one original cluster, in order.
      const byDraw = new Map<number, number[]>();
      indices.forEach((row, i) => {
        byDraw.set(clusterOf![i], [...(byDraw.get(clusterOf![i]) ?? []), row]);
      });
      expect(byDraw.size).toBe(4);
      for (const rows of byDraw.values()) {
        const g = labels[rows[0]];
        const expected = [...labels.keys()].filter((i) => labels[i] === g);
        expect(rows).toEqual(expected);
      }
    }
  });

  it("builds delete-one-row and delete-one-cluster jackknife samples", () => {
    expect(Array.from(jackknifeResample({ kind: "rows", n: 4 }, 2).indices)).toEqual([0, 1, 3]);
    const plan = clusterPlan(Int32Array.of(1, 2, 1, 3));
    const jk = jackknifeResample(plan, 0);
    expect(Array.from(jk.indices)).toEqual([1, 3]);
    expect(Array.from(jk.clusterOf!)).toEqual([1, 2]);
  });

  it("rejects a single cluster and empty labels", async () => {
    expect(await code(() => clusterPlan(Int32Array.of(4, 4, 4)))).toBe("E_TOO_FEW_CLUSTERS");
    expect(await code(() => clusterPlan(new Int32Array(0)))).toBe("E_INVALID_ARGUMENT");
  });
});

describe("interval functions vs scipy.stats.bootstrap (golden, fixed replicates)", () => {
  interface Case {
    name: string;
    statistic: "mean" | "sd";
    x: number[];
    theta_b: number[];
    estimate: number;
    results: {
      confidence_level: number;
      percentile: [number, number];
      basic: [number, number];
      BCa: [number, number];
      se: number;
      bca_levels: [number, number];
      acceleration: number;
    }[];
  }
  const golden = loadGolden<{ cases: Case[] }>("logit", "bootstrap_scipy");
  for (const c of golden.expected.cases) {
    it(`${c.name}: percentile, basic, BCa and SE`, () => {
      const x = Float64Array.from(c.x);
      const stat = (idx: Int32Array): number => {
        const m = meanOf(x)(idx);
        if (c.statistic === "mean") return m;
        let ss = 0;
        for (const i of idx) ss += (x[i] - m) ** 2;
        return Math.sqrt(ss / (idx.length - 1));
      };
      const plan: ResamplePlan = { kind: "rows", n: x.length };
      const theta = stat(fullSample(plan).indices);
      expectClose(theta, c.estimate, { rtol: 1e-14 });
      const jack = Float64Array.from({ length: x.length }, (_, j) =>
        stat(jackknifeResample(plan, j).indices),
      );
      for (const r of c.results) {
        const alpha = 1 - r.confidence_level;
        expectClose(percentileInterval(c.theta_b, alpha), r.percentile, { rtol: 1e-14 });
        expectClose(basicInterval(c.theta_b, theta, alpha), r.basic, { rtol: 1e-14 });
        expectClose(bootstrapSe(c.theta_b), r.se, { rtol: 1e-12 });
        const bca = bcaInterval({ replicates: c.theta_b, estimate: theta, jackknife: jack, alpha });
        expect(bca).not.toBeNull();
        expectClose(bca!.acceleration, r.acceleration, { rtol: 1e-10 });
        expectClose(bca!.levels, r.bca_levels, { rtol: 1e-12 });
        expectClose(bca!.ci, r.BCa, { rtol: 1e-12 });
      }
    });
  }

  it("type-7 quantiles match numpy's linear interpolation", () => {
    const s = Float64Array.of(1, 2, 4, 8);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(8);
    expect(quantileSorted(s, 0.5)).toBe(3); // np.percentile([1,2,4,8], 50)
    expect(quantileSorted(s, 0.25)).toBe(1.75);
    expect(quantileSorted(Float64Array.of(5), 0.3)).toBe(5);
  });

  it("BCa is undefined (null) for degenerate inputs", () => {
    const reps = Float64Array.of(1, 2, 3);
    expect(
      bcaInterval({ replicates: reps, estimate: 10, jackknife: Float64Array.of(1, 2), alpha: 0.05 }),
    ).toBeNull();
    expect(
      bcaInterval({ replicates: reps, estimate: 2, jackknife: Float64Array.of(1, 1, 1), alpha: 0.05 }),
    ).toBeNull();
    expect(
      bcaInterval({ replicates: [], estimate: 2, jackknife: Float64Array.of(1, 2), alpha: 0.05 }),
    ).toBeNull();
    expect(bootstrapSe(Float64Array.of(1))).toBeNull();
    expect(percentileInterval([], 0.05)).toBeNull();
  });
});

describe("bootstrap engine", () => {
  const x = normalSample(1, 200, 3);
  const base: BootstrapSpec = { n: x.length, statistic: meanOf(x), replicates: 500, seed: 42 };

  it("is reproducible: same seed → identical replicates; another seed → different", async () => {
    const a = await bootstrapRun(base);
    const b = await bootstrapRun(base);
    const c = await bootstrapRun({ ...base, seed: 43 });
    expect(Array.from(a.draws)).toEqual(Array.from(b.draws));
    expect(a.result).toEqual(b.result);
    expect(a.result).toEqual(await bootstrap(base));
    expect(Array.from(c.draws)).not.toEqual(Array.from(a.draws));
    // replicate r is the statistic on bootstrapResample(plan, seed, r)
    expect(a.draws[123]).toBe(meanOf(x)(bootstrapResample({ kind: "rows", n: 200 }, 42, 123).indices));
  });

  it("returns frozen JSON-serialisable results with SE, bias and the requested intervals", async () => {
    const {
      result: res,
      draws,
      jackknife,
    } = await bootstrapRun({ ...base, ci: ["percentile", "basic", "bca"] });
    expect(Object.isFrozen(res)).toBe(true);
    const json = JSON.parse(JSON.stringify(res));
    expect(json.draws).toBeUndefined();
    expect(json.jackknife).toBeUndefined();
    expect(Object.keys(json.intervals)).toEqual(["percentile", "basic", "bca"]);
    expect(draws.length).toBe(500);
    expect(jackknife?.length).toBe(200);
    expectClose(res.se[0], bootstrapSe(draws), { rtol: 1e-15 });
    // SE of a mean ≈ sd / √n ≈ 1/√200
    expect(res.se[0]).toBeGreaterThan(0.06);
    expect(res.se[0]).toBeLessThan(0.085);
    expect(res.succeeded).toBe(500);
    expect(res.failed).toBe(0);
    expect(res.diagnostics).toEqual([]);
    expect(res.workerThreads).toBe(0);
    expect(res.bca?.acceleration[0]).not.toBeNull();
  });

  it("percentile intervals of a normal mean cover the truth at about the nominal rate", async () => {
    let covered = 0;
    const sets = 120;
    for (let s = 0; s < sets; s++) {
      const xs = normalSample(500 + s, 60, 3);
      const res = await bootstrap({ n: 60, statistic: meanOf(xs), replicates: 400, seed: s });
      const [lo, hi] = res.intervals.percentile![0]!;
      if (lo <= 3 && 3 <= hi) covered++;
    }
    // nominal 95%; the percentile interval is slightly short at n = 60; binomial sd ≈ 0.02
    expect(covered / sets).toBeGreaterThan(0.87);
    expect(covered / sets).toBeLessThanOrEqual(1);
    const one = await bootstrap(base);
    const [lo, hi] = one.intervals.percentile![0]!;
    expect(lo).toBeLessThan(3);
    expect(hi).toBeGreaterThan(3);
  });

  it("handles vector statistics component-wise", async () => {
    const res = await bootstrap({
      ...base,
      statistic: (idx) => {
        const m = meanOf(x)(idx);
        return [m, 2 * m + 1];
      },
      ci: ["percentile", "basic"],
    });
    expect(res.estimate.length).toBe(2);
    expectClose(res.se[1], 2 * res.se[0]!, { rtol: 1e-12 });
    const [p0, p1] = res.intervals.percentile!;
    expectClose(p1, [2 * p0![0] + 1, 2 * p0![1] + 1], { rtol: 1e-12 });
  });

  it("counts, drops and reports failed replicates", async () => {
    const stat = (idx: Int32Array, ctx: { index: number; kind: string }) => {
      if (ctx.kind === "bootstrap" && ctx.index % 10 === 3) throw new Error("boom");
      if (ctx.kind === "bootstrap" && ctx.index % 10 === 7) return Number.NaN;
      return meanOf(x)(idx);
    };
    const { result: res, draws } = await bootstrapRun({ ...base, statistic: stat });
    expect(res.failed).toBe(100);
    expect(res.succeeded).toBe(400);
    const d = res.diagnostics.find((g) => g.code === "D_BOOTSTRAP_FAILED_REPLICATES");
    expect(d?.severity).toBe("warn");
    expect(d?.evidence).toMatchObject({ failed: 100, replicates: 500, firstError: "Error: boom" });
    const ok = Array.from(draws).filter(Number.isFinite);
    expect(ok.length).toBe(400);
    expectClose(res.intervals.percentile![0], percentileInterval(ok, 0.05), { rtol: 1e-15 });

    const allFail = await bootstrap({
      ...base,
      statistic: (idx, ctx) => (ctx.kind === "full" ? meanOf(x)(idx) : Number.NaN),
    });
    expect(allFail.intervals.percentile).toEqual([null]);
    expect(allFail.se).toEqual([null]);
    expect(allFail.diagnostics[0].severity).toBe("fail");
  });

  it("reports an undefined BCa interval as null with a diagnostic", async () => {
    const res = await bootstrap({ ...base, statistic: () => 1, ci: ["bca"] });
    expect(res.intervals.bca).toEqual([null]);
    expect(res.diagnostics.map((d) => d.code)).toContain("D_BCA_UNDEFINED");
  });

  it("resamples clusters intact and uses the cluster jackknife for BCa", async () => {
    const n = 300;
    const clusters = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10) * 3);
    const values = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 10) + (i % 10) / 100);
    let checked = 0;
    const { result: res, jackknife } = await bootstrapRun({
      resample: { clusters },
      statistic: (idx, ctx) => {
        // rows sharing a clusterOf are exactly one original cluster, complete
        const groups = new Map<number, number[]>();
        idx.forEach((row, i) => {
          groups.set(ctx.clusterOf![i], [...(groups.get(ctx.clusterOf![i]) ?? []), row]);
        });
        for (const rows of groups.values()) {
          const c = clusters[rows[0]];
          if (rows.length !== 10 || rows.some((r) => clusters[r] !== c)) throw new Error("cluster split");
        }
        checked++;
        return meanOf(values)(idx);
      },
      replicates: 200,
      seed: 5,
      ci: ["percentile", "bca"],
    });
    expect(res.failed).toBe(0);
    expect(res.resample).toBe("clusters");
    expect(res.clusters).toBe(30);
    expect(jackknife?.length).toBe(30);
    expect(checked).toBe(1 + 200 + 30);
    expect(res.intervals.bca![0]).not.toBeNull();
  });

  it("reports progress up to the total", async () => {
    const seen: [number, number][] = [];
    await bootstrap({ ...base, replicates: 100, ci: ["bca"], onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.at(-1)).toEqual([300, 300]);
    for (let i = 1; i < seen.length; i++) expect(seen[i][0]).toBeGreaterThan(seen[i - 1][0]);
  });

  it("validates its inputs by code", async () => {
    expect(await code(() => bootstrap({ ...base, replicates: 1 }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, seed: 1.5 }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, alpha: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, ci: ["studentized" as never] }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, threads: 0 }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, threads: 2 }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, n: undefined }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, resample: "blocks" as never }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, statistic: { export: "x" } as never }))).toBe(
      "E_INVALID_ARGUMENT",
    );
    expect(
      await code(() => bootstrap({ ...base, statistic: { module: "/nonexistent/stat.mjs", export: "f" } })),
    ).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, statistic: () => Number.NaN }))).toBe("E_INVALID_ARGUMENT");
    expect(await code(() => bootstrap({ ...base, resample: { clusters: Int32Array.of(1, 2) } }))).toBe(
      "E_LENGTH_MISMATCH",
    );
    expect(
      await code(() => bootstrap({ ...base, n: 3, resample: { clusters: Int32Array.of(1, 1, 1) } })),
    ).toBe("E_TOO_FEW_CLUSTERS");
  });
});
