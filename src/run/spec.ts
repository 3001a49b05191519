import { z } from "zod";
import { TrueliftError } from "../core/errors.js";
import { parseSpec } from "../core/parse-spec.js";
import type { RegisteredDesign } from "../designs/shared/contract.js";
import { RUN_DESIGNS } from "./designs.js";

const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/**
 * A data source of a run spec: a file (`path`, resolved from the spec file's directory; `na`: its CSV/TSV
 * missing-value markers, as `loadFrame`'s option), a SQL query
 * (`sql`, optionally against a DuckDB database file `duckdb`, also resolved from the spec's directory), or a
 * database (`db` with `table` or `query`): its analyses run as compress → estimate there, only cells leave it.
 *
 * @example
 * ```ts
 * import { RUN_DATA_SCHEMA } from "truelift";
 * RUN_DATA_SCHEMA.safeParse({ path: "saas.csv.gz" }).success; // true
 * ```
 */
export const RUN_DATA_SCHEMA = z.union([
  z.strictObject({
    path: z.string().min(1).describe("Data file (.csv, .csv.gz, .tsv, .parquet, .ndjson)"),
    na: z
      .array(z.string())
      .optional()
      .describe(
        'CSV/TSV missing-value markers, e.g. ["NA", ".", "-99"]; default ["", "NA", "NaN"] (an empty field is always missing)',
      ),
  }),
  z.strictObject({
    sql: z.string().min(1).describe("SQL query run by DuckDB"),
    duckdb: z.string().min(1).optional().describe("DuckDB database file the query runs against"),
  }),
  z.strictObject({
    db: z
      .string()
      .min(1)
      .describe(
        "Database address: postgres://user@host/db or clickhouse://host:8123/db (password from the environment)",
      ),
    table: z.string().min(1).optional().describe("Table (or schema.table) in the database"),
    query: z.string().min(1).optional().describe("Read-only SELECT in the database"),
  }),
]);

const common = {
  id: z.string().regex(NAME, "ids use letters, digits, '_', '.', '-'").describe("Unique id of the analysis"),
  data: z.string().min(1).describe("Name of a source in `data`"),
  title: z.string().min(1).optional().describe("Section title in the report"),
  question: z.string().min(1).optional().describe("The business question the analysis answers"),
  truth: z.number().nullable().optional().describe("Known true effect (simulated data only)"),
  units: z.string().min(1).optional().describe("Units of the estimate in words, e.g. 'percentage points'"),
};

function analysisSchema(design: RegisteredDesign) {
  return z.strictObject({ ...common, design: z.literal(design.name), spec: design.schema });
}

type AnalysisSchema = ReturnType<typeof analysisSchema>;

function analysisSchemas(): [AnalysisSchema, ...AnalysisSchema[]] {
  const [first, ...rest] = RUN_DESIGNS.map(analysisSchema);
  if (first === undefined) throw new Error("run spec: the design registry is empty");
  return [first, ...rest];
}

/** The report formats `truelift run` can write. */
export const RUN_REPORT_FORMATS = ["html", "markdown", "json"] as const;

/**
 * The zod schema of a run spec (`truelift run spec.json|yaml`): named data sources, a list of analyses (a
 * discriminated union on `design`, each carrying that design's own spec schema) and report options.
 * `z.toJSONSchema(RUN_SPEC_SCHEMA)` is published as docs/spec.schema.json (see {@link runSpecJsonSchema}).
 *
 * - `report.out`: output directory, resolved from the spec's directory; __Default value:__ `"truelift-report"`;
 * - `report.format`: which files to write; __Default value:__ all of `["html", "markdown", "json"]`;
 * - `report.title`: __Default value:__ `"truelift report"`.
 *
 * @example
 * ```ts
 * import { RUN_SPEC_SCHEMA } from "truelift";
 * RUN_SPEC_SCHEMA.safeParse({
 *   version: 1,
 *   data: { logs: { path: "saas.csv.gz" } },
 *   analyses: [{ id: "waves", design: "did", data: "logs",
 *     spec: { outcome: "task_completed", time: "signup_week", treatment: { startColumn: "treatment_week" } } }],
 * }).success; // true
 * ```
 */
export const RUN_SPEC_SCHEMA = z.strictObject({
  $schema: z.string().optional().describe("Optional pointer to docs/spec.schema.json for editors"),
  version: z.literal(1).describe("Run-spec format version"),
  data: z
    .record(z.string().regex(NAME, "data names use letters, digits, '_', '.', '-'"), RUN_DATA_SCHEMA)
    .describe("Named data sources"),
  analyses: z
    .array(z.discriminatedUnion("design", analysisSchemas()))
    .min(1)
    .describe("The analyses, one report section each"),
  report: z
    .strictObject({
      out: z.string().min(1).default("truelift-report"),
      format: z.array(z.enum(RUN_REPORT_FORMATS)).min(1).default(["html", "markdown", "json"]),
      title: z.string().min(1).default("truelift report"),
    })
    .default({ out: "truelift-report", format: ["html", "markdown", "json"], title: "truelift report" }),
});

/** A run spec as written (defaults optional). */
export type RunSpec = z.input<typeof RUN_SPEC_SCHEMA>;
/** A validated run spec with defaults filled in. */
export type ValidRunSpec = z.output<typeof RUN_SPEC_SCHEMA>;
/** One analysis of a {@link ValidRunSpec}. */
export type RunAnalysis = ValidRunSpec["analyses"][number];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Coded checks zod cannot express well: unknown designs and data names, duplicate ids. */
function crossCheck(raw: unknown): void {
  if (!isRecord(raw) || !Array.isArray(raw.analyses)) return;
  const names = isRecord(raw.data) ? Object.keys(raw.data) : [];
  const known = RUN_DESIGNS.map((d) => d.name);
  const ids = new Set<string>();
  raw.analyses.forEach((a, i) => {
    if (!isRecord(a)) return;
    if (typeof a.design !== "string" || !known.includes(a.design)) {
      throw new TrueliftError(
        "E_RUN_UNKNOWN_DESIGN",
        `analyses[${i}].design: unknown design '${String(a.design)}'; expected one of ${known.join(", ")}.`,
        { details: { path: `analyses[${i}].design`, design: a.design ?? null, designs: known } },
      );
    }
    if (typeof a.data === "string" && !names.includes(a.data)) {
      throw new TrueliftError(
        "E_RUN_UNKNOWN_DATA",
        `analyses[${i}].data: no data source named '${a.data}'; the spec defines ${names.length > 0 ? names.map((n) => `'${n}'`).join(", ") : "none"}.`,
        { details: { path: `analyses[${i}].data`, data: a.data, available: names } },
      );
    }
    if (typeof a.id === "string") {
      if (ids.has(a.id)) {
        throw new TrueliftError(
          "E_INVALID_SPEC",
          `analyses[${i}].id: '${a.id}' is used by another analysis.`,
          {
            details: { path: `analyses[${i}].id`, id: a.id },
            hint: "Give every analysis a unique id.",
          },
        );
      }
      ids.add(a.id);
    }
  });
}

/**
 * Validates a run spec (parsed JSON or YAML) and fills in defaults. Throws `E_RUN_UNKNOWN_DESIGN` (an analysis
 * names a design truelift does not have), `E_RUN_UNKNOWN_DATA` (an analysis names a data source the spec does
 * not define), or `E_INVALID_SPEC` naming the path of the first bad field (e.g. `analyses[0].spec.alpha`,
 * including the design's own spec fields). Missing columns are found when the analysis runs (the design's own
 * `E_COLUMN_MISSING`).
 *
 * @example
 * ```ts
 * import { parseRunSpec } from "truelift";
 * const spec = parseRunSpec({ version: 1, data: { d: { path: "x.csv" } },
 *   analyses: [{ id: "a", design: "rdd", data: "d", spec: { outcome: "y", running: "x", cutoff: 0 } }] });
 * spec.report.out; // "truelift-report"
 * ```
 */
export function parseRunSpec(raw: unknown): ValidRunSpec {
  crossCheck(raw);
  return parseSpec(RUN_SPEC_SCHEMA, raw, { what: "run", locate: "path" });
}

/**
 * The JSON Schema (draft 2020-12) of a run spec, as published in docs/spec.schema.json (input shape: fields
 * with defaults are optional). `node scripts/spec-schema.mjs` rewrites the file; a test fails when it is stale.
 *
 * @example
 * ```ts
 * import { runSpecJsonSchema } from "truelift";
 * runSpecJsonSchema().title; // "truelift run spec"
 * ```
 */
export function runSpecJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(RUN_SPEC_SCHEMA, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return {
    $schema: schema.$schema,
    $id: "https://github.com/truelift/truelift/blob/main/docs/spec.schema.json",
    title: "truelift run spec",
    description:
      "A declarative truelift analysis: named data sources, analyses (one per design spec) and report options. Run with `truelift run spec.json` or `truelift run spec.yaml`.",
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema")),
  };
}

/**
 * {@link runSpecJsonSchema} as the exact text of docs/spec.schema.json (2-space indent, trailing newline).
 *
 * @example
 * ```ts
 * import { runSpecJsonSchemaText } from "truelift";
 * JSON.parse(runSpecJsonSchemaText()).title; // "truelift run spec"
 * ```
 */
export function runSpecJsonSchemaText(): string {
  return `${JSON.stringify(runSpecJsonSchema(), null, 2)}\n`;
}
