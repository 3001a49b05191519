import { type Diagnostic, diagnostic } from "../../core/diagnostics.js";
import { TrueliftError } from "../../core/errors.js";
import { Frame } from "../../core/frame.js";
import { type DeepReadonly, deepFreeze, type Json, type Provenance } from "../../core/result.js";
import { type ColumnRequirement, validateColumns } from "../../core/validate.js";
import { ols } from "../../models/ols.js";
import { codeStaggeredPanel, type StaggeredPanel } from "./bacon-panel.js";

/**
 * Version recorded in the provenance of {@link baconDecomposition} results.
 *
 * @example
 * ```ts
 * baconDecomposition(frame, spec).provenance.version === BACON_VERSION; // true
 * ```
 */
export const BACON_VERSION = "0.1.0";

/**
 * The kinds of 2×2 comparison the TWFE coefficient averages, in report order:
 *
 * - `treated-vs-never`: a timing group against never-treated units, whole panel (bacondecomp "Treated vs
 *   Untreated");
 * - `earlier-vs-later`: an earlier-treated group against a later group that is not yet treated, periods before
 *   the later group starts ("Earlier vs Later Treated");
 * - `later-vs-earlier`: a later group against an earlier group that is already treated, periods from the earlier
 *   group's start ("Later vs Earlier Treated") — the "forbidden" comparison;
 * - `later-vs-always`: a timing group against units treated from the first period on, whole panel
 *   ("Later vs Always Treated") — forbidden as well.
 *
 * @example
 * ```ts
 * BACON_COMPARISON_TYPES[0]; // "treated-vs-never"
 * ```
 */
export const BACON_COMPARISON_TYPES = [
  "treated-vs-never",
  "earlier-vs-later",
  "later-vs-earlier",
  "later-vs-always",
] as const;

/** One of {@link BACON_COMPARISON_TYPES}. */
export type BaconComparisonType = (typeof BACON_COMPARISON_TYPES)[number];

/**
 * The comparison types whose control units are already treated: their 2×2 estimates subtract the controls' own
 * treatment-effect changes, which biases TWFE when effects evolve over time (Goodman-Bacon 2021, §3.1).
 *
 * @example
 * ```ts
 * BACON_FORBIDDEN_TYPES.includes("later-vs-earlier"); // true
 * ```
 */
export const BACON_FORBIDDEN_TYPES: readonly BaconComparisonType[] = Object.freeze([
  "later-vs-earlier",
  "later-vs-always",
]);

/**
 * The labels R's bacondecomp prints for each {@link BaconComparisonType}.
 *
 * @example
 * ```ts
 * BACON_TYPE_LABELS["later-vs-earlier"]; // "Later vs Earlier Treated"
 * ```
 */
export const BACON_TYPE_LABELS = Object.freeze({
  "treated-vs-never": "Treated vs Untreated",
  "earlier-vs-later": "Earlier vs Later Treated",
  "later-vs-earlier": "Later vs Earlier Treated",
  "later-vs-always": "Later vs Always Treated",
} as const satisfies Record<BaconComparisonType, string>);

/**
 * What to decompose: a balanced panel of `outcome` by `unit` and `time` (numeric periods), with a binary
 * absorbing treatment given by exactly one of
 *
 * - `treatStart`: the first-treatment period of each unit (constant within the unit); 0, missing, or later than
 *   the last period = never treated; at or before the first period = always treated. D = 1 when time ≥ start.
 * - `treatment`: a 0/1 treatment indicator that turns on at most once per unit and never turns off.
 */
export interface BaconSpec {
  readonly outcome: string;
  readonly unit: string;
  readonly time: string;
  readonly treatStart?: string;
  readonly treatment?: string;
}

/** One 2×2 difference-in-differences inside the TWFE coefficient. */
export interface BaconComparison {
  readonly type: BaconComparisonType;
  /** First treated period (a time value) of the group whose treatment switches on in this 2×2. */
  readonly treated: number;
  /** First treated period of the control group (the first period for always-treated), or `"never"`. */
  readonly control: number | "never";
  /** The 2×2 DiD: treated minus control change in mean outcome, post minus pre, within the window. */
  readonly estimate: number;
  /** Share of the TWFE coefficient (non-negative; all weights sum to 1). */
  readonly weight: number;
  /** First and last period (time values) of the 2×2 sample. */
  readonly window: readonly [number, number];
}

/** Comparisons of one type, summed: their number, total weight, and weight-averaged estimate. */
export interface BaconTypeSummary {
  readonly comparisons: number;
  readonly weight: number;
  /** Σ wᵢβᵢ / Σ wᵢ over the type; null when the panel has no comparison of this type. */
  readonly estimate: number | null;
}

/** A timing group: units sharing a first treated period (`"never"` for never-treated units). */
export interface BaconGroup {
  readonly start: number | "never";
  readonly units: number;
}

/** Result of {@link baconDecomposition}: plain, deeply frozen, JSON-serialisable data. */
export interface BaconResult {
  readonly method: "bacon";
  readonly outcome: string;
  /** Every 2×2 comparison, ordered by type (as {@link BACON_COMPARISON_TYPES}), then treated, then control. */
  readonly comparisons: readonly BaconComparison[];
  /** Per-type totals; every type is present (zero comparisons, weight 0, estimate null when absent). */
  readonly byType: Readonly<Record<BaconComparisonType, BaconTypeSummary>>;
  /** The two-way fixed-effects coefficient on D (truelift `ols` with unit and period effects absorbed). */
  readonly twfe: number;
  /** Σ weight × estimate over the comparisons: equals `twfe` (Goodman-Bacon 2021, Theorem 1). */
  readonly weightedSum: number;
  /** Timing groups in increasing start, never-treated last. */
  readonly groups: readonly BaconGroup[];
  readonly n: { readonly obs: number; readonly units: number; readonly periods: number };
  /** {@link baconDiagnostics} of this result, then any diagnostics of the TWFE fit. */
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * Goodman-Bacon decomposition of the two-way fixed-effects DiD coefficient: with staggered adoption, the TWFE
 * coefficient β̂ from y_it = α_i + λ_t + β·D_it + ε_it is a weighted average of every 2×2 DiD between two timing
 * groups (Theorem 1) — timing groups against never-treated units, earlier against not-yet-treated later groups,
 * and later groups against already-treated earlier (or always-treated) groups, the "forbidden" comparisons that
 * make TWFE a poor summary when effects change over time.
 *
 * ```
 * validate columns → code units / periods, refuse unbalanced panels (E_UNBALANCED_PANEL) and treatment that
 *   switches off (E_TREATMENT_NOT_ABSORBING) → timing group of each unit
 *   → one pass: group × period sums of y → means (balanced: every cell has the group's units)
 *   → each 2×2: ΔȲ_treated − ΔȲ_control (post − pre mean within the window), weight ∝ n_a·n_c·T_pre·T_post
 *     (Goodman-Bacon eq. 10a–10c with unit shares and treated-period shares, simplified) → normalised
 *   → TWFE coefficient by ols(y ~ D | unit + time)
 * ```
 *
 * Follows R's `bacondecomp::bacon(y ~ D, data, id_var, time_var)` without covariates: the same comparisons,
 * windows and weights (bacondecomp fits each 2×2 by `feols(y ~ D | time + id)` on the subsample, which on a
 * balanced two-group window equals the difference of mean changes used here). Units treated from the first period
 * on are the always-treated group, used only as controls. Like bacondecomp, unbalanced panels and
 * non-absorbing treatment are refused. Not supported: the time-varying-covariate decomposition
 * (bacondecomp with controls: within/between split, Goodman-Bacon §5) and weights.
 *
 * Runs in two passes over the rows plus the TWFE fit: a 1M-row panel takes about a second.
 *
 * @example
 * ```ts
 * import { baconDecomposition, baconDiagnostics } from "truelift";
 * const res = baconDecomposition(mpdta, {
 *   outcome: "lemp", unit: "countyreal", time: "year", treatStart: "first.treat",
 * });
 * res.twfe;                               // -0.0365 (= res.weightedSum)
 * res.byType["treated-vs-never"].weight;  // 0.863
 * res.byType["later-vs-earlier"].weight;  // 0.054
 * baconDiagnostics(res).severity;         // "warn": those 5 % average +0.005 against −0.039 for the clean ones
 * ```
 * @see Goodman-Bacon, A. (2021), "Difference-in-differences with variation in treatment timing", Journal of
 *   Econometrics 225(2), 254–277, https://doi.org/10.1016/j.jeconom.2021.03.014; R package bacondecomp
 *   (Flack & Jee), `bacon()`.
 */
export function baconDecomposition(frame: Frame, spec: BaconSpec): DeepReadonly<BaconResult> {
  const s = validateSpec(spec);
  const requirements: ColumnRequirement[] = [
    { column: s.outcome, kind: "numeric" },
    { column: s.unit, kind: "categorical" },
    { column: s.time, kind: "numeric" },
    s.treatment === undefined
      ? { column: s.treatStart as string, kind: "numeric", allowMissing: true }
      : { column: s.treatment, kind: "binary" },
  ];
  validateColumns(frame, requirements);
  if (frame.nrows === 0) throw new TrueliftError("E_EMPTY_DATA", "The data have no rows.");
  const y = frame.numeric(s.outcome);
  requireFinite(y, s.outcome);
  requireFinite(frame.numeric(s.time), s.time);

  const panel = codeStaggeredPanel(
    frame,
    s.unit,
    s.time,
    s.treatment === undefined
      ? { kind: "start", column: s.treatStart as string }
      : { kind: "indicator", column: s.treatment },
  );
  const { comparisons, groups } = decompose(panel, y);
  if (comparisons.length === 0) {
    throw new TrueliftError(
      "E_CONSTANT_TREATMENT",
      "No 2×2 comparison exists: after unit and period effects the treatment does not vary (every unit shares one treatment timing, or the panel has one period).",
      {
        hint: "The decomposition needs two timing groups with different treatment periods, or treated and never-treated units, over at least two periods.",
        details: { groups: groups.map((g) => g.start) },
      },
    );
  }
  const fit = twfe(panel, y);
  let weightedSum = 0;
  for (const c of comparisons) weightedSum += c.weight * c.estimate;
  const byType = summarize(comparisons);
  const provenanceSpec: Record<string, Json> = { outcome: s.outcome, unit: s.unit, time: s.time };
  if (s.treatment === undefined) provenanceSpec.treatStart = s.treatStart as string;
  else provenanceSpec.treatment = s.treatment;
  const result: BaconResult = {
    method: "bacon",
    outcome: s.outcome,
    comparisons,
    byType,
    twfe: fit.estimate,
    weightedSum,
    groups,
    n: { obs: panel.rows, units: panel.units, periods: panel.times.length },
    diagnostics: [baconDiagnostics({ byType, twfe: fit.estimate }), ...fit.diagnostics],
    provenance: { spec: provenanceSpec, engine: "memory", version: BACON_VERSION },
  };
  return deepFreeze(result);
}

/**
 * Options of {@link baconDiagnostics}. `threshold`: total weight of the forbidden comparisons above which the
 * diagnostic warns. __Default value:__ `0.1`.
 */
export interface BaconDiagnosticsOptions {
  readonly threshold?: number;
}

/**
 * Reads a {@link BaconResult} for the warning sign Goodman-Bacon (2021) describes: the comparisons that use
 * already-treated units as controls ({@link BACON_FORBIDDEN_TYPES}) carry material weight (more than
 * `threshold`, 10 % by default) or their weighted-average estimate has the opposite sign of the clean
 * comparisons' (never-treated and not-yet-treated controls). Either way the diagnostic (`D_BACON_FORBIDDEN`)
 * is a `warn` that points to Callaway–Sant'Anna; otherwise it is a `pass`. The evidence holds both weights and
 * both averages (null when a side has no comparisons).
 *
 * @example
 * ```ts
 * import { baconDecomposition, baconDiagnostics } from "truelift";
 * const d = baconDiagnostics(baconDecomposition(frame, spec), { threshold: 0.05 });
 * d.severity;                 // "warn" when forbidden comparisons hold more than 5 % of the weight
 * d.evidence.forbiddenWeight; // e.g. 0.054
 * ```
 * @see Goodman-Bacon (2021), §3.1 and §6; Callaway & Sant'Anna (2021), "Difference-in-differences with multiple
 *   time periods", Journal of Econometrics 225(2), 200–230.
 */
export function baconDiagnostics(
  result: { readonly byType: Readonly<Record<BaconComparisonType, BaconTypeSummary>>; readonly twfe: number },
  options: BaconDiagnosticsOptions = {},
): Diagnostic {
  const threshold = options.threshold ?? 0.1;
  if (typeof threshold !== "number" || !(threshold >= 0 && threshold < 1)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", "options.threshold must be a weight share in [0, 1).");
  }
  const forbidden = pool(result.byType, (t) => BACON_FORBIDDEN_TYPES.includes(t));
  const clean = pool(result.byType, (t) => !BACON_FORBIDDEN_TYPES.includes(t));
  const material = forbidden.weight > threshold;
  const opposite =
    forbidden.estimate !== null && clean.estimate !== null && forbidden.estimate * clean.estimate < 0;
  const evidence = {
    forbiddenWeight: forbidden.weight,
    forbiddenEstimate: forbidden.estimate,
    cleanWeight: clean.weight,
    cleanEstimate: clean.estimate,
    oppositeSign: opposite,
    threshold,
    twfe: result.twfe,
  };
  if (!material && !opposite) return diagnostic("D_BACON_FORBIDDEN", "pass", evidence);
  return diagnostic("D_BACON_FORBIDDEN", "warn", evidence);
}

// ---------------------------------------------------------------------------------------------------------

interface ValidSpec {
  outcome: string;
  unit: string;
  time: string;
  treatStart?: string;
  treatment?: string;
}

function invalid(message: string): never {
  throw new TrueliftError("E_INVALID_SPEC", message);
}

function validateSpec(spec: BaconSpec): ValidSpec {
  if (spec === null || typeof spec !== "object") invalid("The Bacon decomposition spec must be an object.");
  for (const key of ["outcome", "unit", "time"] as const) {
    if (typeof spec[key] !== "string" || spec[key] === "") invalid(`spec.${key} must name a column.`);
  }
  const hasStart = spec.treatStart !== undefined;
  const hasD = spec.treatment !== undefined;
  if (hasStart === hasD) {
    invalid(
      "Give exactly one of spec.treatStart (first-treatment period) and spec.treatment (0/1 indicator).",
    );
  }
  const source = hasStart ? spec.treatStart : spec.treatment;
  if (typeof source !== "string" || source === "") {
    invalid(`spec.${hasStart ? "treatStart" : "treatment"} must name a column.`);
  }
  const used = [spec.outcome, spec.unit, spec.time, source];
  if (new Set(used).size !== used.length)
    invalid("spec.outcome, unit, time and the treatment must be different columns.");
  return hasStart
    ? { outcome: spec.outcome, unit: spec.unit, time: spec.time, treatStart: source }
    : { outcome: spec.outcome, unit: spec.unit, time: spec.time, treatment: source };
}

function requireFinite(x: Float64Array, column: string): void {
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) {
      throw new TrueliftError(
        "E_NONFINITE_VALUES",
        `Column '${column}' has an infinite value (row ${i + 1}).`,
        {
          details: { column, row: i + 1 },
        },
      );
    }
  }
}

/** Group × period means and every 2×2 comparison with its normalised weight. */
function decompose(
  panel: StaggeredPanel,
  y: Float64Array,
): { comparisons: BaconComparison[]; groups: BaconGroup[] } {
  const { unit, period, firstTreated, times } = panel;
  const T = times.length;
  const n = unit.length;
  // Timing groups: ranks 0..T−1 (0 = always treated), T = never treated.
  const unitsAt = new Float64Array(T + 1);
  for (let u = 0; u < firstTreated.length; u++) unitsAt[firstTreated[u]]++;
  const ranks: number[] = [];
  for (let r = 0; r <= T; r++) if (unitsAt[r] > 0) ranks.push(r);
  const index = new Int32Array(T + 1).fill(-1);
  ranks.forEach((r, g) => {
    index[r] = g;
  });
  const groupOfUnit = new Int32Array(firstTreated.length);
  for (let u = 0; u < firstTreated.length; u++) groupOfUnit[u] = index[firstTreated[u]];

  // One pass: group × period sums of y (shifted by y[0]; every 2×2 is shift-invariant).
  const G = ranks.length;
  const shift = y[0];
  const sums = new Float64Array(G * T);
  for (let i = 0; i < n; i++) sums[groupOfUnit[unit[i]] * T + period[i]] += y[i] - shift;
  // Prefix sums over periods of the group means: cum[g][t] = Σ_{s<t} Ȳ_gs.
  const cum = new Float64Array(G * (T + 1));
  for (let g = 0; g < G; g++) {
    const size = unitsAt[ranks[g]];
    for (let t = 0; t < T; t++) cum[g * (T + 1) + t + 1] = cum[g * (T + 1) + t] + sums[g * T + t] / size;
  }
  const mean = (g: number, lo: number, hi: number) =>
    (cum[g * (T + 1) + hi] - cum[g * (T + 1) + lo]) / (hi - lo);

  const raw: { type: BaconComparisonType; a: number; c: number; lo: number; s: number; hi: number }[] = [];
  const timing = ranks.filter((r) => r < T);
  if (unitsAt[T] > 0) {
    for (const k of timing) if (k > 0) raw.push({ type: "treated-vs-never", a: k, c: T, lo: 0, s: k, hi: T });
  }
  for (const k of timing) {
    for (const l of timing) {
      if (l <= k) continue;
      if (k > 0) raw.push({ type: "earlier-vs-later", a: k, c: l, lo: 0, s: k, hi: l });
      raw.push({ type: k === 0 ? "later-vs-always" : "later-vs-earlier", a: l, c: k, lo: k, s: l, hi: T });
    }
  }
  const order = (t: BaconComparisonType) => BACON_COMPARISON_TYPES.indexOf(t);
  raw.sort((p, q) => order(p.type) - order(q.type) || p.a - q.a || p.c - q.c);
  // Weight ∝ n_a n_c (s − lo)(hi − s): eq. 10a–10c with shares n = N_g/N and D̄ = treated-period share.
  const rawWeights = raw.map((r) => unitsAt[r.a] * unitsAt[r.c] * (r.s - r.lo) * (r.hi - r.s));
  const total = rawWeights.reduce((p, q) => p + q, 0);
  const comparisons = raw.map((r, i): BaconComparison => {
    const ga = index[r.a];
    const gc = index[r.c];
    const estimate = mean(ga, r.s, r.hi) - mean(ga, r.lo, r.s) - (mean(gc, r.s, r.hi) - mean(gc, r.lo, r.s));
    return {
      type: r.type,
      treated: times[r.a],
      control: r.c === T ? "never" : times[r.c],
      estimate,
      weight: rawWeights[i] / total,
      window: [times[r.lo], times[r.hi - 1]],
    };
  });
  const groups = ranks.map((r): BaconGroup => ({ start: r === T ? "never" : times[r], units: unitsAt[r] }));
  return { comparisons, groups };
}

function summarize(comparisons: readonly BaconComparison[]): Record<BaconComparisonType, BaconTypeSummary> {
  const acc = new Map<BaconComparisonType, { comparisons: number; weight: number; num: number }>();
  for (const t of BACON_COMPARISON_TYPES) acc.set(t, { comparisons: 0, weight: 0, num: 0 });
  for (const c of comparisons) {
    const a = acc.get(c.type) as { comparisons: number; weight: number; num: number };
    a.comparisons++;
    a.weight += c.weight;
    a.num += c.weight * c.estimate;
  }
  const out = {} as Record<BaconComparisonType, BaconTypeSummary>;
  for (const [t, a] of acc) {
    out[t] = {
      comparisons: a.comparisons,
      weight: a.weight,
      estimate: a.comparisons > 0 && a.weight > 0 ? a.num / a.weight : null,
    };
  }
  return out;
}

/** The TWFE coefficient on D with unit and period effects absorbed, by truelift's own OLS. */
function twfe(
  panel: StaggeredPanel,
  y: Float64Array,
): { estimate: number; diagnostics: readonly Diagnostic[] } {
  const { unit, period, firstTreated } = panel;
  const d = new Float64Array(unit.length);
  for (let i = 0; i < d.length; i++) d[i] = period[i] >= firstTreated[unit[i]] ? 1 : 0;
  const data = Frame.fromObject({ y, D: d, unit, period });
  const res = ols(data, {
    outcome: "y",
    terms: [{ factors: [{ kind: "numeric", column: "D" }] }],
    absorb: ["unit", "period"],
  });
  return { estimate: res.terms[0].estimate, diagnostics: res.diagnostics as readonly Diagnostic[] };
}

function pool(
  byType: Readonly<Record<BaconComparisonType, BaconTypeSummary>>,
  keep: (t: BaconComparisonType) => boolean,
): { weight: number; estimate: number | null } {
  let weight = 0;
  let num = 0;
  let any = false;
  for (const t of BACON_COMPARISON_TYPES) {
    const b = byType[t];
    if (!keep(t) || b.comparisons === 0 || b.estimate === null) continue;
    any = true;
    weight += b.weight;
    num += b.weight * b.estimate;
  }
  return { weight, estimate: any && weight > 0 ? num / weight : null };
}
