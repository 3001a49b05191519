import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, isAbsolute, resolve } from "node:path";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { TrueliftError } from "../core/errors.js";
import type { Frame } from "../core/frame.js";
import { redactPassword } from "../data/engines/open.js";
import { hashBytes, hashFile, loadFrame } from "../data/index.js";
import { designReport } from "../report/report-analysis.js";
import type { ReportAnalysis } from "../report/report-types.js";
import { analyzeOnEngine, type EngineSource, loadEngineRows } from "./compressed.js";
import { RUN_DESIGNS } from "./designs.js";
import { parseRunSpec, type RunAnalysis, type ValidRunSpec } from "./spec.js";

/**
 * Reads a run spec file: `.json` as JSON, `.yaml` / `.yml` as YAML (other extensions: JSON, then YAML), then
 * validates it with `parseRunSpec`. Throws `E_FILE_NOT_FOUND`, `E_INVALID_SPEC` for a syntax error (with the
 * line) or an invalid field (with its path), `E_RUN_UNKNOWN_DESIGN` or `E_RUN_UNKNOWN_DATA`.
 *
 * @example
 * ```ts
 * import { readRunSpec } from "truelift";
 * const spec = readRunSpec("analysis.yaml");
 * spec.analyses.length; // 2
 * ```
 */
export function readRunSpec(path: string): ValidRunSpec {
  if (!existsSync(path)) {
    throw new TrueliftError("E_FILE_NOT_FOUND", `Run spec '${path}' does not exist.`, { details: { path } });
  }
  const text = readFileSync(path, "utf8");
  const ext = extname(path).toLowerCase();
  let raw: unknown;
  if (ext === ".yaml" || ext === ".yml") raw = parseYamlText(path, text);
  else {
    try {
      raw = JSON.parse(text);
    } catch (e) {
      if (ext === ".json") {
        throw new TrueliftError(
          "E_INVALID_SPEC",
          `Run spec '${path}' is not valid JSON: ${(e as Error).message}`,
          {
            details: { path },
            cause: e,
          },
        );
      }
      raw = parseYamlText(path, text);
    }
  }
  return parseRunSpec(raw);
}

function parseYamlText(path: string, text: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true });
  } catch (e) {
    const line = e instanceof YAMLParseError ? (e.linePos?.[0]?.line ?? null) : null;
    throw new TrueliftError(
      "E_INVALID_SPEC",
      `Run spec '${path}' is not valid YAML${line === null ? "" : ` (line ${line})`}: ${(e as Error).message.split("\n")[0]}`,
      { details: { path, line }, cause: e },
    );
  }
}

/**
 * A data source ready for analyses: a loaded frame with its SHA-256 (file bytes, or the query and database), or a
 * database the analyses are computed in (compress → estimate), hashed by address (no password) and table or query.
 */
type LoadedSource =
  | { readonly frame: Frame; readonly hash: string; readonly engine: "memory" | "duckdb" }
  | { readonly database: EngineSource; readonly hash: string; readonly engine: "warehouse" };

/**
 * Options of {@link executeRunSpec}.
 *
 * - `baseDir`: directory relative `path` / `duckdb` entries resolve from (the spec file's directory);
 * - `onProgress`: called before each step with a short description; __Default value:__ none.
 *
 * @example
 * ```ts
 * import type { ExecuteRunSpecOptions } from "truelift";
 * const o: ExecuteRunSpecOptions = { baseDir: "/analyses", onProgress: (m) => console.error(m) };
 * ```
 */
export interface ExecuteRunSpecOptions {
  readonly baseDir: string;
  readonly onProgress?: (message: string) => void;
}

function findSeed(spec: unknown): number | null {
  if (spec === null || typeof spec !== "object") return null;
  for (const [k, v] of Object.entries(spec as Record<string, unknown>)) {
    if (k === "seed" && typeof v === "number") return v;
    const inner = findSeed(v);
    if (inner !== null) return inner;
  }
  return null;
}

async function loadSource(name: string, spec: ValidRunSpec, baseDir: string): Promise<LoadedSource> {
  const source = spec.data[name];
  const at = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  if ("db" in source) {
    const where = source.table ?? source.query;
    if ((source.table === undefined) === (source.query === undefined) || where === undefined) {
      throw new TrueliftError(
        "E_INVALID_SPEC",
        `Data source '${name}' needs exactly one of table or query.`,
        {
          details: { data: name },
        },
      );
    }
    const database: EngineSource = {
      db: source.db,
      ...(source.table === undefined ? {} : { table: source.table }),
      ...(source.query === undefined ? {} : { sql: source.query }),
    };
    return { database, hash: hashBytes(`${redactPassword(source.db)}\n${where}`), engine: "warehouse" };
  }
  if ("path" in source) {
    const path = at(source.path);
    const na = source.na === undefined ? {} : { na: source.na };
    const frame = await relativeToSpec(source.path, path, baseDir, () => loadFrame(path, na));
    return { frame, hash: await hashFile(path), engine: "memory" };
  }
  const given = source.duckdb;
  const duckdb = given === undefined ? undefined : at(given);
  const frame =
    given === undefined || duckdb === undefined
      ? await loadFrame({ sql: source.sql })
      : await relativeToSpec(given, duckdb, baseDir, () => loadFrame({ sql: source.sql, duckdb }));
  const dbHash = duckdb === undefined ? "" : await hashFile(duckdb);
  return { frame, hash: hashBytes(`${source.sql}\n${dbHash}`), engine: "duckdb" };
}

/**
 * Runs a load of a spec-relative file; a missing file's `E_FILE_NOT_FOUND` says that the path was resolved from
 * the spec's folder (not the current directory) and shows the resolved path.
 */
async function relativeToSpec<T>(
  given: string,
  path: string,
  baseDir: string,
  load: () => Promise<T>,
): Promise<T> {
  try {
    return await load();
  } catch (e) {
    if (e instanceof TrueliftError && e.code === "E_FILE_NOT_FOUND") {
      const relative = !isAbsolute(given);
      throw new TrueliftError("E_FILE_NOT_FOUND", `No such file: '${given}' (looked for '${path}').`, {
        details: { ...e.details, path: given, resolved: path, baseDir },
        hint: relative
          ? `Relative data paths in a run spec resolve from the spec's folder ('${baseDir}'), not the current directory: make '${given}' relative to that folder, or give an absolute path.`
          : "Check the path.",
        cause: e,
      });
    }
    throw e;
  }
}

async function runOne(a: RunAnalysis, loaded: LoadedSource): Promise<ReportAnalysis> {
  const design = RUN_DESIGNS.find((d) => d.name === a.design);
  if (design === undefined) throw new Error(`run spec: design '${a.design}' is not registered`);
  const analysis =
    "frame" in loaded
      ? await design.analyze(loaded.frame, a.spec)
      : design.compression === undefined
        ? await design.analyze((await loadEngineRows(loaded.database)).frame, a.spec)
        : (await analyzeOnEngine(design, a.spec, loaded.database)).analysis;
  const section = designReport(analysis, {
    id: a.id,
    ...(a.title !== undefined ? { title: a.title } : {}),
    ...(a.question !== undefined ? { question: a.question } : {}),
    ...(a.truth !== undefined ? { truth: a.truth } : {}),
    ...(a.units !== undefined ? { units: a.units } : {}),
    inputHash: loaded.hash,
    seed: findSeed(a.spec),
  });
  return { ...section, provenance: { ...section.provenance, engine: loaded.engine } };
}

/**
 * Runs every analysis of a validated run spec: loads each data source it uses once (relative paths from
 * `baseDir`), hashes it, runs the design on it and turns the result into a report section. Stops at the first
 * error (e.g. the design's own `E_COLUMN_MISSING`), adding the analysis id to the message, so nothing is
 * reported unless every analysis ran.
 *
 * @example
 * ```ts
 * import { executeRunSpec, readRunSpec, renderReport } from "truelift";
 * const spec = readRunSpec("analysis.yaml");
 * const analyses = await executeRunSpec(spec, { baseDir: "." });
 * ```
 */
export async function executeRunSpec(
  spec: ValidRunSpec,
  options: ExecuteRunSpecOptions,
): Promise<ReportAnalysis[]> {
  const loaded = new Map<string, LoadedSource>();
  const out: ReportAnalysis[] = [];
  for (const a of spec.analyses) {
    let source = loaded.get(a.data);
    if (source === undefined) {
      options.onProgress?.(`Loading data '${a.data}'`);
      source = await loadSource(a.data, spec, options.baseDir);
      loaded.set(a.data, source);
    }
    options.onProgress?.(`Running ${a.design} analysis '${a.id}'`);
    try {
      out.push(await runOne(a, source));
    } catch (e) {
      if (e instanceof TrueliftError) {
        throw new TrueliftError(e.code, `Analysis '${a.id}' (${a.design}): ${e.message}`, {
          hint: e.hint,
          details: { ...e.details, analysis: a.id },
          cause: e,
        });
      }
      throw e;
    }
  }
  return out;
}

/**
 * The directory a spec's relative paths resolve from: the spec file's directory.
 *
 * @example
 * ```ts
 * import { runSpecBaseDir } from "truelift";
 * runSpecBaseDir("/work/specs/a.yaml"); // "/work/specs"
 * ```
 */
export function runSpecBaseDir(specPath: string): string {
  return dirname(resolve(specPath));
}
