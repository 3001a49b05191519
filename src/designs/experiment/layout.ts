import type { CellFrame } from "../../core/cells.js";
import { TrueliftError } from "../../core/errors.js";
import { validateFrequency } from "../../models/frequency.js";
import type { ValidExperimentSpec } from "./spec.js";

/**
 * An experiment's compressed cells, validated and indexed: the arms (control first, then the variants in
 * sorted order), each cell's arm and (with a cluster) cluster, the cell counts, measure means, within-cell SS
 * and co-moments, and the covariate values of each cell (covariates are keys, so constant within a cell).
 */
export interface ExperimentLayout {
  readonly arms: readonly string[];
  readonly armOf: Int32Array;
  /** Each cell's cluster (0..clusters−1), or null without a cluster. */
  readonly clusterOf: Int32Array | null;
  readonly clusters: number;
  /** Each cluster's arm (empty without a cluster). */
  readonly clusterArm: Int32Array;
  /** Each cluster's id as text, in cluster-code order. */
  readonly clusterIds: readonly string[];
  readonly count: Float64Array;
  readonly mean: ReadonlyMap<string, Float64Array>;
  readonly ss: ReadonlyMap<string, Float64Array>;
  readonly cp: ReadonlyMap<string, Float64Array>;
  readonly covariates: ReadonlyMap<string, Float64Array>;
  /** Rows the cells summarise. */
  readonly rows: number;
  readonly cells: number;
}

/** Every measure column the spec needs (mean metrics, guardrails, ratio parts, the CUPED column), once each. */
export function experimentMeasures(spec: ValidExperimentSpec): string[] {
  return [
    ...new Set([
      ...spec.metrics,
      ...spec.guardrails.map((g) => g.metric),
      ...spec.ratios.flatMap((r) => [r.numerator, r.denominator]),
      ...(spec.cuped === undefined ? [] : [spec.cuped]),
    ]),
  ];
}

/** The key columns of the experiment's GROUP BY: treatment, cluster, covariates. */
export function experimentKeys(spec: ValidExperimentSpec): string[] {
  return [
    ...new Set([spec.treatment, ...(spec.cluster === undefined ? [] : [spec.cluster]), ...spec.covariates]),
  ];
}

/** Arm labels in analysis order: numeric order when every label is a number, otherwise text order. */
function sortLevels(levels: string[]): string[] {
  const numeric = levels.every((l) => l.trim() !== "" && Number.isFinite(Number(l)));
  return [...levels].sort((a, b) => (numeric ? Number(a) - Number(b) : a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Validates and indexes compressed cells for {@link experiment}: counts (`E_BAD_FREQUENCY`), a missing arm,
 * covariate or metric (`E_MISSING_VALUES`) or cluster id (`E_NAN_IN_CLUSTER`), a text covariate
 * (`E_COLUMN_TYPE`), the control level (`E_UNKNOWN_LEVEL`), at least two arms (`E_EXPERIMENT_ONE_ARM`) and the
 * treatment constant within each cluster (`E_TREATMENT_VARIES_IN_CLUSTER`).
 *
 * @example
 * ```ts
 * import { compressFrameToCells } from "truelift";
 * import { experimentCellRequest, layoutExperiment, parseExperimentSpec } from "truelift/designs/experiment";
 * const spec = parseExperimentSpec({ treatment: "arm", control: "A", metrics: ["y"] });
 * layoutExperiment(compressFrameToCells(frame, experimentCellRequest(spec)), spec).arms; // ["A", "B"]
 * ```
 * @see Wong, Lewis & Wardrop (2021) (estimation from compressed cells).
 */
export function layoutExperiment(cells: CellFrame, spec: ValidExperimentSpec): ExperimentLayout {
  const f = cells.frame;
  validateFrequency(f, { count: cells.count });
  const n = f.nrows;
  if (n === 0) throw new TrueliftError("E_EMPTY_DATA", "The experiment has no rows.");
  const label = new Array<string>(n);
  for (let i = 0; i < n; i++) {
    const v = f.value(spec.treatment, i);
    if (v === null) {
      throw new TrueliftError(
        "E_MISSING_VALUES",
        `The treatment column '${spec.treatment}' has missing values.`,
        {
          details: { column: spec.treatment },
        },
      );
    }
    label[i] = String(v);
  }
  const control = String(spec.control);
  const levels = [...new Set(label)];
  if (!levels.includes(control)) {
    throw new TrueliftError(
      "E_UNKNOWN_LEVEL",
      `The control level '${control}' does not occur in '${spec.treatment}' (levels: ${sortLevels(levels).slice(0, 10).join(", ")}).`,
      { details: { column: spec.treatment, level: control, levels: sortLevels(levels).slice(0, 50) } },
    );
  }
  if (levels.length < 2) {
    throw new TrueliftError(
      "E_EXPERIMENT_ONE_ARM",
      `Every row of '${spec.treatment}' is in the control arm '${control}': there is no variant to compare.`,
      { details: { column: spec.treatment, level: control } },
    );
  }
  const arms = [control, ...sortLevels(levels.filter((l) => l !== control))];
  const armIndex = new Map(arms.map((a, i) => [a, i]));
  const armOf = Int32Array.from(label, (l) => armIndex.get(l) as number);

  const mean = new Map<string, Float64Array>();
  const ss = new Map<string, Float64Array>();
  for (const m of experimentMeasures(spec)) {
    const x = f.numeric(m);
    for (let i = 0; i < n; i++) {
      if (!Number.isFinite(x[i])) {
        throw new TrueliftError(
          "E_MISSING_VALUES",
          `The metric column '${m}' has missing (or non-finite) values.`,
          {
            details: { column: m },
          },
        );
      }
    }
    mean.set(m, x);
    const ssName = cells.withinSS[m];
    ss.set(m, ssName === undefined ? new Float64Array(n) : f.numeric(ssName));
  }
  const cp = new Map<string, Float64Array>();
  for (const [key, name] of Object.entries(cells.comoment)) cp.set(key, f.numeric(name));

  const covariates = new Map<string, Float64Array>();
  for (const c of spec.covariates) {
    const x = f.numeric(c);
    if (x.some((v) => !Number.isFinite(v))) {
      throw new TrueliftError("E_MISSING_VALUES", `The covariate '${c}' has missing values.`, {
        details: { column: c },
      });
    }
    covariates.set(c, x);
  }

  let clusterOf: Int32Array | null = null;
  const clusterIds: string[] = [];
  const clusterArmList: number[] = [];
  if (spec.cluster !== undefined) {
    const ids = new Map<string, number>();
    clusterOf = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const v = f.value(spec.cluster, i);
      if (v === null) {
        throw new TrueliftError(
          "E_NAN_IN_CLUSTER",
          `The cluster column '${spec.cluster}' has missing values.`,
          {
            details: { column: spec.cluster },
          },
        );
      }
      const id = String(v);
      let g = ids.get(id);
      if (g === undefined) {
        g = clusterIds.length;
        ids.set(id, g);
        clusterIds.push(id);
        clusterArmList.push(armOf[i]);
      } else if (clusterArmList[g] !== armOf[i]) {
        throw new TrueliftError(
          "E_TREATMENT_VARIES_IN_CLUSTER",
          `Cluster ${id} of '${spec.cluster}' has rows in arms '${arms[clusterArmList[g]]}' and '${arms[armOf[i]]}'.`,
          { details: { cluster: id, column: spec.cluster } },
        );
      }
      clusterOf[i] = g;
    }
  }
  return {
    arms,
    armOf,
    clusterOf,
    clusters: clusterIds.length,
    clusterArm: Int32Array.from(clusterArmList),
    clusterIds,
    count: f.numeric(cells.count),
    mean,
    ss,
    cp,
    covariates,
    rows: f.numeric(cells.count).reduce((a, b) => a + b, 0),
    cells: n,
  };
}
