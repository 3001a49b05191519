import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import type { ProgressCallback } from "../../core/options.js";
import { progressTicker } from "../../core/progress.js";
import { streamFor } from "../../core/rng.js";
import { bootstrapSe, percentileInterval } from "../../models/bootstrap-ci.js";
import { multinomialCounts } from "../../models/resample.js";
import { type SynthCells, type SynthPanel, synthPanel } from "./panel.js";
import { type SynthPredictors, synthPredictors } from "./predictors.js";
import { fitProblem, type SynthProblem } from "./problem.js";
import type { SynthPredictor } from "./spec.js";

/** The user-level bootstrap of the effect. */
export interface SynthBootstrap {
  readonly reps: number;
  readonly seed: number;
  /** Replicates in which a unit had no rows (its panel could not be rebuilt) or a predictor was undefined. */
  readonly failed: number;
  /** What was resampled: rows (each a user), or users with all their rows. */
  readonly resampled: "rows" | "users";
  readonly users: number;
  /** Mean post-period gap of every successful replicate, in replicate order. */
  readonly replicates: readonly number[];
  /** SD of the replicates (n − 1). */
  readonly se: number | null;
  /** Percentile interval (type-7 quantiles, as `np.percentile`). */
  readonly ci: readonly [number, number] | null;
}

/**
 * Sufficient statistics of the distinct user profiles (see {@link synthBootstrap}), in canonical order (sorted by
 * profile key), so the rows and the compressed cells give the same atoms in the same order and hence the same
 * replicates.
 */
export interface SynthBootstrapAtoms {
  readonly users: number;
  /** Number of users with each profile. */
  readonly atomSize: Float64Array;
  readonly nAtoms: number;
  /** Entries of atom a are atomStart[a] .. atomStart[a + 1] − 1. */
  readonly atomStart: Int32Array;
  readonly entryCell: Int32Array;
  /** Per entry and column c (0 = outcome): sum at 2c, non-missing count at 2c + 1. */
  readonly entryStats: Float64Array;
  readonly columns: readonly string[];
}

/**
 * Options of {@link synthBootstrap}: the outcome, the user column resampled (rows when absent), the ADH
 * predictors, replicates, seed, interval level and a throttled progress callback (which does not change the numbers).
 *
 * @example
 * ```ts
 * import type { SynthBootstrapOptions } from "truelift/designs/synth";
 * const o: SynthBootstrapOptions = { outcome: "y", reps: 500, seed: 7, alpha: 0.05 };
 * ```
 */
export interface SynthBootstrapOptions {
  readonly outcome: string;
  readonly user?: string;
  readonly predictors?: readonly SynthPredictor[];
  readonly reps: number;
  readonly seed: number;
  readonly alpha: number;
  readonly onProgress?: ProgressCallback;
}

/**
 * The tutorial's user-level bootstrap: resample the users with replacement (as many as there are), rebuild the
 * unit × period panel from the resampled rows (cell means, interpolation and edge fill), refit the weights and
 * record the mean post-period gap; the percentile interval of the replicates is the CI.
 *
 * Fast and exact: rows are never copied. Users are first reduced to distinct profiles ("atoms": the cells they
 * contribute to with their outcome and predictor sums — with one row per user and a 0/1 outcome, at most
 * 2 × units × periods atoms plus one for users outside the analysis); a replicate draws the multinomial counts of
 * the resample per atom (sequential conditional binomials, exact inversion) and rebuilds the cell sums as count ×
 * atom sums. This is exactly the distribution of resampling the users, at a cost per replicate proportional to
 * the number of atoms rather than of users. The weights are refitted by the warm-started active-set QP
 * from the full-sample weights (same exact minimiser, KKT-checked). With predictors, V stays at its full-sample
 * value (the nested V search is not repeated per replicate) while the predictors and W are recomputed.
 *
 * Randomness: replicate r uses `streamFor(seed, "replicate", r)` (= `createRng(seed, r)`) and draws its counts with
 * {@link multinomialCounts}, so results are identical across runs and machines.
 *
 * @example
 * ```ts
 * import { synthBootstrap } from "truelift";
 * const boot = synthBootstrap(frame, cells, problem, fit, { outcome: "task_completed", reps: 500, seed: 7 });
 * boot.ci; // ≈ [+0.051, +0.122] on the tutorial data
 * ```
 * @see Efron & Tibshirani, An Introduction to the Bootstrap (1993), ch. 13.
 */
export function synthBootstrap(
  data: Frame,
  cells: SynthCells,
  problem: SynthProblem,
  full: { readonly weights: Float64Array; readonly v: Float64Array | null },
  options: SynthBootstrapOptions,
): SynthBootstrap {
  const atoms = synthRowAtoms(
    data,
    cells,
    synthBootstrapColumns(options.outcome, options.predictors),
    options.user,
  );
  return synthBootstrapFromAtoms(atoms, cells, problem, full, options);
}

/**
 * The bootstrap columns of a spec: the outcome, then every predictor column other than the outcome (in order of
 * first mention) — the columns a user's profile sums.
 *
 * @example
 * ```ts
 * import { synthBootstrapColumns } from "truelift";
 * synthBootstrapColumns("y", [{ column: "x" }, { column: "y" }]); // ["y", "x"]
 * ```
 */
export function synthBootstrapColumns(outcome: string, predictors: readonly SynthPredictor[] = []): string[] {
  return [outcome, ...new Set(predictors.map((p) => p.column).filter((c) => c !== outcome))];
}

/**
 * {@link synthBootstrap} from prepared atoms (from the rows, or from compressed cells keyed by unit, time, user
 * and the bootstrap columns).
 *
 * @example
 * ```ts
 * import { synthBootstrapFromAtoms } from "truelift";
 * synthBootstrapFromAtoms(atoms, cells, problem, fit, { outcome: "y", reps: 200, seed: 1, alpha: 0.05 }).se;
 * ```
 */
export function synthBootstrapFromAtoms(
  atoms: SynthBootstrapAtoms,
  cells: SynthCells,
  problem: SynthProblem,
  full: { readonly weights: Float64Array; readonly v: Float64Array | null },
  options: SynthBootstrapOptions,
): SynthBootstrap {
  const predictorSpecs = options.predictors ?? [];
  const size = (cells.treatedUnits.length + cells.donorUnits.length) * cells.periods.length;
  const nCols = atoms.columns.length;
  const sums = Array.from({ length: nCols }, () => new Float64Array(size));
  const counts = Array.from({ length: nCols }, () => new Float64Array(size));
  const draws = new Int32Array(atoms.nAtoms);
  const replicates: number[] = [];
  let failed = 0;
  const tick = progressTicker(options.onProgress, "bootstrap", options.reps);
  for (let r = 0; r < options.reps; r++) {
    tick?.(r);
    multinomialCounts(streamFor(options.seed, "replicate", r), atoms.users, atoms.atomSize, draws);
    synthAtomTotals(atoms, draws, sums, counts);
    const panel = synthPanel(cells, sums[0], counts[0]);
    if (panel === null) {
      failed++;
      continue;
    }
    let predictors: SynthPredictors | null = null;
    if (problem.predictors !== null) {
      try {
        predictors = synthPredictors(
          (column) => cellMeans(sums[atoms.columns.indexOf(column)], counts[atoms.columns.indexOf(column)]),
          cells,
          panel,
          options.outcome,
          predictorSpecs,
        );
      } catch (e) {
        if (e instanceof TrueliftError && e.code === "E_SYNTH_BAD_PREDICTOR") {
          failed++;
          continue;
        }
        throw e;
      }
    }
    const fit = fitProblem(replicateProblem(problem, panel, predictors), {
      start: full.weights,
      ...(full.v === null ? {} : { fixedV: full.v }),
    });
    replicates.push(fit.meanGap);
  }
  tick?.(options.reps);
  return {
    reps: options.reps,
    seed: options.seed,
    failed,
    resampled: options.user === undefined ? "rows" : "users",
    users: atoms.users,
    replicates,
    se: bootstrapSe(replicates),
    ci: percentileInterval(replicates, options.alpha),
  };
}

/**
 * The cell sums and non-missing counts of every bootstrap column (`sums[c]`, `counts[c]`, u·T + t) when atom a is
 * drawn `draws[a]` times, accumulated in atom order. With `draws = atoms.atomSize` these are the full sample's
 * totals: with the bootstrap on, both the row and the compressed path build the full-sample panel this way, so
 * the fit the replicates start from is the same bit for bit whatever order the rows (or cells) came in.
 *
 * @example
 * ```ts
 * import { synthAtomTotals } from "truelift";
 * synthAtomTotals(atoms, atoms.atomSize, sums, counts); // full-sample cell sums and counts
 * ```
 */
export function synthAtomTotals(
  atoms: SynthBootstrapAtoms,
  draws: ArrayLike<number>,
  sums: readonly Float64Array[],
  counts: readonly Float64Array[],
): void {
  const nCols = atoms.columns.length;
  for (let c = 0; c < nCols; c++) {
    sums[c].fill(0);
    counts[c].fill(0);
  }
  for (let a = 0; a < atoms.nAtoms; a++) {
    const m = draws[a];
    if (m === 0) continue;
    for (let e = atoms.atomStart[a]; e < atoms.atomStart[a + 1]; e++) {
      const cell = atoms.entryCell[e];
      const off = e * 2 * nCols;
      for (let c = 0; c < nCols; c++) {
        sums[c][cell] += m * atoms.entryStats[off + 2 * c];
        counts[c][cell] += m * atoms.entryStats[off + 2 * c + 1];
      }
    }
  }
}

function replicateProblem(
  problem: SynthProblem,
  panel: SynthPanel,
  predictors: SynthPredictors | null,
): SynthProblem {
  return {
    treated: panel.treated,
    donors: panel.donors,
    nDonors: panel.nDonors,
    preCount: panel.preCount,
    predictors: predictors === null ? null : { x1: predictors.treated, x0: predictors.donors },
    customV: problem.customV,
  };
}

function cellMeans(sums: Float64Array, counts: Float64Array): Float64Array {
  const out = new Float64Array(sums.length);
  for (let c = 0; c < out.length; c++) out[c] = counts[c] > 0 ? sums[c] / counts[c] : Number.NaN;
  return out;
}

/**
 * The bootstrap atoms of the rows: rows grouped into users (each row its own user without a user column) and users
 * into distinct profiles over the analysis cells (`cells.rowCell`), in canonical order.
 *
 * @example
 * ```ts
 * import { synthRowAtoms } from "truelift";
 * synthRowAtoms(frame, cells, ["task_completed"]).nAtoms; // ≤ 2 × units × periods + 1 for a 0/1 outcome
 * ```
 */
export function synthRowAtoms(
  data: Frame,
  cells: SynthCells,
  columns: readonly string[],
  user?: string,
): SynthBootstrapAtoms {
  const n = data.nrows;
  const values = columns.map((c) => data.numeric(c));
  const nCols = columns.length;
  // Rows of each user (each row is its own user without a user column).
  let userOfRow: Int32Array;
  let users: number;
  if (user === undefined) {
    userOfRow = new Int32Array(n);
    for (let i = 0; i < n; i++) userOfRow[i] = i;
    users = n;
  } else {
    const col = data.column(user);
    const ids = new Map<string | number, number>();
    userOfRow = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const key = col.kind === "str" ? col.codes[i] : col.values[i];
      let u = ids.get(key);
      if (u === undefined) {
        u = ids.size;
        ids.set(key, u);
      }
      userOfRow[i] = u;
    }
    users = ids.size;
  }
  const builder = synthAtomBuilder(columns);
  const rowStats = (i: number): Float64Array => {
    const st = new Float64Array(2 * nCols);
    for (let c = 0; c < nCols; c++) {
      const v = values[c][i];
      if (!Number.isNaN(v)) {
        st[2 * c] = v;
        st[2 * c + 1] = 1;
      }
    }
    return st;
  };
  if (user === undefined) {
    for (let i = 0; i < n; i++) {
      const cell = cells.rowCell[i];
      builder.add(cell < 0 ? [] : [[cell, rowStats(i)]], 1);
    }
  } else {
    const profiles: Map<number, Float64Array>[] = Array.from({ length: users }, () => new Map());
    for (let i = 0; i < n; i++) {
      const cell = cells.rowCell[i];
      if (cell < 0) continue;
      const prof = profiles[userOfRow[i]];
      const add = rowStats(i);
      const st = prof.get(cell);
      if (st === undefined) prof.set(cell, add);
      else for (let c = 0; c < 2 * nCols; c++) st[c] += add[c];
    }
    for (let u = 0; u < users; u++) builder.add([...profiles[u].entries()], 1);
  }
  return builder.atoms();
}

/**
 * Collects user profiles into {@link SynthBootstrapAtoms}: `add(entries, users)` records `users` users with one
 * profile — its cells with, per bootstrap column c, the sum at 2c and the non-missing count at 2c + 1 (entries
 * in any order; a user outside the analysis has none) — and `atoms()` returns the distinct profiles sorted by
 * their key, the canonical order both the row and the compressed path use.
 *
 * @example
 * ```ts
 * import { synthAtomBuilder } from "truelift";
 * const b = synthAtomBuilder(["y"]);
 * b.add([[0, Float64Array.of(1, 1)]], 3);
 * b.atoms().users; // 3
 * ```
 */
export function synthAtomBuilder(columns: readonly string[]): {
  add: (entries: [number, Float64Array][], users: number) => void;
  atoms: () => SynthBootstrapAtoms;
} {
  const nCols = columns.length;
  const index = new Map<string, number>();
  const keys: string[] = [];
  const atomEntries: [number, Float64Array][][] = [];
  const sizes: number[] = [];
  let users = 0;
  const add = (entries: [number, Float64Array][], count: number): void => {
    entries.sort((a, b) => a[0] - b[0]);
    const key = entries.map(([cell, st]) => `${cell}:${st.join(",")}`).join(";");
    let a = index.get(key);
    if (a === undefined) {
      a = keys.length;
      index.set(key, a);
      keys.push(key);
      atomEntries.push(entries);
      sizes.push(0);
    }
    sizes[a] += count;
    users += count;
  };
  const atoms = (): SynthBootstrapAtoms => {
    const order = keys.map((_, a) => a).sort((a, b) => (keys[a] < keys[b] ? -1 : keys[a] > keys[b] ? 1 : 0));
    const nAtoms = order.length;
    const atomStart = new Int32Array(nAtoms + 1);
    let total = 0;
    for (let r = 0; r < nAtoms; r++) {
      atomStart[r] = total;
      total += atomEntries[order[r]].length;
    }
    atomStart[nAtoms] = total;
    const entryCell = new Int32Array(total);
    const entryStats = new Float64Array(total * 2 * nCols);
    const atomSize = new Float64Array(nAtoms);
    let e = 0;
    order.forEach((a, r) => {
      atomSize[r] = sizes[a];
      for (const [cell, st] of atomEntries[a]) {
        entryCell[e] = cell;
        entryStats.set(st, e * 2 * nCols);
        e++;
      }
    });
    return { users, atomSize, nAtoms, atomStart, entryCell, entryStats, columns };
  };
  return { add, atoms };
}
