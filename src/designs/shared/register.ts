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
      analysisOf(design, await design.run(frame, design.parse(spec), inputs)),
    ...(design.compression === undefined
      ? {}
      : { compression: registeredCompression(design, design.compression) }),
  };
}

/** The report adapter applied to a result: what every consumer reads. */
function analysisOf<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  result: DeepReadonly<R>,
): DesignAnalysis {
  return {
    design: design.name,
    result,
    summary: design.report.summary(result),
    naive: design.report.naive(result),
    charts: design.report.charts(result),
  };
}

function registeredCompression<S, V extends S, R extends DesignResult>(
  design: Design<S, V, R>,
  compression: NonNullable<Design<S, V, R>["compression"]>,
): NonNullable<RegisteredDesign["compression"]> {
  return {
    request: (spec, kinds) => compression.request(design.parse(spec), kinds),
    analyzeCells: async (cells, spec, inputs) =>
      analysisOf(design, await compression.estimate(cells, design.parse(spec), inputs)),
  };
}
