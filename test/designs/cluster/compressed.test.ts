import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CellFrame } from "../../../src/core/cells.js";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import type { DeepReadonly } from "../../../src/core/result.js";
import { generateFewClusters } from "../../../src/data/generate/cluster-few.js";
import { generateDataset } from "../../../src/data/generate/dataset.js";
import {
  type ClusterResult,
  cluster,
  clusterCellRequest,
  clusterFromCells,
  clusterRows,
} from "../../../src/designs/cluster/cluster.js";
import { clusterDesign } from "../../../src/designs/cluster/design.js";
import { clusterCharts } from "../../../src/designs/cluster/result-charts.js";
import { type ClusterSpec, parseClusterSpec } from "../../../src/designs/cluster/spec.js";
import { errorCode } from "../../helpers/error-code.js";
import { clusterFixture } from "./cluster-fixture.js";

type Result = DeepReadonly<ClusterResult>;

/** The paths that may differ: the cells count (the path that ran) and, from engine cells, the per-user histogram. */
const CELLS = "result.n.cells";
const BINS = "result.tidy.outcomeBins";

/**
 * Walks two results: every number equal to 1e-10 relative (1e-12 absolute near 0), NaN to NaN, every other value
 * and every key set exactly; `skip` paths are not compared.
 */
function expectSame(a: unknown, b: unknown, skip: readonly string[], path = "result"): void {
  if (skip.includes(path)) return;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b)) {
      if (!(Number.isNaN(a) && Number.isNaN(b))) expect.fail(`${path}: ${a} vs ${b}`);
      return;
    }
    if (a === b) return;
    const tol = Math.max(1e-10 * Math.max(Math.abs(a), Math.abs(b)), 1e-12);
    if (!(Math.abs(a - b) <= tol)) expect.fail(`${path}: ${a} vs ${b} (|Δ| ${Math.abs(a - b)} > ${tol})`);
    return;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") {
    if (a !== b) expect.fail(`${path}: ${String(a)} vs ${String(b)}`);
    return;
  }
  if (Array.isArray(a) !== Array.isArray(b)) expect.fail(`${path}: array vs object`);
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  if (ka.join("\u0000") !== kb.join("\u0000")) expect.fail(`${path}: keys ${ka} vs ${kb}`);
  const ra: Record<string, unknown> = { ...a };
  const rb: Record<string, unknown> = { ...b };
  for (const k of ka) expectSame(ra[k], rb[k], skip, `${path}.${k}`);
}

/** The design's compress → estimate, with the in-memory compressor as the engine. */
function viaCells(frame: Frame, spec: ClusterSpec): Result {
  const c = clusterDesign.compression;
  if (c === undefined) throw new Error("clusterDesign has no compression");
  const s = parseClusterSpec(spec);
  const cells = compressFrameToCells(frame, c.request(s, {}));
  const res = c.estimate(cells, s);
  if (res instanceof Promise) throw new Error("estimate is synchronous");
  return res;
}

/** Rows vs compress-first `cluster()` vs engine cells: all equal; returns the three results. */
function expectAllPathsEqual(
  frame: Frame,
  spec: ClusterSpec,
): { rows: Result; memory: Result; cells: Result } {
  const rows = clusterRows(frame, spec);
  const memory = cluster(frame, spec);
  const cells = viaCells(frame, spec);
  expect(rows.n.cells).toBeNull();
  expect(memory.n.cells).toBeGreaterThan(0);
  expect(cells.n.cells).toBe(memory.n.cells);
  expect(memory.n.obs).toBe(frame.nrows);
  expect(cells.n.obs).toBe(frame.nrows);
  expectSame(memory, rows, [CELLS]);
  expectSame(cells, rows, [CELLS, BINS]);
  expect(JSON.parse(JSON.stringify(cells.n))).toEqual(cells.n);
  expect(() => JSON.stringify(cells)).not.toThrow();
  return { rows, memory, cells };
}

const TUTORIAL: ClusterSpec = {
  outcome: "session_minutes_obs",
  treatment: { column: "wave", treatedValues: [1] },
  cluster: "workspace_id",
  exposure: { column: "opt_in_agent_mode" },
  inference: { seed: 1 },
};

describe("cluster compress → estimate equals the rows (tutorial scenario)", () => {
  const frame = clusterFixture();

  it("the tutorial spec: every number to 1e-10, the cells and users counted", () => {
    const { memory, cells } = expectAllPathsEqual(frame, TUTORIAL);
    // 50 workspaces × (treated | untreated × flag 0/1): far fewer cells than users.
    expect(memory.n.cells).toBeLessThanOrEqual(100);
    expect(memory.n.obs).toBe(50_000);
    expect(memory.twoExposure).not.toBeNull();
    expect(memory.bootstrap?.reps).toBeGreaterThan(0);
    expect(memory.tidy.outcomeBins.length).toBeGreaterThan(0);
    expect(cells.tidy.outcomeBins).toEqual([]);
    // the report adapter still renders from engine cells, without the per-user outcome histogram
    expect(clusterCharts(cells).outcomeDistribution).toBeNull();
    expect(clusterCharts(cells).estimates).not.toBeNull();
    expect(clusterDesign.report.summary(cells).lines[0]).toEqual(
      clusterDesign.report.summary(memory).lines[0],
    );
  });

  it("with the small-K machinery forced on (wild bootstrap on treatment, direct and spillover; RI)", () => {
    const { memory } = expectAllPathsEqual(frame, {
      ...TUTORIAL,
      inference: {
        seed: 3,
        smallK: "always",
        wild: { reps: 199 },
        randomization: { reps: 199 },
        pairs: { reps: 99 },
      },
    });
    expect(memory.smallK?.wild?.spillover).not.toBeNull();
    expect(memory.smallK?.randomization).not.toBeNull();
  });

  it("the generated cluster scenario (generateDataset, scenario 'cluster'), and 20 of its workspaces (K < 30)", () => {
    const data = generateDataset({ seed: 7, users: 4000, scenario: "cluster" });
    expectAllPathsEqual(data, { ...TUTORIAL, inference: { seed: 2, pairs: { reps: 199 } } });
    // workspaces 15–34 only (10 per wave): 20 clusters, so the wild bootstrap and randomization inference run
    const ws = data.numeric("workspace_id");
    const rows = Int32Array.from(Array.from(ws.keys()).filter((i) => ws[i] >= 15 && ws[i] < 35));
    const { memory } = expectAllPathsEqual(data.take(rows), {
      ...TUTORIAL,
      inference: { seed: 2, wild: { reps: 499 }, randomization: { reps: 499 }, pairs: { reps: 199 } },
    });
    expect(memory.n.clusters).toBe(20);
    expect(memory.smallK?.wild?.direct).not.toBeNull();
  });

  it("clusterDesign.run compresses first and reports its cells", async () => {
    const res = await clusterDesign.run(frame, TUTORIAL);
    expect(res.n.cells).toBe(cluster(frame, TUTORIAL).n.cells);
  });
});

describe("cluster compress → estimate equals the rows (generateFewClusters)", () => {
  it("K = 8 (Webb wild bootstrap, exact randomization inference, pairs bootstrap)", () => {
    const g = generateFewClusters({ seed: 1, effect: 0.3 });
    const { memory } = expectAllPathsEqual(g.users, {
      outcome: "y",
      treatment: "treated",
      cluster: "cluster_id",
      inference: { seed: 11, wild: { reps: 999 } },
    });
    expect(memory.n.cells).toBe(8);
    expect(memory.headlineInference).toBeDefined();
  });

  it("K = 3 (randomization inference only) and K = 16 with strata", () => {
    const three = generateFewClusters({ seed: 2, clusters: 3, treatedShare: 0.34 });
    expectAllPathsEqual(three.users, { outcome: "y", treatment: "treated", cluster: "cluster_id" });
    const g = generateFewClusters({ seed: 4, clusters: 16 });
    const cl = g.users.numeric("cluster_id");
    const users = g.users.withColumn(
      "block",
      Array.from(cl, (c) => (c <= 8 ? "early" : "late")),
    );
    const { memory } = expectAllPathsEqual(users, {
      outcome: "y",
      treatment: "treated",
      cluster: "cluster_id",
      strata: "block",
      inference: { seed: 5, wild: { reps: 199 }, randomization: { reps: 199 }, pairs: { reps: 99 } },
    });
    expect(memory.n.strata).toBe(2);
  });

  it("the counts matter: cells with their counts set to 1 give other numbers", () => {
    const g = generateFewClusters({ seed: 6, effect: 0.5, sizes: [3, 9, 20, 41, 5, 60, 7, 12] });
    const spec = parseClusterSpec({
      outcome: "y",
      treatment: "treated",
      cluster: "cluster_id",
      inference: { seed: 1 },
    });
    const cells = compressFrameToCells(g.users, clusterCellRequest(spec));
    const right = clusterFromCells(cells, spec);
    const ones: CellFrame = {
      ...cells,
      frame: cells.frame.withColumn(cells.count, new Float64Array(cells.frame.nrows).fill(1)),
    };
    const wrong = clusterFromCells(ones, spec);
    expect(right.n.obs).toBe(g.users.nrows);
    expect(wrong.n.obs).toBe(8);
    expect(Math.abs(wrong.estimators.naive.estimate - right.estimators.naive.estimate)).toBeGreaterThan(1e-6);
    // and the within-cell sums of squares: without them the user-level SEs change
    const noSS: CellFrame = {
      ...cells,
      frame: cells.frame.withColumn(cells.withinSS.y, new Float64Array(cells.frame.nrows)),
    };
    const r = clusterFromCells(noSS, spec);
    expect(r.estimators.naive.estimate).toBeCloseTo(right.estimators.naive.estimate, 12);
    expect(Math.abs((r.estimators.naive.se ?? 0) - (right.estimators.naive.se ?? 0))).toBeGreaterThan(1e-6);
  });
});

/**
 * Small random trials: 2–9 clusters of 2–5 users in interleaved rows, optional flag exposure, strata, text arms
 * and ids. Non-degenerate by construction: with K ≥ 4 at least two clusters per arm, and every cluster has a
 * flagged and an unflagged user — with a single treated (or spillover) cluster the cluster-robust variance is
 * exactly 0 in theory and rounding noise in practice, on the rows as from cells, so not comparable.
 */
const trial = fc.record({
  clusters: fc.array(
    fc.record({ size: fc.integer({ min: 2, max: 5 }), treated: fc.boolean(), block: fc.boolean() }),
    { minLength: 2, maxLength: 9 },
  ),
  // Outcomes on one realistic scale (so the data are well conditioned: with outcomes spanning many orders of
  // magnitude, or fitted exactly, the row path itself is only accurate to κ·ε) and generic (no exact decimal
  // ties, which the 4-digit numbers in diagnostic messages would round apart).
  ys: fc.array(
    fc
      .tuple(fc.integer({ min: -160, max: 160 }), fc.double({ min: 0.001, max: 0.999, noNaN: true }))
      .map(([a, b]) => a / 8 + b),
    { minLength: 45, maxLength: 45 },
  ),
  flags: fc.array(fc.boolean(), { minLength: 45, maxLength: 45 }),
  exposure: fc.boolean(),
  strata: fc.boolean(),
  textArms: fc.boolean(),
  textIds: fc.boolean(),
  /** Sometimes one bad cell (row 2): a missing outcome or cluster id, a treatment that varies in its cluster. */
  corrupt: fc.constantFrom("none", "none", "none", "nanOutcome", "nanCluster", "varyTreatment"),
});

function trialData(t: TrialInput): {
  frame: Frame;
  spec: ClusterSpec;
} {
  const g: (string | number)[] = [];
  const d: (string | number)[] = [];
  const block: string[] = [];
  const flag: number[] = [];
  const forced = t.clusters.length >= 4 ? [true, false, true, false] : [true, false];
  const arms = t.clusters.map((c, j) => forced[j] ?? c.treated);
  const left = t.clusters.map((c) => c.size);
  for (let more = true; more; ) {
    more = false;
    t.clusters.forEach((c, j) => {
      if (left[j] === 0) return;
      const pos = c.size - left[j];
      left[j]--;
      more = true;
      g.push(t.textIds ? `w${j}` : 100 + j);
      d.push(t.textArms ? (arms[j] ? "on" : "off") : arms[j] ? 1 : 0);
      flag.push(pos < 2 ? pos : t.flags[g.length - 1] ? 1 : 0);
      block.push(c.block ? "b1" : "b0");
    });
  }
  const n = g.length;
  const y = Array.from({ length: n }, (_, i) => t.ys[i]);
  if (t.corrupt === "nanOutcome") y[2] = Number.NaN;
  if (t.corrupt === "varyTreatment") d[2] = t.textArms ? (d[2] === "on" ? "off" : "on") : 1 - Number(d[2]);
  const ids: (string | number | null)[] = t.textIds ? g.map(String) : g.map(Number);
  if (t.corrupt === "nanCluster") ids[2] = null;
  const frame = Frame.fromObject({
    g: t.textIds
      ? ids.map((v) => (v === null ? null : String(v)))
      : ids.map((v) => (v === null ? Number.NaN : Number(v))),
    d: t.textArms ? d.map(String) : d.map(Number),
    y,
    flag,
    block,
  });
  const spec: ClusterSpec = {
    outcome: "y",
    treatment: t.textArms ? { column: "d", treatedValues: ["on"] } : "d",
    cluster: "g",
    ...(t.exposure ? { exposure: { column: "flag", provenance: "observed" as const } } : {}),
    ...(t.strata ? { strata: "block" } : {}),
    inference: { seed: 9, wild: { reps: 99 }, randomization: { reps: 99 }, pairs: { reps: 29 } },
  };
  return { frame, spec };
}

interface TrialInput {
  readonly clusters: readonly { readonly size: number; readonly treated: boolean; readonly block: boolean }[];
  readonly ys: readonly number[];
  readonly flags: readonly boolean[];
  readonly exposure: boolean;
  readonly strata: boolean;
  readonly textArms: boolean;
  readonly textIds: boolean;
  readonly corrupt: string;
}

describe("cluster compress → estimate equals the rows (property)", () => {
  it("random small trials: same result or same error code on every path", () => {
    fc.assert(
      fc.property(trial, (t) => {
        const { frame, spec } = trialData(t);
        const codes = [
          errorCode(() => clusterRows(frame, spec)),
          errorCode(() => cluster(frame, spec)),
          errorCode(() => viaCells(frame, spec)),
        ];
        expect(codes[1]).toBe(codes[0]);
        expect(codes[2]).toBe(codes[0]);
        if (codes[0] === undefined) expectAllPathsEqual(frame, spec);
      }),
      { numRuns: 30 },
    );
  });
});

describe("cluster compress → estimate: errors", () => {
  const ok = {
    y: [1, 2, 3, 4, 5, 6, 7, 8],
    d: [1, 1, 0, 0, 1, 1, 0, 0],
    g: ["a", "a", "b", "b", "c", "c", "e", "e"],
    s: ["x", "x", "x", "x", "z", "z", "z", "z"],
  };
  const base: ClusterSpec = { outcome: "y", treatment: "d", cluster: "g" };
  const cases: [string, Parameters<typeof Frame.fromObject>[0], ClusterSpec, string][] = [
    ["missing outcome column", ok, { ...base, outcome: "nope" }, "E_COLUMN_MISSING"],
    ["NaN outcome", { ...ok, y: [1, Number.NaN, 3, 4, 5, 6, 7, 8] }, base, "E_MISSING_VALUES"],
    ["infinite outcome", { ...ok, y: [1, Infinity, 3, 4, 5, 6, 7, 8] }, base, "E_NONFINITE_VALUES"],
    ["text outcome", { ...ok, y: ok.g }, base, "E_COLUMN_TYPE"],
    ["treatment not 0/1", { ...ok, d: [2, 2, 0, 0, 1, 1, 0, 0] }, base, "E_NOT_BINARY"],
    ["missing cluster id", { ...ok, g: ["a", "a", null, "b", "c", "c", "e", "e"] }, base, "E_NAN_IN_CLUSTER"],
    ["one cluster", { ...ok, g: ok.g.map(() => "a") }, base, "E_CLUSTER_SINGLE"],
    ["one arm", { ...ok, d: ok.d.map(() => 1) }, base, "E_CLUSTER_ONE_ARM"],
    ["treatment varies", { ...ok, d: [1, 0, 0, 0, 1, 1, 0, 0] }, base, "E_TREATMENT_VARIES_IN_CLUSTER"],
    [
      "stratum varies",
      { ...ok, s: ["x", "z", "x", "x", "z", "z", "z", "z"] },
      { ...base, strata: "s" },
      "E_STRATUM_VARIES_IN_CLUSTER",
    ],
    [
      "flag not 0/1",
      { ...ok, f: [0, 0, 3, 0, 0, 0, 1, 0] },
      { ...base, exposure: { column: "f" } },
      "E_NOT_BINARY",
    ],
  ];
  for (const [name, data, spec, code] of cases) {
    it(`${name}: ${code} on the rows, compress-first and from cells`, () => {
      const frame = Frame.fromObject(data);
      expect(errorCode(() => clusterRows(frame, spec))).toBe(code);
      expect(errorCode(() => cluster(frame, spec))).toBe(code);
      expect(errorCode(() => viaCells(frame, spec))).toBe(code);
    });
  }

  it("E_BAD_FREQUENCY: a cell count that is not a positive integer", () => {
    const spec = parseClusterSpec(base);
    const cells = compressFrameToCells(Frame.fromObject(ok), clusterCellRequest(spec));
    const bad: CellFrame = { ...cells, frame: cells.frame.withColumn(cells.count, [2, 2, 0, 2]) };
    expect(errorCode(() => clusterFromCells(bad, spec))).toBe("E_BAD_FREQUENCY");
  });

  it("E_UNSUPPORTED_COMPRESSED: an edge-list exposure is per user; run keeps the rows for it", async () => {
    const spec = parseClusterSpec({
      ...base,
      exposure: { edges: { from: "a", to: "b" }, user: "u" },
      inference: { seed: 1, pairs: false },
    });
    const c = clusterDesign.compression;
    expect(c).toBeDefined();
    expect(errorCode(() => c?.request(spec, {}))).toBe("E_UNSUPPORTED_COMPRESSED");
    const cells = compressFrameToCells(Frame.fromObject(ok), { keys: ["g", "d"], measures: ["y"] });
    expect(errorCode(() => c?.estimate(cells, spec))).toBe("E_UNSUPPORTED_COMPRESSED");
    const frame = Frame.fromObject({ ...ok, u: [1, 2, 3, 4, 5, 6, 7, 8] });
    const edges = Frame.fromObject({ a: [3, 7], b: [1, 5] });
    const res = await clusterDesign.run(frame, spec, { frames: { edges } });
    expect(res.n.cells).toBeNull();
    expect(res.exposureCounts.spillover).toBe(2);
  });
});
