import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CellFrame } from "../../../src/core/cells.js";
import { compressFrameToCells } from "../../../src/core/cells-compress.js";
import { Frame } from "../../../src/core/frame.js";
import { rddCellRequest } from "../../../src/designs/rdd/cells.js";
import { rddDesign } from "../../../src/designs/rdd/design.js";
import { rddFromCells } from "../../../src/designs/rdd/from-cells.js";
import { rdd } from "../../../src/designs/rdd/rdd.js";
import { parseRddSpec, type RddSpec } from "../../../src/designs/rdd/spec.js";
import { errorCode } from "../../helpers/error-code.js";
import { fixturePath, readFixture } from "../../helpers/fixture.js";
import {
  bothOutcomes,
  bothPaths,
  EXACT,
  expectSameResult,
  type SameTolerance,
  uniform,
} from "./compressed-helpers.js";

const SLOW = 120_000;
/**
 * A continuous outcome's rows are rebuilt from each cell's count, mean and Σ(y − ȳ)² (and co-moment): the same
 * sufficient statistics, other values, so sums round differently. The estimator amplifies rounding by the
 * conditioning of its raw-power polynomial bases (rdplot's global order-4 fit, order-(q+1) pilot fits in the
 * bandwidth selectors): the row path itself moves by ~1e-10 when tied rows are merely reordered, and the
 * rebuilt rows agree to a few 1e-10 (worst seen 9e-10, a CI bound near 0). 0/1 columns are rebuilt exactly.
 */
const ROUNDING: SameTolerance = { rtol: 1e-8, atol: 1e-10 };
const fixture = () => readFixture("saas_llm_logs_seed42.csv.gz");
const TUTORIAL = {
  outcome: "task_completed",
  running: "query_confidence",
  cutoff: 0.85,
  treated: "below",
} as const;

function expectPathsEqual(
  frame: Frame,
  spec: RddSpec,
  tol: SameTolerance = EXACT,
): ReturnType<typeof bothPaths> {
  const both = bothPaths(frame, spec);
  expect(both.rows.cells).toBeNull();
  expect(both.cells.cells?.rows).toBe(frame.nrows);
  expect(both.cells.cells?.cells).toBe(both.cellFrame.frame.nrows);
  expect(expectSameResult(both.cells, both.rows, tol)).toBeGreaterThan(100);
  return both;
}

describe("rdd from compressed cells equals rdd on the rows (tutorial fixture)", () => {
  it(
    "sharp, rdrobust defaults (mserd, triangular, nn), density test, RD plot, sweep, placebos, donuts",
    () => {
      const { cells } = expectPathsEqual(fixture(), TUTORIAL);
      expect(cells.cells?.cells).toBeLessThan(fixture().nrows / 5); // ties: ~7 rows per running value
      expect(cells.cells?.rebuilt).toEqual({ task_completed: "exact" });
      expect(cells.cells?.rowDetail).toEqual([]);
    },
    SLOW,
  );

  it(
    "fuzzy with routed_to_premium (take-up a cell key), msetwo, hc2, p = 2",
    () => {
      const { cells } = expectPathsEqual(fixture(), {
        ...TUTORIAL,
        treatment: "routed_to_premium",
        fuzzy: true,
        bwselect: "msetwo",
        vce: "hc2",
        p: 2,
        density: false,
        rdplot: false,
      });
      expect(cells.design).toBe("fuzzy");
    },
    SLOW,
  );

  it(
    "the tutorial's hand-set window with a seeded bootstrap (0/1 outcome: the rebuilt rows are the rows)",
    () => {
      const { cells, rows } = expectPathsEqual(fixture(), {
        ...TUTORIAL,
        kernel: "uniform",
        support: "open",
        vce: "hc3",
        bandwidth: 0.1,
        sweep: [0.05, 0.1, 0.15, 0.2],
        bootstrap: { seed: 7, reps: 60 },
        density: false,
        rdplot: false,
      });
      expect(cells.bootstrap?.headline.ci).not.toBeNull();
      expect(cells.bootstrap?.headline.failed).toBe(rows.bootstrap?.headline.failed);
    },
    SLOW,
  );

  it(
    "continuous outcome (moment-matched rows), nn variance with ties, cerrd, cluster-robust hc1, covariates",
    () => {
      const f = fixture();
      expectPathsEqual(
        f,
        {
          ...TUTORIAL,
          outcome: "session_minutes",
          bwselect: "cerrd",
          covariates: ["cost_usd", "thumbs_up"],
          density: false,
        },
        ROUNDING,
      );
      expectPathsEqual(
        f,
        {
          ...TUTORIAL,
          outcome: "session_minutes",
          vce: "hc1",
          cluster: "workspace_id",
          treatment: "routed_to_premium",
          fuzzy: true,
          bwselect: "certwo",
          density: false,
          rdplot: false,
          placebo: false,
        },
        ROUNDING,
      );
    },
    SLOW,
  );

  it(
    "rddDesign.run compresses first, and its result is the row path's",
    async () => {
      const f = fixture();
      const spec = { ...TUTORIAL, density: false, placebo: false as const, donut: false as const };
      const viaRun = await rddDesign.run(f, spec);
      expect(viaRun.cells?.cells).toBeGreaterThan(0);
      expectSameResult(viaRun, rdd(f, spec));
      const boot = await rddDesign.run(f, {
        ...spec,
        outcome: "session_minutes",
        bandwidth: 0.1,
        sweep: [],
        rdplot: false,
        bootstrap: { seed: 1, reps: 20 },
      });
      expect(boot.cells).toBeNull(); // a continuous outcome's bootstrap runs on the rows
    },
    SLOW,
  );

  it("refuses a continuous outcome's bootstrap from cells (E_UNSUPPORTED_COMPRESSED)", () => {
    const f = fixture();
    const spec = { ...TUTORIAL, outcome: "session_minutes", bandwidth: 0.1, bootstrap: { seed: 1 } };
    const cells = compressFrameToCells(f, rddCellRequest(parseRddSpec(spec), {}));
    expect(errorCode(() => rddFromCells(cells, spec))).toBe("E_UNSUPPORTED_COMPRESSED");
  });
});

/** rd_senate.csv (vote, margin; empty cells are missing). */
function readSenate(): Frame {
  const lines = gunzipSync(readFileSync(fixturePath("rd_senate.csv.gz")))
    .toString("utf8")
    .trim()
    .split("\n");
  const head = lines[0].split(",");
  const col = (name: string) => {
    const j = head.indexOf(name);
    return lines.slice(1).map((l) => {
      const v = l.split(",")[j];
      return v === "" || v === "NA" ? null : Number(v);
    });
  };
  return Frame.fromObject({ vote: col("vote"), margin: col("margin") });
}

describe("rdd from compressed cells on the rdrobust golden data (US Senate)", () => {
  const senate = readSenate();
  const vote = senate.numeric("vote");
  // Rows missing the outcome are dropped by the row path; a cell cannot say which of its rows they were.
  const complete = senate.filter(Array.from(vote, (v) => !Number.isNaN(v)));
  const base = { outcome: "vote", running: "margin", cutoff: 0, placebo: false, donut: false } as const;
  const cases: [string, Partial<RddSpec>][] = [
    ["default", { sweep: [] }],
    ["p2", { p: 2, sweep: [], density: false }],
    ["uniform msetwo hc3", { kernel: "uniform", bwselect: "msetwo", vce: "hc3", density: false }],
    ["cerrd hc0 deriv 1", { bwselect: "cerrd", vce: "hc0", deriv: 1, sweep: [], density: false }],
  ];
  for (const [name, extra] of cases) {
    it(
      `${name}: every number within 1e-10`,
      () => {
        expectPathsEqual(complete, { ...base, ...extra });
      },
      SLOW,
    );
  }

  it("a missing outcome inside a cell is refused from cells, and run() falls back to the rows", async () => {
    const cells = compressFrameToCells(senate, rddCellRequest(parseRddSpec(base), {}));
    expect(errorCode(() => rddFromCells(cells, base))).toBe("E_UNSUPPORTED_COMPRESSED");
    const viaRun = await rddDesign.run(senate, { ...base, sweep: [], density: false, rdplot: false });
    expect(viaRun.cells).toBeNull();
  });
});

/** The result of `f`, or the code of the TrueliftError it throws. */
/** Small data with heavy ties in the running variable (61 grid values, 80–200 rows). */
const tiedData = fc
  .record({
    n: fc.integer({ min: 80, max: 200 }),
    seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    binary: fc.boolean(),
    fuzzy: fc.boolean(),
    cluster: fc.boolean(),
    vce: fc.constantFrom("nn", "hc0", "hc1", "hc2", "hc3"),
    bwselect: fc.constantFrom("mserd", "msetwo", "cerrd", "msesum"),
    fixed: fc.boolean(),
  })
  .map((d) => {
    const u = uniform(d.seed);
    // x drawn from the seed, not shrunk by fast-check: a shrunk x piles onto a few values, and fits on a window
    // with fewer distinct values than parameters are rank-deficient (rounding noise on the rows too).
    const x = Array.from({ length: d.n }, () => Math.round(u() * 60 - 30) / 10);
    const t = x.map((v) => (u() < (v >= 0 ? 0.85 : 0.15) ? 1 : 0));
    const y = x.map((v, i) => {
      const e = u() * 2 - 1;
      return d.binary ? (e + 0.2 * v + 0.3 * t[i] > 0 ? 1 : 0) : 1 + 0.3 * v + t[i] + e;
    });
    const g = x.map((_, i) => `g${i % 7}`);
    const frame = Frame.fromObject({ x, y, t, g });
    const spec: RddSpec = {
      outcome: "y",
      running: "x",
      cutoff: 0.05,
      vce: d.vce,
      bwselect: d.bwselect,
      treatment: "t",
      ...(d.fuzzy ? { fuzzy: true } : {}),
      ...(d.cluster ? { cluster: "g" } : {}),
      // Continuous outcomes at a fixed bandwidth: a selected one moves by rounding, and a rank-deficient check
      // fit at a window's edge then flips between failing and not (the fixture and Senate cases select).
      ...(d.fixed || !d.binary ? { bandwidth: 2 } : {}),
      ...(d.binary && d.fixed ? { bootstrap: { seed: 3, reps: 20 } } : {}),
      sweep: [1.5, 2.5],
      density: false,
      // Placebo fits at a side's median often see two or three distinct values: a near-singular fit whose
      // digits are rounding noise on the rows too.
      ...(d.binary ? {} : { placebo: false as const }),
    };
    return { frame, spec, binary: d.binary };
  });

describe("rdd from compressed cells, property: small data with many ties", () => {
  it(
    "0/1 outcome: equals the row path to 1e-10; continuous: to rounding (1e-8); or both fail with one code",
    () => {
      let compared = 0;
      fc.assert(
        fc.property(tiedData, ({ frame, spec, binary }) => {
          const { rows, fromCells } = bothOutcomes(frame, spec);
          expect(fromCells.code).toBe(rows.code);
          if (rows.result === null || fromCells.result === null) return;
          expect(fromCells.result.cells?.cells).toBeLessThanOrEqual(61 * 2 * (spec.cluster ? 7 : 1));
          expect(fromCells.result.cells?.cells).toBeLessThan(frame.nrows);
          expectSameResult(fromCells.result, rows.result, binary ? EXACT : ROUNDING);
          compared++;
        }),
        { numRuns: 40, seed: 1414 },
      );
      expect(compared).toBeGreaterThan(20);
    },
    SLOW,
  );
});

describe("rdd from compressed cells: bad inputs fail with the row path's codes", () => {
  const good = {
    x: [-3, -2, -2, -1, -1, -1, 1, 1, 2, 2, 2, 3],
    y: [1, 2, 2.5, 3, 3.5, 2, 6, 7, 6.5, 7, 8, 9],
  };
  const cases: [string, Record<string, (number | null)[] | (string | null)[]>, Partial<RddSpec>][] = [
    ["missing column", good, { outcome: "nope" }],
    ["text outcome", { ...good, y: good.y.map(String) }, {}],
    ["infinite running value", { ...good, x: [...good.x.slice(0, 11), Infinity] }, {}],
    ["infinite outcome", { ...good, y: [...good.y.slice(0, 11), -Infinity] }, {}],
    ["cutoff outside the data", good, { cutoff: 10 }],
    ["constant outcome on one side", { ...good, y: good.y.map((v, i) => (i < 6 ? 2 : v)) }, {}],
    ["too few rows in the window", good, { bandwidth: 1.5, p: 2 }],
    ["no first stage", { ...good, t: good.x.map(() => 1) }, { treatment: "t", fuzzy: true }],
    ["no running value at all", { ...good, x: good.x.map(() => null) }, {}],
  ];
  for (const [name, data, extra] of cases) {
    it(name, async () => {
      const frame = Frame.fromObject(data);
      const spec: RddSpec = { outcome: "y", running: "x", cutoff: 0, ...extra };
      const rowCode = errorCode(() => rdd(frame, spec));
      expect(rowCode).toBeDefined();
      let cellCode: string | undefined;
      try {
        const s = parseRddSpec(spec);
        cellCode = errorCode(() => rddFromCells(compressFrameToCells(frame, rddCellRequest(s, {})), spec));
      } catch (e) {
        cellCode = errorCode(() => {
          throw e;
        });
      }
      expect(cellCode).toBe(rowCode);
      await expect(Promise.resolve().then(() => rddDesign.run(frame, spec))).rejects.toMatchObject({
        code: rowCode,
      });
    });
  }
});

describe("rdd from compressed cells reads the counts", () => {
  it("cells with their counts give the rows' result; the same cells counted once do not", () => {
    const x: number[] = [];
    const y: number[] = [];
    for (let v = -5; v <= 5; v++) {
      const reps = 1 + ((v * v * 7) % 5); // 1–5 rows per running value
      for (let r = 0; r < reps; r++) {
        x.push(v);
        y.push(2 + 0.5 * v + (v >= 0 ? 1.5 : 0) + ((r * 37 + v * 11) % 7) / 7);
      }
    }
    const frame = Frame.fromObject({ x, y });
    const spec: RddSpec = { outcome: "y", running: "x", cutoff: 0, bandwidth: 6, density: false };
    const { rows, cells, cellFrame } = bothPaths(frame, spec);
    // The RD plot's global quartic through 5 distinct values per side is exactly determined: its normal
    // equations amplify the cells' mean rounding (and the rows' own: each path is ~6e-11 from the exact 2/3).
    const { rdplot: plotCells, ...restCells } = cells;
    const { rdplot: plotRows, ...restRows } = rows;
    expectSameResult(restCells, restRows);
    expectSameResult(plotCells, plotRows, ROUNDING);
    expect(cells.n.obs).toBe(x.length);
    const once: CellFrame = {
      ...cellFrame,
      frame: cellFrame.frame.withColumn(cellFrame.count, new Float64Array(cellFrame.frame.nrows).fill(1)),
    };
    const ignored = rddFromCells(once, spec);
    expect(ignored.n.obs).toBe(11);
    expect(Math.abs(ignored.estimate.estimate - rows.estimate.estimate)).toBeGreaterThan(1e-6);
  });
});
