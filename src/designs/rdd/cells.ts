import type { CellRequest, ColumnKinds } from "../../core/cells.js";
import type { Frame } from "../../core/frame.js";
import { validateColumns } from "../../core/validate.js";
import { rddColumnRequirements } from "./layout.js";
import type { ValidRddSpec } from "./spec.js";

/**
 * How a compressed RD ran ({@link RddResult}'s `cells`): how many cells summarised how many rows, the cell keys
 * and measures, what each measure's cells carry, and the parts that needed row detail (none: the
 * continuous-outcome bootstrap is refused instead). No row is rebuilt: every statistic reads the cells.
 *
 * - `rebuilt`: `"exact"` — a 0/1 measure: a cell of n rows with mean s/n *is* s ones and n − s zeros (up to order),
 *   so the row bootstrap can draw its rows; `"moments"` — any other measure: the cell's count, mean and
 *   within-cell Σ(x − x̄)² (and the take-up, the cell key), which is all every RD statistic reads within a running
 *   value (the fits, HC, cluster and nearest-neighbour variances, bandwidth selectors, RD plot, checks); the
 *   density test, the bins and the row counts read only the running variable and the counts.
 *
 * @example
 * ```ts
 * import { rddDesign } from "truelift";
 * const res = await rddDesign.run(frame, { outcome: "task_completed", running: "query_confidence", cutoff: 0.85 });
 * res.cells; // { cells: 7008, rows: 50000, keys: ["query_confidence"], rebuilt: { task_completed: "exact" }, … }
 * ```
 */
export interface RddCellsInfo {
  readonly cells: number;
  readonly rows: number;
  readonly keys: readonly string[];
  readonly measures: readonly string[];
  readonly rebuilt: Readonly<Record<string, "exact" | "moments">>;
  readonly rowDetail: readonly { readonly part: string; readonly reason: string }[];
}

/**
 * The one `GROUP BY` an RD needs: keys = the running variable (one cell per distinct value, every row of which
 * shares the kernel weight and the regressors), the take-up column when there is one (a 0/1 column at most
 * doubles the cells, and inside a cell take-up is then constant: the fuzzy fits and variances read only the
 * outcome's Σ and Σ(y − ȳ)² per (value, take-up), and the naive treated-vs-untreated contrast needs the outcome's
 * spread *within* each take-up group, which a co-moment cannot split) and the cluster column when clustered;
 * measures = the outcome and the covariates.
 *
 * @example
 * ```ts
 * import { parseRddSpec, rddCellRequest } from "truelift";
 * rddCellRequest(parseRddSpec({ outcome: "y", running: "x", cutoff: 0, treatment: "d", fuzzy: true }), {});
 * // { keys: ["x", "d"], measures: ["y"] }
 * ```
 */
export function rddCellRequest(s: ValidRddSpec, _kinds: ColumnKinds): CellRequest {
  const keys = [s.running];
  if (s.treatment) keys.push(s.treatment);
  if (s.cluster) keys.push(s.cluster);
  const measures = [s.outcome];
  for (const c of s.covariates ?? []) if (!measures.includes(c) && !keys.includes(c)) measures.push(c);
  return { keys, measures };
}

/**
 * Whether `rddDesign.run` can take the compressed path on these rows and get the row path's result: the columns
 * are distinct (a key is never a measure), the outcome and covariates are finite in every row (a missing value
 * inside a cell would hide which rows the fit drops), and a bootstrap's outcome is 0/1.
 * Column errors are raised here exactly as on the rows.
 *
 * @example
 * ```ts
 * import { Frame, parseRddSpec, rddCellsApply } from "truelift";
 * const f = Frame.fromObject({ x: [-1, 1], y: [0, 1] });
 * rddCellsApply(f, parseRddSpec({ outcome: "y", running: "x", cutoff: 0 })); // true
 * ```
 */
export function rddCellsApply(frame: Frame, s: ValidRddSpec): boolean {
  validateColumns(frame, rddColumnRequirements(s));
  const { keys, measures } = rddCellRequest(s, {});
  const names = [...keys, ...measures];
  if (new Set(names).size !== names.length || (s.covariates ?? []).some((c) => keys.includes(c)))
    return false;
  const zeroOne = new Set(s.bootstrap ? [s.outcome] : []);
  for (const m of measures) {
    const v = frame.numeric(m);
    const binary = zeroOne.has(m);
    for (let i = 0; i < v.length; i++) {
      if (!Number.isFinite(v[i]) || (binary && v[i] !== 0 && v[i] !== 1)) return false;
    }
  }
  return true;
}
