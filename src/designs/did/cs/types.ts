import type { Diagnostic } from "../../../core/diagnostics.js";
import type { Provenance, Term } from "../../../core/result.js";

/**
 * Comparison units for each ATT(g,t): `never` = units never treated in the sample (did's `"nevertreated"`),
 * `notYet` = never-treated units plus units first treated after max(t, base period) + anticipation
 * (did's `"notyettreated"`).
 *
 * @example
 * ```ts
 * import { CS_CONTROL_GROUPS } from "truelift";
 * CS_CONTROL_GROUPS; // ["never", "notYet"]
 * ```
 */
export const CS_CONTROL_GROUPS = ["never", "notYet"] as const;

/**
 * The 2×2 estimator run in every (g, t) cell (DRDID's panel estimators): `reg` outcome regression
 * (`reg_did_panel`), `ipw` normalised inverse probability weighting (`std_ipw_did_panel`), `dr` locally efficient
 * doubly robust (`drdid_panel`).
 *
 * @example
 * ```ts
 * import { CS_EST_METHODS } from "truelift";
 * CS_EST_METHODS; // ["reg", "ipw", "dr"]
 * ```
 */
export const CS_EST_METHODS = ["reg", "ipw", "dr"] as const;

/**
 * Base periods: `varying` compares each pre-period with the period just before it (did's default), `universal`
 * compares every period with g − 1 − anticipation (that cell is reported as 0 with a null SE).
 *
 * @example
 * ```ts
 * import { CS_BASE_PERIODS } from "truelift";
 * CS_BASE_PERIODS; // ["varying", "universal"]
 * ```
 */
export const CS_BASE_PERIODS = ["varying", "universal"] as const;

/** Options of the event-time (dynamic) aggregation, as did's `aggte(type = "dynamic", min_e, max_e, balance_e)`. *
 * @example
 * ```ts
 * const opts: CsDynamicOptions = { minE: -3, maxE: 3, balanceE: 2 };
 * ```
 */
export interface CsDynamicOptions {
  /** Smallest event time reported. __Default value:__ −∞. */
  readonly minE?: number;
  /** Largest event time reported. __Default value:__ +∞. */
  readonly maxE?: number;
  /** Keep only groups observed for at least `balanceE` periods after treatment (a balanced event study). */
  readonly balanceE?: number;
}

/** Which aggregations of the ATT(g,t) to compute. __Default value:__ all four. *
 * @example
 * ```ts
 * const aggs: CsAggregationsSpec = { simple: true, dynamic: { maxE: 3 }, group: true, calendar: false };
 * ```
 */
export interface CsAggregationsSpec {
  readonly simple?: boolean;
  readonly dynamic?: boolean | CsDynamicOptions;
  readonly group?: boolean;
  readonly calendar?: boolean;
}

/** Multiplier-bootstrap settings (did's `mboot`): Rademacher multipliers, one per unit or per cluster. *
 * @example
 * ```ts
 * const boot: CsBootstrapSpec = { reps: 999, seed: 42, clusterBy: "state" };
 * ```
 */
export interface CsBootstrapSpec {
  /** Number of bootstrap draws. __Default value:__ `999`. */
  readonly reps?: number;
  /** Seed of the multipliers (required): the same seed gives bit-identical output. */
  readonly seed: number;
  /**
   * A unit-level (time-invariant) column to cluster on; one multiplier per cluster applied to cluster sums of the
   * influence functions (did ≥ 2.3.1.906, Callaway & Sant'Anna 2021 Remark 10). __Default value:__ the unit.
   */
  readonly clusterBy?: string;
}

/**
 * What {@link callawaySantAnna} estimates. Panel data in long form: one row per unit and period.
 *
 * - `outcome`, `unit`, `time`: column names; `time` numeric. `unit` may be numeric or text.
 * - `group`: numeric column with the first treated period of the unit; 0 or missing = never treated. Values after
 *   the last period (+ anticipation) count as never treated (did's convention).
 * - `covariates`: numeric columns for the outcome / propensity models; each cell uses their values in the earlier
 *   of its two periods (what `did` does; for time-invariant covariates that is simply the unit's value).
 * - `control` __Default value:__ `"never"`; `anticipation` __Default value:__ `0`; `basePeriod` __Default value:__
 *   `"varying"`; `estMethod` __Default value:__ `"dr"`; `alpha` __Default value:__ `0.05`;
 *   `bootstrap` __Default value:__ `false` (analytic influence-function SEs, no simultaneous bands).
 *
 * @example
 * ```ts
 * const spec: CsSpec = {
 *   outcome: "lemp", unit: "countyreal", time: "year", group: "first.treat",
 *   covariates: ["lpop"], control: "notYet", estMethod: "dr", bootstrap: { seed: 1 },
 * };
 * ```
 */
export interface CsSpec {
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  readonly group: string;
  readonly covariates?: readonly string[];
  readonly control?: (typeof CS_CONTROL_GROUPS)[number];
  readonly anticipation?: number;
  readonly basePeriod?: (typeof CS_BASE_PERIODS)[number];
  readonly estMethod?: (typeof CS_EST_METHODS)[number];
  readonly alpha?: number;
  readonly bootstrap?: CsBootstrapSpec | false;
  readonly aggregations?: CsAggregationsSpec;
}

/** One group-time average treatment effect ATT(g,t). `estimate` is null when the cell could not be computed. *
 * @example
 * ```ts
 * callawaySantAnna(frame, spec).attGt[0]; // { group: 2004, time: 2004, eventTime: 0, estimate: -0.0105, … }
 * ```
 */
export interface CsAttGtRow {
  readonly group: number;
  readonly time: number;
  /** t − g. */
  readonly eventTime: number;
  /** The period the change in outcomes is measured from. */
  readonly baseTime: number;
  /** True for t ≥ g (post-treatment cells). */
  readonly post: boolean;
  readonly estimate: number | null;
  readonly se: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  /** Simultaneous (sup-t) band, present when bootstrapping. */
  readonly bandLow?: number | null;
  readonly bandHigh?: number | null;
  /** Units used in the cell (group g plus its comparison units). */
  readonly n: number;
  readonly nTreated: number;
  readonly nControl: number;
}

/** One row of an aggregation: by event time, group, or calendar period (`key`). *
 * @example
 * ```ts
 * callawaySantAnna(frame, spec).aggregations.dynamic?.rows[0]; // { key: -3, estimate: 0.0305, … }
 * ```
 */
export interface CsAggregateRow {
  /** Event time e, group g, or calendar period t. */
  readonly key: number;
  readonly estimate: number | null;
  readonly se: number | null;
  readonly ciLow: number | null;
  readonly ciHigh: number | null;
  readonly bandLow?: number | null;
  readonly bandHigh?: number | null;
}

/** One aggregation (did's `aggte`): the overall summary and, except for `simple`, its rows. *
 * @example
 * ```ts
 * callawaySantAnna(frame, spec).aggregations.group?.overall.estimate; // -0.0310 on mpdta (reg)
 * ```
 */
export interface CsAggregation {
  readonly type: "simple" | "dynamic" | "group" | "calendar";
  readonly overall: Term;
  /** Rows by event time / group / calendar period (empty for `simple`). */
  readonly rows: readonly CsAggregateRow[];
  /** Critical value of the rows' simultaneous band (null without the bootstrap). */
  readonly bandCriticalValue: number | null;
  /** The dynamic options used (dynamic only). */
  readonly options?: CsDynamicOptions;
}

/** The Wald pre-test of parallel trends: all pre-treatment ATT(g,t) = 0 (did's `W`, `Wpval`). *
 * @example
 * ```ts
 * callawaySantAnna(frame, spec).preTest?.pValue; // 0.16812 on mpdta (reg)
 * ```
 */
export interface CsPreTest {
  readonly statistic: number;
  readonly df: number;
  readonly pValue: number;
  /** Which covariance the test used (did uses the analytic one). */
  readonly vcov: "analytic";
}

/** Result of {@link callawaySantAnna}: plain, deeply frozen, JSON-serialisable data. *
 * @example
 * ```ts
 * const res: DeepReadonly<CsResult> = callawaySantAnna(frame, spec);
 * res.seSource; // "analytic" unless spec.bootstrap is set
 * ```
 */
export interface CsResult {
  readonly method: "callaway-santanna";
  readonly estMethod: (typeof CS_EST_METHODS)[number];
  readonly control: (typeof CS_CONTROL_GROUPS)[number];
  readonly basePeriod: (typeof CS_BASE_PERIODS)[number];
  readonly anticipation: number;
  readonly alpha: number;
  /** Where the reported SEs come from. */
  readonly seSource: "analytic" | "bootstrap";
  readonly attGt: readonly CsAttGtRow[];
  /** Pointwise (normal) critical value and the sup-t critical value of the ATT(g,t) band (null without bootstrap). */
  readonly criticalValue: { readonly pointwise: number; readonly band: number | null };
  readonly aggregations: {
    readonly simple?: CsAggregation;
    readonly dynamic?: CsAggregation;
    readonly group?: CsAggregation;
    readonly calendar?: CsAggregation;
  };
  readonly preTest: CsPreTest | null;
  readonly n: {
    readonly units: number;
    readonly periods: number;
    readonly groups: number;
    readonly rows: number;
    readonly droppedUnits: number;
    readonly clusters?: number;
  };
  /** Treated groups (first treated period) and their unit counts; 0 = never treated (when present). */
  readonly groupSizes: readonly { readonly group: number; readonly units: number }[];
  readonly periods: readonly number[];
  readonly bootstrap: {
    readonly reps: number;
    readonly seed: number;
    readonly clusterBy: string | null;
  } | null;
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}
