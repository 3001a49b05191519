import { describe, expect, it } from "vitest";
import { Frame } from "../../../src/core/frame.js";
import type { ProgressCallback } from "../../../src/core/options.js";
import { progressTicker } from "../../../src/core/progress.js";
import { createRng } from "../../../src/core/rng.js";
import { generatePanel } from "../../../src/data/generate/panel.js";
import { clusterDesign } from "../../../src/designs/cluster/design.js";
import { didDesign } from "../../../src/designs/did/design.js";
import { rddDesign } from "../../../src/designs/rdd/design.js";
import type { Design, DesignResult } from "../../../src/designs/shared/contract.js";
import { synthDesign } from "../../../src/designs/synth/design.js";
import { readFixture } from "../../helpers/fixture.js";

type Seen = { label: string; done: number; total: number }[];

/** Runs a design with and without a progress callback; returns what it reported and checks equal results. */
async function runBoth<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  frame: Frame,
  spec: S,
): Promise<Seen> {
  const seen: Seen = [];
  const onProgress: ProgressCallback = (p) => seen.push({ ...p });
  const withCallback = await design.run(frame, spec, { onProgress });
  const without = await design.run(frame, spec);
  // progress never changes the numbers (bit-identical: same JSON, same values under Object.is)
  expect(JSON.stringify(withCallback)).toBe(JSON.stringify(without));
  expect(withCallback).toStrictEqual(without);
  return seen;
}

/** Every label's reports: `done` non-decreasing, ending at `total`, throttled (≤ 102 calls per label). */
function expectWellFormed(seen: Seen, labels: readonly string[]): void {
  const byLabel = new Map<string, Seen>();
  for (const p of seen) byLabel.set(p.label, [...(byLabel.get(p.label) ?? []), p]);
  for (const l of labels) expect([...byLabel.keys()], `label '${l}' reported`).toContain(l);
  for (const [label, ps] of byLabel) {
    const total = ps[0].total;
    expect(total, label).toBeGreaterThan(0);
    expect(
      ps.every((p) => p.total === total),
      label,
    ).toBe(true);
    for (let i = 1; i < ps.length; i++) expect(ps[i].done, label).toBeGreaterThanOrEqual(ps[i - 1].done);
    expect(ps[ps.length - 1].done, label).toBe(total);
    expect(ps.length, label).toBeLessThanOrEqual(102);
  }
}

describe("progressTicker", () => {
  it("reports 0, ~1% steps and the end, monotone, whatever the loop length", () => {
    const seen: number[] = [];
    const tick = progressTicker(({ done }) => seen.push(done), "x", 1000);
    for (let r = 0; r <= 1000; r++) tick?.(r);
    expect(seen.length).toBe(101);
    expect(seen[0]).toBe(0);
    expect(seen[1]).toBe(10);
    expect(seen.at(-1)).toBe(1000);
    const few: number[] = [];
    const t3 = progressTicker(({ done }) => few.push(done), "x", 3);
    for (const d of [0, 1, 1, 2, 3, 3]) t3?.(d);
    expect(few).toEqual([0, 1, 2, 3]);
    expect(progressTicker(undefined, "x", 10)).toBeUndefined();
  });
});

describe("every design reports its long loops through DesignInputs.onProgress", () => {
  it("rdd: one 'bootstrap' task over the headline, sweep and quadratic bootstraps", async () => {
    const frame = readFixture("saas_llm_logs_seed42.csv.gz");
    const seen = await runBoth(rddDesign, frame, {
      outcome: "task_completed",
      running: "query_confidence",
      cutoff: 0.85,
      treated: "below",
      treatment: "routed_to_premium",
      bandwidth: 0.1,
      sweep: [0.05, 0.1],
      bootstrap: { reps: 100, seed: 7 },
    });
    expectWellFormed(seen, ["bootstrap"]);
    expect(seen[0]).toEqual({ label: "bootstrap", done: 0, total: 400 });
  });

  it("synth: placebo permutations, leave-one-out, bootstrap, SDID SE and the conformal grid", async () => {
    const frame = readFixture("saas_llm_logs_seed42.csv.gz");
    const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
    const seen = await runBoth(synthDesign, frame, {
      outcome: "task_completed",
      unit: "workspace_id",
      time: "signup_week",
      treated: ids(0, 5),
      donors: ids(5, 20),
      treatmentStart: 20,
      window: { from: 0, to: 29 },
      bootstrap: { reps: 30, seed: 3 },
      sdid: { se: { method: "placebo", reps: 20, seed: 1 } },
      conformal: {},
    });
    expectWellFormed(seen, [
      "placebo permutations",
      "leave-one-out",
      "bootstrap",
      "synthetic DiD placebo SE",
      "conformal grid",
    ]);
  });

  it("cluster: pairs bootstrap, wild bootstrap and randomization inference", async () => {
    const rng = createRng(11);
    const cols: { y: number[]; d: number[]; g: number[] } = { y: [], d: [], g: [] };
    for (let c = 0; c < 6; c++) {
      const u = 0.5 * rng.normal();
      for (let i = 0; i < 25; i++) {
        cols.y.push(2 + (c < 3 ? 1 : 0) + u + rng.normal());
        cols.d.push(c < 3 ? 1 : 0);
        cols.g.push(c);
      }
    }
    const seen = await runBoth(clusterDesign, Frame.fromObject(cols), {
      outcome: "y",
      treatment: "d",
      cluster: "g",
      inference: { seed: 5, wild: { reps: 499 }, pairs: { reps: 250 } },
    });
    expectWellFormed(seen, ["pairs bootstrap", "wild bootstrap", "randomization inference"]);
  });

  it("did: the Callaway–Sant'Anna multiplier bootstrap", async () => {
    const { frame } = generatePanel({ seed: 3, scenario: "staggered", units: 400 });
    const seen = await runBoth(didDesign, frame, {
      outcome: "y",
      time: "period",
      treatment: { startColumn: "first_treat" },
      unit: "unit",
      staggered: { bootstrap: { reps: 199, seed: 11 } },
    });
    expectWellFormed(seen, ["multiplier bootstrap"]);
  });
});
