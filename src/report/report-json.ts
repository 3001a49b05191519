import type { ReportMeta } from "./report-types.js";
import type { ReportView } from "./report-view.js";

/** Any typed array (an `ArrayBufferView` that is not a `DataView`). */
type TypedArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** JSON.stringify replacer: typed arrays become plain arrays (results may hold Float64Array scores). */
function plain(_key: string, value: unknown): unknown {
  return isTypedArray(value) ? Array.from<number | bigint>(value) : value;
}

/**
 * Renders results.json from the same section views as the HTML and Markdown: the report metadata, then per
 * analysis the headline numbers (exact values with the display text), the verdict, checks, next steps, chart
 * specs, provenance and the full design result. Non-finite numbers serialise as null; typed arrays as arrays.
 *
 * @example
 * ```ts
 * import { renderJson, reportView } from "truelift";
 * JSON.parse(renderJson([reportView(analysis)], meta)).analyses[0].numbers;
 * ```
 */
export function renderJson(views: readonly ReportView[], meta: ReportMeta): string {
  const doc = {
    format: "truelift-report",
    formatVersion: 1,
    meta,
    analyses: views.map((v) => {
      const a = v.analysis;
      return {
        id: a.id,
        title: a.title,
        design: a.design,
        question: a.question,
        sentence: v.sentence,
        estimate: a.estimate,
        naive: a.naive,
        truth: a.truth ?? null,
        ciCoversTruth: v.ciCoversTruth,
        numbers: v.numbers,
        verdict: v.verdict,
        counts: v.counts,
        diagnostics: a.diagnostics,
        nextSteps: v.nextSteps,
        lines: a.lines,
        charts: a.charts,
        provenance: a.provenance,
        alpha: a.alpha,
        result: a.result,
      };
    }),
  };
  return `${JSON.stringify(doc, plain, 2)}\n`;
}
