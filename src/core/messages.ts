/**
 * The error-code catalogue: every caller error truelift raises, with the exit-code category the CLI maps it to
 * and the fix hint shown to the user. All user-facing error text lives here, so codes and wording cannot drift.
 *
 * Categories map to CLI exit codes: `usage` → 2, `data` → 3, `engine` → 4.
 *
 * @example
 * ```ts
 * import { ERROR_CATALOGUE } from "truelift";
 * ERROR_CATALOGUE.E_COLUMN_MISSING.category; // "data"
 * ```
 */
export const ERROR_CATALOGUE = {
  E_USAGE: { category: "usage", hint: "Run `truelift --help` to see the commands and their options." },
  E_INVALID_SPEC: { category: "usage", hint: "Check the spec against the documented fields and types." },
  E_INVALID_ARGUMENT: { category: "usage", hint: "Check the value passed for this option." },
  E_FILE_NOT_FOUND: {
    category: "data",
    hint: "Check the path; relative paths resolve from the current directory.",
  },
  E_UNSUPPORTED_FORMAT: {
    category: "data",
    hint: "Use a .csv, .csv.gz, .tsv, .parquet, .ndjson or .jsonl file, or pass a SQL query against a DuckDB file.",
  },
  E_READ_FAILED: { category: "data", hint: "Check that the file is well-formed and readable." },
  E_UNSUPPORTED_OUTPUT: {
    category: "usage",
    hint: "Write to a path ending in .csv, .csv.gz, .tsv or .parquet.",
  },
  E_COLUMN_MISSING: {
    category: "data",
    hint: "Check the spelling (names are case-sensitive) or rename the column.",
  },
  E_COLUMN_TYPE: { category: "data", hint: "Cast the column to the expected type before the analysis." },
  E_MISSING_VALUES: {
    category: "data",
    hint: "Drop or impute the rows with missing values in the columns the analysis uses.",
  },
  E_NAN_IN_CLUSTER: {
    category: "data",
    hint: "Every row needs a cluster id; drop rows whose cluster is missing.",
  },
  E_LENGTH_MISMATCH: { category: "data", hint: "All columns (and weights) must have one entry per row." },
  E_EMPTY_DATA: { category: "data", hint: "Check the filter: the analysis has no rows to work with." },
  E_NOT_BINARY: { category: "data", hint: "Recode the column to 0/1 (for example `x == 'yes'`)." },
  E_CONSTANT_TREATMENT: { category: "data", hint: "Both treated (1) and untreated (0) rows are needed." },
  E_BAD_WEIGHTS: { category: "data", hint: "Weights must be finite and non-negative, with a positive sum." },
  E_UNKNOWN_LEVEL: { category: "data", hint: "Pick a reference level that occurs in the column." },
  E_SINGULAR_DESIGN: {
    category: "data",
    hint: "Drop one of the collinear columns named above, or merge the categories that cause it.",
  },
  E_TOO_FEW_CLUSTERS: { category: "data", hint: "Cluster-robust variance needs at least two clusters." },
  E_TOO_FEW_OBSERVATIONS: {
    category: "data",
    hint: "The model has at least as many parameters as observations; use fewer terms or more data.",
  },
  E_PERFECT_SEPARATION: {
    category: "data",
    hint: "A covariate predicts the outcome perfectly; drop or coarsen it, or fit with an L2 penalty (C).",
  },
  E_INFEASIBLE: {
    category: "data",
    hint: "The constraints admit no solution; check bounds and equality rows.",
  },
  E_NOT_CONVERGED: { category: "engine", hint: "Raise maxIter or rescale the covariates." },
  E_WORKER_FAILED: { category: "engine", hint: "Re-run with threads: 1 to see the underlying failure." },
  E_QUERY_FAILED: { category: "engine", hint: "Check the SQL; the failing query is attached to the error." },
  E_WRITE_FAILED: { category: "engine", hint: "Check that the output directory exists and is writable." },
  E_CONSTANT_OUTCOME: {
    category: "data",
    hint: "The 0/1 outcome takes a single value in the rows used; both 0s and 1s are needed to fit the model.",
  },
  // Linear models (src/models/ols.ts and friends).
  E_FORMULA_SYNTAX: {
    category: "usage",
    hint: "Write the formula as 'y ~ a + b:c + C(d)', using +, -, *, :, parentheses, 0/1 and C(x, Treatment('level')).",
  },
  E_NONFINITE_VALUES: {
    category: "data",
    hint: "Replace infinite values (e.g. from a division by zero) with finite numbers or missing values.",
  },
  E_UNSUPPORTED_VCOV: {
    category: "usage",
    hint: "Choose another variance estimator (HC1 or cluster), or absorb at most one fixed effect.",
  },
  E_DETACHED_RESULT: {
    category: "usage",
    hint: "Call withVcov on the result object returned by ols() in this process, or refit with the new vcov.",
  },
  // Difference-in-differences.
  E_TOO_FEW_PERIODS: {
    category: "data",
    hint: "Widen the window or check the treatment start: the design needs rows before and after it.",
  },
  E_UNBALANCED_PANEL: {
    category: "data",
    hint: "Keep only units observed once in every period (drop incomplete units or trim to the common periods), or use Callaway–Sant'Anna, which accepts unbalanced panels.",
  },
  E_TREATMENT_NOT_ABSORBING: {
    category: "data",
    hint: "The design needs staggered adoption: one first-treatment period per unit, treated from then on; drop units whose treatment switches off or recode them.",
  },
  // Callaway & Sant'Anna staggered DiD (src/designs/did/cs).
  E_CS_TOO_FEW_PERIODS: {
    category: "data",
    hint: "The panel needs at least two periods (before the last treated group when no unit is never treated).",
  },
  E_CS_DUPLICATE_ROWS: {
    category: "data",
    hint: "Keep one row per unit and period (aggregate or deduplicate first).",
  },
  E_CS_GROUP_VARIES: {
    category: "data",
    hint: "The group column holds each unit's first treated period, so it must be the same in all of the unit's rows.",
  },
  E_CS_CLUSTER_VARIES: {
    category: "data",
    hint: "Cluster on a column that is constant within each unit (e.g. state of a county).",
  },
  E_CS_GROUP_NOT_PERIOD: {
    category: "data",
    hint: "Code the group as the first period in which the unit is treated (a value of the time column), or 0 / missing for never treated.",
  },
  E_CS_NO_NEVER_TREATED: {
    category: "data",
    hint: 'Use control: "notYet" to compare with units not yet treated, or add never-treated units.',
  },
  E_CS_FEW_NEVER_TREATED: {
    category: "data",
    hint: 'Use control: "notYet" to add not-yet-treated units to the comparison group, or drop covariates.',
  },
  E_CS_NO_GROUPS: {
    category: "data",
    hint: "Check the group column: it should hold the first treated period (0 for never treated), with treated groups starting after the first period.",
  },
} as const satisfies Record<string, { category: ErrorCategory; hint: string }>;

/** Which CLI exit code an error maps to: usage 2, data 3, engine 4. */
export type ErrorCategory = "usage" | "data" | "engine";

/** A stable error code (a key of {@link ERROR_CATALOGUE}). */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/**
 * Non-fatal diagnostic codes and their default sentences. Designs add their own entries here so every sentence a
 * user can read lives in one place.
 *
 * @example
 * ```ts
 * DIAGNOSTIC_CATALOGUE.D_FEW_CLUSTERS; // the default sentence
 * ```
 */
export const DIAGNOSTIC_CATALOGUE = {
  D_RANK_DEFICIENT: "Some columns are linear combinations of others and were dropped.",
  D_FE_SINGLETONS: "Some fixed-effect groups have a single observation; they carry no information.",
  D_FE_NOT_CONVERGED: "Alternating projections for the fixed effects did not reach the tolerance.",
  D_FEW_CLUSTERS:
    "Fewer than 30 clusters: CR1 standard errors are anti-conservative; prefer the wild bootstrap.",
  D_BOOTSTRAP_FAILED_REPLICATES: "Some bootstrap replicates could not be computed and were dropped.",
  D_LOGIT_NEAR_SEPARATION: "Fitted probabilities numerically 0 or 1 occurred; estimates may be unstable.",
  D_LOGIT_NOT_CONVERGED:
    "Newton's method stopped before the gradient reached its tolerance; estimates are approximate.",
  D_LOGIT_PENALIZED_NO_SE:
    "Standard errors, tests and intervals are not reported for an L2-penalised fit: the penalty biases the estimates.",
  D_BOOTSTRAP_IN_PROCESS:
    "Worker threads were requested but the worker script could not be loaded here; replicates ran in this thread.",
  D_BCA_UNDEFINED: "The BCa interval is undefined here (degenerate bootstrap or jackknife distribution).",
  // Linear models.
  D_VCOV_NOT_PSD:
    "The variance estimate has a negative (or non-finite) diagonal entry, as multi-way clustering can; those standard errors are not reported.",
  D_LEVERAGE_ONE:
    "Some observations have leverage 1 (they fit themselves exactly), so HC2/HC3 are undefined; use HC1 or CR1.",
  D_PERFECT_FIT:
    "The model fits the outcome exactly (zero residuals): standard errors are zero and tests undefined.",
  D_CONSTANT_OUTCOME: "The outcome does not vary in the rows used, so R² is undefined.",
  // Difference-in-differences.
  D_DID_WINDOW: "The analysis window stops before the comparison group is itself treated.",
  D_DID_CONTAMINATED_CONTROL: "The window includes periods in which the comparison group is already treated.",
  D_DID_PARALLEL_TRENDS: "Evidence on parallel pre-treatment trends (placebo slope and event-study leads).",
  D_DID_ANTICIPATION: "Test for a change in the treated group's outcome just before the treatment start.",
  D_DID_GROUP_IMBALANCE: "The treated and comparison groups differ greatly in size.",
  D_DID_TIME_VARYING_COVARIATE:
    "A covariate shifts differentially after treatment; it may be affected by the treatment (a bad control).",
  D_DID_NO_CLUSTER: "No cluster column: standard errors assume independent rows.",
  D_DID_STAGGERED_TWFE:
    "Two-way fixed effects with staggered timing mixes in comparisons against already-treated units.",
  D_DID_NOT_APPLICABLE: "This part of the analysis does not apply to this design.",
  // Callaway & Sant'Anna staggered DiD.
  D_CS_TREATED_AFTER_SAMPLE:
    "Some units are first treated after the last period (plus anticipation); they are treated as never treated.",
  D_CS_ALREADY_TREATED_DROPPED:
    "Units already treated in the first period have no untreated period to compare with and were dropped.",
  D_CS_UNBALANCED_DROPPED: "Units not observed in every period were dropped to balance the panel.",
  D_CS_LAST_GROUP_AS_CONTROL:
    "No unit is never treated: periods from the last treated group's start are dropped and that group serves only as a comparison.",
  D_CS_SMALL_GROUP:
    "Some groups have very few units; their ATT(g,t) are imprecise and the propensity model may fail.",
  D_CS_CELL_DROPPED:
    "Some ATT(g,t) could not be computed (no overlap or a singular regression) and are reported as null; aggregations leave them out.",
  D_CS_PS_NOT_CONVERGED:
    "The propensity-score fit did not converge in some cells; those estimates may be unstable.",
  D_CS_LARGE_CRITICAL_VALUE:
    "The simultaneous critical value is 7 or more: the band is unreliable (small groups or little outcome variation).",
  D_CS_BAND_POINTWISE:
    "The simultaneous band was undefined or narrower than the pointwise interval; pointwise intervals are reported instead.",
  D_CS_AGGREGATION_EMPTY: "No ATT(g,t) entered this aggregation, so it is not reported.",
  D_CS_PRETEST: "Wald pre-test that all pre-treatment ATT(g,t) are zero (parallel trends before treatment).",
  D_CS_PRETEST_UNAVAILABLE:
    "The pre-test of parallel trends is not available: no pre-treatment ATT(g,t) with a standard error, or their covariance is singular.",
  D_BACON_FORBIDDEN:
    "With effects that change over time these comparisons bias the TWFE coefficient, possibly past zero: estimate group-time effects with Callaway–Sant'Anna (never- or not-yet-treated controls) instead.",
} as const;

/** A stable diagnostic code (a key of {@link DIAGNOSTIC_CATALOGUE}). */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CATALOGUE;
