import type { z } from "zod";
import type { CellFrame, CellRequest, ColumnKinds } from "../../core/cells.js";
import type { Diagnostic } from "../../core/diagnostics.js";
import type { Frame } from "../../core/frame.js";
import type { ArgDef, ProgressCallback } from "../../core/options.js";
import type { DeepReadonly, Provenance, Term } from "../../core/result.js";
import type { ChartSpec } from "./charts/types.js";
import type { DesignSummary } from "./summary.js";

/**
 * What every design's result has, whatever else it holds: the method name, the outcome column, the headline
 * estimate, the significance level, every diagnostic and the provenance. The report, the CLI and `run` specs
 * read these fields directly, so no layer needs to cast a result.
 *
 * @example
 * ```ts
 * import { did, type DesignResult } from "truelift";
 * const r: DesignResult = did(frame, spec);
 * r.estimate.ci; // [0.0327, 0.0755]
 * ```
 */
export interface DesignResult {
  readonly method: string;
  readonly outcome: string;
  readonly estimate: Term;
  readonly alpha: number;
  readonly diagnostics: readonly Diagnostic[];
  readonly provenance: Provenance;
}

/**
 * The naive number a design's estimate is contrasted with (e.g. "treated group before vs after launch").
 *
 * @example
 * ```ts
 * import type { NaiveContrast } from "truelift";
 * const n: NaiveContrast = { label: "Treated group before vs after launch", estimate: 0.112 };
 * ```
 */
export interface NaiveContrast {
  readonly label: string;
  readonly estimate: number;
}

/**
 * What the report and the CLI need from a design's result: its summary lines and key checks, its naive
 * contrast, and its charts (Vega-Lite specs, null where a part is absent), in display order.
 *
 * @example
 * ```ts
 * import { didDesign } from "truelift";
 * didDesign.report.naive(result).label; // "Treated group before vs after launch"
 * ```
 */
export interface DesignReportAdapter<R> {
  readonly summary: (result: R) => DesignSummary;
  readonly naive: (result: R) => NaiveContrast;
  readonly charts: (result: R) => Readonly<Record<string, ChartSpec | null>>;
}

/**
 * A command-line option of a design command: its flags and help, and whether its value names a data file the
 * command loads and hands to the design as an extra frame (`DesignInputs.frames[key]`).
 *
 * @example
 * ```ts
 * import type { DesignCliOption } from "truelift";
 * const edges: DesignCliOption = { flags: "--edges <file>", description: "collaboration edges", file: true };
 * ```
 */
export interface DesignCliOption extends ArgDef {
  readonly file?: boolean;
}

/**
 * The command-line face of a design: help text, examples, the option table and how parsed options become the
 * design's spec (`toSpec` throws `E_USAGE` / `E_INVALID_ARGUMENT` for a bad flag). `threads` says the command
 * accepts `--threads` (parallel bootstrap); `join` that it accepts `--join <file> --join-on <column>`.
 *
 * @example
 * ```ts
 * import { didDesign } from "truelift";
 * didDesign.cli.toSpec({ outcome: "y", time: "t", startColumn: "s" }, {});
 * // { outcome: "y", time: "t", treatment: { startColumn: "s" } }
 * ```
 */
export interface DesignCli<S> {
  readonly description: string;
  readonly examples: readonly string[];
  /** Help text of the data-file argument. __Default value:__ "data file (.csv, .csv.gz, .tsv, .parquet, .ndjson)". */
  readonly dataFile?: string;
  readonly options: Readonly<Record<string, DesignCliOption>>;
  readonly threads?: boolean;
  readonly join?: boolean;
  readonly toSpec: (
    options: Readonly<Record<string, unknown>>,
    context: { readonly seed?: number | undefined },
  ) => S;
}

/**
 * Inputs a design may take beside its main frame: extra frames named by its CLI file options (e.g. cluster's
 * collaboration `edges`), the number of worker threads for parallel bootstraps, and a progress callback.
 *
 * - `threads`: __Default value:__ 1.
 *
 * @example
 * ```ts
 * import type { DesignInputs } from "truelift";
 * const inputs: DesignInputs = { frames: { edges }, threads: 2 };
 * ```
 */
export interface DesignInputs {
  readonly frames?: Readonly<Record<string, Frame | undefined>>;
  readonly threads?: number;
  /**
   * Called as the long loops (bootstraps, placebo permutations, randomization inference, …) advance, throttled to
   * ~1% steps and also with worker threads, e.g. to draw a progress bar; results do not depend on it.
   */
  readonly onProgress?: ProgressCallback;
}

/**
 * How a design runs as compress → estimate (design.md §3a, §6): `request` names the one `GROUP BY` (keys and
 * measures) the engine computes for a spec, given the source's column kinds; `estimate` computes the design's
 * result from those cells alone — equal to `run` on the rows to 1e-10 (estimates, SEs, CIs, diagnostics'
 * evidence). The rows never leave the engine; in memory the cells come from `compressFrameToCells`.
 *
 * @example
 * ```ts
 * import { compressFrameToCells, didDesign, parseDidSpec } from "truelift";
 * const spec = parseDidSpec({ outcome: "y", time: "t", treatment: { startColumn: "s" } });
 * const c = didDesign.compression;
 * const cells = compressFrameToCells(frame, c.request(spec, { y: "numeric", t: "numeric", s: "numeric" }));
 * c.estimate(cells, spec).estimate; // the same term as didDesign.run(frame, spec).estimate
 * ```
 * @see Wong, Lewis & Wardrop (2021), "You only compress once"; GrowthBook's warehouse-native statistics.
 */
export interface DesignCompression<V, R extends DesignResult> {
  readonly request: (spec: V, kinds: ColumnKinds) => CellRequest;
  readonly estimate: (
    cells: CellFrame,
    spec: V,
    inputs?: DesignInputs,
  ) => DeepReadonly<R> | Promise<DeepReadonly<R>>;
  /**
   * The parts of a result computed from more than the cells' sums (e.g. a key at a numeric covariate's exact
   * values), each with why; none when omitted. Read into {@link DesignAnalysis}'s `rowDetail`.
   */
  readonly rowDetail?: (result: DeepReadonly<R>) => readonly RowDetailPart[];
}

/**
 * A part of an analysis that needed more than sums over cells (row detail), and why — the result says which path
 * ran, and this is how it says what in it was not plain aggregates.
 *
 * @example
 * ```ts
 * import type { RowDetailPart } from "truelift";
 * const p: RowDetailPart = { part: "covariate 'age'", reason: "numeric, a key at its exact values" };
 * ```
 */
export interface RowDetailPart {
  readonly part: string;
  readonly reason: string;
}

/**
 * One causal design, everything the CLI, `run` specs, the JSON schema and the report need: its name, the
 * question it answers, its zod spec schema (defaults filled by the schema), `run`, the report adapter and the
 * CLI option table. Register it with {@link registerDesign}; list it once in `designs/registry.ts`.
 *
 * @example
 * ```ts
 * import { didDesign } from "truelift";
 * const result = didDesign.run(frame, { outcome: "y", time: "t", treatment: { startColumn: "s" } });
 * didDesign.report.summary(result).lines[0].label; // "Effect (treated:post, regression)"
 * ```
 * @see Pyfixest's model registry; Vega-Lite's composite-mark registry (one object per kind, one list).
 */
export interface Design<S, V extends S, R extends DesignResult> {
  readonly name: string;
  readonly title: string;
  readonly question: string;
  readonly schema: z.ZodType<V, S>;
  /** Validates a spec (throws `E_INVALID_SPEC` with a fix hint) and returns it canonical, defaults filled. */
  readonly parse: (spec: unknown) => V;
  readonly run: (frame: Frame, spec: S, inputs?: DesignInputs) => DeepReadonly<R> | Promise<DeepReadonly<R>>;
  /** Compress → estimate (absent while a design still needs its rows). */
  readonly compression?: DesignCompression<V, R>;
  readonly report: DesignReportAdapter<DeepReadonly<R>>;
  readonly cli: DesignCli<S>;
}

/**
 * One design's run, as every consumer reads it: the result (plain data) and what the report adapter derives
 * from it (summary, naive contrast, charts).
 *
 * @example
 * ```ts
 * import { registerDesign, didDesign } from "truelift";
 * const a = await registerDesign(didDesign).analyze(frame, spec);
 * a.naive.label; // "Treated group before vs after launch"
 * ```
 */
export interface DesignAnalysis {
  readonly design: string;
  readonly result: DeepReadonly<DesignResult>;
  readonly summary: DesignSummary;
  readonly naive: NaiveContrast;
  readonly charts: Readonly<Record<string, ChartSpec | null>>;
  /** The parts of the result that needed row detail on the compressed path, with why (empty when none). */
  readonly rowDetail: readonly RowDetailPart[];
}

/**
 * A design with its spec and result types closed over, so designs of different types can sit in one list:
 * `parse` validates a spec (defaults filled), `analyze` validates and runs it and applies the report adapter.
 *
 * @example
 * ```ts
 * import { registerDesign, didDesign } from "truelift";
 * registerDesign(didDesign).parse({ outcome: "y", time: "t", treatment: { startColumn: "s" } }).alpha; // 0.05
 * ```
 */
export interface RegisteredDesign {
  readonly name: string;
  readonly title: string;
  readonly question: string;
  readonly schema: z.ZodType;
  readonly cli: DesignCli<unknown>;
  readonly parse: (spec: unknown) => unknown;
  readonly analyze: (frame: Frame, spec: unknown, inputs?: DesignInputs) => Promise<DesignAnalysis>;
  /**
   * Compress → estimate, when the design has it: the cells a spec needs (the spec validated first) and the
   * analysis from those cells.
   */
  readonly compression?: {
    readonly request: (spec: unknown, kinds: ColumnKinds) => CellRequest;
    readonly analyzeCells: (
      cells: CellFrame,
      spec: unknown,
      inputs?: DesignInputs,
    ) => Promise<DesignAnalysis>;
  };
}
