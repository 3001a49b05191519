import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { didDesign } from "../../src/designs/did/design.js";
import { did } from "../../src/designs/did/did.js";
import type { ChartSpec } from "../../src/designs/shared/charts/types.js";
import { chartRenderer } from "../../src/report/chart-renderer.js";
import { renderReport } from "../../src/report/report.js";
import { reportAnalysis } from "../../src/report/report-analysis.js";
import type { ReportAnalysis } from "../../src/report/report-types.js";
import { renderSvg } from "../../src/report/vega.js";
import { tempDir } from "../data/helpers.js";
import { readFixture } from "../helpers/fixture.js";

const SIMPLE = {
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  data: { values: [1, 2, 3, 4].map((a) => ({ a, b: a * a })) },
  mark: "point",
  encoding: { x: { field: "a", type: "quantitative" }, y: { field: "b", type: "quantitative" } },
};
/** Compiles with a Vega-Lite warning (shape on a bar is dropped). */
const WARNS = {
  ...SIMPLE,
  mark: "bar",
  encoding: { ...SIMPLE.encoding, shape: { field: "a", type: "nominal" } },
};
/** Vega-Lite rejects it. */
const BAD = { ...SIMPLE, mark: "no-such-mark" };
const spec = (s: object) => s as unknown as ChartSpec;

async function reason(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
  throw new Error("expected a rejection");
}

describe("chartRenderer on this thread (TypeScript sources have no worker script)", () => {
  it("renders exactly what renderSvg renders, forwards warnings, and rejects like renderSvg", async () => {
    const r = chartRenderer();
    expect(r.threads).toBe(0);
    expect(await r.render(spec(SIMPLE))).toBe(await renderSvg(spec(SIMPLE)));
    const seen: string[] = [];
    const direct: string[] = [];
    expect(await r.render(spec(WARNS), { onWarning: (w) => seen.push(w) })).toBe(
      await renderSvg(spec(WARNS), { onWarning: (w) => direct.push(w) }),
    );
    expect(seen).toEqual(direct);
    expect(seen.length).toBeGreaterThan(0);
    expect(await reason(r.render(spec(BAD)))).toEqual(await reason(renderSvg(spec(BAD))));
    await r.close();
  });

  it("renders a spec object once: asking again returns the same promise", async () => {
    const r = chartRenderer({ threads: 0 });
    const s = spec(SIMPLE);
    const first = r.render(s);
    expect(r.render(s)).toBe(first);
    expect(r.render(spec({ ...SIMPLE }))).not.toBe(first);
    await first;
    await r.close();
  });

  it("renderReport with a renderer writes the same report as without one, failed charts included", async () => {
    const tutorial = did(readFixture("saas_llm_logs_seed42.csv.gz"), {
      outcome: "task_completed",
      time: "signup_week",
      treatment: { startColumn: "treatment_week" },
      cluster: "workspace_id",
    });
    const base = reportAnalysis(didDesign, tutorial, { id: "waves", question: "Did the rollout work?" });
    const analysis: ReportAnalysis = {
      ...base,
      charts: [...base.charts, { title: "bad", spec: spec(BAD) }, { title: "warns", spec: spec(WARNS) }],
    };
    const meta = { title: "R", generatedAt: "1970-01-01T00:00:00.000Z", version: "0.0.0" };
    const plain = await renderReport([analysis], meta);
    const r = chartRenderer();
    const threaded = await renderReport([analysis], meta, { renderer: r });
    await r.close();
    expect(threaded).toEqual(plain);
    expect(plain.html).toContain("<svg");
    expect(plain.html).toContain("This chart could not be rendered");
  });
});

// Worker threads need the compiled worker script, so this runs the built library (`npm run build`).
const built = (path: string) => new URL(`../../dist/${path}`, import.meta.url);
describe.skipIf(!existsSync(fileURLToPath(built("report/chart-worker.js"))))(
  "chartRenderer on workers (built)",
  () => {
    it("1 and 2 workers (and a warmed one) give renderSvg's SVG, warnings and errors; the process exits after close", () => {
      const script = `
      import { chartRenderer } from ${JSON.stringify(built("report/chart-renderer.js").href)};
      import { renderSvg } from ${JSON.stringify(built("report/vega.js").href)};
      const specs = ${JSON.stringify([SIMPLE, WARNS, BAD])};
      const settle = (p) => p.then((svg) => ({ svg }), (e) => ({ code: e.code, message: e.message }));
      const direct = [];
      for (const s of specs) { const w = []; direct.push({ ...(await settle(renderSvg(s, { onWarning: (x) => w.push(x) }))), w }); }
      const out = { threads: [], same: [] };
      for (const options of [{ threads: 1 }, { threads: 2 }, { threads: 1, warm: true }]) {
        const r = chartRenderer(options);
        out.threads.push(r.threads);
        const got = await Promise.all(specs.map(async (s) => { const w = []; return { ...(await settle(r.render(s, { onWarning: (x) => w.push(x) }))), w }; }));
        out.same.push(JSON.stringify(got) === JSON.stringify(direct));
        await r.close();
      }
      out.warned = direct[1].w.length > 0;
      out.failed = direct[2].code;
      console.log(JSON.stringify(out));`;
      const file = join(tempDir("truelift-charts-"), "workers.mjs");
      writeFileSync(file, script);
      const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({
        threads: [1, 2, 1],
        same: [true, true, true],
        warned: true,
        failed: "E_INVALID_SPEC",
      });
    }, 60_000);

    it("idle workers do not keep the process alive (no close)", () => {
      const script = `
      import { chartRenderer } from ${JSON.stringify(built("report/chart-renderer.js").href)};
      const r = chartRenderer();
      const svg = await r.render(${JSON.stringify(SIMPLE)});
      console.log(r.threads, svg.startsWith("<svg"));`;
      const file = join(tempDir("truelift-charts-"), "idle.mjs");
      writeFileSync(file, script);
      const r = spawnSync(process.execPath, [file], { encoding: "utf8", timeout: 30_000 });
      expect(r.stdout.trim()).toBe("1 true");
      expect(r.status).toBe(0);
    }, 60_000);
  },
);
