import { describe, expect, it } from "vitest";
import { prepareCollapsed, runCollapsed } from "../../../src/designs/propensity/collapsed-sample.js";
import { collapsedLogitRefitter } from "../../../src/designs/propensity/logit-refit.js";
import { rowOwnerTable } from "../../../src/models/resample.js";

function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("runCollapsed on counted units", () => {
  it("rowOwnerTable maps each row position to the unit a search of the cumulative counts finds", () => {
    expect([...(rowOwnerTable(Float64Array.of(2, 2, 5), 5) ?? [])]).toEqual([0, 0, 2, 2, 2]);
    expect([...(rowOwnerTable(Float64Array.of(1, 3, 3, 4), 4) ?? [])]).toEqual([0, 1, 1, 3]);
    expect(rowOwnerTable(new Float64Array(0), 0)?.length).toBe(0);
  });

  it("units with counts (row table) draw the same replicates, bit for bit, as their expanded rows", () => {
    const u = uniform(3);
    // Units: a 0/1 dummy, a 12-value covariate, treatment and 0/1 outcome, 1–5 rows each.
    const units = 400;
    const d = new Float64Array(units);
    const x = new Float64Array(units);
    const t = new Float64Array(units);
    const y = new Float64Array(units);
    const w = new Float64Array(units);
    for (let i = 0; i < units; i++) {
      d[i] = u() < 0.4 ? 1 : 0;
      x[i] = Math.floor(u() * 12) / 4;
      t[i] = u() < 0.2 + 0.3 * d[i] + 0.05 * x[i] ? 1 : 0;
      y[i] = u() < 0.3 + 0.2 * t[i] ? 1 : 0;
      w[i] = 1 + Math.floor(u() * 5);
    }
    const expand = (a: Float64Array) =>
      Float64Array.from(Array.from(a).flatMap((v, i) => Array(w[i]).fill(v)));
    const cells = prepareCollapsed(t, y, [d, x], w);
    const rows = prepareCollapsed(expand(t), expand(y), [expand(d), expand(x)], null);
    expect(cells.cumAt).not.toBeNull();
    expect(rows.cumAt).toBeNull();
    expect(cells.n).toBe(rows.n);
    const start = Float64Array.of(-1, 0.8, 0.1);
    const run = (prep: typeof cells) => {
      const out = new Float64Array(2 * 30);
      runCollapsed(prep, collapsedLogitRefitter(prep.patterns, start, 0, 50, prep.rows), 7, 0, 30, out);
      return out;
    };
    const a = run(cells);
    const b = run(rows);
    expect(a.some(Number.isFinite)).toBe(true);
    for (let i = 0; i < a.length; i++) expect(Object.is(a[i], b[i]), `replicate value ${i}`).toBe(true);
  });
});
