import { CLUSTER_MESSAGES } from "./messages/cluster.js";
import { DID_MESSAGES } from "./messages/did.js";
import { EXPERIMENT_MESSAGES } from "./messages/experiment.js";
import { MODEL_MESSAGES } from "./messages/models.js";
import { PROPENSITY_MESSAGES } from "./messages/propensity.js";
import { RDD_MESSAGES } from "./messages/rdd.js";
import { SYNTH_MESSAGES } from "./messages/synth.js";
import type { DiagnosticTemplate } from "./messages/template.js";

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
  E_DUPLICATE_COLUMN: {
    category: "data",
    hint: "Rename one of the two columns with the same name, or drop the copy you do not need.",
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
  E_BAD_FREQUENCY: {
    category: "data",
    hint: "Compressed cells need a count column of positive integers (rows per cell), a within-cell sum of squares that is finite and ≥ 0, and (logit) an outcome share in [0, 1]; rebuild them with GROUP BY (COUNT(*), AVG(y), SUM((y − mean)²)).",
  },
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
  // SQL pushdown and database engines (src/sql, src/data/engines).
  E_UNSUPPORTED_IN_DIALECT: {
    category: "usage",
    hint: "This SQL dialect cannot express the query: run it on DuckDB (the default) or another engine, or load the data from a file.",
  },
  E_UNSUPPORTED_COMPRESSED: {
    category: "usage",
    hint: "Run on the rows (a data file, which truelift then loads) or drop the option that needs row detail.",
  },
  E_MOMENTS_COLUMNS: {
    category: "data",
    hint: "Pass the output of the exact query `--emit-sql` printed for this analysis (same options), unchanged: one column per key, truelift_n, and truelift_mean_i / truelift_m2_i per measure.",
  },
  E_SQL_NOT_READ_ONLY: {
    category: "usage",
    hint: "Pass a single read-only query that starts with SELECT or WITH (no INSERT, UPDATE, DELETE, DDL, COPY or SET, and no second statement after a ';').",
  },
  E_DB_CONNECTION: {
    category: "engine",
    hint: "Check the host and port in the database URL, that the server is running and reachable from here, and any firewall in between.",
  },
  E_DB_AUTH: {
    category: "engine",
    hint: "Check the user name and password: put them in the URL (postgres://user:password@host/db) or in the standard environment variables (PGUSER, PGPASSWORD; CLICKHOUSE_USER, CLICKHOUSE_PASSWORD).",
  },
  E_DB_UNKNOWN_TABLE: {
    category: "data",
    hint: "Check the table name (and its schema or database, e.g. analytics.events); names are case-sensitive when quoted.",
  },
  E_DB_UNKNOWN_COLUMN: {
    category: "data",
    hint: "Check the column name against the table's columns (names are case-sensitive).",
  },
  E_DB_PERMISSION: {
    category: "engine",
    hint: "Ask the database administrator to grant this user SELECT on the table (or connect as a user who has it).",
  },
  E_DB_TIMEOUT: {
    category: "engine",
    hint: "The query ran longer than the time limit: raise the timeout, filter to fewer rows, or run the query with --emit-sql where it may take longer.",
  },
  E_WRITE_FAILED: { category: "engine", hint: "Check that the output directory exists and is writable." },
  E_CHECK_FAILED: {
    category: "check",
    hint: "Read the diagnostics in the output; drop --fail-on (or use --fail-on fail) to exit 0 on warnings.",
  },
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
    hint: "Call withVcov on the fit returned by olsFit() (a result is plain data), or refit with the new vcov.",
  },
  E_OUTCOME_CONSTANT: {
    category: "data",
    hint: "The outcome takes a single value in the rows used, so no effect or standard error can be estimated: check the outcome column and the filter or window.",
  },
  // Difference-in-differences.
  E_TREATMENT_COLLINEAR_TIME: {
    category: "data",
    hint: "Observe both groups before and after the start (the comparison group needs post-period rows and the treated group pre-period rows), or check the treatment and time columns.",
  },
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
  // Cluster-randomized experiments (src/designs/cluster).
  E_CLUSTER_SINGLE: {
    category: "data",
    hint: "A cluster-randomized comparison needs several clusters in each arm; check the cluster column (or the filter).",
  },
  E_CLUSTER_ONE_ARM: {
    category: "data",
    hint: "Every cluster is in the same arm: check the treatment column (and treatedValues), or the filter that removed the other arm.",
  },
  E_TREATMENT_VARIES_IN_CLUSTER: {
    category: "data",
    hint: "Treatment was assigned to whole clusters, so it must be the same for every row of a cluster: check the cluster column, or analyse a user-randomized test with a user-level design instead.",
  },
  E_STRATUM_VARIES_IN_CLUSTER: {
    category: "data",
    hint: "Strata group whole clusters: give each cluster one stratum (the block it was randomized in).",
  },
  E_BALANCE_VARIES_IN_CLUSTER: {
    category: "data",
    hint: "Re-randomization balances cluster-level covariates: give each cluster one value (e.g. its pre-period mean) in every balance column.",
  },
  E_RERANDOMIZATION_REJECTS_OBSERVED: {
    category: "data",
    hint: "The observed assignment is not one the acceptance rule allows: give the threshold the design used (or threshold 'observed'), and the same balance covariates.",
  },
  E_RERANDOMIZATION_TOO_RARE: {
    category: "usage",
    hint: "Too few re-drawn assignments pass the balance rule: raise the threshold or maxDraws, or balance on fewer covariates.",
  },
  E_CLUSTER_EDGES: {
    category: "data",
    hint: "The edge list needs two columns of user ids (from, to) that match the user id column of the data.",
  },
  // Randomized A/B experiments (src/designs/experiment).
  E_EXPERIMENT_ONE_ARM: {
    category: "data",
    hint: "An experiment needs the control and at least one variant: check the treatment column and --control (or the filter that removed the other arms).",
  },
  E_EXPERIMENT_SMALL_ARM: {
    category: "data",
    hint: "Each arm needs at least two randomization units (rows, or clusters with --cluster) to estimate a variance; collect more data or drop the arm.",
  },
  E_EXPERIMENT_ZERO_DENOMINATOR: {
    category: "data",
    hint: "A ratio metric needs a denominator with a positive total in every arm: check the denominator column (e.g. sessions) or pick another ratio.",
  },
  E_EXPERIMENT_SPLIT: {
    category: "usage",
    hint: "Give one share per arm in --planned-split, control first then the variants in sorted order (e.g. 50/25/25).",
  },
  // Synthetic control (src/designs/synth).
  E_SYNTH_NO_DONORS: {
    category: "data",
    hint: "List untreated units as donors (or leave donors out to use every unit that is not treated).",
  },
  E_SYNTH_UNKNOWN_UNIT: {
    category: "data",
    hint: 'Check the unit ids against the unit column (ids are compared as text, e.g. 7 and "7" match).',
  },
  E_SYNTH_TOO_FEW_PRE: {
    category: "data",
    hint: "Move the treatment start later or widen the window: the weights are fitted on at least 2 pre-treatment periods (ideally many more than donors).",
  },
  E_SYNTH_TREATED_NO_PRE: {
    category: "data",
    hint: "A treated unit needs rows before the treatment start; drop it from the treated units or widen the window.",
  },
  E_SYNTH_EMPTY_UNIT: {
    category: "data",
    hint: "Remove units without rows in the window from the treated units and donors, or widen the window.",
  },
  E_SYNTH_BAD_PREDICTOR: {
    category: "data",
    hint: "Drop the predictor, or choose periods in which every unit has data and the donors differ.",
  },
  // Cluster assignment and power (src/designs/cluster/assign*.ts, power*.ts).
  E_ASSIGN_DUPLICATE_CLUSTER: {
    category: "data",
    hint: "The cluster table needs one row per cluster: aggregate user rows to cluster level (e.g. mean covariates) first.",
  },
  E_ASSIGN_BALANCE_UNREACHABLE: {
    category: "data",
    hint: "Loosen the re-randomization threshold, use fewer balance covariates, stratify on the worst one, or raise maxDraws.",
  },
  E_POWER_UNREACHABLE: {
    category: "data",
    hint: "The target cannot be reached with these inputs: lower the power, raise alpha, or allow more clusters (maxClusters). With a large ICC, adding users per cluster barely helps; add clusters.",
  },
  // Regression discontinuity (shared by src/designs/rdd).
  E_RDD_CUTOFF_OUT_OF_RANGE: {
    category: "data",
    hint: "Pick a cutoff strictly between the smallest and largest value of the running variable (check its units).",
  },
  E_RDD_NO_OBS_SIDE: {
    category: "data",
    hint: "Widen the bandwidth or window: each side of the cutoff needs observations for the fit.",
  },
  E_RDD_TOO_FEW_OBS: {
    category: "data",
    hint: "Lower the polynomial order, widen the bandwidth, or use more data: each side needs more points than the fit has parameters.",
  },
  E_RDD_DEGENERATE_SCALE: {
    category: "data",
    hint: "Rescale the column (e.g. multiply the running variable and the cutoff by 10^k, or the outcome by 10^k): the jump is unchanged up to the same factor, but the local polynomial fit needs values that differ by more than rounding error.",
  },
  E_RDD_NO_FIRST_STAGE: {
    category: "data",
    hint: "Take-up does not jump at the cutoff, so the fuzzy (Wald) ratio is undefined; check the treatment column and the cutoff, or analyse the sharp reduced form.",
  },
  // Propensity scores (src/designs/propensity).
  E_PS_NO_OVERLAP: {
    category: "data",
    hint: "Loosen the trimming bounds, drop the covariate that separates the groups, or restrict the question to the population where both groups occur.",
  },
  E_PS_NO_MATCH: {
    category: "data",
    hint: "No treated unit has a control within the caliper: widen the caliper (in SDs of the distance) or drop it.",
  },
  // The demo (src/cli/commands/demo.ts).
  E_DEMO_CLUSTER_OUTCOME: {
    category: "data",
    hint: "Pass the cluster tutorial's outcome file with --cluster-outcome FILE (columns user_id, session_minutes_obs), or run `truelift demo` without --data to generate everything.",
  },
  E_DEMO_JOIN: {
    category: "data",
    hint: "The --cluster-outcome file must have exactly one session_minutes_obs row per user_id of the --data file.",
  },
  // Run specs (src/run/spec.ts, `truelift run`).
  E_RUN_UNKNOWN_DESIGN: {
    category: "usage",
    hint: "Set `design` to one of did, propensity, rdd, synth, cluster, experiment (see docs/spec.schema.json).",
  },
  E_RUN_UNKNOWN_DATA: {
    category: "usage",
    hint: "Declare the source under `data` (e.g. `data: { logs: { path: logs.csv } }`) and refer to it by that name.",
  },
} as const satisfies Record<string, { category: ErrorCategory; hint: string }>;

/** Which CLI exit code an error maps to: usage 2, data 3, engine 4. */
export type ErrorCategory = "usage" | "data" | "engine" | "check";

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
  D_ZERO_SE:
    "The headline estimate's standard error is 0: its uncertainty cannot be measured, so no p-value or interval is reported.",
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
  D_DID_ZERO_SE:
    "The estimate's standard error is exactly 0 (the outcome does not vary within the group × period cells): its uncertainty cannot be measured.",
  D_DID_COVARIATE_ABSORBED:
    "A covariate is constant within the absorbed groups; the fixed effects absorb it.",
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
  // Regression discontinuity: density (manipulation) test, binned counts and RD plots.
  D_RDD_DENSITY_TEST:
    "Test for a jump in the density of the running variable at the cutoff (units sorting themselves to one side).",
  D_RDD_DENSITY_FEW_EFFECTIVE:
    "Fewer than 20 observations within the bandwidth on one side: the density test has little power and its p-value is unreliable.",
  D_RDD_DENSITY_MASS_POINTS:
    "The running variable has repeated values; the density estimates and standard errors were adjusted for them.",
  D_RDD_DENSITY_UNDEFINED:
    "The density test could not be computed (a singular local fit or a non-positive variance or density estimate).",
  D_RDD_DENSITY_BW_RANGE: "The bandwidth on one side reaches past the range of the data on that side.",
  D_RDPLOT_MASS_POINTS:
    "The running variable has many repeated values; bin numbers were chosen with polynomial-regression variance estimates (rdplot's mass-point adjustment).",
  D_RDPLOT_NO_VARIATION:
    "The outcome does not vary on one side of the cutoff; that side is shown as a single bin.",
  // Regression discontinuity: estimation and validity checks (src/designs/rdd).
  D_RDD_BANDWIDTH: "How the bandwidth was chosen and how many observations it keeps on each side.",
  D_RDD_FEW_EFFECTIVE:
    "Few observations within the bandwidth on one side: the local fit and its interval are fragile.",
  D_RDD_MASS_POINTS:
    "The running variable has many repeated values; bandwidth selection was adjusted for mass points.",
  D_RDD_MISSING_DROPPED: "Rows with a missing running variable, outcome, treatment or cluster were dropped.",
  D_RDD_COMPLIANCE:
    "Share of rows whose recorded treatment disagrees with their side of the cutoff (sharp versus fuzzy).",
  D_RDD_WEAK_FIRST_STAGE:
    "Strength of the jump in treatment take-up at the cutoff (the first stage of a fuzzy RD).",
  D_RDD_COVARIATES: "Continuity of pre-determined covariates at the cutoff (no jump expected).",
  D_RDD_PLACEBO_CUTOFFS: "Effects estimated at fake cutoffs, where no jump is expected.",
  D_RDD_DONUT: "Stability of the effect when the observations closest to the cutoff are dropped.",
  D_RDD_POLYNOMIAL: "Agreement of the linear and quadratic local fits at the same bandwidth.",
  D_RDD_BOOTSTRAP_FAILED: "Some bootstrap replicates had a singular local fit and were dropped.",
  D_RDD_CHECK_FAILED: "A validity re-estimate could not be computed (too few observations in its window).",
  D_BACON_FORBIDDEN:
    "With effects that change over time these comparisons bias the TWFE coefficient, possibly past zero: estimate group-time effects with Callaway–Sant'Anna (never- or not-yet-treated controls) instead.",
  // Cluster-randomized experiments.
  D_CLUSTER_UNEQUAL_SIZES:
    "Cluster sizes differ a lot: the size-weighted estimate leans on the big clusters and CR1 is less reliable; CR2 with its Satterthwaite df is safer.",
  D_CLUSTER_ICC:
    "Intra-cluster correlation of the outcome and the design effect it implies for user-level standard errors.",
  D_CLUSTER_SPILLOVER_PROVENANCE:
    "Where the spillover exposure comes from: an observed collaboration graph, or a behavioural proxy that may be self-selected.",
  D_CLUSTER_NO_SPILLOVER:
    "No exposure flag or edge list was given, so direct and spillover effects are not separated.",
  D_CLUSTER_NAIVE_SE:
    "The naive user-level standard error ignores clustering and understates the uncertainty.",
  D_CLUSTER_SMALL_K_INFERENCE:
    "Small-K inference (wild cluster bootstrap, randomization inference) for the headline effect.",
  D_CLUSTER_TOO_FEW:
    "Too few clusters for cluster-robust inference: CR1/CR2/CR3 and the wild cluster bootstrap are not reported, only randomization inference.",
  D_CLUSTER_CI_UNBOUNDED:
    "The test-inversion interval is unbounded (no effect size can be rejected at this level), so no interval is reported.",
  // Randomized A/B experiments.
  D_EXPERIMENT_SRM:
    "Sample-ratio mismatch: the arm sizes against the planned split (χ² goodness of fit; fails below p = 0.001).",
  D_EXPERIMENT_VARIANCE_REDUCTION:
    "How much CUPED or Lin's regression adjustment reduced the variance of each effect estimate.",
  D_EXPERIMENT_GUARDRAIL:
    "Non-inferiority of a guardrail metric: whether the variant is shown not to be worse than the margin allows.",
  D_EXPERIMENT_MULTIPLE_TESTING:
    "Several variants and metrics were tested: the p-values are adjusted for multiplicity.",
  // Synthetic control.
  D_SYNTH_FILLED_CELLS:
    "Some unit × period cells had no rows and were filled by linear interpolation or from the nearest period.",
  D_SYNTH_CONVEX_HULL:
    "Whether the treated series lies inside the range of the donors in the pre-period (a convex combination can only reach points inside their hull).",
  D_SYNTH_WEIGHT_CONCENTRATION: "One donor carries most of the synthetic control's weight.",
  D_SYNTH_OVERFIT:
    "There are about as many donors as pre-treatment periods (or more): the weights can fit noise, and the pre-fit overstates the out-of-sample fit.",
  D_SYNTH_PRE_FIT: "The pre-treatment fit (RMSPE) compared with the size of the estimated effect.",
  D_SYNTH_DONOR_BREAK:
    "A donor's level shifts after the treatment date much more than the other donors': an unrelated shock may contaminate the counterfactual.",
  D_SYNTH_NAIVE: "What the naive before/after and treated-vs-donor comparisons would have reported.",
  D_SYNTH_PLACEBO:
    "In-space placebo inference: the share of donors whose placebo effect is as extreme as the observed one, with its floor 1/(J + 1).",
  D_SYNTH_IN_TIME_PLACEBO:
    "In-time placebo: the gap between the treated unit and its synthetic control after a fake treatment date inside the pre-period.",
  D_SYNTH_LEAVE_ONE_OUT: "How much the estimate moves when each used donor is left out in turn.",
  D_SYNTH_WEIGHTS_NOT_UNIQUE:
    "The pre-period fit does not pin down unique donor weights (several combinations fit equally well); the reported weights are one of them.",
  D_SYNTH_V_SEARCH: "How the predictor weights V of the nested ADH procedure were chosen.",
  D_SYNTH_EXTENSION_FAILED:
    "Synthetic DiD, augmented SC or conformal inference could not be computed on this panel; the classic synthetic control is unaffected.",
  // Synthetic DiD, augmented SC and conformal inference (src/designs/synth/sdid*, augmented*, conformal*).
  D_SDID_WEIGHTS_MAX_ITER:
    "The Frank–Wolfe weight solver stopped at its iteration cap rather than on its decrease rule (R synthdid behaves the same way).",
  D_SDID_SE_UNAVAILABLE:
    "The requested standard error is undefined for this panel (e.g. the jackknife with one treated unit); no confidence interval is reported.",
  D_SDID_PRE_FIT:
    "How closely the synthetic comparison tracks the treated units before the change, after its level shift, next to the effect size.",
  D_SDID_ESTIMATORS: "Synthetic DiD, synthetic control and plain DiD on the same panel, for contrast.",
  D_ASCM_RIDGE:
    "How much the ridge outcome model changed the synthetic control: the penalty λ, how it was chosen, and the pre-period fit before and after.",
  D_ASCM_NEGATIVE_WEIGHTS:
    "The augmented weights include negative weights: the counterfactual extrapolates outside the donors' convex hull.",
  D_CONFORMAL_GRID:
    "The conformal confidence set was found on a grid of hypothesised effects; its ends are accurate to the grid step, and it is open where it reaches the grid's edge.",
  D_CONFORMAL_COARSE:
    "Few distinct block permutations (one per period), so the conformal p-value cannot go below 1/T.",
  // Cluster assignment and power.
  D_ASSIGN_BALANCE:
    "Balance of cluster covariates between the arms of the drawn assignment (standardized mean differences).",
  D_ASSIGN_RERANDOMIZED:
    "The assignment was re-randomized until covariate balance passed the rule; randomization inference must re-draw under the same rule.",
  D_ASSIGN_ODD_BLOCKS:
    "Some blocks cannot be split exactly at the treated share; their treated counts were rounded (halves up), so the realised share differs.",
  D_POWER_FEW_CLUSTERS:
    "Fewer than 30 clusters: the rule of thumb is about small-sample inference, not power — with few clusters use t(K − 2) critical values, the wild cluster bootstrap or randomization inference, and expect a larger MDE.",
  D_POWER_ICC_SOURCE:
    "Where the ICC used for power comes from: given, or estimated from data (one-way ANOVA).",
  D_POWER_ICC_TRUNCATED: "The ANOVA estimate of the ICC was negative and was set to 0.",
  D_POWER_UNEQUAL_SIZES:
    "Cluster sizes vary; the design effect uses their coefficient of variation (Eldridge et al. 2006).",
  // Propensity scores.
  D_PS_OVERLAP:
    "Overlap of the propensity scores between opt-in and comparison users (common support and extreme scores).",
  D_PS_TRIMMED:
    "Rows outside the trimming bounds were dropped and the propensity model refitted on the rest.",
  D_PS_WEIGHTS:
    "Spread of the inverse-probability weights: the largest weight and the effective sample size per group.",
  D_PS_BALANCE:
    "Covariate balance after weighting: every standardized mean difference should be below 0.1 in absolute value.",
  D_PS_ESTIMATORS_DISAGREE:
    "IPW, regression adjustment and AIPW disagree by more than their standard errors allow: one of the models is probably misspecified.",
  D_PS_SELECTION:
    "How much of the naive difference is selection: the naive gap against the adjusted estimate.",
  D_PS_EVALUE: "How strong an unmeasured confounder would have to be to explain the estimate away (E-value).",
  D_PS_CALIBRATION: "Calibration of the propensity model by decile of the predicted score (Hosmer–Lemeshow).",
  D_PS_BOOTSTRAP_FAILED:
    "Some bootstrap replicates could not refit the propensity model (separation or no convergence) and were dropped.",
  D_PS_MATCHING:
    "The nearest-neighbour matching: opt-in users left without a match inside the caliper, and covariate balance in the matched sample.",
  D_PS_ROSENBAUM:
    "Rosenbaum bounds on the nearest-neighbour matched sets: how strongly hidden bias would have to change the odds of opting in within matched sets before the matched effect stops being significant.",
} as const;

/** A stable diagnostic code (a key of {@link DIAGNOSTIC_CATALOGUE}). */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CATALOGUE;

/**
 * The message template of every diagnostic code: the sentence a reader sees, written from the diagnostic's
 * evidence. One module per design under `core/messages/`; `diagnostic()` looks the template up here.
 *
 * @example
 * ```ts
 * DIAGNOSTIC_MESSAGES.D_RDD_FEW_EFFECTIVE({ nBelow: 12, nAbove: 40 });
 * // "Only 12 observations on one side within the bandwidth: treat the estimate as fragile."
 * ```
 */
export const DIAGNOSTIC_MESSAGES = {
  ...MODEL_MESSAGES,
  ...DID_MESSAGES,
  ...RDD_MESSAGES,
  ...SYNTH_MESSAGES,
  ...CLUSTER_MESSAGES,
  ...PROPENSITY_MESSAGES,
  ...EXPERIMENT_MESSAGES,
} as const satisfies { readonly [C in DiagnosticCode]: DiagnosticTemplate };

/** Compile-time check: every template belongs to a catalogued code (`never` when none is left over). */
type UncataloguedTemplates = Exclude<keyof typeof DIAGNOSTIC_MESSAGES, DiagnosticCode>;
const noUncataloguedTemplates: [UncataloguedTemplates] extends [never] ? true : never = true;
void noUncataloguedTemplates;
