import type { DeepReadonly } from "../../core/result.js";
import type { Design, DesignAnalysis, DesignInputs, DesignResult, RegisteredDesign } from "./contract.js";

/**
 * Closes a design over its spec and result types so it can sit in the registry beside designs of other types:
 * `parse` is the design's own validator, and `analyze` validates, runs (awaiting a parallel run) and applies the
 * report adapter — the one path the CLI, `run` specs and the report take.
 *
 * @example
 * ```ts
 * import { didDesign, registerDesign } from "truelift";
 * const did = registerDesign(didDesign);
 * const a = await did.analyze(frame, { outcome: "y", time: "t", treatment: { startColumn: "s" } });
 * a.result.estimate.estimate; // the headline estimate
 * ```
 */
export function registerDesign<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
): RegisteredDesign {
  return {
    name: design.name,
    title: design.title,
    question: design.question,
    schema: design.schema,
    cli: design.cli,
    parse: (spec) => design.parse(spec),
    analyze: async (frame, spec, inputs?: DesignInputs) =>
      designAnalysis(design, await design.run(frame, design.parse(spec), inputs)),
    ...(design.compression === undefined
      ? {}
      : { compression: registeredCompression(design, design.compression) }),
  };
}

/**
 * A design's report adapter applied to one of its results: what every consumer (screen, report, JSON) reads.
 *
 * @example
 * ```ts
 * import { designAnalysis, did, didDesign } from "truelift";
 * designAnalysis(didDesign, did(frame, spec)).summary.lines[0]; // the headline line
 * ```
 */
export function designAnalysis<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  result: DeepReadonly<R>,
): DesignAnalysis {
  return {
    design: design.name,
    result,
    summary: design.report.summary(result),
    naive: design.report.naive(result),
    charts: design.report.charts(result),
    rowDetail: design.compression?.rowDetail?.(result) ?? [],
  };
}

function registeredCompression<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  compression: NonNullable<Design<S, V, R>["compression"]>,
): NonNullable<RegisteredDesign["compression"]> {
  return {
    request: (spec, kinds) => compression.request(design.parse(spec), kinds),
    analyzeCells: async (cells, spec, inputs) =>
      designAnalysis(design, await compression.estimate(cells, design.parse(spec), inputs)),
  };
}
