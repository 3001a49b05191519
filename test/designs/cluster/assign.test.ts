import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import { createRng } from "../../../src/core/rng.js";
import { ASSIGN_STREAM, assignClusters } from "../../../src/designs/cluster/assign.js";
import {
  clusterAssignmentDesign,
  drawClusterAssignment,
} from "../../../src/designs/cluster/assign-design.js";
import { assignmentCsv } from "../../../src/designs/cluster/assign-output.js";
import { runCli } from "../../cli/run-cli.js";
import { errorCode } from "../../helpers/error-code.js";

function workspaces(k = 20): Frame {
  const rng = createRng(99);
  const ws: string[] = [];
  const region: string[] = [];
  const seats: number[] = [];
  const usage: number[] = [];
  for (let i = 0; i < k; i++) {
    ws.push(`ws${String(i).padStart(2, "0")}`);
    region.push(i % 3 === 0 ? "us" : "eu");
    seats.push(Math.round(20 + 80 * rng.uniform()));
    usage.push(5 + rng.normal());
  }
  return Frame.fromObject({ ws, region, seats, usage });
}

describe("assignClusters", () => {
  it("returns a reproducible plan with seed, hash, counts and balance", () => {
    const plan = assignClusters(workspaces(), { cluster: "ws", seed: 1 });
    expect(plan.counts).toMatchObject({
      clusters: 20,
      treated: 10,
      control: 10,
      possibleAssignments: 184756,
    });
    expect(plan.assignment.map((r) => r.cluster)).toEqual([...plan.assignment.map((r) => r.cluster)].sort());
    expect(plan.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(plan.balance.map((b) => b.covariate)).toEqual(["seats", "usage"]);
    expect(plan.provenance).toMatchObject({ seed: 1, engine: "memory", inputHash: plan.inputHash });
    expect(plan.diagnostics.map((d) => d.code)).toContain("D_ASSIGN_BALANCE");
    const again = assignClusters(workspaces(), { cluster: "ws", seed: 1 });
    expect(again).toEqual(plan);
    expect(JSON.parse(JSON.stringify(plan))).toEqual(plan);
    // the exported mechanism reproduces the assignment from the seed alone
    const redraw = drawClusterAssignment(plan.design, createRng(1, ASSIGN_STREAM)).treated;
    expect(Array.from(redraw)).toEqual(plan.assignment.map((r) => r.treated));
    const other = assignClusters(workspaces(), { cluster: "ws", seed: 2 });
    expect(other.assignment).not.toEqual(plan.assignment);
    expect(other.inputHash).not.toBe(plan.inputHash);
  });

  it("does not depend on the row order of the cluster table", () => {
    const f = workspaces();
    const reversed = f.take(Int32Array.from({ length: f.nrows }, (_, i) => f.nrows - 1 - i));
    const a = assignClusters(f, { cluster: "ws", seed: 5, strata: "region" });
    const b = assignClusters(reversed, { cluster: "ws", seed: 5, strata: "region" });
    expect(b.assignment).toEqual(a.assignment);
    expect(b.inputHash).toBe(a.inputHash);
  });

  it("stratifies and re-randomizes, recording the rule and draws", () => {
    const plan = assignClusters(workspaces(), {
      cluster: "ws",
      seed: 3,
      strata: "region",
      rerandomize: { criterion: "max-smd", threshold: 0.05, covariates: ["seats", "usage"] },
    });
    expect(plan.counts.blocks).toEqual([
      { stratum: "eu", clusters: 13, treated: 7 },
      { stratum: "us", clusters: 7, treated: 4 },
    ]);
    for (const s of ["eu", "us"]) {
      const rows = plan.assignment.filter((r) => r.stratum === s);
      expect(rows.filter((r) => r.treated === 1).length).toBe(s === "eu" ? 7 : 4);
    }
    const r = plan.rerandomization;
    expect(r?.draws).toBeGreaterThan(1);
    expect(r?.statistic).toBeLessThanOrEqual(0.05);
    expect(r?.rule).toBe("accept the first draw with max |SMD| ≤ 0.05 (at most 100000 draws)");
    for (const b of plan.balance) expect(Math.abs(b.smd as number)).toBeLessThanOrEqual(0.05);
    expect(plan.diagnostics.map((d) => d.code)).toEqual(
      expect.arrayContaining(["D_ASSIGN_BALANCE", "D_ASSIGN_RERANDOMIZED", "D_ASSIGN_ODD_BLOCKS"]),
    );
    const mah = assignClusters(workspaces(), {
      cluster: "ws",
      seed: 3,
      rerandomize: { criterion: "mahalanobis", threshold: 0.5 },
    });
    expect(mah.rerandomization?.covariates).toEqual(["seats", "usage"]);
    expect(mah.rerandomization?.statistic).toBeLessThanOrEqual(0.5);
  });

  it("names bad input by code", () => {
    const f = workspaces(4);
    expect(errorCode(() => assignClusters(f, { cluster: "nope", seed: 1 }))).toBe("E_COLUMN_MISSING");
    expect(errorCode(() => assignClusters(f, { cluster: "ws" } as never))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => assignClusters(f, { cluster: "ws", seed: 1, treatedShare: 1.5 }))).toBe(
      "E_INVALID_SPEC",
    );
    const dup = Frame.fromObject({ ws: ["a", "b", "a"] });
    expect(errorCode(() => assignClusters(dup, { cluster: "ws", seed: 1 }))).toBe(
      "E_ASSIGN_DUPLICATE_CLUSTER",
    );
    const missing = Frame.fromObject({ ws: ["a", null, "c"] });
    expect(errorCode(() => assignClusters(missing, { cluster: "ws", seed: 1 }))).toBe("E_NAN_IN_CLUSTER");
    const one = Frame.fromObject({ ws: ["a"] });
    expect(errorCode(() => assignClusters(one, { cluster: "ws", seed: 1 }))).toBe("E_CLUSTER_SINGLE");
    expect(errorCode(() => assignClusters(f, { cluster: "ws", seed: 1, treatedShare: 0.1 }))).toBe(
      "E_CLUSTER_ONE_ARM",
    );
    expect(
      errorCode(() => assignClusters(f, { cluster: "ws", seed: 1, balanceCovariates: ["region"] })),
    ).toBe("E_COLUMN_TYPE");
    const bare = Frame.fromObject({ ws: ["a", "b", "c", "d"] });
    expect(
      errorCode(() =>
        assignClusters(bare, {
          cluster: "ws",
          seed: 1,
          rerandomize: { criterion: "max-smd", threshold: 0.1 },
        }),
      ),
    ).toBe("E_INVALID_SPEC");
  });

  it("writes a CSV with the seed and input hash on every row", () => {
    const plan = assignClusters(workspaces(4), { cluster: "ws", seed: 1, strata: "region" });
    const lines = assignmentCsv(plan).trimEnd().split("\n");
    expect(lines[0]).toBe("ws,stratum,treated,arm,seed,input_sha256");
    expect(lines.length).toBe(5);
    expect(lines[1].endsWith(`,1,${plan.inputHash}`)).toBe(true);
  });

  it("stays a pure function of (seed, design): part A's RI can re-draw", () => {
    const d = clusterAssignmentDesign({
      clusters: ["a", "b", "c", "d", "e", "f"],
      strata: [1, 1, 1, 2, 2, 2],
    });
    const a = drawClusterAssignment(d, createRng(10, 4));
    const b = drawClusterAssignment(d, createRng(10, 4));
    expect(Array.from(a.treated)).toEqual(Array.from(b.treated));
  });
});

describe("truelift assign", () => {
  const cwd = mkdtempSync(join(tmpdir(), "truelift-assign-"));
  const rows = workspaces(12).toRecords();
  writeFileSync(
    join(cwd, "ws.csv"),
    `ws,region,seats,usage\n${rows.map((r) => `${r.ws},${r.region},${r.seats},${r.usage}`).join("\n")}\n`,
  );

  it("writes the plan CSV atomically and prints the summary", async () => {
    const run = await runCli(
      [
        "assign",
        "--clusters",
        "ws.csv",
        "--cluster-column",
        "ws",
        "--strata",
        "region",
        "--rerandomize",
        "max-smd=0.2",
        "--seed",
        "1",
        "--out",
        "plan.csv",
      ],
      { cwd },
    );
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Cluster assignment: 12 clusters, 6 treated, 6 control \(stratified/);
    expect(run.stdout).toMatch(/Re-randomization: accept the first draw with max \|SMD\| ≤ 0\.2/);
    expect(run.stdout).toMatch(/Seed 1; input SHA-256 [0-9a-f]{64}/);
    const csv = readFileSync(join(cwd, "plan.csv"), "utf8").trimEnd().split("\n");
    expect(csv.length).toBe(13);
    expect(csv[0]).toBe("ws,stratum,treated,arm,seed,input_sha256");
  });

  it("writes the full plan as JSON and prints the canonical spec", async () => {
    const run = await runCli(
      [
        "assign",
        "--clusters",
        "ws.csv",
        "--cluster-column",
        "ws",
        "--seed",
        "4",
        "--out",
        "plan.json",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(run.code).toBe(0);
    const doc = JSON.parse(run.stdout);
    expect(doc.sha256).toMatch(/^[0-9a-f]{64}$/);
    const plan = JSON.parse(readFileSync(join(cwd, "plan.json"), "utf8"));
    expect(plan.assignment).toEqual(doc.result.assignment);
    expect(plan.design.clusters.length).toBe(12);
    const spec = await runCli(
      [
        "assign",
        "--clusters",
        "ws.csv",
        "--cluster-column",
        "ws",
        "--treated-share",
        "0.25",
        "--seed",
        "4",
        "--print-spec",
        "--format",
        "json",
      ],
      { cwd },
    );
    expect(JSON.parse(spec.stdout)).toEqual({ cluster: "ws", seed: 4, treatedShare: 0.25 });
  });

  it("exits with usage errors for a missing seed or a bad rule", async () => {
    const noSeed = await runCli(["assign", "--clusters", "ws.csv", "--cluster-column", "ws"], { cwd });
    expect(noSeed.code).toBe(2);
    const bad = await runCli(
      ["assign", "--clusters", "ws.csv", "--cluster-column", "ws", "--seed", "1", "--rerandomize", "smd<0.1"],
      { cwd },
    );
    expect(bad.code).toBe(2);
    const badOut = await runCli(
      ["assign", "--clusters", "ws.csv", "--cluster-column", "ws", "--seed", "1", "--out", "plan.txt"],
      { cwd },
    );
    expect(badOut.code).toBe(2);
  });
});
