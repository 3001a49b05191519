import type { Frame } from "../../../src/core/frame.js";
import { readFixture } from "../../helpers/fixture.js";

let cached: Frame | null = null;

/**
 * The tutorial users joined with the cluster tutorial's outcome (`session_minutes_obs`) on user_id, plus
 * `treated` (workspace_id < 25, i.e. wave 1) and `is_spillover` (untreated workspace and opt_in_agent_mode = 1),
 * as ../shared/fixtures/README.md defines them.
 */
export function clusterFixture(): Frame {
  if (cached) return cached;
  const users = readFixture("saas_llm_logs_seed42.csv.gz");
  const outcome = readFixture("cluster_outcome_seed42.csv.gz");
  const ids = outcome.numeric("user_id");
  const values = outcome.numeric("session_minutes_obs");
  const byId = new Map<number, number>();
  for (let i = 0; i < ids.length; i++) byId.set(ids[i], values[i]);
  const uid = users.numeric("user_id");
  const ws = users.numeric("workspace_id");
  const opt = users.numeric("opt_in_agent_mode");
  const y = new Float64Array(users.nrows);
  const treated = new Float64Array(users.nrows);
  const spill = new Float64Array(users.nrows);
  for (let i = 0; i < users.nrows; i++) {
    const v = byId.get(uid[i]);
    if (v === undefined) throw new Error(`user ${uid[i]} has no outcome`);
    y[i] = v;
    treated[i] = ws[i] < 25 ? 1 : 0;
    spill[i] = treated[i] === 0 && opt[i] === 1 ? 1 : 0;
  }
  cached = users
    .withColumn("session_minutes_obs", y)
    .withColumn("treated", treated)
    .withColumn("is_spillover", spill);
  return cached;
}
