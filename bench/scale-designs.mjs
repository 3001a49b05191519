// The tutorial analysis of each design, shared by bench/scale.mjs (DuckDB on Parquet), bench/scale-postgres.mjs
// (PostgreSQL) and bench/latency.mjs (the fixture).

/** The tutorial analysis of each design (CLI options after the file). */
export const DESIGNS = {
  did: [
    "--outcome",
    "task_completed",
    "--time",
    "signup_week",
    "--start-column",
    "treatment_week",
    "--cluster",
    "workspace_id",
    "--covariates",
    "engagement_tier",
  ],
  rdd: [
    "--outcome",
    "task_completed",
    "--running",
    "query_confidence",
    "--cutoff",
    "0.85",
    "--treated",
    "below",
  ],
  propensity: [
    "--treatment",
    "opt_in_agent_mode",
    "--outcome",
    "task_completed",
    "--covariates",
    "engagement_tier",
    "--estimator",
    "aipw",
  ],
  cluster: [
    "--outcome",
    "session_minutes_obs",
    "--treatment",
    "wave",
    "--treated-values",
    "1",
    "--cluster",
    "workspace_id",
    "--exposure",
    "opt_in_agent_mode",
    "--seed",
    "7",
  ],
};
