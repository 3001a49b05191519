import type { Loader, LoggerInterface, Spec as VegaSpec } from "vega";
import type { TopLevelSpec } from "vega-lite";
import { TrueliftError } from "../core/errors.js";
import type { ChartSpec } from "../designs/shared/charts/types.js";

/**
 * A Vega-Lite spec compiled to Vega, with every warning Vega-Lite logged while compiling (a spec truelift builds
 * compiles with none; the tests assert it).
 *
 * @example
 * ```ts
 * import { compileChart } from "truelift";
 * const { vega, warnings } = await compileChart(spec);
 * warnings.length; // 0
 * ```
 */
export interface CompiledChart {
  readonly vega: VegaSpec;
  readonly warnings: readonly string[];
}

/**
 * Options of {@link renderSvg}.
 *
 * - `onWarning`: called with each warning Vega-Lite (compiling) or Vega (running the dataflow) logs;
 *   __Default value:__ warnings are dropped.
 *
 * @example
 * ```ts
 * import type { RenderOptions } from "truelift";
 * const warnings: string[] = [];
 * const o: RenderOptions = { onWarning: (w) => warnings.push(w) };
 * ```
 */
export interface RenderOptions {
  readonly onWarning?: (message: string) => void;
}

type VegaModule = typeof import("vega");
type VegaLiteModule = typeof import("vega-lite");

// Loaded on first use, so importing truelift does not pay vega's start-up cost.
let vegaModule: Promise<VegaModule> | undefined;
let vegaLiteModule: Promise<VegaLiteModule> | undefined;
const loadVega = (): Promise<VegaModule> => {
  vegaModule ??= import("vega");
  return vegaModule;
};
const loadVegaLite = (): Promise<VegaLiteModule> => {
  vegaLiteModule ??= import("vega-lite");
  return vegaLiteModule;
};

// Advance widths of Helvetica (metrically identical to Arial), in 1/1000 em, for ASCII 32–126 (Adobe AFM files).
// Other characters count as 556, the width of a digit.
// biome-ignore format: one row per AFM block keeps the table checkable.
const HELVETICA_WIDTHS = [
  278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
  556, 556, 556, 556, 556, 556, 556, 556, 556, 556,
  278, 278, 584, 584, 584, 556, 1015,
  667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944,
  667, 667, 611,
  278, 278, 278, 469, 556, 333,
  556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722,
  500, 500, 500,
  334, 260, 334, 584,
];

/**
 * Text width in pixels from Helvetica metrics (bold ≈ 8 % wider) plus 10 % slack so wider fallback fonts
 * (DejaVu Sans on Linux) still fit, capped at the item's `limit`. Replaces Vega's headless estimate (0.8 em per
 * character, about 50 % too wide for Latin text, which left wide empty margins), and is the same on every
 * machine, canvas or not.
 */
function helveticaWidth(
  item: { fontSize?: number; fontWeight?: string | number; limit?: number },
  line: unknown,
) {
  const text = line == null ? "" : String(line).trim();
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  let units = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    units += code >= 32 && code <= 126 ? HELVETICA_WIDTHS[code - 32] : 556;
  }
  const w = item.fontWeight;
  const bold = w === "bold" || w === "bolder" || (typeof w === "number" && w >= 600) || Number(w) >= 600;
  const width = (units / 1000) * size * (bold ? 1.08 : 1) * 1.1;
  return item.limit !== undefined && item.limit > 0 ? Math.min(width, item.limit) : width;
}

/** Installs {@link helveticaWidth} as Vega's text measurer, unless a caller has installed their own. */
function useHelveticaMetrics(vega: VegaModule): void {
  const metrics = (vega as unknown as { textMetrics: Record<string, unknown> }).textMetrics;
  if (metrics.width === metrics.estimateWidth || metrics.width === metrics.measureWidth) {
    metrics.width = helveticaWidth;
  }
}

function text(args: readonly unknown[]): string {
  return args.map((a) => (a instanceof Error ? a.message : String(a))).join(" ");
}

/** A Vega / Vega-Lite logger that records warnings and errors instead of printing them. */
function collectingLogger(warnings: string[], errors: string[]): LoggerInterface {
  let level = 2; // vega's Warn
  const logger = {
    level(l?: number): number | LoggerInterface {
      if (l === undefined) return level;
      level = l;
      return logger;
    },
    error(...args: unknown[]) {
      errors.push(text(args));
      return logger;
    },
    warn(...args: unknown[]) {
      warnings.push(text(args));
      return logger;
    },
    info() {
      return logger;
    },
    debug() {
      return logger;
    },
  };
  return logger;
}

/**
 * A loader that refuses every URL (and records it in `refused`): charts embed their data, and rendering never
 * touches the network or the disk. Vega only warns when a load fails, so the caller checks `refused`.
 */
function offlineLoader(refused: string[]): Loader {
  const refuse = async (uri: string): Promise<never> => {
    refused.push(String(uri));
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Chart specs must embed their data as data.values; refusing to load '${String(uri)}'.`,
      { details: { uri: String(uri) } },
    );
  };
  return { load: refuse, sanitize: refuse, http: refuse, file: refuse };
}

function clonePlain<T>(spec: T, what: string): T {
  if (spec === null || typeof spec !== "object" || Array.isArray(spec)) {
    throw new TrueliftError("E_INVALID_SPEC", `${what}: the chart spec must be a Vega-Lite object.`);
  }
  try {
    return structuredClone(spec);
  } catch (cause) {
    throw new TrueliftError("E_INVALID_SPEC", `${what}: the chart spec must be plain JSON data.`, { cause });
  }
}

/**
 * Compiles a Vega-Lite spec (e.g. from `lineChart`, `eventStudyChart`) to a Vega spec, collecting every warning
 * Vega-Lite logs through a logger instead of printing it. The input is deep-copied first, so a frozen spec works
 * and is never modified. Vega-Lite is imported on first call. A spec Vega-Lite rejects throws `E_INVALID_SPEC`
 * with the Vega-Lite message.
 *
 * @example
 * ```ts
 * import { compileChart, scatterChart } from "truelift";
 * const spec = scatterChart([{ x: 1, y: 2, category: "a" }], { xTitle: "Weight (share)", yTitle: "Estimate (USD)" });
 * const { vega, warnings } = await compileChart(spec);
 * ```
 */
export async function compileChart(spec: ChartSpec | TopLevelSpec): Promise<CompiledChart> {
  const input = clonePlain(spec, "compileChart") as TopLevelSpec;
  const vl = await loadVegaLite();
  const warnings: string[] = [];
  const errors: string[] = [];
  let compiled: VegaSpec;
  try {
    compiled = vl.compile(input, { logger: collectingLogger(warnings, errors) }).spec;
  } catch (cause) {
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Vega-Lite could not compile the chart: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  if (errors.length > 0) {
    throw new TrueliftError("E_INVALID_SPEC", `Vega-Lite could not compile the chart: ${errors.join("; ")}`, {
      details: { errors },
    });
  }
  return { vega: compiled, warnings };
}

/**
 * Renders a Vega-Lite spec to a standalone SVG string, headless: Vega's `View` with renderer `"none"` and
 * `toSVG()`, no DOM, no canvas package, and a loader that refuses every URL, so nothing is fetched. Text is
 * measured with built-in Helvetica/Arial metrics (installed once as Vega's `textMetrics.width`, unless another
 * measurer was installed), so layout is tight and the output identical on every machine. Text and attributes are
 * XML-escaped by Vega's SVG writer, so user strings (group names, titles) cannot inject markup. Deterministic:
 * the same spec gives the same string. Vega is imported on first call.
 *
 * Throws `E_INVALID_SPEC` when Vega-Lite rejects the spec, the spec asks to load a URL (data or image), or Vega
 * reports an error while running it.
 *
 * @example
 * ```ts
 * import { renderSvg, lineChart } from "truelift";
 * const svg = await renderSvg(lineChart(rows, { xTitle: "Week (index)", yTitle: "Orders per store" }));
 * svg.startsWith("<svg"); // true
 * ```
 */
export async function renderSvg(
  spec: ChartSpec | TopLevelSpec,
  options: RenderOptions = {},
): Promise<string> {
  const { vega: compiled, warnings } = await compileChart(spec);
  const onWarning = options.onWarning;
  if (onWarning !== undefined) for (const w of warnings) onWarning(w);
  const vega = await loadVega();
  useHelveticaMetrics(vega);
  const runtimeWarnings: string[] = [];
  const errors: string[] = [];
  const refused: string[] = [];
  let view: InstanceType<VegaModule["View"]> | undefined;
  try {
    view = new vega.View(vega.parse(compiled), {
      renderer: "none",
      loader: offlineLoader(refused),
      logger: collectingLogger(runtimeWarnings, errors),
    });
    const svg = await view.toSVG();
    if (refused.length > 0) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `Chart specs must embed their data as data.values; refused to load ${refused.map((u) => `'${u}'`).join(", ")}.`,
        { details: { urls: refused } },
      );
    }
    if (errors.length > 0) throw new Error(errors.join("; "));
    if (onWarning !== undefined) for (const w of runtimeWarnings) onWarning(w);
    return svg;
  } catch (cause) {
    if (cause instanceof TrueliftError) throw cause;
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Vega could not render the chart: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  } finally {
    view?.finalize();
  }
}
