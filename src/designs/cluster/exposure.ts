import { TrueliftError } from "../../core/errors.js";
import type { Frame } from "../../core/frame.js";
import { validateColumns } from "../../core/validate.js";
import type { ClusterLayout } from "./layout.js";
import type { ValidClusterSpec } from "./spec.js";

/** Users by exposure group: in a treated cluster, untreated but spillover-exposed, and pure control. */
export interface ExposureCounts {
  readonly treated: number;
  readonly spillover: number;
  readonly pureControl: number;
}

/**
 * The spillover regressor and where it came from. `spill[i]` is 0 for treated users; for untreated users it is the
 * flag (0/1), any treated neighbour (0/1), or the share of treated neighbours.
 */
export interface ClusterExposure {
  readonly source: "flag" | "edges";
  readonly column: string | null;
  readonly provenance: "proxy" | "observed";
  readonly rule: "flag" | "any" | "share";
  readonly spill: Float64Array;
  readonly counts: ExposureCounts;
  /** Mean of the spillover regressor over all users (the observed spillover share for a 0/1 exposure). */
  readonly share: number;
  /** Edge-list bookkeeping: edges read, edges whose ends are not users of the data, self-loops ignored. */
  readonly edges: { readonly read: number; readonly unknown: number; readonly selfLoops: number } | null;
}

/** Plain JSON view of a {@link ClusterExposure} (without the per-user array). */
export type ExposureSummary = Omit<ClusterExposure, "spill">;

/**
 * Builds the spillover exposure of untreated users from a 0/1 flag column or a collaboration edge list, per unit
 * of the layout (`frame` is the frame the layout was built from: the users, or compressed cells keyed by the
 * flag). Counts are of users (units weighted by their user counts).
 *
 * - Flag: untreated users with flag 1 are exposed (the tutorial: opted into agent mode in a control workspace).
 * - Edges (`options.edges`): neighbours are the other ends of the user's edges (both directions unless
 *   `directed`, when `from` is exposed to `to`); rule `any` → 1 if a neighbour's cluster is treated, `share` → the
 *   treated share of neighbours (0 without neighbours). Edges naming users not in the data are counted and
 *   skipped; self-loops are ignored; duplicate edges count twice in `share`.
 *
 * Errors: `E_CLUSTER_EDGES` when the spec names an edge list but none is passed, plus column errors of the edge
 * frame; `E_UNSUPPORTED_COMPRESSED` for an edge list on a layout of compressed cells (the exposure is per user).
 *
 * @example
 * ```ts
 * import { clusterExposure } from "truelift";
 * const ex = clusterExposure(frame, layout, { column: "opt_in_agent_mode" });
 * ex.counts; // { treated: 24937, spillover: 6744, pureControl: 18319 } on the tutorial data
 * ```
 * @see Aronow & Samii (2017), "Estimating average causal effects under general interference", Annals of
 *   Applied Statistics 11(4); Hudgens & Halloran (2008), "Toward causal inference with interference", JASA 103.
 */
export function clusterExposure(
  frame: Frame,
  layout: ClusterLayout,
  exposure: NonNullable<ValidClusterSpec["exposure"]>,
  edges?: Frame,
): ClusterExposure {
  const n = layout.units;
  const spill = new Float64Array(n);
  if ("column" in exposure) {
    const flag = frame.numeric(exposure.column);
    for (let i = 0; i < n; i++) spill[i] = layout.d[i] === 0 && flag[i] === 1 ? 1 : 0;
    return finish(layout, spill, {
      source: "flag",
      column: exposure.column,
      provenance: exposure.provenance ?? "proxy",
      rule: "flag",
      edges: null,
    });
  }
  if (n !== layout.n) {
    throw new TrueliftError(
      "E_UNSUPPORTED_COMPRESSED",
      "Exposure from an edge list is computed per user, so it cannot be estimated from compressed cells.",
    );
  }
  if (!edges) {
    throw new TrueliftError(
      "E_CLUSTER_EDGES",
      "The spec builds exposure from an edge list, but no edge list was passed (options.edges / --edges).",
    );
  }
  const { from, to, directed } = exposure.edges;
  if (edges.nrows > 0) {
    validateColumns(edges, [
      { column: from, kind: "categorical" },
      { column: to, kind: "categorical" },
    ]);
  } else if (!edges.has(from) || !edges.has(to)) {
    throw new TrueliftError("E_CLUSTER_EDGES", `The edge list needs columns '${from}' and '${to}'.`);
  }
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) index.set(String(frame.value(exposure.user, i)), i);
  const neighbours = new Float64Array(n);
  const treatedNeighbours = new Float64Array(n);
  let unknown = 0;
  let selfLoops = 0;
  const link = (a: number, b: number) => {
    neighbours[a]++;
    treatedNeighbours[a] += layout.d[b];
  };
  for (let e = 0; e < edges.nrows; e++) {
    const a = index.get(String(edges.value(from, e)));
    const b = index.get(String(edges.value(to, e)));
    if (a === undefined || b === undefined) {
      unknown++;
      continue;
    }
    if (a === b) {
      selfLoops++;
      continue;
    }
    link(a, b);
    if (!directed) link(b, a);
  }
  const rule = exposure.rule ?? "any";
  for (let i = 0; i < n; i++) {
    if (layout.d[i] === 1 || neighbours[i] === 0) continue;
    spill[i] = rule === "any" ? (treatedNeighbours[i] > 0 ? 1 : 0) : treatedNeighbours[i] / neighbours[i];
  }
  return finish(layout, spill, {
    source: "edges",
    column: null,
    provenance: "observed",
    rule,
    edges: { read: edges.nrows, unknown, selfLoops },
  });
}

function finish(
  layout: ClusterLayout,
  spill: Float64Array,
  meta: Omit<ClusterExposure, "spill" | "counts" | "share">,
): ClusterExposure {
  let treated = 0;
  let exposed = 0;
  let total = 0;
  for (let i = 0; i < layout.units; i++) {
    const w = layout.w[i];
    total += w * spill[i];
    if (layout.d[i] === 1) treated += w;
    else if (spill[i] > 0) exposed += w;
  }
  return {
    ...meta,
    spill,
    counts: { treated, spillover: exposed, pureControl: layout.n - treated - exposed },
    share: total / layout.n,
  };
}

/**
 * Exposure counts without an exposure definition: treated users and untreated users (all "pure control").
 *
 * @example
 * ```ts
 * import { armCounts } from "truelift";
 * armCounts(layout); // { treated: 24937, spillover: 0, pureControl: 25063 }
 * ```
 */
export function armCounts(layout: ClusterLayout): ExposureCounts {
  let treated = 0;
  for (let i = 0; i < layout.units; i++) treated += layout.w[i] * layout.d[i];
  return { treated, spillover: 0, pureControl: layout.n - treated };
}
