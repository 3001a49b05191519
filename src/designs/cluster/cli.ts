import {
  optionNumber as number,
  parseChoice,
  parseReplicates,
  optionString as str,
  usage,
} from "../../core/options.js";
import { WILD_WEIGHTS } from "../../models/wild-bootstrap.js";
import { ALPHA_OPTION } from "../shared/cli-options.js";
import type { DesignCli } from "../shared/contract.js";
import { type ClusterSpec, CR3_KINDS, EXPOSURE_PROVENANCE, EXPOSURE_RULES, SMALL_K_MODES } from "./spec.js";

/**
 * `truelift cluster`: a cluster-randomized experiment on a user-level data file — cluster-mean WLS (headline),
 * user-level OLS with CR1 / CR2 / CR3, the naive answer for contrast, the two-exposure model (direct and spillover,
 * from a flag column or a collaboration edge list) with the projected total, small-K inference (wild cluster
 * bootstrap, randomization inference) when clusters are few, and the pairs cluster bootstrap. `--join` merges a
 * second file (e.g. the outcome) on a key column first.
 *
 * With 4–11 clusters the headline is user-level OLS with CR2 and Bell–McCaffrey df instead of cluster-mean WLS.
 *
 * @example
 * ```sh
 * truelift cluster saas.csv --join cluster_outcome.csv --join-on user_id --outcome session_minutes_obs \
 *   --treatment wave --treated-values 1 --cluster workspace_id --exposure opt_in_agent_mode --seed 7
 * truelift cluster users.csv --outcome y --treatment arm --cluster team --edges edges.csv --user user_id
 * ```
 */
export const CLUSTER_CLI = {
  description: "Cluster-randomized experiments: honest SEs at any K, direct vs spillover effects.",
  examples: [
    "truelift cluster saas.csv --join cluster_outcome.csv --join-on user_id --outcome session_minutes_obs --treatment wave --treated-values 1 --cluster workspace_id --exposure opt_in_agent_mode --seed 7",
    "truelift cluster users.csv --outcome y --treatment arm --cluster team --edges edges.csv --edge-from src --edge-to dst --user user_id --exposure-rule share --seed 7",
  ],
  dataFile: "user-level data file (.csv, .csv.gz, .tsv, .parquet, .ndjson)",
  join: true,
  options: {
    outcome: { flags: "--outcome <column>", description: "outcome column (required)" },
    treatment: {
      flags: "--treatment <column>",
      description: "cluster-level arm: 0/1, or see --treated-values",
    },
    treatedValues: {
      flags: "--treated-values <values>",
      description: "comma-separated values of --treatment that mean treated",
    },
    cluster: { flags: "--cluster <column>", description: "randomization unit (required)" },
    exposure: {
      flags: "--exposure <column>",
      description: "0/1 spillover flag (untreated users with 1 are exposed)",
    },
    exposureProvenance: {
      flags: "--exposure-provenance <p>",
      description: `${EXPOSURE_PROVENANCE.join(" | ")} (default proxy: a behavioural flag, warned)`,
    },
    edges: {
      flags: "--edges <file>",
      description: "collaboration edge list (two user-id columns)",
      file: true,
    },
    edgeFrom: { flags: "--edge-from <column>", description: "edge list's first user column (default from)" },
    edgeTo: { flags: "--edge-to <column>", description: "edge list's second user column (default to)" },
    user: {
      flags: "--user <column>",
      description: "user id column matching the edge list (default user_id)",
    },
    exposureRule: {
      flags: "--exposure-rule <rule>",
      description: `${EXPOSURE_RULES.join(" | ")} (default any)`,
    },
    directed: { flags: "--directed", description: "edges are directed: from is exposed to to" },
    strata: { flags: "--strata <column>", description: "cluster-level block used in the randomization" },
    rolloutShare: {
      flags: "--rollout-share <s>",
      description: "share of users spillover-exposed after rollout (default: observed)",
    },
    smallK: {
      flags: "--small-k <mode>",
      description: `${SMALL_K_MODES.join(" | ")}: wild bootstrap + RI (default auto: K < 30)`,
    },
    wildReps: { flags: "--wild-reps <n>", description: "wild cluster bootstrap replicates (default 9999)" },
    wildWeights: {
      flags: "--wild-weights <w>",
      description: `${WILD_WEIGHTS.join(" | ")} (default rademacher)`,
    },
    cr3: {
      flags: "--cr3 <convention>",
      description: `${CR3_KINDS.join(" | ")}: (K−1)/K-scaled jackknife (R sandwich) or plain (R clubSandwich); default CR3`,
    },
    riReps: {
      flags: "--ri-reps <n>",
      description: "randomization re-draws when not enumerating (default 9999)",
    },
    riBalance: {
      flags: "--ri-balance <columns>",
      description:
        "comma-separated cluster-level columns the assignment was re-randomized to balance (Morgan & Rubin)",
    },
    riThreshold: {
      flags: "--ri-threshold <a>",
      description:
        "re-randomization acceptance bound on the Mahalanobis distance, or 'observed' (needs --ri-balance)",
    },
    bootstrap: {
      flags: "--bootstrap <reps>",
      description: "pairs cluster bootstrap replicates; 0 skips (default 1999)",
    },
    join: {
      flags: "--join <file>",
      description: "another file whose columns are added by --join-on (left join)",
    },
    joinOn: { flags: "--join-on <column>", description: "key column present in both files" },
    alpha: ALPHA_OPTION,
  },
  toSpec: (options, context) => buildSpec(options, context.seed),
} satisfies DesignCli<ClusterSpec>;

function buildSpec(o: Readonly<Record<string, unknown>>, seed: number | undefined): ClusterSpec {
  const outcome = str(o.outcome);
  const treatment = str(o.treatment);
  const clusterColumn = str(o.cluster);
  if (!outcome || !treatment || !clusterColumn) {
    throw usage("cluster needs --outcome, --treatment and --cluster.", "Run `truelift cluster --help`.");
  }
  const spec: Record<string, unknown> = { outcome, cluster: clusterColumn };
  spec.treatment =
    o.treatedValues === undefined
      ? treatment
      : {
          column: treatment,
          treatedValues: String(o.treatedValues)
            .split(",")
            .map((v) => v.trim())
            .filter((v) => v !== "")
            .map((v) => (Number.isFinite(Number(v)) ? Number(v) : v)),
        };
  if (o.exposure !== undefined && o.edges !== undefined)
    throw usage("Give either --exposure or --edges, not both.");
  if (o.exposure !== undefined) {
    spec.exposure = {
      column: str(o.exposure),
      ...(o.exposureProvenance !== undefined
        ? { provenance: parseChoice("--exposure-provenance", o.exposureProvenance, EXPOSURE_PROVENANCE) }
        : {}),
    };
  } else if (o.edges !== undefined) {
    spec.exposure = {
      edges: {
        from: str(o.edgeFrom) ?? "from",
        to: str(o.edgeTo) ?? "to",
        ...(o.directed === true ? { directed: true } : {}),
      },
      user: str(o.user) ?? "user_id",
      ...(o.exposureRule !== undefined
        ? { rule: parseChoice("--exposure-rule", o.exposureRule, EXPOSURE_RULES) }
        : {}),
    };
  }
  if (o.strata !== undefined) spec.strata = str(o.strata);
  if (o.rolloutShare !== undefined)
    spec.rollout = { spilloverShare: number("--rollout-share", o.rolloutShare) };
  const inference: Record<string, unknown> = {};
  if (seed !== undefined) inference.seed = seed;
  if (o.cr3 !== undefined) inference.cr3 = parseChoice("--cr3", o.cr3, CR3_KINDS);
  if (o.smallK !== undefined) inference.smallK = parseChoice("--small-k", o.smallK, SMALL_K_MODES);
  if (o.wildReps !== undefined || o.wildWeights !== undefined) {
    inference.wild = {
      ...(o.wildReps !== undefined ? { reps: parseReplicates("--wild-reps", o.wildReps, 99) } : {}),
      ...(o.wildWeights !== undefined
        ? { weights: parseChoice("--wild-weights", o.wildWeights, WILD_WEIGHTS) }
        : {}),
    };
  }
  if ((o.riBalance === undefined) !== (o.riThreshold === undefined))
    throw usage("Give --ri-balance and --ri-threshold together.", "Run `truelift cluster --help`.");
  if (o.riReps !== undefined || o.riBalance !== undefined) {
    inference.randomization = {
      ...(o.riReps !== undefined ? { reps: parseReplicates("--ri-reps", o.riReps, 99) } : {}),
      ...(o.riBalance !== undefined
        ? {
            rerandomization: {
              covariates: String(o.riBalance)
                .split(",")
                .map((v) => v.trim())
                .filter((v) => v !== ""),
              threshold: o.riThreshold === "observed" ? "observed" : number("--ri-threshold", o.riThreshold),
            },
          }
        : {}),
    };
  }
  if (o.bootstrap !== undefined) {
    const reps = parseReplicates("--bootstrap", o.bootstrap, 0);
    inference.pairs = reps === 0 ? false : { reps };
  }
  if (Object.keys(inference).length > 0) spec.inference = inference;
  if (o.alpha !== undefined) spec.alpha = number("--alpha", o.alpha);
  return spec as ClusterSpec;
}
