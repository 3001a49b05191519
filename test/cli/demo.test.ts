import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { frameHash } from "../../src/cli/demo/data.js";
import { Frame } from "../../src/core/frame.js";
import { fixturePath } from "../helpers/fixture.js";
import { runCli } from "./run-cli.js";

interface Row {
  design: string;
  naive: number;
  estimate: number;
  se: number | null;
  ci: [number, number] | null;
  truth: number;
  ciCoversTruth: boolean | null;
  keyCheck: { code: string; severity: string | null };
  verdict: string;
}
interface Section {
  id: string;
  verdict: string;
  design: string;
  estimate: { estimate: number; se: number | null; ci: [number, number] | null; pValue: number | null };
  naive: { estimate: number } | null;
  truth: number | null;
  // biome-ignore lint/suspicious/noExplicitAny: the design results are checked field by field below
  result: any;
}

const r4 = (x: number | null | undefined) => (x == null ? null : x.toFixed(4));

describe("truelift demo on the tutorial fixture (../shared/fixtures/README.md numbers)", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
  const run = await runCli(
    [
      "demo",
      "--data",
      fixturePath("saas_llm_logs_seed42.csv.gz"),
      "--cluster-outcome",
      fixturePath("cluster_outcome_seed42.csv.gz"),
      "--quick",
      "--format",
      "json",
      "--out",
      "rep",
    ],
    { cwd, env: { NO_COLOR: "1", SOURCE_DATE_EPOCH: "1800000000" } },
  );
  const printed = run.code === 0 ? (JSON.parse(run.stdout) as { rows: Row[]; replicates: number }) : null;
  const report = existsSync(join(cwd, "rep", "results.json"))
    ? (JSON.parse(readFileSync(join(cwd, "rep", "results.json"), "utf8")) as {
        meta: { generatedAt: string };
        analyses: Section[];
      })
    : null;
  const section = (design: string) => report?.analyses.find((a) => a.design === design) as Section;

  it("exits 0 quietly and writes index.html, report.md, results.json", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    for (const f of ["index.html", "report.md", "results.json"])
      expect(existsSync(join(cwd, "rep", f))).toBe(true);
    expect(printed?.replicates).toBe(50);
    expect(printed?.rows.map((r) => r.design)).toEqual(["did", "propensity", "rdd", "synth", "cluster"]);
    expect(report?.analyses.map((a) => a.design)).toEqual(["did", "propensity", "rdd", "synth", "cluster"]);
    expect(report?.meta.generatedAt).toBe("2027-01-15T08:00:00.000Z");
  });

  it("DiD: 2×2 +0.0527, regression +0.0541 (SE 0.0109), naive wave-1 change +0.0515", () => {
    const s = section("did");
    expect(r4(s.estimate.estimate)).toBe("0.0541");
    expect(r4(s.estimate.se)).toBe("0.0109");
    expect(r4(s.result.twoByTwo.term.estimate)).toBe("0.0527");
    expect(r4(s.naive?.estimate)).toBe("0.0515");
    expect(s.result.twoByTwo.cells.map((c: { n: number }) => c.n)).toEqual([9590, 4878, 9633, 4738]);
    expect(s.truth).toBe(0.05);
  });

  it("propensity: naive +0.2106, AUC 0.744, IPW ATE +0.0848 / ATT +0.0767", () => {
    const s = section("propensity");
    expect(r4(s.naive?.estimate)).toBe("0.2106");
    expect(s.result.model.auc.toFixed(3)).toBe("0.744");
    expect(r4(s.estimate.estimate)).toBe("0.0848");
    expect(r4(s.result.ipw.att.estimate)).toBe("0.0767");
    expect(s.result.ipw.bootstrap.reps).toBe(50);
  });

  it("RD: +0.0548 (SE 0.0131, n 21,689), sweep, quadratic +0.0569, naive +0.0632", () => {
    const s = section("rdd");
    expect(r4(s.estimate.estimate)).toBe("0.0548");
    expect(r4(s.estimate.se)).toBe("0.0131");
    expect(s.result.fit.nEffective.below + s.result.fit.nEffective.above).toBe(21689);
    expect(
      s.result.sweep.map((r: { conventional: { estimate: number } }) => r4(r.conventional.estimate)),
    ).toEqual(["0.0635", "0.0548", "0.0618", "0.0614"]);
    const quad = s.result.checks.polynomial.find((r: { value: number }) => r.value === 2);
    expect(r4(quad.conventional.estimate)).toBe("0.0569");
    expect(r4(s.naive?.estimate)).toBe("0.0632");
  });

  it("synthetic control: gap +0.0829, pre-RMSE 0.0374, 12 donors, pseudo p 1/26, LOO [+0.0739, +0.0945]", () => {
    const s = section("synth");
    expect(r4(s.estimate.estimate)).toBe("0.0829");
    expect(r4(s.result.fit.preRmspe)).toBe("0.0374");
    expect(s.result.usedDonors).toBe(12);
    expect(s.estimate.pValue).toBe(1 / 26);
    expect(s.result.leaveOneOut.gapRange.map(r4)).toEqual(["0.0739", "0.0945"]);
  });

  it("cluster: WLS +0.6723 (SE 0.0652), naive SE 0.0034, direct +0.7284 (0.0647), spillover +0.2083 (0.0038)", () => {
    const s = section("cluster");
    expect(r4(s.result.estimate.estimate)).toBe("0.6723");
    expect(r4(s.result.estimate.se)).toBe("0.0652");
    expect(s.result.estimate.ci.map(r4)).toEqual(["0.5412", "0.8035"]);
    expect(r4(s.naive?.estimate)).toBe("0.6723");
    expect(r4(s.result.naive.userLevel.se)).toBe("0.0034");
    expect(r4(s.estimate.estimate)).toBe("0.7284");
    expect(r4(s.estimate.se)).toBe("0.0647");
    expect(r4(s.result.twoExposure.spillover.estimate)).toBe("0.2083");
    expect(r4(s.result.twoExposure.spillover.se)).toBe("0.0038");
    expect(s.result.exposureCounts).toMatchObject({ treated: 24937, spillover: 6744, pureControl: 18319 });
  });

  it("the summary rows agree with the report, and the Markdown report prints the same numbers", () => {
    const md = readFileSync(join(cwd, "rep", "report.md"), "utf8");
    for (const row of printed?.rows ?? []) {
      const s = section(row.design);
      expect(row.estimate).toBe(s.estimate.estimate);
      expect(row.truth).toBe(s.truth);
      expect(row.keyCheck.severity).not.toBeNull();
      expect(row.verdict).toBe(s.verdict);
    }
    for (const text of ["+0.0541", "+0.0848", "+0.0548", "+0.0829", "+0.7284", "+0.2106", "+0.0515"]) {
      expect(md).toContain(text);
    }
    const html = readFileSync(join(cwd, "rep", "index.html"), "utf8");
    expect(html).not.toMatch(/<script/i);
    expect((html.match(/<svg/g) ?? []).length).toBeGreaterThanOrEqual(10);
  });

  it("the text summary fits one screen and shows every design", async () => {
    const text = await runCli(
      [
        "demo",
        "--data",
        fixturePath("saas_llm_logs_seed42.csv.gz"),
        "--cluster-outcome",
        fixturePath("cluster_outcome_seed42.csv.gz"),
        "--reps",
        "5",
        "--out",
        "rep-text",
      ],
      { cwd },
    );
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split("\n");
    expect(lines.length).toBeLessThanOrEqual(24);
    for (const d of ["DiD", "propensity", "RD", "synth control", "cluster"]) expect(text.stdout).toContain(d);
    expect(text.stdout).toContain("+0.0541");
  }, 120_000);
});

describe("truelift demo: one source of verdicts and words (generated data, --quick)", async () => {
  const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
  const run = await runCli(["demo", "--quick", "--out", "rep"], { cwd });
  const report = existsSync(join(cwd, "rep", "results.json"))
    ? (JSON.parse(readFileSync(join(cwd, "rep", "results.json"), "utf8")) as {
        analyses: {
          design: string;
          verdict: string;
          sentence: string;
          estimate: { pValue: number | null; ci: [number, number] | null };
          lines: { label: string; value: string }[];
          result: { estimate?: { estimate: number } };
        }[];
      })
    : null;
  const section = (design: string) => report?.analyses.find((a) => a.design === design);
  const screenNames: Record<string, string> = {
    did: "DiD",
    propensity: "propensity",
    rdd: "RD",
    synth: "synth control",
    cluster: "cluster",
  };

  it("the screen's pass/warn/fail per design is the report table's verdict", () => {
    expect(run.code).toBe(0);
    const lines = run.stdout.split("\n");
    expect(lines.find((l) => l.startsWith("design"))).toContain("checks (key check)");
    const md = readFileSync(join(cwd, "rep", "report.md"), "utf8");
    expect(report?.analyses.length).toBe(5);
    for (const a of report?.analyses ?? []) {
      const row = lines.find((l) => l.includes(`→ ${screenNames[a.design]} `));
      expect(row, a.design).toMatch(new RegExp(`\\s${a.verdict} \\([^)]*: (pass|warn|fail|info|n/a)\\)$`));
      expect(md).toMatch(new RegExp(`\\| ${a.design} \\|.*\\| ${a.verdict.toUpperCase()} \\|`));
    }
    // The generated data's RD, synth and cluster sections warn (their key checks pass): the screen says so too.
    expect(["rdd", "synth", "cluster"].map((d) => section(d)?.verdict)).toEqual(["warn", "warn", "warn"]);
  });

  it("synth: the bootstrap CI excludes zero but the placebo p is not below 0.05, so no 'the data show' claim", () => {
    const s = section("synth");
    const p = s?.estimate.pValue ?? 0;
    expect(p).toBeGreaterThanOrEqual(0.05);
    expect((s?.estimate.ci ?? [0, 0])[0]).toBeGreaterThan(0);
    expect(s?.sentence).not.toContain("the data show");
    expect(s?.sentence).toContain(
      `p-value is ${p.toFixed(3)} (not below 0.05): the data do not show a clear effect.`,
    );
    expect(section("did")?.sentence).toContain("the data show a positive effect");
  });

  it("cluster: the screen and the report say the headline is the direct effect, not truelift cluster's WLS", () => {
    const s = section("cluster");
    const wls = s?.result.estimate?.estimate ?? 0;
    const wlsText = `${wls >= 0 ? "+" : "−"}${Math.abs(wls).toFixed(4)}`;
    const note = run.stdout
      .split("\n")
      .find((l) => l.startsWith("  cluster: truelift here = the direct effect"));
    expect(note).toContain(`\`truelift cluster\` headlines the cluster-mean WLS (${wlsText})`);
    expect(s?.lines[0]).toEqual({ label: "Headline shown", value: note?.replace("  cluster: ", "") });
    expect(run.stdout.trimEnd().split("\n").length).toBeLessThanOrEqual(24);
  });
});

describe("truelift demo: inputs and errors", () => {
  it("a --data path that does not exist exits 3 and writes nothing", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const run = await runCli(["demo", "--data", "nope.csv", "--out", "rep"], { cwd });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error\[E_FILE_NOT_FOUND\]/);
    expect(existsSync(join(cwd, "rep", "results.json"))).toBe(false);
  });

  it("--data without the cluster outcome column asks for --cluster-outcome (exit 3, nothing written)", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const run = await runCli(["demo", "--data", fixturePath("saas_llm_logs_seed42.csv.gz"), "--out", "rep"], {
      cwd,
    });
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error\[E_DEMO_CLUSTER_OUTCOME\].*--cluster-outcome/);
    expect(existsSync(join(cwd, "rep"))).toBe(false);
  });

  it("a cluster outcome file missing users is a coded join error", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    writeFileSync(join(cwd, "outcome.csv"), "user_id,session_minutes_obs\n0,5.1\n1,4.9\n");
    const run = await runCli(
      ["demo", "--data", fixturePath("saas_llm_logs_seed42.csv.gz"), "--cluster-outcome", "outcome.csv"],
      { cwd },
    );
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(/^error\[E_DEMO_JOIN\].*49,998 users/);
  });

  it("--cluster-outcome without --data and bad --reps are usage errors", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const a = await runCli(["demo", "--cluster-outcome", "x.csv"], { cwd });
    expect(a.code).toBe(2);
    expect(a.stderr).toMatch(/^error\[E_INVALID_ARGUMENT\]/);
    const b = await runCli(["demo", "--reps", "1"], { cwd });
    expect(b.code).toBe(2);
  });

  it("generated data: seeded, reproducible numbers from run to run", async () => {
    const cwd = mkdtempSync(join(tmpdir(), "truelift-demo-"));
    const args = ["demo", "--users", "10000", "--seed", "5", "--reps", "10", "--format", "json"];
    const a = await runCli([...args, "--out", "a"], { cwd });
    const b = await runCli([...args, "--out", "b"], { cwd });
    expect(a.code).toBe(0);
    const ja = JSON.parse(a.stdout);
    const jb = JSON.parse(b.stdout);
    expect(ja.rows).toEqual(jb.rows);
    expect(ja.inputHash).toBe(jb.inputHash);
    expect(ja.source).toBe("generated (seed 5, 10,000 users)");
    const optIn = ja.rows[1];
    expect(optIn.naive - optIn.truth).toBeGreaterThan(0.05); // selection: volunteers are power users
  }, 120_000);

  it("frameHash: same content, same hash; int and float columns of equal values agree", () => {
    const a = Frame.fromObject({ x: new Int32Array([1, 2]), t: ["a", null] });
    const b = Frame.fromObject({ x: [1, 2], t: ["a", null] });
    expect(frameHash(a)).toBe(frameHash(b));
    expect(frameHash(a)).not.toBe(frameHash(Frame.fromObject({ x: [1, 3], t: ["a", null] })));
  });
});
