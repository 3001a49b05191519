import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CellFrame } from "../../../src/core/cells.js";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import { ERROR_CATALOGUE } from "../../../src/core/messages.js";
import { synthCellRequest, synthFrameKinds, synthFromCells } from "../../../src/designs/synth/compressed.js";
import { synthDesign } from "../../../src/designs/synth/design.js";
import type { SynthSpec } from "../../../src/designs/synth/spec.js";
import { synth, synthOnRows } from "../../../src/designs/synth/synth.js";
import { errorCode, thrown } from "../../helpers/error-code.js";
import { readFixture } from "../../helpers/fixture.js";

const ids = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const TUTORIAL: SynthSpec = {
  outcome: "task_completed",
  unit: "workspace_id",
  time: "signup_week",
  treated: ids(0, 25),
  donors: ids(25, 50),
  treatmentStart: 20,
  window: { from: 0, to: 29 },
};

/** The design's cells of a frame, as the engine's GROUP BY returns them (in memory). */
function cellsOf(frame: Frame, spec: SynthSpec): CellFrame {
  return compressFrameToCells(frame, synthCellRequest(synthDesign.parse(spec), synthFrameKinds(frame)));
}

function fromCells(frame: Frame, spec: SynthSpec) {
  return synthFromCells(cellsOf(frame, spec), synthDesign.parse(spec));
}

/** Paths of the result that say which path ran (the only fields allowed to differ). */
const PATH_FIELDS = new Set(["$.n.cells", "$.compressed"]);

/**
 * Every number equal to 1e-10 relative (1e-12 absolute near 0; NaN only with NaN), every other value exactly,
 * except the fields that name the path. Returns the first difference, or null.
 */
function difference(a: unknown, b: unknown, path = "$"): string | null {
  if (PATH_FIELDS.has(path)) return null;
  if (typeof a === "number" && typeof b === "number") {
    if (Number.isNaN(a) || Number.isNaN(b))
      return Number.isNaN(a) && Number.isNaN(b) ? null : `${path}: ${a} vs ${b}`;
    if (a === b) return null;
    const tol = Math.max(1e-12, 1e-10 * Math.max(Math.abs(a), Math.abs(b)));
    return Math.abs(a - b) <= tol ? null : `${path}: ${a} vs ${b}`;
  }
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    return difference(Array.from(toArray(a)), Array.from(toArray(b)), path);
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) return `${path}: length ${a.length} vs ${b.length}`;
    for (let i = 0; i < a.length; i++) {
      const d = difference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (a !== null && b !== null && typeof a === "object" && typeof b === "object") {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) {
      const d = difference(Reflect.get(a, k), Reflect.get(b, k), `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return Object.is(a, b) ? null : `${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
}

function toArray(x: unknown): ArrayLike<number> {
  return x instanceof Float64Array || x instanceof Int32Array ? x : [];
}

function expectSame(a: unknown, b: unknown): void {
  expect(difference(a, b)).toBeNull();
}

/** The error code of a run on the rows and of the same spec on the cells (undefined when it returns). */
function codes(frame: Frame, spec: SynthSpec): [string | undefined, string | undefined] {
  return [errorCode(() => synthOnRows(frame, spec)), errorCode(() => fromCells(frame, spec))];
}

describe("synth from compressed cells on the tutorial fixture", () => {
  const frame = readFixture("saas_llm_logs_seed42.csv.gz");

  it("equals the row path without the bootstrap, from unit × week cells", () => {
    const rows = synthOnRows(frame, TUTORIAL);
    const cells = fromCells(frame, TUTORIAL);
    expectSame(cells, rows);
    expect(rows.n.cells).toBeNull();
    expect(rows.compressed).toBeNull();
    const units = new Set(frame.numeric("workspace_id")).size;
    const weeks = new Set(frame.numeric("signup_week")).size;
    expect(cells.n.cells).toBeLessThanOrEqual(units * weeks);
    expect(cells.compressed).toEqual({
      cells: cells.n.cells,
      rows: frame.nrows,
      keys: ["workspace_id", "signup_week"],
      measures: ["task_completed"],
      rowDetail: [],
    });
    expect(cells.n.rows).toBe(frame.nrows);
  });

  it("synth() and synthDesign.run compress first; synthDesign.compression is request → estimate", async () => {
    const viaSynth = synth(frame, TUTORIAL);
    const viaRun = await synthDesign.run(frame, TUTORIAL);
    expect(viaSynth.n.cells).toBeGreaterThan(0);
    expectSame(viaSynth, synthOnRows(frame, TUTORIAL));
    expect(viaRun).toEqual(viaSynth);
    const c = synthDesign.compression;
    if (!c) throw new Error("synthDesign.compression is missing");
    const spec = synthDesign.parse(TUTORIAL);
    const viaDesign = await c.estimate(
      compressFrameToCells(frame, c.request(spec, synthFrameKinds(frame))),
      spec,
    );
    expect(viaDesign).toEqual(viaSynth);
  });

  it("equals the row path with the bootstrap, replicate for replicate (cells keyed by the outcome too)", () => {
    const spec: SynthSpec = { ...TUTORIAL, bootstrap: { reps: 200, seed: 7 } };
    const rows = synthOnRows(frame, spec);
    const cells = fromCells(frame, spec);
    expectSame(cells, rows);
    expect(cells.bootstrap?.replicates).toEqual(rows.bootstrap?.replicates);
    expect(cells.compressed?.keys).toEqual(["workspace_id", "signup_week", "task_completed"]);
    expect(cells.compressed?.rowDetail.map((d) => d.part)).toEqual(["bootstrap"]);
    // A 0/1 outcome: at most two cells per unit × week.
    expect(cells.n.cells).toBeLessThanOrEqual(2 * (fromCells(frame, TUTORIAL).n.cells ?? 0));
  });

  it("equals the row path with a user bootstrap of a 0/1 outcome (users of two rows)", () => {
    const pairs = frame.withColumn(
      "uid",
      Float64Array.from({ length: frame.nrows }, (_, i) => Math.floor(i / 2)),
    );
    const spec: SynthSpec = {
      ...TUTORIAL,
      user: "uid",
      placebo: false,
      leaveOneOut: false,
      bootstrap: { reps: 30, seed: 3 },
    };
    const rows = synthOnRows(pairs, spec);
    const cells = fromCells(pairs, spec);
    expectSame(cells, rows);
    expect(cells.bootstrap?.users).toBe(25000);
    expect(cells.compressed?.keys).toEqual(["workspace_id", "signup_week", "uid", "task_completed"]);
    expect(synth(pairs, spec).n.cells).toBe(cells.n.cells);
  });

  it("equals the row path with conformal inference, the SDID jackknife and predictors", () => {
    const spec: SynthSpec = {
      ...TUTORIAL,
      predictors: [{ column: "query_confidence" }, { column: "task_completed", periods: [5, 15] }],
      conformal: {},
      sdid: { se: { method: "jackknife" } },
      leaveOneOut: false,
    };
    const rows = synthOnRows(frame, spec);
    const cells = fromCells(frame, spec);
    expectSame(cells, rows);
    expect(cells.compressed?.measures).toEqual(["task_completed", "query_confidence"]);
  });

  it("refuses a user bootstrap of a continuous outcome, and synth() then runs on the rows", () => {
    const withUsers = frame.withColumn(
      "uid",
      Float64Array.from({ length: frame.nrows }, (_, i) => Math.floor(i / 3)),
    );
    const spec: SynthSpec = {
      ...TUTORIAL,
      outcome: "session_minutes",
      user: "uid",
      placebo: false,
      leaveOneOut: false,
      inTimePlacebo: false,
      augmented: false,
      sdid: false,
      bootstrap: { reps: 5, seed: 1 },
    };
    const e = thrown(() => fromCells(withUsers, spec));
    expect(e.code).toBe("E_UNSUPPORTED_COMPRESSED");
    expect(e.hint).toBe(ERROR_CATALOGUE.E_UNSUPPORTED_COMPRESSED.hint);
    const res = synth(withUsers, spec);
    expect(res.n.cells).toBeNull();
    expectSame(res, synthOnRows(withUsers, spec));
  });

  it("without a user column the bootstrap of a continuous outcome is exact from (unit, time, value) cells", () => {
    const spec: SynthSpec = {
      ...TUTORIAL,
      outcome: "session_minutes",
      placebo: false,
      leaveOneOut: false,
      bootstrap: { reps: 20, seed: 5 },
    };
    expectSame(fromCells(frame, spec), synthOnRows(frame, spec));
  });
});

describe("synth from compressed cells: ADH predictors (R Synth reproduction data)", () => {
  const golden: { rows: Record<string, number[]> } = JSON.parse(
    readFileSync(fileURLToPath(new URL("../../golden/synth/adh.json", import.meta.url)), "utf8"),
  );
  const rows = golden.rows;
  const frame = Frame.fromObject({
    unit: rows.unit,
    period: rows.period,
    y: rows.y,
    x1: rows.x1,
    x2: rows.x2,
  });
  const spec: SynthSpec = {
    outcome: "y",
    unit: "unit",
    time: "period",
    treated: [0],
    treatmentStart: 17,
    predictors: [
      { column: "x1" },
      { column: "x2" },
      { column: "y", from: 1, to: 8 },
      { column: "y", periods: [16] },
    ],
  };

  it("equals the row path with the nested V search", () => {
    expectSame(fromCells(frame, spec), synthOnRows(frame, spec));
  });

  it("equals the row path with the bootstrap (predictor columns keyed too)", () => {
    const boot: SynthSpec = { ...spec, placebo: false, leaveOneOut: false, bootstrap: { reps: 10, seed: 1 } };
    const cells = fromCells(frame, boot);
    expectSame(cells, synthOnRows(frame, boot));
    expect(cells.compressed?.keys).toEqual(["unit", "period", "y", "x1", "x2"]);
  });

  it("refuses a predictor column missing in part of a cell; synth() runs that on the rows", () => {
    const x1 = Float64Array.from(frame.numeric("x1"));
    x1[3] = Number.NaN;
    const doubled = Frame.fromObject({
      unit: [...rows.unit, ...rows.unit],
      period: [...rows.period, ...rows.period],
      y: [...rows.y, ...rows.y],
      x1: [...x1, ...rows.x1],
      x2: [...rows.x2, ...rows.x2],
    });
    expect(errorCode(() => fromCells(doubled, spec))).toBe("E_UNSUPPORTED_COMPRESSED");
    const res = synth(doubled, spec);
    expect(res.n.cells).toBeNull();
    expect(res.compressed).toBeNull();
  });
});

describe("synth from compressed cells: counts matter", () => {
  // Unit a (treated) and donors b, c over periods 0..4, start 3; unit b has 1 row of 0 and 3 rows of 1 per period.
  const u: string[] = [];
  const t: number[] = [];
  const y: number[] = [];
  const add = (unit: string, period: number, ys: number[]) => {
    for (const v of ys) {
      u.push(unit);
      t.push(period);
      y.push(v);
    }
  };
  for (let p = 0; p < 5; p++) {
    add("a", p, [0, 1, 1, p % 2]);
    add("b", p, [0, 1, 1, 1]);
    add("c", p, p === 4 ? [0, 0] : [0, 0, 1]);
  }
  const frame = Frame.fromObject({ u, t, y });
  const spec: SynthSpec = { outcome: "y", unit: "u", time: "t", treated: ["a"], treatmentStart: 3 };

  it("weights each cell by its count (a count-blind mean of the bootstrap's outcome-keyed cells differs)", () => {
    const boot: SynthSpec = { ...spec, bootstrap: { reps: 20, seed: 2 } };
    const cells = cellsOf(frame, boot);
    const res = synthFromCells(cells, synthDesign.parse(boot));
    expectSame(res, synthOnRows(frame, boot));
    // Unit b, period 0: cells y = 0 (1 row) and y = 1 (3 rows): the panel mean is 0.75, not (0 + 1) / 2.
    const traj = synthOnRows(frame, boot).rows.trajectory;
    expect(traj.length).toBe(5);
    const ones = cells.frame.numeric(cells.count);
    const blind = synthFromCells(
      { ...cells, frame: cells.frame.withColumn(cells.count, new Float64Array(ones.length).fill(1)) },
      synthDesign.parse(boot),
    );
    expect(difference(blind, res)).not.toBeNull();
  });
});

describe("synth from compressed cells: fast-check small panels", () => {
  const panel = fc.record({
    units: fc.integer({ min: 3, max: 5 }),
    periods: fc.integer({ min: 4, max: 6 }),
    kind: fc.constantFrom("binary", "integer", "continuous"),
    withUser: fc.boolean(),
    boot: fc.boolean(),
    predictor: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1_000_000 }),
  });

  it("the cells path equals the row path (or both fail with one code)", () => {
    let compared = 0;
    let refused = 0;
    fc.assert(
      fc.property(panel, ({ units, periods, kind, withUser, boot, predictor, seed }) => {
        let state = seed + 1;
        const rand = () => {
          state = (state * 1103515245 + 12345) % 2147483648;
          return state / 2147483648;
        };
        const u: string[] = [];
        const t: number[] = [];
        const y: number[] = [];
        const x: number[] = [];
        const uid: number[] = [];
        for (let g = 0; g < units; g++) {
          for (let p = 0; p < periods; p++) {
            const n = Math.floor(rand() * 4); // 0..3 rows: empty cells are interpolated or edge-filled
            for (let r = 0; r < n; r++) {
              u.push(`u${g}`);
              t.push(p);
              const base = g + p / 2;
              y.push(
                kind === "binary"
                  ? rand() < 0.5
                    ? 1
                    : 0
                  : kind === "integer"
                    ? Math.floor(rand() * 5 + base)
                    : rand() + base,
              );
              x.push(Math.floor(rand() * 3) + g);
              uid.push(Math.floor(rand() * (u.length / 2 + 1)));
            }
          }
        }
        // Shuffle the rows: the cells' order must not matter.
        const order = u.map((_, i) => i).sort(() => rand() - 0.5);
        const frame = Frame.fromObject({
          u: order.map((i) => u[i]),
          t: order.map((i) => t[i]),
          y: order.map((i) => y[i]),
          x: order.map((i) => x[i]),
          uid: order.map((i) => uid[i]),
        });
        const spec: SynthSpec = {
          outcome: "y",
          unit: "u",
          time: "t",
          treated: ["u0"],
          treatmentStart: periods - 1,
          inTimePlacebo: false,
          ...(withUser ? { user: "uid" } : {}),
          ...(boot ? { bootstrap: { reps: 8, seed } } : {}),
          ...(predictor ? { predictors: [{ column: "x" }, { column: "y" }] } : {}),
        };
        if (frame.nrows === 0) return;
        const [rowCode, cellCode] = codes(frame, spec);
        if (withUser && boot && kind === "continuous" && rowCode === undefined) {
          expect(cellCode).toBe("E_UNSUPPORTED_COMPRESSED");
          expect(synth(frame, spec).n.cells).toBeNull();
          refused++;
          return;
        }
        expect(cellCode).toBe(rowCode);
        if (rowCode !== undefined) return;
        expectSame(fromCells(frame, spec), synthOnRows(frame, spec));
        expectSame(synth(frame, spec), synthOnRows(frame, spec));
        compared++;
      }),
      { numRuns: 60, seed: 14 },
    );
    expect(compared).toBeGreaterThan(30);
    expect(refused).toBeGreaterThan(0);
  });
});

describe("synth from compressed cells: bad inputs raise the row path's codes", () => {
  const frame = readFixture("saas_llm_logs_seed42.csv.gz");
  const lean: SynthSpec = {
    ...TUTORIAL,
    placebo: false,
    leaveOneOut: false,
    inTimePlacebo: false,
    augmented: false,
    sdid: false,
  };
  const y = frame.numeric("task_completed");
  const withNaN = frame.withColumn(
    "task_completed",
    Float64Array.from(y, (v, i) => (i === 7 ? Number.NaN : v)),
  );
  const withInf = frame.withColumn(
    "task_completed",
    Float64Array.from(y, (v, i) => (i === 7 ? Number.POSITIVE_INFINITY : v)),
  );
  const weekNaN = frame.withColumn(
    "signup_week",
    Float64Array.from(frame.numeric("signup_week"), (v, i) => (i === 3 ? Number.NaN : v)),
  );
  const cases: [string, Frame, SynthSpec, string][] = [
    ["missing outcome column", frame, { ...lean, outcome: "nope" }, "E_COLUMN_MISSING"],
    ["text outcome", frame, { ...lean, outcome: "engagement_tier" }, "E_COLUMN_TYPE"],
    ["missing outcome value", withNaN, lean, "E_MISSING_VALUES"],
    [
      "missing outcome value (bootstrap)",
      withNaN,
      { ...lean, bootstrap: { reps: 5, seed: 1 } },
      "E_MISSING_VALUES",
    ],
    ["infinite outcome", withInf, lean, "E_NONFINITE_VALUES"],
    ["missing time", weekNaN, lean, "E_MISSING_VALUES"],
    ["unknown treated unit", frame, { ...lean, treated: [999] }, "E_SYNTH_UNKNOWN_UNIT"],
    ["unit both treated and donor", frame, { ...lean, donors: [0, 30] }, "E_INVALID_SPEC"],
    ["too few pre-periods", frame, { ...lean, treatmentStart: 1 }, "E_SYNTH_TOO_FEW_PRE"],
    ["no post-period", frame, { ...lean, treatmentStart: 99 }, "E_TOO_FEW_PERIODS"],
    ["window without pre-periods", frame, { ...lean, window: { from: 200, to: 210 } }, "E_SYNTH_TOO_FEW_PRE"],
    ["no rows", frame.filter(new Uint8Array(frame.nrows)), lean, "E_EMPTY_DATA"],
    ["customV without predictors", frame, { ...lean, customV: [1] }, "E_INVALID_SPEC"],
    ["text predictor", frame, { ...lean, predictors: [{ column: "engagement_tier" }] }, "E_COLUMN_TYPE"],
    [
      "constant outcome",
      frame.withColumn("task_completed", new Float64Array(frame.nrows)),
      lean,
      "E_OUTCOME_CONSTANT",
    ],
    ["bad spec", frame, { ...lean, treated: [] }, "E_INVALID_SPEC"],
  ];
  for (const [name, data, spec, code] of cases) {
    it(name, () => {
      expect(codes(data, spec)).toEqual([code, code]);
      expect(errorCode(() => synth(data, spec))).toBe(code);
    });
  }

  it("+∞ and −∞ in one cell: synth() runs on the rows and raises their E_NONFINITE_VALUES", () => {
    const ws = frame.numeric("workspace_id");
    const wk = frame.numeric("signup_week");
    const same = ws.findIndex((w, i) => i > 0 && w === ws[0] && wk[i] === wk[0]);
    const inf = frame.withColumn(
      "task_completed",
      Float64Array.from(y, (v, i) =>
        i === 0 ? Number.POSITIVE_INFINITY : i === same ? Number.NEGATIVE_INFINITY : v,
      ),
    );
    expect(errorCode(() => synthOnRows(inf, lean))).toBe("E_NONFINITE_VALUES");
    expect(errorCode(() => synth(inf, lean))).toBe("E_NONFINITE_VALUES");
    // The cells alone hold a NaN mean there: the missing-value code (the one code the cells cannot match).
    expect(errorCode(() => fromCells(inf, lean))).toBe("E_MISSING_VALUES");
  });

  it("a cell count that is not a positive whole number is E_BAD_FREQUENCY", () => {
    const cells = cellsOf(frame, lean);
    const bad = {
      ...cells,
      frame: cells.frame.withColumn(cells.count, new Float64Array(cells.frame.nrows).fill(0.5)),
    };
    expect(errorCode(() => synthFromCells(bad, synthDesign.parse(lean)))).toBe("E_BAD_FREQUENCY");
  });
});
