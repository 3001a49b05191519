import type { Severity } from "../core/diagnostics.js";
import { escapeHtml as esc, slugId } from "./escape.js";
import type { ReportMeta } from "./report-types.js";
import { estimateWithCi, evidenceItems, type ReportView } from "./report-view.js";

// Okabe–Ito colours: pass = bluish green, warn = orange, fail = vermillion, info = blue. Badges also carry the
// word, so colour is never the only signal.
const CSS = `
:root{--pass:#009E73;--warn:#E69F00;--fail:#D55E00;--info:#0072B2;--ink:#1b1b1b;--muted:#5a5a5a;--rule:#ddd}
*{box-sizing:border-box}
body{font-family:Helvetica,Arial,"DejaVu Sans",sans-serif;color:var(--ink);max-width:980px;margin:0 auto;padding:24px;line-height:1.45}
h1{font-size:1.7em;margin:0 0 .2em}h2{font-size:1.35em;margin:0 0 .3em}h3{font-size:1.05em;margin:1.2em 0 .4em}
.meta,.muted{color:var(--muted);font-size:.9em}
section.analysis{border-top:3px solid var(--rule);padding-top:18px;margin-top:28px}
.question{font-size:1.1em;font-style:italic}
.sentence{font-size:1.05em}
table{border-collapse:collapse;margin:.4em 0}th,td{border-bottom:1px solid var(--rule);padding:4px 10px;text-align:left;vertical-align:top}
td.num{font-variant-numeric:tabular-nums;white-space:nowrap}
.badge{display:inline-block;min-width:3.6em;text-align:center;font-weight:bold;font-size:.75em;letter-spacing:.05em;border-radius:3px;padding:2px 6px;color:#fff;margin-right:6px}
.badge-pass{background:var(--pass)}.badge-warn{background:var(--warn);color:#1b1b1b}.badge-fail{background:var(--fail)}.badge-info{background:var(--info)}
ul.diagnostics{list-style:none;padding-left:0}ul.diagnostics li{margin:.5em 0}
.evidence{color:var(--muted);font-size:.85em;margin-left:4.6em}
code{font-size:.85em;background:#f4f4f4;padding:0 3px}
.next-steps{border-left:4px solid var(--fail);background:#fdf3ec;padding:8px 14px}
figure.chart{margin:1em 0}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
td.value{white-space:pre-wrap;font-variant-numeric:tabular-nums}
figure.chart svg{max-width:100%;height:auto}
.chart-error{color:var(--fail)}
pre{background:#f6f6f6;padding:8px;overflow:auto;font-size:.8em}
`.trim();

const BADGE_TEXT: Readonly<Record<Severity, string>> = {
  pass: "PASS",
  warn: "WARN",
  fail: "FAIL",
  info: "INFO",
};

/**
 * A rendered chart: its title and either the SVG markup or the reason it could not be rendered.
 *
 * @example
 * ```ts
 * import type { HtmlChart } from "truelift";
 * const c: HtmlChart = { title: "Event study", svg: await renderSvg(spec), error: null };
 * ```
 */
export interface HtmlChart {
  readonly title: string;
  readonly svg: string | null;
  readonly error: string | null;
}

function badge(s: Severity): string {
  return `<span class="badge badge-${s}">${BADGE_TEXT[s]}</span>`;
}

function overview(views: readonly ReportView[]): string {
  const rows = views.map((v) => {
    const a = v.analysis;
    const naive = v.numbers.find((n) => n.key === "naive");
    const truth = v.numbers.find((n) => n.key === "truth");
    return `<tr><td><a href="#${slugId(a.id)}">${esc(a.title)}</a></td><td>${esc(a.design)}</td><td class="num">${naive ? esc(naive.text) : "—"}</td><td class="num">${esc(estimateWithCi(v))}</td><td class="num">${truth ? esc(truth.text) : "—"}</td><td>${badge(v.verdict)}</td></tr>`;
  });
  return [
    '<table class="overview">',
    "<thead><tr><th>Analysis</th><th>Design</th><th>Naive</th><th>truelift (CI)</th><th>Truth</th><th>Checks</th></tr></thead>",
    `<tbody>${rows.join("")}</tbody>`,
    "</table>",
  ].join("\n");
}

function section(v: ReportView, charts: readonly HtmlChart[]): string {
  const a = v.analysis;
  const out: string[] = [];
  out.push(
    `<section class="analysis" id="${slugId(a.id)}" data-design="${esc(a.design)}" data-verdict="${v.verdict}">`,
  );
  out.push(`<h2>${esc(a.title)}</h2>`);
  out.push(`<p class="question">${esc(a.question)}</p>`);
  out.push(`<p class="sentence">${esc(v.sentence)}</p>`);
  out.push('<table class="numbers"><tbody>');
  for (const n of v.numbers) {
    out.push(`<tr data-key="${n.key}"><th>${esc(n.label)}</th><td class="num">${esc(n.text)}</td></tr>`);
  }
  out.push("</tbody></table>");

  out.push(
    `<h3>Checks <span class="muted">(${v.counts.pass} pass, ${v.counts.warn} warn, ${v.counts.fail} fail)</span></h3>`,
  );
  out.push('<ul class="diagnostics">');
  for (const d of a.diagnostics) {
    const ev = evidenceItems(d.evidence);
    out.push(
      `<li class="diagnostic" data-severity="${d.severity}" data-code="${esc(d.code)}">${badge(d.severity)}${esc(d.message)} <code>${esc(d.code)}</code>` +
        (ev.length > 0 ? `<div class="evidence">${ev.map(esc).join("; ")}</div>` : "") +
        "</li>",
    );
  }
  if (a.diagnostics.length === 0) out.push('<li class="muted">No checks reported.</li>');
  out.push("</ul>");

  if (v.nextSteps.length > 0) {
    out.push('<div class="next-steps"><h3>What to do next</h3><ul>');
    for (const s of v.nextSteps) out.push(`<li>${esc(s)}</li>`);
    out.push("</ul></div>");
  }

  if (charts.length > 0) {
    out.push("<h3>Charts</h3>");
    for (const c of charts) {
      out.push(`<figure class="chart"><figcaption class="sr-only">${esc(c.title)}</figcaption>`);
      out.push(
        c.svg !== null
          ? c.svg
          : `<p class="chart-error">This chart could not be rendered: ${esc(c.error ?? "")}</p>`,
      );
      out.push("</figure>");
    }
  }

  if (a.lines.length > 0) {
    out.push('<h3>Details</h3><table class="lines"><tbody>');
    for (const l of a.lines)
      out.push(`<tr><th>${esc(l.label)}</th><td class="value">${esc(l.value)}</td></tr>`);
    out.push("</tbody></table>");
  }

  const p = a.provenance;
  out.push('<h3>Provenance</h3><table class="provenance"><tbody>');
  out.push(`<tr><th>Data SHA-256</th><td><code>${esc(p.inputHash ?? "n/a")}</code></td></tr>`);
  out.push(
    `<tr><th>Seed</th><td>${p.seed === null ? "none (nothing random)" : esc(String(p.seed))}</td></tr>`,
  );
  out.push(`<tr><th>truelift version</th><td>${esc(p.version)}</td></tr>`);
  out.push(`<tr><th>Engine</th><td>${esc(p.engine)}</td></tr>`);
  out.push("</tbody></table>");
  out.push(
    `<details><summary>Spec</summary><pre class="spec">${esc(JSON.stringify(p.spec, null, 2))}</pre></details>`,
  );
  out.push("</section>");
  return out.join("\n");
}

/**
 * Renders the self-contained HTML report page from the section views and their already-rendered charts (one
 * list per view, same order): inline CSS, inline SVG, no scripts, and a Content-Security-Policy that forbids
 * scripts and network loads. Every user-provided string is HTML-escaped; the SVG comes from Vega's SVG writer,
 * which escapes its text itself.
 *
 * @example
 * ```ts
 * import { renderHtml, reportView } from "truelift";
 * const html = renderHtml([reportView(analysis)], [[{ title: "Trend", svg, error: null }]], meta);
 * ```
 */
export function renderHtml(
  views: readonly ReportView[],
  charts: readonly (readonly HtmlChart[])[],
  meta: ReportMeta,
): string {
  const head = [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${esc(meta.title)}</title>`,
    `<style>${CSS}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${esc(meta.title)}</h1>`,
    `<p class="meta">Generated ${esc(meta.generatedAt)} by truelift ${esc(meta.version)}${meta.source ? ` from ${esc(meta.source)}` : ""}.</p>`,
    ...(meta.intro ? [`<p class="intro">${esc(meta.intro)}</p>`] : []),
    overview(views),
    "</header>",
    "<main>",
  ];
  const body = views.map((v, i) => section(v, charts[i] ?? []));
  return [...head, ...body, "</main>", "</body>", "</html>", ""].join("\n");
}
