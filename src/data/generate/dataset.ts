import { TrueliftError } from "../../core/errors.js";
import { type Column, Frame } from "../../core/frame.js";
import { createRng, type Rng } from "../../core/rng.js";
import { scaledRound } from "../decimal.js";
import { DGP, STREAMS, TIER_LEVELS } from "./dgp.js";

/**
 * Dataset scenarios: `tutorial` (the 16 shared columns) and `cluster` (adds `session_minutes_obs`).
 * @example
 * ```ts
 * import { SCENARIOS } from "truelift";
 * SCENARIOS; // ["tutorial", "cluster"]
 * ```
 */
export const SCENARIOS = ["tutorial", "cluster"] as const;
/** One of {@link SCENARIOS}. */
export type Scenario = (typeof SCENARIOS)[number];

/**
 * The 16 columns of the shared tutorial dataset, in file order.
 * @example
 * ```ts
 * import { DATASET_COLUMNS } from "truelift";
 * DATASET_COLUMNS.length; // 16
 * ```
 */
export const DATASET_COLUMNS = [
  "user_id",
  "workspace_id",
  "engagement_tier",
  "signup_week",
  "wave",
  "treatment_week",
  "treated_post",
  "prompt_variant",
  "opt_in_agent_mode",
  "query_confidence",
  "routed_to_premium",
  "task_completed",
  "thumbs_up",
  "session_minutes",
  "cost_usd",
  "retained_7d",
] as const;

/**
 * The cluster scenario's constructed outcome column.
 * @example
 * ```ts
 * import { CLUSTER_COLUMN, generateDataset } from "truelift";
 * generateDataset({ seed: 1, users: 100, scenario: "cluster" }).has(CLUSTER_COLUMN); // true
 * ```
 */
export const CLUSTER_COLUMN = "session_minutes_obs";

/**
 * Decimals the generated `f64` columns are rounded to (and printed with): pass as `decimals` to
 * {@link writeDataset} to reproduce the reference file's formatting.
 *
 * @example
 * ```ts
 * import { DATASET_DECIMALS, generateDataset, writeDataset } from "truelift";
 * await writeDataset(generateDataset({ seed: 42, users: 50_000 }), "saas.csv", { decimals: DATASET_DECIMALS });
 * ```
 */
export const DATASET_DECIMALS: Readonly<Record<string, number>> = Object.freeze({
  query_confidence: 4,
  session_minutes: 2,
  cost_usd: 4,
  session_minutes_obs: 6,
});

/** Options for {@link generateDataset} and {@link generateChunks}. */
export interface GenerateOptions {
  /** Any safe integer. The same seed always gives the same data, on every machine. */
  readonly seed: number;
  /** Number of users (rows), 1 … 2,147,483,647. */
  readonly users: number;
  /** __Default value:__ `"tutorial"`. */
  readonly scenario?: Scenario;
  /** Rows per chunk yielded by {@link generateChunks}; does not change the data. __Default value:__ 65,536. */
  readonly chunkSize?: number;
}

/**
 * Generates the shared synthetic SaaS telemetry dataset (one row per user) with known ground truth, exactly as
 * specified in SPEC.md "The shared dataset" — see {@link DGP} for every parameter.
 *
 * **Reproducibility.** Every column draws from its own random stream `createRng(seed, STREAMS.<column>)`
 * (xoshiro128**, platform-independent), consuming it row by row in user order; so a column's values do not depend
 * on which other columns exist, on the chunk size, or on the machine. Per row the draws are, each from its own
 * stream: `workspace_id` = int(50); tier = uniform (light < 0.55 ≤ medium < 0.85 ≤ heavy); `signup_week` =
 * int(52); opt-in = uniform < p_tier; confidence = beta(5, 2); task noise = normal; task = uniform < p;
 * thumbs noise = normal; thumbs = uniform < p′; session noise = normal; retention noise = normal; retained =
 * uniform < p″; and, for the `cluster` scenario, outcome noise = normal. Before the first row, the week signal
 * draws 52 normals and (cluster scenario) the workspace baselines 50 normals.
 *
 * **Derived quantities.** The week signal is a stationary AR(1) (`s₀ = σ/√(1−ρ²)·z₀`, `sₜ = ρ·sₜ₋₁ + σ·zₜ`)
 * centred to mean zero over the 52 weeks. `query_confidence` is rounded to 4 decimals *before*
 * `routed_to_premium = query_confidence < 0.85` is computed; `session_minutes` is rounded to 2 decimals before
 * `cost_usd` is computed from it. Rounding is {@link scaledRound}'s (nearest, exact ties away from zero).
 *
 * `engagement_tier` is a `str` column with levels fixed as `["light", "medium", "heavy"]`; every other column
 * is `i32` except `query_confidence`, `session_minutes`, `cost_usd` (and `session_minutes_obs`), which are `f64`.
 *
 * @example
 * ```ts
 * import { generateDataset } from "truelift";
 * const logs = generateDataset({ seed: 42, users: 50_000 });
 * logs.names.length; // 16
 * const withCluster = generateDataset({ seed: 42, users: 50_000, scenario: "cluster" }); // + session_minutes_obs
 * ```
 */
export function generateDataset(options: GenerateOptions): Frame {
  const it = generateChunks({ ...options, chunkSize: Math.max(1, options.users) });
  const first = it.next();
  if (first.done) throw new TrueliftError("E_EMPTY_DATA", "The generator produced no rows.");
  return first.value;
}

/**
 * The dataset of {@link generateDataset} as a sequence of frames of `chunkSize` rows (the last may be shorter),
 * for writing very large datasets with flat memory. Concatenating the chunks gives exactly `generateDataset`.
 *
 * @example
 * ```ts
 * import { generateChunks, writeDataset, DATASET_DECIMALS } from "truelift";
 * await writeDataset(generateChunks({ seed: 1, users: 10_000_000 }), "big.csv", { decimals: DATASET_DECIMALS });
 * ```
 */
export function* generateChunks(options: GenerateOptions): Generator<Frame, void, undefined> {
  const { seed, users } = options;
  const scenario = options.scenario ?? "tutorial";
  const chunkSize = options.chunkSize ?? 65_536;
  checkOptions(seed, users, scenario, chunkSize);
  const r = {
    workspace: createRng(seed, STREAMS.workspace_id),
    tier: createRng(seed, STREAMS.engagement_tier),
    week: createRng(seed, STREAMS.signup_week),
    optIn: createRng(seed, STREAMS.opt_in_agent_mode),
    confidence: createRng(seed, STREAMS.query_confidence),
    taskNoise: createRng(seed, STREAMS.task_noise),
    task: createRng(seed, STREAMS.task_completed),
    thumbsNoise: createRng(seed, STREAMS.thumbs_noise),
    thumbs: createRng(seed, STREAMS.thumbs_up),
    sessionNoise: createRng(seed, STREAMS.session_noise),
    retainedNoise: createRng(seed, STREAMS.retained_noise),
    retained: createRng(seed, STREAMS.retained_7d),
    clusterNoise: createRng(seed, STREAMS.cluster_noise),
  };
  const weekSignal = weekSignalFor(createRng(seed, STREAMS.week_signal));
  const baselines = scenario === "cluster" ? baselinesFor(createRng(seed, STREAMS.workspace_baseline)) : null;
  for (let start = 0; start < users; start += chunkSize) {
    yield makeChunk(start, Math.min(chunkSize, users - start), r, weekSignal, baselines);
  }
}

function checkOptions(seed: number, users: number, scenario: string, chunkSize: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `The seed must be an integer; got ${seed}.`, {
      details: { seed },
    });
  }
  if (!Number.isInteger(users) || users < 1 || users > 2147483647) {
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `users must be an integer from 1 to 2147483647; got ${users}.`,
      {
        details: { users },
      },
    );
  }
  if (!(SCENARIOS as readonly string[]).includes(scenario)) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `Unknown scenario '${scenario}'.`, {
      details: { scenario, known: [...SCENARIOS] },
      hint: `Use one of: ${SCENARIOS.join(", ")}.`,
    });
  }
  if (!Number.isInteger(chunkSize) || chunkSize < 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `chunkSize must be a positive integer; got ${chunkSize}.`);
  }
}

/** The centred stationary AR(1) week signal (52 values). */
function weekSignalFor(rng: Rng): Float64Array {
  const { weeks, rho, sd } = DGP.weekSignal;
  const s = new Float64Array(weeks);
  s[0] = (sd / Math.sqrt(1 - rho * rho)) * rng.normal();
  for (let t = 1; t < weeks; t++) s[t] = rho * s[t - 1] + sd * rng.normal();
  let mean = 0;
  for (let t = 0; t < weeks; t++) mean += s[t];
  mean /= weeks;
  for (let t = 0; t < weeks; t++) s[t] -= mean;
  return s;
}

function baselinesFor(rng: Rng): Float64Array {
  const b = new Float64Array(DGP.workspaces);
  for (let w = 0; w < b.length; w++) b[w] = DGP.cluster.baselineMean + DGP.cluster.baselineSd * rng.normal();
  return b;
}

function clip(x: number, lo: number, hi: number): number {
  return Math.min(Math.max(x, lo), hi);
}

type Streams = Record<
  | "workspace"
  | "tier"
  | "week"
  | "optIn"
  | "confidence"
  | "taskNoise"
  | "task"
  | "thumbsNoise"
  | "thumbs"
  | "sessionNoise"
  | "retainedNoise"
  | "retained"
  | "clusterNoise",
  Rng
>;

function makeChunk(
  start: number,
  m: number,
  r: Streams,
  weekSignal: Float64Array,
  baselines: Float64Array | null,
): Frame {
  const { tierShares, optIn, base, effects, wave1Workspaces, treatmentWeek } = DGP;
  const cut1 = tierShares[0];
  const cut2 = tierShares[0] + tierShares[1];
  const userId = new Int32Array(m);
  const workspace = new Int32Array(m);
  const tier = new Int32Array(m);
  const signupWeek = new Int32Array(m);
  const wave = new Int32Array(m);
  const tWeek = new Int32Array(m);
  const treatedPost = new Int32Array(m);
  const prompt = new Int32Array(m);
  const opt = new Int32Array(m);
  const confidence = new Float64Array(m);
  const premium = new Int32Array(m);
  const task = new Int32Array(m);
  const thumbs = new Int32Array(m);
  const session = new Float64Array(m);
  const cost = new Float64Array(m);
  const retained = new Int32Array(m);
  const obs = baselines ? new Float64Array(m) : null;

  for (let i = 0; i < m; i++) {
    const id = start + i;
    userId[i] = id;
    const ws = r.workspace.int(DGP.workspaces);
    workspace[i] = ws;
    const u = r.tier.uniform();
    const t = u < cut1 ? 0 : u < cut2 ? 1 : 2;
    tier[i] = t;
    const sw = r.week.int(DGP.weekSignal.weeks);
    signupWeek[i] = sw;
    const w1 = ws < wave1Workspaces ? 1 : 0;
    wave[i] = w1 === 1 ? 1 : 2;
    const tw = w1 === 1 ? treatmentWeek.wave1 : treatmentWeek.wave2;
    tWeek[i] = tw;
    const tp = sw >= tw ? 1 : 0;
    treatedPost[i] = tp;
    const pv = id % 2;
    prompt[i] = pv;
    const o = r.optIn.uniform() < optIn[t] ? 1 : 0;
    opt[i] = o;
    const qc = scaledRound(r.confidence.beta(DGP.confidence.a, DGP.confidence.b), 4) / 10000;
    confidence[i] = qc;
    const prem = qc < DGP.confidence.cutoff ? 1 : 0;
    premium[i] = prem;
    const p = clip(
      base[t] +
        effects.wave1 * w1 +
        effects.prompt * pv +
        effects.agentMode * o +
        effects.premium * prem +
        effects.rollout * tp +
        weekSignal[sw] +
        DGP.noise.task * r.taskNoise.normal(),
      0.01,
      0.99,
    );
    task[i] = r.task.uniform() < p ? 1 : 0;
    const pThumbs = clip(0.2 + 0.6 * p + DGP.noise.thumbs * r.thumbsNoise.normal(), 0.01, 0.99);
    const th = r.thumbs.uniform() < pThumbs ? 1 : 0;
    thumbs[i] = th;
    const minutes = Math.max(
      0.5,
      5 + 3 * (t === 2 ? 1 : 0) + 2 * o + DGP.noise.session * r.sessionNoise.normal(),
    );
    const sm = scaledRound(minutes, 2) / 100;
    session[i] = sm;
    cost[i] = scaledRound(0.002 * sm + 0.015 * o + 0.008 * prem, 4) / 10000;
    const pRet = clip(
      0.4 + 0.35 * p + 0.1 * th - 0.05 * (t === 0 ? 1 : 0) + DGP.noise.retained * r.retainedNoise.normal(),
      0.01,
      0.99,
    );
    retained[i] = r.retained.uniform() < pRet ? 1 : 0;
    if (obs && baselines) {
      const { direct, spillover, noiseSd } = DGP.cluster;
      const y =
        baselines[ws] +
        direct * w1 +
        spillover * (w1 === 0 && o === 1 ? 1 : 0) +
        noiseSd * r.clusterNoise.normal();
      obs[i] = scaledRound(y, 6) / 1e6;
    }
  }

  const cols: Record<string, Column> = {
    user_id: { kind: "i32", values: userId },
    workspace_id: { kind: "i32", values: workspace },
    engagement_tier: { kind: "str", codes: tier, levels: TIER_LEVELS },
    signup_week: { kind: "i32", values: signupWeek },
    wave: { kind: "i32", values: wave },
    treatment_week: { kind: "i32", values: tWeek },
    treated_post: { kind: "i32", values: treatedPost },
    prompt_variant: { kind: "i32", values: prompt },
    opt_in_agent_mode: { kind: "i32", values: opt },
    query_confidence: { kind: "f64", values: confidence },
    routed_to_premium: { kind: "i32", values: premium },
    task_completed: { kind: "i32", values: task },
    thumbs_up: { kind: "i32", values: thumbs },
    session_minutes: { kind: "f64", values: session },
    cost_usd: { kind: "f64", values: cost },
    retained_7d: { kind: "i32", values: retained },
  };
  if (obs) cols[CLUSTER_COLUMN] = { kind: "f64", values: obs };
  return Frame.fromColumns(cols);
}
