import { z } from "zod";
import { parseSpec } from "../../core/parse-spec.js";
import { BALANCE_CRITERIA } from "./assign-design.js";

const column = z.string().min(1);

/**
 * The zod schema behind {@link AssignSpec}; `z.toJSONSchema(ASSIGN_SPEC_SCHEMA)` publishes it as JSON Schema.
 *
 * @example
 * ```ts
 * import { ASSIGN_SPEC_SCHEMA } from "truelift";
 * ASSIGN_SPEC_SCHEMA.safeParse({ cluster: "workspace_id", seed: 1 }).success; // true
 * ```
 */
export const ASSIGN_SPEC_SCHEMA = z.strictObject({
  cluster: column,
  seed: z.number().int().refine(Number.isSafeInteger, "must be a safe integer"),
  strata: z.union([column, z.array(column).min(1)]).optional(),
  treatedShare: z.number().gt(0).lt(1).optional(),
  rerandomize: z
    .strictObject({
      criterion: z.enum(BALANCE_CRITERIA),
      threshold: z.number().positive().finite(),
      covariates: z.array(column).min(1).optional(),
      maxDraws: z.number().int().min(1).optional(),
    })
    .optional(),
  balanceCovariates: z.array(column).optional(),
});

/**
 * What {@link assignClusters} does with a table of clusters (one row per cluster):
 *
 * - `cluster`: the cluster id column (text or numbers). Clusters are put in sorted id order before drawing, so
 *   the assignment does not depend on the row order of the file.
 * - `seed`: the random seed; the draw uses `createRng(seed, 0)`.
 * - `strata`: one or more cluster-level columns; clusters are randomized separately within each combination
 *   (labels joined with "|"). __Default value:__ none (complete randomization).
 * - `treatedShare`: share treated in each block; a block of n treats round(share · n), halves rounded up.
 *   __Default value:__ 0.5.
 * - `rerandomize`: `{criterion: "max-smd" | "mahalanobis", threshold, covariates?, maxDraws?}` — re-draw until
 *   the balance statistic is at most `threshold`. `covariates` __Default value:__ `balanceCovariates`, else
 *   every numeric column except the cluster and strata columns;
 *   `maxDraws` __Default value:__ 100,000.
 * - `balanceCovariates`: numeric columns whose balance is reported. __Default value:__ the re-randomization
 *   covariates, else every numeric column except the cluster and strata columns.
 */
export type AssignSpec = z.input<typeof ASSIGN_SPEC_SCHEMA>;

/** An {@link AssignSpec} that passed validation. */
export type ValidAssignSpec = z.output<typeof ASSIGN_SPEC_SCHEMA>;

/**
 * Validates an {@link AssignSpec}, turning schema violations into `E_INVALID_SPEC` errors that name the field.
 *
 * @example
 * ```ts
 * import { parseAssignSpec } from "truelift";
 * parseAssignSpec({ cluster: "workspace_id", seed: 7, treatedShare: 0.5 }).seed; // 7
 * ```
 */
export function parseAssignSpec(spec: unknown): ValidAssignSpec {
  return parseSpec(ASSIGN_SPEC_SCHEMA, spec, { what: "assignment" });
}
