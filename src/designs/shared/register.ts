import type { DeepReadonly } from "../../core/result.js";
import type { Design, DesignInputs, DesignResult, RegisteredDesign } from "./contract.js";

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
    analyze: async (frame, spec, inputs?: DesignInputs) => {
      const result: DeepReadonly<R> = await design.run(frame, design.parse(spec), inputs);
      return {
        design: design.name,
        result,
        summary: design.report.summary(result),
        naive: design.report.naive(result),
        charts: design.report.charts(result),
      };
    },
  };
}
