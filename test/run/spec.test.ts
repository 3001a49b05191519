import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { TrueliftError } from "../../src/core/errors.js";
import { DESIGN_NAMES } from "../../src/designs/registry.js";
import { executeRunSpec } from "../../src/run/execute.js";
import {
  parseRunSpec,
  RUN_SPEC_SCHEMA,
  runSpecJsonSchema,
  runSpecJsonSchemaText,
} from "../../src/run/spec.js";
import { errorCode, thrown } from "../helpers/error-code.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

const DID = { outcome: "task_completed", time: "signup_week", treatment: { startColumn: "treatment_week" } };
const base = () => ({
  version: 1,
  data: { logs: { path: "logs.csv.gz" }, wh: { sql: "SELECT 1", duckdb: "w.duckdb" } },
  analyses: [{ id: "waves", design: "did", data: "logs", spec: DID }] as Record<string, unknown>[],
});

describe("parseRunSpec", () => {
  it("accepts a minimal spec and fills in the report defaults", () => {
    const s = parseRunSpec(base());
    expect(s.report).toEqual({
      out: "truelift-report",
      format: ["html", "markdown", "json"],
      title: "truelift report",
    });
    expect(s.analyses[0].design).toBe("did");
  });

  it("accepts every design with its own spec schema", () => {
    const s = base();
    s.analyses = [
      { id: "a", design: "did", data: "logs", spec: DID },
      {
        id: "b",
        design: "propensity",
        data: "logs",
        spec: { treatment: "opt_in_agent_mode", outcome: "task_completed", covariates: ["query_confidence"] },
      },
      { id: "c", design: "rdd", data: "logs", spec: { outcome: "y", running: "x", cutoff: 0.85 } },
      { id: "d", design: "cluster", data: "wh", spec: { outcome: "y", treatment: "t", cluster: "w" } },
    ];
    expect(parseRunSpec(s).analyses.map((a) => a.design)).toEqual(["did", "propensity", "rdd", "cluster"]);
  });

  it("rejects an unknown design with E_RUN_UNKNOWN_DESIGN naming the path and the known designs", () => {
    const s = base();
    s.analyses[0].design = "regression-kink";
    const e = thrown(() => parseRunSpec(s));
    expect(e.code).toBe("E_RUN_UNKNOWN_DESIGN");
    expect(e.message).toContain("analyses[0].design");
    expect(e.details.designs).toEqual(DESIGN_NAMES);
    expect(e.category).toBe("usage");
  });

  it("rejects a reference to an undeclared data source with E_RUN_UNKNOWN_DATA", () => {
    const s = base();
    s.analyses[0].data = "warehouse";
    const e = thrown(() => parseRunSpec(s));
    expect(e.code).toBe("E_RUN_UNKNOWN_DATA");
    expect(e.details.available).toEqual(["logs", "wh"]);
  });

  it("rejects a malformed design option with E_INVALID_SPEC naming its path", () => {
    const s = base();
    s.analyses[0].spec = { ...DID, alpha: 2 };
    const e = thrown(() => parseRunSpec(s));
    expect(e.code).toBe("E_INVALID_SPEC");
    expect(e.details.path).toBe("analyses[0].spec.alpha");
    expect(e.message).toMatch(/^Invalid run spec at analyses\[0\]\.spec\.alpha: /);

    const t = base();
    t.analyses[0].spec = { ...DID, cluster: 7 };
    expect(thrown(() => parseRunSpec(t)).details.path).toBe("analyses[0].spec.cluster");

    const u = base();
    u.analyses[0].spec = { ...DID, bogus: true };
    expect(thrown(() => parseRunSpec(u)).details.path).toBe("analyses[0].spec");
  });

  it("rejects malformed top-level fields with E_INVALID_SPEC", () => {
    expect(errorCode(() => parseRunSpec({ ...base(), version: 2 }))).toBe("E_INVALID_SPEC");
    expect(errorCode(() => parseRunSpec({ ...base(), analyses: [] }))).toBe("E_INVALID_SPEC");
    expect(thrown(() => parseRunSpec({ ...base(), data: { logs: { url: "x" } } })).details.path).toBe(
      "data.logs",
    );
    expect(thrown(() => parseRunSpec({ ...base(), report: { format: ["pdf"] } })).details.path).toBe(
      "report.format[0]",
    );
    expect(thrown(() => parseRunSpec({ ...base(), extra: 1 })).details.path).toBe("(root)");
    expect(errorCode(() => parseRunSpec("not an object"))).toBe("E_INVALID_SPEC");
    const dup = base();
    dup.analyses.push({ ...dup.analyses[0] });
    expect(thrown(() => parseRunSpec(dup)).message).toMatch(/analyses\[1\]\.id: 'waves' is used by another/);
  });
});

describe("the published JSON Schema (docs/spec.schema.json)", () => {
  it("is current: regenerate with `node scripts/spec-schema.mjs`", () => {
    const published = readFileSync(join(root, "docs", "spec.schema.json"), "utf8");
    expect(published).toBe(runSpecJsonSchemaText());
  });

  it("has one analysis variant per design, discriminated by a const `design`", () => {
    const schema = runSpecJsonSchema() as {
      title: string;
      properties: { analyses: { items: { oneOf: { properties: { design: { const: string } } }[] } } };
      required: string[];
    };
    expect(schema.title).toBe("truelift run spec");
    const designs = schema.properties.analyses.items.oneOf.map((v) => v.properties.design.const);
    expect(designs).toEqual(DESIGN_NAMES);
    expect(schema.required).toEqual(["version", "data", "analyses"]);
  });

  it("is generated from the same zod schema that validates specs", () => {
    expect(RUN_SPEC_SCHEMA.shape.data.safeParse({ a: { path: "x.csv" } }).success).toBe(true);
    expect(z.toJSONSchema(RUN_SPEC_SCHEMA, { io: "input", unrepresentable: "any" })).toBeTypeOf("object");
  });
});

describe("executeRunSpec data paths", () => {
  it("a missing relative data file names the spec's folder (not the current directory) and the resolved path", async () => {
    const spec = parseRunSpec({ ...base(), data: { logs: { path: "data/missing.csv" } } });
    const baseDir = join(root, "test", "run", "no-such-spec-dir");
    let caught: unknown;
    try {
      await executeRunSpec(spec, { baseDir });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(TrueliftError);
    const e = caught as TrueliftError;
    expect(e.code).toBe("E_FILE_NOT_FOUND");
    expect(e.message).toContain(join(baseDir, "data", "missing.csv"));
    expect(e.hint).toContain("spec's folder");
    expect(e.hint).toContain(baseDir);
    expect(e.hint).not.toContain("current directory;");
    expect(e.details.resolved).toBe(join(baseDir, "data", "missing.csv"));
  });
});
