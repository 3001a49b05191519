import { existsSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Frame } from "../../src/core/frame.js";
import { cluster } from "../../src/designs/cluster/cluster.js";
import { clusterDesign } from "../../src/designs/cluster/design.js";
import { renderReport, writeReport } from "../../src/report/report.js";
import { reportAnalysis } from "../../src/report/report-analysis.js";
import { runCli } from "../cli/run-cli.js";

/**
 * Headless Chromium (Debian's `chromium`, never a downloaded browser) opens the demo report: no console errors,
 * every chart has drawn marks, a screenshot for the README; and a report built from hostile strings executes
 * nothing. `.ci/run` installs chromium; set TRUELIFT_SKIP_BROWSER=1 to skip on a machine without it.
 */
const CHROMIUM = process.env.TRUELIFT_CHROMIUM ?? "/usr/bin/chromium";
const SKIP = process.env.TRUELIFT_SKIP_BROWSER === "1";
const here = dirname(fileURLToPath(import.meta.url));
// README screenshots are refreshed only on request (TRUELIFT_SCREENSHOTS=1), so a test run leaves the tree clean.
const SCREENSHOTS = process.env.TRUELIFT_SCREENSHOTS
  ? join(here, "..", "..", "docs", "screenshots")
  : mkdtempSync(join(tmpdir(), "truelift-screenshots-"));
const PAYLOAD = "<img src=x onerror=alert(1)>";

interface Watched {
  readonly page: Page;
  readonly errors: string[];
  readonly dialogs: string[];
  readonly requests: string[];
}

let browser: Browser | null = null;

async function open(url: string): Promise<Watched> {
  if (!browser) throw new Error("browser not started");
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => errors.push(`pageerror: ${e.message}`));
  page.on("dialog", async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  page.on("request", (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  await page.goto(url, { waitUntil: "load" });
  return { page, errors, dialogs, requests };
}

describe.skipIf(SKIP)("the demo report in headless Chromium", () => {
  const cwd = mkdtempSync(join(tmpdir(), "truelift-browser-"));
  const reportUrl = pathToFileURL(join(cwd, "rep", "index.html")).href;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set TRUELIFT_SKIP_BROWSER=1).`,
      );
    }
    const run = await runCli(["demo", "--quick", "--out", "rep"], {
      cwd,
      env: { NO_COLOR: "1", SOURCE_DATE_EPOCH: "1800000000" },
    });
    expect(run.code, run.stderr).toBe(0);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
    });
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("loads with no console errors, no scripts and no network requests", async () => {
    const w = await open(reportUrl);
    expect(w.errors).toEqual([]);
    expect(w.dialogs).toEqual([]);
    expect(w.requests).toEqual([]);
    expect(await w.page.locator("script").count()).toBe(0);
    expect(await w.page.locator("section.analysis").count()).toBe(5);
    const designs = await w.page
      .locator("section.analysis")
      .evaluateAll((els) => els.map((e) => e.dataset.design));
    expect(designs).toEqual(["did", "propensity", "rdd", "synth", "cluster"]);
    await w.page.close();
  });

  it("every chart is an SVG with drawn data marks, and none failed to render", async () => {
    const w = await open(reportUrl);
    const charts = await w.page.locator("figure.chart").evaluateAll((figs) =>
      figs.map((f) => {
        const marks = [
          ...f.querySelectorAll('svg g[class*="role-mark"] path, svg g[class*="role-mark"] line'),
        ];
        const drawn = marks.filter((m) => {
          if (m.tagName.toLowerCase() === "line") return true;
          const d = m.getAttribute("d");
          return d !== null && d.trim() !== "" && d.trim() !== "M0,0";
        });
        const box = f.querySelector("svg")?.getBoundingClientRect();
        return {
          title: f.querySelector("figcaption")?.textContent ?? "",
          svgs: f.querySelectorAll("svg").length,
          drawn: drawn.length,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
          error: f.querySelector(".chart-error")?.textContent ?? null,
        };
      }),
    );
    expect(charts.length).toBeGreaterThanOrEqual(10);
    for (const c of charts) {
      expect(c.error, c.title).toBeNull();
      expect(c.svgs, c.title).toBe(1);
      expect(c.drawn, c.title).toBeGreaterThan(0);
      expect(c.width, c.title).toBeGreaterThan(100);
      expect(c.height, c.title).toBeGreaterThan(50);
    }
    // every section with a design that produces charts shows them
    const perSection = await w.page
      .locator("section.analysis")
      .evaluateAll((els) =>
        els.map((e) => [e.dataset.design, e.querySelectorAll("figure.chart svg").length]),
      );
    for (const [design, n] of perSection)
      if (design !== "propensity") expect(n, String(design)).toBeGreaterThan(0);
    expect(w.errors).toEqual([]);
    await w.page.close();
  });

  it("saves small screenshots (docs/screenshots/ with TRUELIFT_SCREENSHOTS=1)", async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const w = await open(reportUrl);
    const top = join(SCREENSHOTS, "demo-report.png");
    await w.page.screenshot({ path: top, fullPage: false });
    const chart = join(SCREENSHOTS, "demo-synth-chart.png");
    await w.page.locator('section[data-design="synth"] figure.chart').first().screenshot({ path: chart });
    for (const p of [top, chart]) {
      expect(statSync(p).size).toBeGreaterThan(5_000);
      expect(statSync(p).size).toBeLessThan(400_000);
    }
    await w.page.close();
  });

  it(`user strings such as a column named ${PAYLOAD} are escaped: nothing executes`, async () => {
    // 20 workspaces of 30 users; the outcome column, the section id, title and question carry the payload.
    const n = 600;
    const ws = Array.from({ length: n }, (_, i) => i % 20);
    const frame = Frame.fromObject({
      workspace: ws,
      arm: ws.map((w) => (w < 10 ? 1 : 0)),
      [PAYLOAD]: ws.map((w, i) => 5 + 0.3 * (w < 10 ? 1 : 0) + ((i * 7919) % 13) / 13 + (w % 5) / 10),
      "<script>alert(2)</script>": ws.map((w) => w),
    });
    const res = cluster(frame, {
      outcome: PAYLOAD,
      treatment: { column: "arm", treatedValues: [1] },
      cluster: "workspace",
      inference: { seed: 1, smallK: "never" },
    });
    const analysis = reportAnalysis(clusterDesign, res, {
      id: `x"><img src=x onerror=alert(3)>`,
      title: `<svg onload=alert(4)>${PAYLOAD}`,
      question: `Did ${PAYLOAD} move? <script>alert(5)</script>`,
      truth: 0.3,
    });
    const rendered = await renderReport([analysis], {
      title: `Report ${PAYLOAD}`,
      generatedAt: "2027-01-15T08:00:00.000Z",
      version: "0.0.0",
      source: `<iframe src="javascript:alert(6)">`,
      intro: `<a href="javascript:alert(7)">click</a>`,
    });
    const dir = join(cwd, "hostile");
    await writeReport(dir, rendered);
    const w = await open(pathToFileURL(join(dir, "index.html")).href);
    await w.page.waitForTimeout(300); // give a broken image's onerror time to fire
    expect(w.dialogs).toEqual([]);
    expect(w.errors).toEqual([]);
    expect(w.requests).toEqual([]);
    const bad = await w.page.locator("*").evaluateAll((els) =>
      els.flatMap((el) =>
        el
          .getAttributeNames()
          .filter((a: string) => /^on/i.test(a) || /^\s*javascript:/i.test(el.getAttribute(a) ?? ""))
          .map((a: string) => `${el.tagName}[${a}=${el.getAttribute(a)}]`),
      ),
    );
    const attrs = {
      bad,
      img: await w.page.locator("img, iframe, script").count(),
      text: (await w.page.locator("body").textContent()) ?? "",
    };
    expect(attrs.bad).toEqual([]);
    expect(attrs.img).toBe(0);
    // the strings are shown as text, not dropped
    expect(attrs.text).toContain(PAYLOAD);
    expect(attrs.text).toContain("<script>alert(5)</script>");
    expect(await w.page.locator("figure.chart svg").count()).toBeGreaterThan(0);
    await w.page.close();
  });
});
