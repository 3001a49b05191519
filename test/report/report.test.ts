import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diagnostic } from "../../src/core/diagnostics.js";
import { TrueliftError } from "../../src/core/errors.js";
import { Frame } from "../../src/core/frame.js";
import { didDesign } from "../../src/designs/did/design.js";
import { did } from "../../src/designs/did/did.js";
import { escapeHtml, escapeMarkdown } from "../../src/report/escape.js";
import { NEXT_STEP_RULES, nextSteps } from "../../src/report/next-steps.js";
import { renderReport, writeReport } from "../../src/report/report.js";
import { reportAnalysis } from "../../src/report/report-analysis.js";
import type { ReportAnalysis, ReportMeta } from "../../src/report/report-types.js";
import { reportView, worstSeverity } from "../../src/report/report-view.js";
import { errorCode } from "../helpers/error-code.js";
import { readFixture } from "../helpers/fixture.js";

const XSS = "<img src=x onerror=alert(1)>";
const META: ReportMeta = {
  title: `Review of ${XSS}`,
  generatedAt: "2026-11-23T19:00:00.000Z",
  version: "0.1.0",
  source: `spec ${XSS}.yaml`,
};

/** A small two-group panel whose outcome column is named like an XSS payload (seeded LCG, no Math.random). */
function xssFrame(): Frame {
  let s = 12345;
  const u = () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
  const y: number[] = [];
  const week: number[] = [];
  const start: number[] = [];
  const unit: number[] = [];
  for (let i = 0; i < 40; i++) {
    const treated = i < 20;
    for (let t = 0; t < 8; t++) {
      unit.push(i);
      week.push(t);
      start.push(treated ? 4 : 0);
      y.push(1 + 0.1 * t + (treated ? 0.3 : 0) + (treated && t >= 4 ? 0.5 : 0) + (u() - 0.5));
    }
  }
  return Frame.fromObject({ [XSS]: y, week, start, unit });
}

const xssResult = did(xssFrame(), {
  outcome: XSS,
  time: "week",
  treatment: { startColumn: "start" },
  unit: "unit",
});
const xssAnalysis = reportAnalysis(didDesign, xssResult, {
  id: "xss",
  title: `DiD on ${XSS}`,
  question: `Did it move ${XSS}?`,
  truth: 0.5,
});

const tutorial = did(readFixture("saas_llm_logs_seed42.csv.gz"), {
  outcome: "task_completed",
  time: "signup_week",
  treatment: { startColumn: "treatment_week" },
  cluster: "workspace_id",
  covariates: ["engagement_tier"],
});
const tutorialAnalysis = reportAnalysis(didDesign, tutorial, {
  id: "waves",
  title: "Staged rollout (two waves)",
  question: "Did the staged rollout raise task completion?",
  truth: 0.05,
  inputHash: "4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6",
});

const failing: ReportAnalysis = {
  ...tutorialAnalysis,
  id: "failing",
  title: "Same rollout, with a failed pre-trend check",
  diagnostics: [
    diagnostic(
      "D_DID_PARALLEL_TRENDS",
      "fail",
      { slope: 0.01, p: 0.001 },
      "The groups drifted apart before launch.",
    ),
    diagnostic("D_FEW_CLUSTERS", "warn", { clusters: 12 }, "Only 12 clusters."),
    diagnostic("D_DID_WINDOW", "info", { from: 0 }, "Window note."),
  ],
};

const rendered = await renderReport([tutorialAnalysis, xssAnalysis, failing], META);

describe("renderReport: HTML structure", () => {
  const html = rendered.html;
  it("is one self-contained page: inline CSS, no scripts, no external resources", () => {
    expect(html.startsWith("<!doctype html>")).toBe(true);
    expect(html).toContain("<style>");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/\b(src|href)="(https?:)?\/\//i);
    expect(html).toContain("Content-Security-Policy");
  });

  it("has one section per analysis with the question, estimate, naive contrast and truth", () => {
    const sections = html.match(/<section class="analysis"/g) ?? [];
    expect(sections).toHaveLength(3);
    expect(html).toContain('id="a-waves"');
    expect(html).toContain("Did the staged rollout raise task completion?");
    // regression DiD +0.0541, CI [+0.0323, +0.0760] (../shared/fixtures/README.md)
    expect(html).toContain("truelift estimates an effect of +0.0541 (95% CI +0.0323 to +0.0760)");
    expect(html).toMatch(/<tr data-key="naive"><th>Naive: Treated group before vs after launch<\/th>/);
    expect(html).toMatch(/<tr data-key="truth"><th>Ground truth<\/th><td class="num">\+0\.0500<\/td>/);
    expect(html).toContain("the interval covers it");
  });

  it("shows every diagnostic as a badge with its sentence and evidence", () => {
    const items = html.match(/<li class="diagnostic" data-severity="(pass|warn|fail|info)"/g) ?? [];
    const expected = tutorial.diagnostics.length + xssResult.diagnostics.length + failing.diagnostics.length;
    expect(items).toHaveLength(expected);
    expect(html).toMatch(/data-code="D_DID_PARALLEL_TRENDS"><span class="badge badge-fail">FAIL<\/span>/);
    expect(html).toMatch(/<span class="badge badge-warn">WARN<\/span>Only 12 clusters\./);
    expect(html).toContain('<div class="evidence">slope = 0.01; p = 0.001</div>');
  });

  it("says what to do next only where a check warns or fails", () => {
    const blocks = html.split('<section class="analysis"');
    const failingSection = blocks.find((b) => b.includes('id="a-failing"')) ?? "";
    expect(failingSection).toContain("What to do next");
    expect(failingSection).toContain("synthetic control");
    expect(failingSection).toContain("wild cluster bootstrap");
    const tutorialSection = blocks.find((b) => b.includes('id="a-waves"')) ?? "";
    const expectAdvice = nextSteps(tutorial.diagnostics).length > 0;
    expect(tutorialSection.includes("What to do next")).toBe(expectAdvice);
  });

  it("inlines every chart as an SVG with marks and a caption", () => {
    const figures = html.match(/<figure class="chart">[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.length).toBe(tutorialAnalysis.charts.length * 2 + xssAnalysis.charts.length);
    for (const f of figures) {
      expect(f).toMatch(/<figcaption class="sr-only">[^<]+<\/figcaption>/);
      expect(f).toContain("<svg");
      expect(f).toMatch(/<path|<line|<circle|<rect/);
      expect(f).not.toContain("chart-error");
    }
  });

  it("records provenance: data hash, seed, version, spec", () => {
    expect(html).toContain("4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6");
    expect(html).toContain("<th>truelift version</th><td>0.1.0</td>");
    expect(html).toContain('<pre class="spec">{\n  &quot;outcome&quot;: &quot;task_completed&quot;');
    expect(html).toContain("none (nothing random)");
  });
});

describe("renderReport: escaping of user-provided strings", () => {
  it("the XSS column name only ever appears escaped in the HTML", () => {
    expect(rendered.html).not.toContain("<img");
    // No tag has an onerror attribute: drop quoted attribute values (escaped text, e.g. SVG aria-labels),
    // then look inside every remaining tag.
    const tags = rendered.html.replace(/"[^"]*"/g, '""').match(/<[^>]+>/g) ?? [];
    expect(tags.length).toBeGreaterThan(100);
    expect(tags.filter((t) => /onerror/i.test(t))).toEqual([]);
    expect(rendered.html).not.toMatch(/onerror=alert\(1\)>/);
    expect(rendered.html).toContain(escapeHtml(XSS));
    // inside the SVG (axis title) Vega escaped it too
    const svgs = rendered.html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs.some((s) => s.includes("&lt;img src=x onerror=alert(1)&gt;"))).toBe(true);
  });

  it("Markdown neutralises raw HTML; JSON keeps the string as data", () => {
    expect(rendered.markdown).not.toContain("<img");
    expect(rendered.markdown).toContain("&lt;img src=x onerror=alert(1)&gt;");
    const doc = JSON.parse(rendered.json);
    expect(doc.analyses[1].question).toBe(`Did it move ${XSS}?`);
  });

  it("escapers cover the special characters", () => {
    expect(escapeHtml(`a&b<c>"d"'e'`)).toBe("a&amp;b&lt;c&gt;&quot;d&quot;&#39;e&#39;");
    expect(escapeMarkdown("a|b *c* <d>\nnext")).toBe("a\\|b \\*c\\* &lt;d&gt; next");
  });
});

describe("renderReport: Markdown and JSON carry the same numbers", () => {
  const doc = JSON.parse(rendered.json);
  it("JSON holds exact numbers, the display text, the verdict and the full result", () => {
    expect(doc.format).toBe("truelift-report");
    expect(doc.analyses.map((a: { id: string }) => a.id)).toEqual(["waves", "xss", "failing"]);
    const a = doc.analyses[0];
    expect(a.estimate.estimate).toBe(tutorial.estimate.estimate);
    expect(a.result.estimate.se).toBe(tutorial.estimate.se);
    expect(a.verdict).toBe(worstSeverity(tutorial.diagnostics));
    expect(doc.analyses[2].verdict).toBe("fail");
    expect(doc.analyses[2].nextSteps.length).toBe(2);
    expect(a.charts.length).toBe(tutorialAnalysis.charts.length);
  });

  it("every number in the Markdown tables equals the JSON value at the printed precision", () => {
    for (const a of doc.analyses) {
      const section = rendered.markdown.split(/^## /m).find((s) => s.startsWith(escapeMarkdown(a.title)));
      expect(section).toBeDefined();
      for (const n of a.numbers as { label: string; value: number | null; text: string }[]) {
        const row = section?.split("\n").find((l) => l.startsWith(`| ${escapeMarkdown(n.label)} |`));
        expect(row, n.label).toBeDefined();
        const shown = (row as string).split("|")[2].trim();
        expect(shown).toBe(n.text);
        if (n.value === null || shown.startsWith("<")) continue;
        const parsed = Number(shown.replace("−", "-").replace("+", ""));
        const decimals = shown.split(".")[1]?.length ?? 0;
        expect(Math.abs(parsed - n.value)).toBeLessThanOrEqual(0.5 * 10 ** -decimals + 1e-12);
      }
    }
  });

  it("the overview tables list the same estimates in HTML and Markdown", () => {
    for (const a of [tutorialAnalysis, xssAnalysis]) {
      const v = reportView(a);
      const e = v.numbers[0].text;
      expect(rendered.markdown).toContain(e);
      expect(rendered.html).toContain(e);
    }
  });
});

describe("the estimate in words follows the headline's own inference", () => {
  const withTerm = (ci: [number, number], pValue: number | null): ReportAnalysis => ({
    ...tutorialAnalysis,
    estimate: { ...tutorialAnalysis.estimate, estimate: 0.07, ci, pValue },
  });
  it("claims an effect only when the interval excludes zero and p is below alpha (or absent)", () => {
    expect(reportView(withTerm([0.04, 0.11], 0.01)).sentence).toContain("the data show a positive effect.");
    expect(reportView(withTerm([0.04, 0.11], null)).sentence).toContain("the data show a positive effect.");
    const synthLike = reportView(withTerm([0.04, 0.11], 0.115)).sentence;
    expect(synthLike).not.toContain("the data show");
    expect(synthLike).toContain(
      "The interval excludes zero, but the design's p-value is 0.115 (not below 0.05): the data do not show a clear effect.",
    );
    expect(reportView(withTerm([-0.01, 0.11], 0.2)).sentence).toContain("consistent with no effect");
  });
});

describe("next steps registry", () => {
  it("maps failing and warning checks to advice, in registry order, without duplicates", () => {
    const d = [
      diagnostic("D_PS_OVERLAP", "fail", {}, "x"),
      diagnostic("D_RDD_DENSITY_TEST", "fail", {}, "x"),
      diagnostic("D_FEW_CLUSTERS", "warn", {}, "x"),
      diagnostic("D_FEW_CLUSTERS", "fail", {}, "x"),
    ];
    const steps = nextSteps(d);
    expect(steps).toHaveLength(3);
    expect(steps[0]).toMatch(/wild cluster bootstrap/);
    expect(steps[1]).toMatch(/trim/);
    expect(steps[2]).toMatch(/manipulated/);
    expect(nextSteps([diagnostic("D_PS_OVERLAP", "pass", {}, "ok")])).toEqual([]);
    expect(NEXT_STEP_RULES.every((r) => r.code.startsWith("D_"))).toBe(true);
  });

  it("an analysis's own nextSteps override the derived ones", () => {
    expect(reportView({ ...failing, nextSteps: ["Call the data team."] }).nextSteps).toEqual([
      "Call the data team.",
    ]);
  });

  it("rejects duplicate analysis ids", async () => {
    await expect(renderReport([xssAnalysis, xssAnalysis], META)).rejects.toMatchObject({
      code: "E_INVALID_SPEC",
    });
  });
});

describe("writeReport", () => {
  it("writes index.html, report.md and results.json, leaving no temporary files", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "truelift-report-")), "nested", "out");
    await writeReport(dir, rendered);
    expect(readdirSync(dir).sort()).toEqual(["index.html", "report.md", "results.json"]);
    expect(readFileSync(join(dir, "index.html"), "utf8")).toBe(rendered.html);
    expect(readFileSync(join(dir, "results.json"), "utf8")).toBe(rendered.json);
  });

  it("writes only the requested formats", async () => {
    const dir = mkdtempSync(join(tmpdir(), "truelift-report-"));
    await writeReport(dir, rendered, { formats: ["json"] });
    expect(readdirSync(dir)).toEqual(["results.json"]);
  });

  it("on failure leaves no partial report: old files untouched, no new or temporary files", async () => {
    const dir = mkdtempSync(join(tmpdir(), "truelift-report-"));
    writeFileSync(join(dir, "index.html"), "old");
    mkdirSync(join(dir, "results.json")); // a directory in the way of the last file
    const err = await writeReport(dir, rendered).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TrueliftError);
    expect((err as TrueliftError).code).toBe("E_WRITE_FAILED");
    expect(readFileSync(join(dir, "index.html"), "utf8")).toBe("old");
    expect(existsSync(join(dir, "report.md"))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["index.html", "results.json"]);
  });

  it("fails with E_WRITE_FAILED when the output path is a file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "truelift-report-"));
    writeFileSync(join(dir, "taken"), "x");
    const code = await writeReport(join(dir, "taken"), rendered).then(
      () => undefined,
      (e: unknown) => (e as TrueliftError).code,
    );
    expect(code).toBe("E_WRITE_FAILED");
    expect(errorCode(() => undefined)).toBeUndefined();
  });
});
