import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

const cwd = mkdtempSync(join(tmpdir(), "truelift-run-"));
copyFileSync(fixturePath("saas_llm_logs_seed42.csv.gz"), join(cwd, "logs.csv.gz"));
const env = { NO_COLOR: "1", SOURCE_DATE_EPOCH: "1795000000" };

const YAML = `# Two analyses of the tutorial dataset
version: 1
data:
  logs: { path: logs.csv.gz }
analyses:
  - id: waves
    design: did
    data: logs
    title: Staged rollout (two waves)
    question: Did the staged rollout raise task completion?
    truth: 0.05
    spec:
      outcome: task_completed
      time: signup_week
      treatment: { startColumn: treatment_week }
      cluster: workspace_id
      covariates: [engagement_tier]
  - id: opt-in
    design: propensity
    data: logs
    question: Did opting in to agent mode raise task completion?
    spec:
      treatment: opt_in_agent_mode
      outcome: task_completed
      covariates: [engagement_tier, query_confidence]
      estimator: ipw
report:
  out: out
  title: Rollout review
`;

function write(name: string, text: string): string {
  writeFileSync(join(cwd, name), text);
  return name;
}

describe("truelift run", () => {
  it("runs a YAML spec and writes index.html, report.md and results.json next to it", async () => {
    const run = await runCli(["run", write("spec.yaml", YAML)], { cwd, env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    // DiD +0.0541 [+0.0323, +0.0760]; naive wave-1 before/after +0.0515; propensity naive +0.2106, IPW ATE +0.0848
    expect(run.stdout).toMatch(
      /waves\s+did\s+\+0\.0515\s+\+0\.0541 \[\+0\.0323, \+0\.0760\]\s+\+0\.0500\s+pass/,
    );
    expect(run.stdout).toMatch(/opt-in\s+propensity\s+\+0\.2106\s+\+0\.0848 \[/);
    expect(run.stdout).toContain("Wrote out/index.html, out/report.md, out/results.json");
    expect(readdirSync(join(cwd, "out")).sort()).toEqual(["index.html", "report.md", "results.json"]);
    const html = readFileSync(join(cwd, "out", "index.html"), "utf8");
    expect(html.match(/<section class="analysis"/g)).toHaveLength(2);
    expect(html).toContain("<title>Rollout review</title>");
    expect(html).toContain("Generated 2026-11-18T11:06:40.000Z by truelift");
    const doc = JSON.parse(readFileSync(join(cwd, "out", "results.json"), "utf8"));
    // the hash of the gzipped file's bytes, shared by both analyses of the source
    expect(doc.analyses[0].provenance.inputHash).toBe(doc.analyses[1].provenance.inputHash);
    expect(doc.analyses[0].provenance.inputHash).toMatch(/^[0-9a-f]{64}$/);
    expect(doc.analyses[1].estimate.estimate).toBeCloseTo(0.0848, 4);
    expect(doc.analyses[1].result.naive.difference.estimate).toBeCloseTo(0.2106, 4);
    const md = readFileSync(join(cwd, "out", "report.md"), "utf8");
    expect(md).toContain("## Staged rollout (two waves)");
  }, 120_000);

  it("JSON specs work too; --out overrides report.out; --format json returns the rows", async () => {
    const spec = {
      version: 1,
      data: { logs: { path: join(cwd, "logs.csv.gz") } },
      analyses: [
        {
          id: "waves",
          design: "did",
          data: "logs",
          spec: {
            outcome: "task_completed",
            time: "signup_week",
            treatment: { startColumn: "treatment_week" },
          },
        },
      ],
      report: { format: ["json"] },
    };
    const run = await runCli(
      ["run", write("spec.json", JSON.stringify(spec)), "--out", "elsewhere", "--format", "json"],
      {
        cwd,
        env,
      },
    );
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.files).toEqual([join(cwd, "elsewhere", "results.json")]);
    expect(out.analyses[0].id).toBe("waves");
    expect(readdirSync(join(cwd, "elsewhere"))).toEqual(["results.json"]);
  }, 60_000);

  it("--check validates without running; --print-spec prints the canonical spec", async () => {
    const check = await runCli(["run", "spec.yaml", "--check"], { cwd, env });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/Run spec spec\.yaml is valid: 2 analyses on 1 data source/);
    const print = await runCli(["run", "spec.yaml", "--print-spec"], { cwd, env });
    expect(print.code).toBe(0);
    expect(JSON.parse(print.stdout).report).toEqual({
      out: "out",
      format: ["html", "markdown", "json"],
      title: "Rollout review",
    });
  });

  it("an unknown design, a missing column and a malformed option fail with coded errors", async () => {
    const unknown = await runCli(
      ["run", write("u.yaml", YAML.replace("design: did", "design: diff")), "--check"],
      {
        cwd,
        env,
      },
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("E_RUN_UNKNOWN_DESIGN");

    const malformed = await runCli(
      ["run", write("m.yaml", YAML.replace("estimator: ipw", "estimator: magic")), "--check"],
      { cwd, env },
    );
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("E_INVALID_SPEC");
    expect(malformed.stderr).toContain("analyses[1].spec.estimator");

    const syntax = await runCli(["run", write("s.yaml", "version: 1\ndata: [\n"), "--check"], { cwd, env });
    expect(syntax.code).toBe(2);
    expect(syntax.stderr).toMatch(/E_INVALID_SPEC[\s\S]*not valid YAML/);

    const missingFile = await runCli(["run", "nope.yaml"], { cwd, env });
    expect(missingFile.stderr).toContain("E_FILE_NOT_FOUND");

    // The missing column is in the second analysis: the first has run, but no report is written.
    const missing = await runCli(
      [
        "run",
        write(
          "c.yaml",
          YAML.replace("out: out", "out: out-missing").replace("query_confidence]", "confidence]"),
        ),
      ],
      { cwd, env },
    );
    expect(missing.code).toBe(3);
    expect(missing.stderr).toContain("E_COLUMN_MISSING");
    expect(missing.stderr).toContain("Analysis 'opt-in' (propensity)");
    expect(existsSync(join(cwd, "out-missing"))).toBe(false);
  }, 120_000);

  it("user strings from the data and the spec reach the HTML only escaped", async () => {
    const xss = "<img src=x onerror=alert(1)>";
    const lines = [`"${xss}",week,start,unit`];
    let seed = 7;
    for (let i = 0; i < 30; i++) {
      for (let t = 0; t < 6; t++) {
        seed = (seed * 16807) % 2147483647;
        const y = 1 + 0.1 * t + (i < 15 && t >= 3 ? 0.5 : 0) + seed / 2147483647;
        lines.push(`${y},${t},${i < 15 ? 3 : 0},${i}`);
      }
    }
    write("xss.csv", `${lines.join("\n")}\n`);
    const spec = {
      version: 1,
      data: { d: { path: "xss.csv" } },
      analyses: [
        {
          id: "xss",
          design: "did",
          data: "d",
          title: `<script>alert("title")</script>`,
          question: `Did ${xss} move?`,
          spec: { outcome: xss, time: "week", treatment: { startColumn: "start" }, unit: "unit" },
        },
      ],
      report: { out: "xss-report", title: `<b onmouseover=alert(2)>report</b>` },
    };
    const run = await runCli(["run", write("xss.json", JSON.stringify(spec))], { cwd, env });
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const html = readFileSync(join(cwd, "xss-report", "index.html"), "utf8");
    expect(html).not.toMatch(/<img|<script|<b /i);
    const tags = html.replace(/"[^"]*"/g, '""').match(/<[^>]+>/g) ?? [];
    expect(tags.filter((t) => /onerror|onmouseover/i.test(t))).toEqual([]);
    expect(html).toContain("&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;");
    expect(html).toContain("Did &lt;img src=x onerror=alert(1)&gt; move?");
    const md = readFileSync(join(cwd, "xss-report", "report.md"), "utf8");
    expect(md).not.toMatch(/<img|<script|<b /i);
  }, 60_000);
});
