import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeSync,
} from "node:fs";
import { dirname, join, resolve } from "node:path";
import { holdCleanup } from "../core/cleanup.js";
import { TrueliftError } from "../core/errors.js";
import type { ChartRenderer } from "./chart-renderer.js";
import { type HtmlChart, renderHtml } from "./report-html.js";
import { renderJson } from "./report-json.js";
import { renderMarkdown } from "./report-markdown.js";
import { REPORT_FILES, type RenderedReport, type ReportAnalysis, type ReportMeta } from "./report-types.js";
import { reportView } from "./report-view.js";
import { renderSvg } from "./vega.js";

/** A chart's SVG, or the message of the error that stopped it (shown in its place). */
function settle(svg: Promise<string>): Promise<{ svg: string | null; error: string | null }> {
  return svg.then(
    (s) => ({ svg: s, error: null }),
    (e: unknown) => ({ svg: null, error: e instanceof Error ? e.message : String(e) }),
  );
}

/**
 * Options of {@link renderReport}.
 *
 * - `onChartWarning`: called with each Vega / Vega-Lite warning while rendering charts; __Default value:__ dropped.
 * - `renderer`: renders the charts (e.g. a {@link chartRenderer} on worker threads, which may already be rendering
 *   them); every chart is handed to it before the first is awaited. __Default value:__ `renderSvg` on this
 *   thread, one chart after another.
 *
 * @example
 * ```ts
 * import type { RenderReportOptions } from "truelift";
 * const o: RenderReportOptions = { onChartWarning: (w) => console.warn(w) };
 * ```
 */
export interface RenderReportOptions {
  readonly onChartWarning?: (message: string) => void;
  readonly renderer?: Pick<ChartRenderer, "render">;
}

function checkAnalyses(analyses: readonly ReportAnalysis[]): void {
  const seen = new Set<string>();
  analyses.forEach((a, i) => {
    if (typeof a.id !== "string" || a.id.trim() === "") {
      throw new TrueliftError("E_INVALID_SPEC", `analyses[${i}].id must be a non-empty string.`, {
        details: { path: `analyses[${i}].id` },
      });
    }
    if (seen.has(a.id)) {
      throw new TrueliftError("E_INVALID_SPEC", `analyses[${i}].id '${a.id}' is used by another analysis.`, {
        details: { path: `analyses[${i}].id`, id: a.id },
        hint: "Give every analysis of a report a unique id.",
      });
    }
    seen.add(a.id);
  });
}

/**
 * Renders a report three ways from the same tidy data: a self-contained HTML page (inline CSS, charts rendered
 * to inline SVG with `renderSvg`, no scripts, no network), Markdown, and JSON (with the full design results).
 * One section per analysis: the question, the estimate in words and numbers with its CI, the naive contrast and
 * the ground truth when known, each diagnostic as a pass/warn/fail badge with its sentence and evidence, the
 * charts, "what to do next" when a check warns or fails, and provenance. A chart Vega cannot render shows an
 * error note in its place instead of failing the whole report. Nothing is written: see {@link writeReport}.
 * Throws `E_INVALID_SPEC` when two analyses share an id.
 *
 * @example
 * ```ts
 * import { did, renderReport, reportAnalysis, writeReport } from "truelift";
 * const a = reportAnalysis("did", did(frame, spec), { id: "waves", question: "Did the rollout raise completion?" });
 * const rendered = await renderReport([a], { title: "Rollout review", generatedAt: new Date().toISOString(), version: "0.1.0" });
 * await writeReport("truelift-report", rendered);
 * ```
 */
export async function renderReport(
  analyses: readonly ReportAnalysis[],
  meta: ReportMeta,
  options: RenderReportOptions = {},
): Promise<RenderedReport> {
  checkAnalyses(analyses);
  const views = analyses.map(reportView);
  const chartOptions = options.onChartWarning ? { onWarning: options.onChartWarning } : {};
  const renderer = options.renderer;
  // With a renderer, every chart is handed over first (a threaded renderer works on them all at once).
  const svgs = renderer
    ? analyses.map((a) => a.charts.map((c) => settle(renderer.render(c.spec, chartOptions))))
    : null;
  const charts: HtmlChart[][] = [];
  for (const [i, a] of analyses.entries()) {
    const rendered: HtmlChart[] = [];
    for (const [j, c] of a.charts.entries()) {
      const r = svgs ? await svgs[i][j] : await settle(renderSvg(c.spec, chartOptions));
      rendered.push({ title: c.title, ...r });
    }
    charts.push(rendered);
  }
  return {
    html: renderHtml(views, charts, meta),
    markdown: renderMarkdown(views, meta),
    json: renderJson(views, meta),
  };
}

/**
 * Options of {@link writeReport}: which renderings to write; __Default value:__ `["html", "markdown", "json"]`.
 *
 * @example
 * ```ts
 * import type { WriteReportOptions } from "truelift";
 * const o: WriteReportOptions = { formats: ["html"] };
 * ```
 */
export interface WriteReportOptions {
  readonly formats?: readonly (keyof RenderedReport)[];
}

function writeFailed(path: string, e: unknown): TrueliftError {
  if (e instanceof TrueliftError) return e;
  return new TrueliftError("E_WRITE_FAILED", `Can't write '${path}': ${(e as Error).message}`, {
    details: { path, code: (e as NodeJS.ErrnoException).code ?? null },
    cause: e,
  });
}

function writeTemp(path: string, text: string): void {
  const fd = openSync(path, "wx", 0o644);
  try {
    const bytes = new TextEncoder().encode(text);
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes a rendered report to `dir` (created if missing) as `index.html`, `report.md` and `results.json`
 * ({@link REPORT_FILES}). Atomic per file and all-or-nothing up to the final renames: every file is first
 * written and fsynced to a hidden temporary sibling, and only when all three are complete are they renamed over
 * the destinations; on any failure before that the temporary files are deleted and the old report (if any) is
 * left untouched. Throws `E_WRITE_FAILED` (e.g. a destination is a directory, or the directory is not writable).
 * `options.formats` picks which of the three files to write (__Default value:__ all three).
 *
 * @example
 * ```ts
 * import { renderReport, writeReport } from "truelift";
 * await writeReport("truelift-report", await renderReport(analyses, meta));
 * ```
 */
export async function writeReport(
  dir: string,
  rendered: RenderedReport,
  options: WriteReportOptions = {},
): Promise<void> {
  const formats = options.formats ?? ["html", "markdown", "json"];
  const root = resolve(dir);
  const files = formats.map((f) => ({ path: join(root, REPORT_FILES[f]), text: rendered[f] }));
  for (const f of files) {
    let isDir = false;
    try {
      isDir = lstatSync(f.path).isDirectory();
    } catch {
      // does not exist yet
    }
    if (isDir) {
      throw new TrueliftError("E_WRITE_FAILED", `Can't write '${f.path}': it is a directory.`, {
        details: { path: f.path },
        hint: "Choose another output directory, or remove the directory in the way.",
      });
    }
  }
  const tag = `${process.pid}-${randomBytes(4).toString("hex")}`;
  const temps = files.map((f) => ({
    ...f,
    temp: join(root, `.${f.path.slice(root.length + 1)}.${tag}.tmp`),
  }));
  let created: string | undefined;
  try {
    created = mkdirSync(root, { recursive: true });
  } catch (e) {
    throw writeFailed(root, e);
  }
  // Until every file is renamed into place, an interrupt or a failure removes the temporary files and the
  // folders this call created (if still empty): never a half-written report, never an empty folder.
  const undo = () => {
    for (const t of temps) rmSync(t.temp, { force: true });
    removeEmptyDirs(root, created);
  };
  const release = holdCleanup(undo);
  try {
    for (const t of temps) writeTemp(t.temp, t.text);
    for (const t of temps) renameSync(t.temp, t.path);
  } catch (e) {
    undo();
    throw writeFailed(root, e);
  } finally {
    release();
  }
}

/** Removes `dir` and its parents up to `top` (the first folder `mkdirSync` created), stopping at a non-empty one. */
function removeEmptyDirs(dir: string, top: string | undefined): void {
  if (top === undefined) return;
  for (let d = dir; ; d = dirname(d)) {
    try {
      rmdirSync(d);
    } catch {
      return;
    }
    if (d === top || dirname(d) === d) return;
  }
}
