import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { validateColumns } from "../../core/validate.js";
import { CLUSTER_COLUMN, generateDataset, loadFrame } from "../../data/index.js";

/** Where the demo's data came from, for the summary and the report's provenance. */
export interface DemoData {
  readonly frame: Frame;
  /** `generated (seed 42, 50,000 users)` or the file path(s) given. */
  readonly source: string;
  /** SHA-256 of the analysed table (see {@link frameHash}). */
  readonly inputHash: string;
}

/**
 * Columns the five tutorial analyses read (the cluster outcome is checked separately).
 *
 * @example
 * ```ts
 * DEMO_COLUMNS.includes("query_confidence"); // true
 * ```
 */
export const DEMO_COLUMNS = [
  "user_id",
  "workspace_id",
  "engagement_tier",
  "signup_week",
  "wave",
  "treatment_week",
  "opt_in_agent_mode",
  "query_confidence",
  "routed_to_premium",
  "task_completed",
] as const;

/**
 * SHA-256 of a frame's content — column names, kinds (number / text) and values in column order (f64/i32 as little-endian
 * bytes; text columns as their values, with missing cells marked) — so the same table hashes the same
 * whether it was generated or loaded.
 *
 * @example
 * ```ts
 * frameHash(Frame.fromObject({ y: [1, 2] })).length; // 64
 * ```
 */
export function frameHash(frame: Frame): string {
  const h = createHash("sha256");
  h.update(`rows ${frame.nrows}\n`);
  for (const name of frame.names) {
    const col = frame.column(name);
    h.update(`${JSON.stringify(name)} ${col.kind === "str" ? "text" : "number"}\n`);
    if (col.kind === "str") {
      const levels = col.levels.map((l) => JSON.stringify(l));
      const parts: string[] = new Array(col.codes.length);
      for (let i = 0; i < col.codes.length; i++) parts[i] = col.codes[i] < 0 ? "null" : levels[col.codes[i]];
      h.update(parts.join("\n"));
    } else {
      // numeric columns as float64 so an integer column hashes like the same numbers loaded as floats
      const v = col.kind === "f64" ? col.values : Float64Array.from(col.values);
      h.update(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
    }
  }
  return h.digest("hex");
}

/** Adds `column` of `right` to `left` by matching `key` (every left key must be present, once, in `right`). */
function joinColumn(left: Frame, right: Frame, key: string, column: string, what: string): Frame {
  validateColumns(right, [
    { column: key, kind: "numeric" },
    { column, kind: "numeric" },
  ]);
  const rk = right.numeric(key);
  const rv = right.numeric(column);
  const byKey = new Map<number, number>();
  for (let i = 0; i < rk.length; i++) {
    if (byKey.has(rk[i])) {
      throw new TrueliftError("E_DEMO_JOIN", `${what} has user_id ${rk[i]} twice.`, {
        details: { key, value: rk[i] },
      });
    }
    byKey.set(rk[i], rv[i]);
  }
  const lk = left.numeric(key);
  const out = new Float64Array(left.nrows);
  let missing = 0;
  let example: number | null = null;
  for (let i = 0; i < lk.length; i++) {
    const v = byKey.get(lk[i]);
    if (v === undefined) {
      missing++;
      example ??= lk[i];
      out[i] = Number.NaN;
    } else out[i] = v;
  }
  if (missing > 0) {
    throw new TrueliftError(
      "E_DEMO_JOIN",
      `${what} has no ${column} for ${missing.toLocaleString("en-US")} users of the data (e.g. user_id ${example}).`,
      { details: { key, missing, example } },
    );
  }
  return left.withColumn(column, out);
}

/** Options of {@link demoData}. */
export interface DemoDataOptions {
  readonly cwd: string;
  readonly seed: number;
  readonly users: number;
  /** A data file with the tutorial's columns instead of generated data. */
  readonly data?: string;
  /** A `user_id, session_minutes_obs` file joined to `data` on user_id (the cluster tutorial's outcome). */
  readonly clusterOutcome?: string;
}

/**
 * The demo's dataset: generated (seeded; the `cluster` scenario, so `session_minutes_obs` is included), or loaded
 * from `data` with the cluster outcome joined from `clusterOutcome` when the file lacks it. Validates every
 * column the five analyses read before anything is computed.
 *
 * @example
 * ```ts
 * const d = await demoData({ cwd: process.cwd(), seed: 42, users: 50_000 });
 * d.frame.nrows; // 50000
 * ```
 */
export async function demoData(options: DemoDataOptions): Promise<DemoData> {
  let frame: Frame;
  let source: string;
  if (options.data === undefined) {
    if (options.clusterOutcome !== undefined) {
      throw new TrueliftError("E_INVALID_ARGUMENT", "--cluster-outcome needs --data.", {
        hint: "Pass the tutorial file with --data, or drop --cluster-outcome to generate everything.",
        details: { option: "--cluster-outcome" },
      });
    }
    frame = generateDataset({ seed: options.seed, users: options.users, scenario: "cluster" });
    source = `generated (seed ${options.seed}, ${options.users.toLocaleString("en-US")} users)`;
  } else {
    frame = await loadFrame(resolve(options.cwd, options.data));
    source = options.data;
    if (options.clusterOutcome !== undefined) {
      validateColumns(frame, [{ column: "user_id", kind: "numeric" }]);
      const outcome = await loadFrame(resolve(options.cwd, options.clusterOutcome));
      const base = frame.has(CLUSTER_COLUMN)
        ? frame.select(frame.names.filter((n) => n !== CLUSTER_COLUMN))
        : frame;
      frame = joinColumn(
        base,
        outcome,
        "user_id",
        CLUSTER_COLUMN,
        `--cluster-outcome ${options.clusterOutcome}`,
      );
      source = `${options.data} + ${options.clusterOutcome}`;
    } else if (!frame.has(CLUSTER_COLUMN)) {
      throw new TrueliftError(
        "E_DEMO_CLUSTER_OUTCOME",
        `The data has no '${CLUSTER_COLUMN}' column, which the cluster analysis needs.`,
        { details: { column: CLUSTER_COLUMN, available: frame.names.slice(0, 50) } },
      );
    }
  }
  validateColumns(frame, [
    ...DEMO_COLUMNS.map((column) => ({
      column,
      kind: column === "engagement_tier" ? ("categorical" as const) : ("numeric" as const),
    })),
    { column: CLUSTER_COLUMN, kind: "numeric" },
  ]);
  return { frame, source, inputHash: frameHash(frame) };
}
