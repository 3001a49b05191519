import type { CellRequest, ColumnKinds } from "../../core/cells.js";
import type { Frame } from "../../core/frame.js";
import type { ValidDidSpec } from "./spec.js";

/**
 * The one `GROUP BY` a DiD analysis needs (compress → estimate): keys = time, the treatment (start column, or
 * group column), the unit, the cluster and every covariate; the one measure is the outcome (its cell mean and
 * within-cell Σ(y − ȳ)²). Every part of {@link did} is a function of these cells: the window, cohorts and
 * derived columns (treated, post, relative time) are functions of the keys, each regression is OLS on cell means
 * weighted by the counts (`OlsSpec.frequency`; fixed effects and clusters are keys), and the 2×2 table, trends
 * and naive contrasts are count-weighted means and pooled sums of squares.
 *
 * Numeric covariates are keys too (`kinds` is accepted for the contract but not needed): a covariate that
 * varies within a cell could not enter a regression on cell means, so the cells get finer (one per distinct
 * value) and stay exact. With a unit column every cell is one unit × period (× key values) — little compression,
 * but Callaway–Sant'Anna and the Bacon decomposition, which need the unit's rows, run on the cells unchanged.
 *
 * @example
 * ```ts
 * import { didCellRequest, parseDidSpec } from "truelift";
 * didCellRequest(parseDidSpec({
 *   outcome: "task_completed", time: "signup_week", treatment: { startColumn: "treatment_week" },
 *   cluster: "workspace_id", covariates: ["engagement_tier"],
 * }), {});
 * // { keys: ["signup_week", "treatment_week", "workspace_id", "engagement_tier"], measures: ["task_completed"] }
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once".
 */
export function didCellRequest(spec: ValidDidSpec, _kinds: ColumnKinds): CellRequest {
  const treatment = "startColumn" in spec.treatment ? spec.treatment.startColumn : spec.treatment.column;
  const keys = [spec.time, treatment];
  if (spec.unit !== undefined) keys.push(spec.unit);
  if (typeof spec.cluster === "string") keys.push(spec.cluster);
  for (const c of spec.covariates ?? []) keys.push(typeof c === "string" ? c : c.column);
  return { keys: [...new Set(keys)], measures: [spec.outcome] };
}

/**
 * The column kinds of an in-memory frame, as the engines report them for {@link didCellRequest}: text columns
 * `"text"`, numeric ones `"numeric"`.
 *
 * @example
 * ```ts
 * import { Frame, frameColumnKinds } from "truelift";
 * frameColumnKinds(Frame.fromObject({ y: [1], g: ["a"] })); // { y: "numeric", g: "text" }
 * ```
 */
export function frameColumnKinds(frame: Frame): ColumnKinds {
  const kinds: Record<string, "numeric" | "text"> = {};
  for (const name of frame.names) kinds[name] = frame.column(name).kind === "str" ? "text" : "numeric";
  return kinds;
}
