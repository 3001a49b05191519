import { resolve } from "node:path";
import type { Frame } from "../core/frame.js";
import { hashFile, loadFrame } from "../data/index.js";
import type { DesignSummary } from "../designs/shared/summary.js";
import { summaryMarkdown, summaryText } from "../report/summary.js";
import type { ArgDef } from "./args.js";
import type { CommandOutput } from "./output.js";

/**
 * The `--print-spec` flag every single-design command accepts: print the canonical spec (defaults filled in by the
 * design's own parser) instead of running it, so a CLI run can be saved and re-run as a library or `run` spec.
 *
 * @example
 * ```ts
 * options: { printSpec: PRINT_SPEC_ARG }
 * ```
 */
export const PRINT_SPEC_ARG = {
  flags: "--print-spec",
  description: "print the canonical spec instead of running it",
} as const satisfies ArgDef;

/**
 * The output of `--print-spec`: the canonical spec as JSON (text and Markdown render it pretty-printed).
 *
 * @example
 * ```ts
 * if (options.printSpec === true) return specOutput(parseDidSpec(spec));
 * ```
 */
export function specOutput(canonical: unknown): CommandOutput {
  const text = JSON.stringify(canonical, null, 2);
  return { data: canonical as never, text: () => text, markdown: () => `\`\`\`json\n${text}\n\`\`\`` };
}

/**
 * Runs one design on a data file the way every single-design command does: load the file (DuckDB), analyse,
 * hash the file for provenance, and render the design's summary as text / Markdown, with the full result as JSON.
 *
 * @example
 * ```ts
 * return analyzeFile("did", positionals[0], io.cwd, (frame) => did(frame, spec), didSummary);
 * ```
 */
export async function analyzeFile<R>(
  command: string,
  file: string,
  cwd: string,
  analyze: (frame: Frame) => R | Promise<R>,
  summarize: (result: R) => DesignSummary,
): Promise<CommandOutput> {
  const path = resolve(cwd, file);
  const frame = await loadFrame(path);
  const result = await analyze(frame);
  const sha256 = await hashFile(path);
  const summary = summarize(result);
  return {
    data: { command, source: file, sha256, result: result as never },
    text: () => summaryText(summary),
    markdown: () => summaryMarkdown(summary),
  };
}
