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
} as const;

/** A stable diagnostic code (a key of {@link DIAGNOSTIC_CATALOGUE}). */
export type DiagnosticCode = keyof typeof DIAGNOSTIC_CATALOGUE;
