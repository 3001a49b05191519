import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { panelPeriods } from "../../core/panel.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import type { Factor } from "../../models/formula.js";
import { type FrequencySpec, validateFrequency } from "../../models/frequency.js";
import { checkNotCollinear, checkOutcomeVaries } from "./layout-checks.js";
import type { ValidDidSpec } from "./spec.js";

/**
 * Names of the columns {@link layoutDid} derives: `treated` (1 for the treated group / ever-treated units),
 * `post` (1 once the row's group is treated), `rel_time` (period minus the effective start, NaN for never-treated
 * or control rows) and `cohort` (the effective start, 0 for never / control).
 *
 * @example
 * ```ts
 * import { DID_COLUMNS } from "truelift";
 * DID_COLUMNS.post; // "post"
 * ```
 */
export const DID_COLUMNS = {
  treated: "treated",
  post: "post",
  relTime: "rel_time",
  cohort: "cohort",
} as const;

/**
 * Compressed input of a DiD analysis: each frame row is a cell of `count` source rows sharing every key (time,
 * treatment, unit, cluster, covariates); the outcome column holds the cell mean and `withinSS` its within-cell
 * Σ(y − ȳ)². Row counts, means and every regression weight by `count` (see `OlsSpec.frequency`).
 *
 * @example
 * ```ts
 * import type { DidFrequency } from "truelift";
 * const f: DidFrequency = { count: "__n", withinSS: "__ss:task_completed" };
 * ```
 */
export interface DidFrequency {
  readonly count: string;
  readonly withinSS: string;
}

/**
 * The rows each frame row stands for: the cell counts of a compressed layout, else 1 per row.
 *
 * @example
 * ```ts
 * import { rowWeights } from "truelift";
 * rowWeights(layout.frame, layout.frequency); // Float64Array of cell counts (ones on rows)
 * ```
 */
export function rowWeights(frame: Frame, frequency: DidFrequency | null): Float64Array {
  return frequency === null ? new Float64Array(frame.nrows).fill(1) : frame.numeric(frequency.count);
}

/** One adoption cohort: its nominal first-treatment period (null = never treated) and its row count. */
export interface DidCohort {
  readonly start: number | null;
  readonly rows: number;
}

/**
 * The resolved shape of a DiD analysis: which rows, which groups, which periods, with the derived columns
 * ({@link DID_COLUMNS}) added to `frame`.
 */
export interface DidLayout {
  readonly kind: "two-group" | "staggered";
  /** Rows inside the analysis window, with the derived columns. */
  readonly frame: Frame;
  readonly outcome: string;
  readonly time: string;
  readonly unit: string | null;
  readonly cluster: string | null;
  readonly covariates: readonly Factor[];
  /** Two-group: the nominal start and the effective one (nominal − anticipation); null when staggered. */
  readonly start: { readonly nominal: number; readonly effective: number } | null;
  readonly anticipation: number;
  /** Nominal start of a not-yet-treated control group (two-group only), else null. */
  readonly controlStart: number | null;
  readonly window: { readonly from: number; readonly to: number; readonly rowsOutside: number };
  readonly cohorts: readonly DidCohort[];
  /** Distinct periods in the window, ascending. */
  readonly periods: readonly number[];
  readonly diagnostics: readonly Diagnostic[];
  /** The frame's rows are compressed cells (see {@link DidFrequency}), or null for one row per observation. */
  readonly frequency: DidFrequency | null;
}

const RESERVED = new Set<string>(Object.values(DID_COLUMNS));

/**
 * Validates the data against a DiD spec and resolves the design (before any estimation):
 *
 * ```
 * check columns (E_COLUMN_MISSING / E_COLUMN_TYPE / E_MISSING_VALUES / E_NOT_BINARY)
 *   → treatment: group column + start | per-row start column → cohorts
 *   → two-group (one cohort + never-treated, or two cohorts) | staggered (more)
 *   → window (default: stop before a not-yet-treated control group's own start) → derived columns
 *   → treated and control rows, pre and post periods present (E_CONSTANT_TREATMENT / E_TOO_FEW_PERIODS)
 * ```
 *
 * @example
 * ```ts
 * import { layoutDid, parseDidSpec } from "truelift";
 * const layout = layoutDid(frame, parseDidSpec({
 *   outcome: "task_completed", time: "signup_week", treatment: { startColumn: "treatment_week" },
 *   cluster: "workspace_id",
 * }));
 * layout.window; // { from: 0, to: 29, rowsOutside: 21161 } on the tutorial data
 * ```
 * With `frequency` the frame holds compressed cells: every row count (window, cohorts, checks) is a sum of
 * cell counts, and the checks read the within-cell sums of squares, so errors and diagnostics match the rows'.
 * @see Callaway & Sant'Anna (2021) for never-treated vs not-yet-treated comparison groups.
 */
export function layoutDid(data: Frame, spec: ValidDidSpec, frequency: DidFrequency | null = null): DidLayout {
  const covariates = validateDidColumns(data, spec);
  if (frequency !== null) validateFrequency(data, frequencySpec(frequency));
  const weight = rowWeights(data, frequency);
  const time = data.numeric(spec.time);
  const anticipation = spec.anticipation ?? 0;
  const diagnostics: Diagnostic[] = [];
  const n = data.nrows;

  // Per-row nominal start (NaN = never treated / control) and the design kind.
  const startOf = new Float64Array(n);
  // Nominal start per row for the cohort table (a not-yet-treated control keeps its own start here).
  let cohortKey: Float64Array = startOf;
  let kind: DidLayout["kind"];
  let nominal: number | null = null;
  let controlStart: number | null = null;
  if ("startColumn" in spec.treatment) {
    const raw = data.numeric(spec.treatment.startColumn);
    const starts = new Set<number>();
    let never = 0;
    for (let i = 0; i < n; i++) {
      const s = raw[i];
      if (Number.isNaN(s) || s === 0) {
        startOf[i] = Number.NaN;
        never++;
      } else {
        startOf[i] = s;
        starts.add(s);
      }
    }
    const sorted = [...starts].sort((a, b) => a - b);
    if (sorted.length === 0 || (sorted.length === 1 && never === 0)) {
      throw new TrueliftError(
        "E_CONSTANT_TREATMENT",
        `Column '${spec.treatment.startColumn}' gives ${sorted.length === 0 ? "no treated rows" : "every row the same start"}: there is no comparison group.`,
        { details: { column: spec.treatment.startColumn, starts: sorted } },
      );
    }
    if (sorted.length === 1 || (sorted.length === 2 && never === 0)) {
      kind = "two-group";
      nominal = sorted[0];
      if (sorted.length === 2) {
        controlStart = sorted[1];
        cohortKey = startOf.slice();
        for (let i = 0; i < n; i++) if (startOf[i] === controlStart) startOf[i] = Number.NaN;
      }
    } else {
      kind = "staggered";
    }
  } else {
    kind = "two-group";
    nominal = spec.treatment.start;
    const treated = treatedMask(data, spec.treatment.column, spec.treatment.treatedValues);
    for (let i = 0; i < n; i++) startOf[i] = treated[i] === 1 ? nominal : Number.NaN;
  }

  // Window (an empty frame has no time range: say so instead of "[Infinity, -Infinity]").
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "The data have no rows.");
  let tMin = Number.POSITIVE_INFINITY;
  let tMax = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    if (time[i] < tMin) tMin = time[i];
    if (time[i] > tMax) tMax = time[i];
  }
  const from = spec.window?.from ?? tMin;
  let to = spec.window?.to ?? tMax;
  if (controlStart !== null) {
    const lastClean = periodsBelow(time, controlStart - anticipation);
    if (spec.window?.to === undefined) {
      to = lastClean;
      diagnostics.push(
        diagnostic("D_DID_WINDOW", "info", { to, controlStart, anticipation }, { time: spec.time }),
      );
    } else if (to >= controlStart - anticipation) {
      diagnostics.push(
        diagnostic(
          "D_DID_CONTAMINATED_CONTROL",
          "fail",
          { to, controlStart, anticipation },
          { time: spec.time },
        ),
      );
    }
  }
  const inWindow = new Uint8Array(n);
  let kept = 0;
  let keptRows = 0;
  let allRows = 0;
  for (let i = 0; i < n; i++) {
    allRows += weight[i];
    if (time[i] >= from && time[i] <= to) {
      inWindow[i] = 1;
      kept++;
      keptRows += weight[i];
    }
  }
  if (kept === 0) {
    throw new TrueliftError("E_EMPTY_DATA", `No rows have ${spec.time} within the window [${from}, ${to}].`, {
      details: { from, to, dataRange: [tMin, tMax] },
    });
  }

  // Derived columns on the window's rows.
  const idx = new Int32Array(kept);
  for (let i = 0, j = 0; i < n; i++) if (inWindow[i]) idx[j++] = i;
  const treatedCol = new Float64Array(kept);
  const postCol = new Float64Array(kept);
  const relCol = new Float64Array(kept);
  const cohortCol = new Float64Array(kept);
  const cohortRows = new Map<number, number>();
  let treatedRows = 0;
  let preRows = 0;
  let postRows = 0;
  for (let j = 0; j < kept; j++) {
    const i = idx[j];
    const t = time[i];
    const s = startOf[i];
    const never = Number.isNaN(s);
    const eff = s - anticipation;
    treatedCol[j] = never ? 0 : 1;
    cohortCol[j] = never ? 0 : eff;
    relCol[j] = never ? Number.NaN : t - eff;
    const key = Number.isNaN(cohortKey[i]) ? 0 : cohortKey[i];
    const w = weight[i];
    cohortRows.set(key, (cohortRows.get(key) ?? 0) + w);
    if (!never) treatedRows += w;
    if (kind === "two-group") {
      const post = t >= (nominal as number) - anticipation ? 1 : 0;
      postCol[j] = post;
      if (post) postRows += w;
      else preRows += w;
    } else {
      postCol[j] = !never && t >= eff ? 1 : 0;
      if (!never && t < eff) preRows += w;
      if (!never && t >= eff) postRows += w;
    }
  }
  const kw = Float64Array.from(idx, (i) => weight[i]);
  if (treatedRows === 0 || treatedRows === keptRows) {
    throw new TrueliftError(
      "E_CONSTANT_TREATMENT",
      `Within the window every row is ${treatedRows === 0 ? "untreated" : "in the treated group"}: there is nothing to compare.`,
      { details: { treatedRows, rows: keptRows } },
    );
  }
  if (preRows === 0 || postRows === 0) {
    throw new TrueliftError(
      "E_TOO_FEW_PERIODS",
      `The window [${from}, ${to}] has no ${preRows === 0 ? "pre-treatment" : "post-treatment"} rows for the treated group; DiD needs both.`,
      { details: { from, to, preRows, postRows } },
    );
  }
  const within = frequency === null ? null : data.numeric(frequency.withinSS);
  checkOutcomeVaries(
    data.numeric(spec.outcome),
    within,
    frequency === null ? null : weight,
    idx,
    treatedCol,
    spec.outcome,
  );
  if (kind === "two-group") checkNotCollinear(treatedCol, postCol, kw, spec);
  const frame = data
    .take(idx)
    .withColumn(DID_COLUMNS.treated, treatedCol)
    .withColumn(DID_COLUMNS.post, postCol)
    .withColumn(DID_COLUMNS.relTime, relCol)
    .withColumn(DID_COLUMNS.cohort, cohortCol);
  const cohorts = [...cohortRows.entries()]
    .sort((a, b) => (a[0] === 0 ? -1 : b[0] === 0 ? 1 : a[0] - b[0]))
    .map(([s, rows]) => ({ start: s === 0 ? null : s, rows }));
  const cluster = spec.cluster === null ? null : (spec.cluster ?? spec.unit ?? null);
  return {
    kind,
    frame,
    outcome: spec.outcome,
    time: spec.time,
    unit: spec.unit ?? null,
    cluster,
    covariates,
    start: nominal === null ? null : { nominal, effective: nominal - anticipation },
    anticipation,
    controlStart,
    window: { from, to, rowsOutside: allRows - keptRows },
    cohorts,
    periods: panelPeriods(time, { from, to }),
    diagnostics,
    frequency,
  };
}

/**
 * The column checks {@link layoutDid} starts with (reserved names, presence, types, missing values), and the
 * covariates resolved (text columns categorical, numeric ones linear): run on the rows before compressing them,
 * so column errors are word for word the rows' errors.
 *
 * @example
 * ```ts
 * import { parseDidSpec, validateDidColumns } from "truelift";
 * validateDidColumns(frame, parseDidSpec(spec)); // throws E_COLUMN_MISSING, E_MISSING_VALUES, …
 * ```
 */
export function validateDidColumns(data: Frame, spec: ValidDidSpec): Factor[] {
  checkReserved(spec);
  const covariates = resolveCovariates(data, spec);
  validateColumns(data, requirements(spec, covariates));
  return covariates;
}

function checkReserved(spec: ValidDidSpec): void {
  const used = [
    spec.outcome,
    spec.time,
    spec.unit,
    typeof spec.cluster === "string" ? spec.cluster : undefined,
    ...(spec.covariates ?? []).map((c) => (typeof c === "string" ? c : c.column)),
  ];
  const clash = used.find((c) => c !== undefined && RESERVED.has(c));
  if (clash !== undefined) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Column '${clash}' has a name the DiD analysis derives itself (${[...RESERVED].join(", ")}); rename it first.`,
      { details: { column: clash } },
    );
  }
}

function resolveCovariates(data: Frame, spec: ValidDidSpec): Factor[] {
  return (spec.covariates ?? []).map((c): Factor => {
    if (typeof c !== "string") {
      return c.kind === "numeric"
        ? { kind: "numeric", column: c.column }
        : {
            kind: "categorical",
            column: c.column,
            ...(c.reference === undefined ? {} : { reference: c.reference }),
          };
    }
    const isText = data.has(c) && data.column(c).kind === "str";
    return isText ? { kind: "categorical", column: c } : { kind: "numeric", column: c };
  });
}

function requirements(spec: ValidDidSpec, covariates: readonly Factor[]): ColumnRequirement[] {
  const req: ColumnRequirement[] = [
    { column: spec.outcome, kind: "numeric" },
    { column: spec.time, kind: "numeric" },
  ];
  if ("startColumn" in spec.treatment) {
    req.push({ column: spec.treatment.startColumn, kind: "numeric", allowMissing: true });
  } else {
    const binary = spec.treatment.treatedValues === undefined;
    req.push({ column: spec.treatment.column, kind: binary ? "binary" : "categorical" });
  }
  if (spec.unit !== undefined) req.push({ column: spec.unit, kind: "categorical" });
  if (typeof spec.cluster === "string") req.push({ column: spec.cluster, kind: "categorical" });
  for (const f of covariates)
    req.push({ column: f.column, kind: f.kind === "numeric" ? "numeric" : "categorical" });
  return req;
}

function treatedMask(
  data: Frame,
  column: string,
  values: readonly (number | string)[] | undefined,
): Uint8Array {
  const out = new Uint8Array(data.nrows);
  if (values === undefined) {
    const v = data.numeric(column);
    for (let i = 0; i < out.length; i++) out[i] = v[i] === 1 ? 1 : 0;
    return out;
  }
  const wanted = new Set(values.map(String));
  for (let i = 0; i < out.length; i++) {
    const v = data.value(column, i);
    out[i] = v !== null && wanted.has(String(v)) ? 1 : 0;
  }
  return out;
}

/** The largest period value strictly below `limit` (the last clean period before the control is treated). */
function periodsBelow(time: Float64Array, limit: number): number {
  let best = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < time.length; i++) if (time[i] < limit && time[i] > best) best = time[i];
  return best;
}

function frequencySpec(f: DidFrequency): FrequencySpec {
  return { count: f.count, withinSS: f.withinSS };
}
