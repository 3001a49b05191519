import { resolve } from "node:path";
import type { Frame } from "../core/frame.js";
import { parseInteger, optionString as str, usage } from "../core/options.js";
import { assertWritable, hashFile, leftJoin, loadFrame, writeTextAtomic } from "../data/index.js";
import type { RegisteredDesign } from "../designs/shared/contract.js";
import { summaryMarkdown, summaryText } from "../report/summary.js";
import type { ArgDef } from "./args.js";
import type { CommandDefinition } from "./command.js";
import { type CommandOutput, renderOutput } from "./output.js";
import { loopProgress } from "./progress.js";

/**
 * The `--print-spec` flag every design command accepts: print the canonical spec (defaults filled in by the
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

const DATA_FILE = "data file (.csv, .csv.gz, .tsv, .parquet, .ndjson)";

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
  return { data: canonical, text: () => text, markdown: () => `\`\`\`json\n${text}\n\`\`\`` };
}

/** Loads the data file, merging `--join <file>` on `--join-on <column>` when the design accepts it. */
async function loadMain(
  design: RegisteredDesign,
  file: string,
  options: Readonly<Record<string, unknown>>,
  cwd: string,
): Promise<Frame> {
  const frame = await loadFrame(resolve(cwd, file));
  if (design.cli.join !== true || options.join === undefined) return frame;
  const key = str(options.joinOn);
  if (!key) throw usage("--join needs --join-on <column>.");
  const right = await loadFrame(resolve(cwd, String(options.join)));
  for (const [f, name] of [
    [frame, "data file"],
    [right, "--join file"],
  ] as const) {
    if (!f.has(key)) throw usage(`--join-on column '${key}' is not in the ${name}.`);
  }
  return leftJoin(frame, right, key);
}

/** Loads every option the design marks as a data file (e.g. cluster's `--edges`). */
async function loadExtraFrames(
  design: RegisteredDesign,
  options: Readonly<Record<string, unknown>>,
  cwd: string,
): Promise<Record<string, Frame>> {
  const frames: Record<string, Frame> = {};
  for (const [key, o] of Object.entries(design.cli.options)) {
    if (o.file === true && options[key] !== undefined)
      frames[key] = await loadFrame(resolve(cwd, String(options[key])));
  }
  return frames;
}

/**
 * The CLI command of a registered design, built from its contract: help and examples from `design.cli`, the
 * data-file argument, the design's option table plus `--print-spec`, and a `run` that builds the spec
 * (`design.cli.toSpec`), loads the file (and `--join`, and file options), analyses, hashes the file for
 * provenance, and renders the design's summary as text / Markdown with the full result as JSON. The global
 * `--out <file>` is checked for writability before anything is loaded and receives the `--format json` document
 * (written atomically); the output carries the result's diagnostics for `--fail-on`.
 *
 * @example
 * ```ts
 * import { DESIGN_REGISTRY } from "truelift";
 * const did = designCommand(await DESIGN_REGISTRY[0].load());
 * did.meta.name; // "did"
 * ```
 */
export function designCommand(design: RegisteredDesign): CommandDefinition {
  return {
    meta: { name: design.name, description: design.cli.description, examples: design.cli.examples },
    positionals: [{ name: "file", description: design.cli.dataFile ?? DATA_FILE, required: true }],
    options: { ...design.cli.options, printSpec: PRINT_SPEC_ARG },
    async run({ positionals, options, global, io }) {
      const spec = design.cli.toSpec(options, { seed: global.seed });
      if (options.printSpec === true) return specOutput(design.parse(spec));
      const threads =
        design.cli.threads === true && options.threads !== undefined
          ? parseInteger("--threads", options.threads, { min: 1, max: 64 })
          : 1;
      const file = positionals[0] as string;
      const outPath = global.out === undefined ? undefined : resolve(io.cwd, global.out);
      if (outPath !== undefined) assertWritable(outPath, "file");
      const frame = await loadMain(design, file, options, io.cwd);
      const frames = await loadExtraFrames(design, options, io.cwd);
      const progress = loopProgress(design.name, io);
      let analysis: Awaited<ReturnType<typeof design.analyze>>;
      try {
        analysis = await design.analyze(frame, spec, {
          frames,
          threads,
          ...(progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
      } finally {
        progress.done();
      }
      const sha256 = await hashFile(resolve(io.cwd, file));
      const out: CommandOutput = {
        data: { command: design.name, source: file, sha256, result: analysis.result },
        text: () => summaryText(analysis.summary),
        markdown: () => summaryMarkdown(analysis.summary),
        diagnostics: analysis.result.diagnostics,
      };
      if (outPath !== undefined) writeTextAtomic(outPath, renderOutput(out, "json"));
      return out;
    },
  };
}
