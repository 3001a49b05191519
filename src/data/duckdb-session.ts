import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import { TrueliftError } from "../core/errors.js";

type NodeApi = typeof import("@duckdb/node-api");
type Bindings = typeof import("@duckdb/node-bindings");

let apiPromise: Promise<NodeApi> | undefined;
let bindingsPromise: Promise<Bindings> | undefined;

/**
 * The DuckDB Node API, imported on first use so that `import "truelift"` does not load the native engine.
 *
 * @example
 * ```ts
 * const { DuckDBInstance } = await duckdbApi();
 * ```
 */
export function duckdbApi(): Promise<NodeApi> {
  apiPromise ??= import("@duckdb/node-api");
  return apiPromise;
}

/**
 * DuckDB's low-level C-API bindings (the package `@duckdb/node-api` is built on), used to read result vectors
 * as raw typed arrays without creating a JS value per cell.
 *
 * @example
 * ```ts
 * const b = await duckdbBindings();
 * const raw = b.vector_get_data(vector, rows * 8); // the vector's bytes, no per-cell values
 * ```
 */
export async function duckdbBindings(): Promise<Bindings> {
  bindingsPromise ??= import("@duckdb/node-bindings").then(
    (m) => ((m as unknown as { default?: Bindings }).default ?? m) as Bindings,
  );
  return bindingsPromise;
}

/** Where a session's database lives: `undefined` for a fresh in-memory database, else a DuckDB file (read-only). */
export interface SessionOptions {
  readonly dbPath?: string;
}

/**
 * Opens a DuckDB instance (in memory, or a database file read-only), runs `fn` with a connection, and always
 * closes the connection and the instance afterwards, whether `fn` succeeds or throws. A database file DuckDB
 * cannot open (not a DuckDB file, newer storage version, locked) raises `E_READ_FAILED`.
 *
 * @example
 * ```ts
 * const n = await withDuckDB({}, async (conn) => (await conn.runAndReadAll("SELECT 42")).getRows()[0][0]);
 * ```
 */
export async function withDuckDB<T>(
  options: SessionOptions,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  if (options.dbPath === undefined) return openAndRun(options, fn);
  // DuckDB must not attach one database file from two instances of the same process: take turns per file.
  const key = options.dbPath;
  const previous = fileQueue.get(key) ?? Promise.resolve();
  const run = previous.then(
    () => openAndRun(options, fn),
    () => openAndRun(options, fn),
  );
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  fileQueue.set(key, settled);
  try {
    return await run;
  } finally {
    if (fileQueue.get(key) === settled) fileQueue.delete(key);
  }
}

/** Per database file, the tail of the queue of sessions using it. */
const fileQueue = new Map<string, Promise<void>>();

async function openAndRun<T>(
  options: SessionOptions,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const api = await duckdbApi();
  let instance: DuckDBInstance;
  if (options.dbPath === undefined) instance = await api.DuckDBInstance.create(":memory:");
  else {
    try {
      instance = await api.DuckDBInstance.create(options.dbPath, { access_mode: "READ_ONLY" });
    } catch (e) {
      throw new TrueliftError(
        "E_READ_FAILED",
        `Could not open the DuckDB database '${options.dbPath}': ${duckdbMessage(e)}`,
        {
          details: { path: options.dbPath, duckdb: duckdbMessage(e) },
          cause: e,
        },
      );
    }
  }
  try {
    const conn = await instance.connect();
    try {
      return await fn(conn);
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * The informative head of a DuckDB error message, on one line: DuckDB's first lines up to its "Possible fixes",
 * search-space listing or SQL caret context (at most three lines, joined with " — ").
 *
 * @example
 * ```ts
 * duckdbMessage(new Error("Parser Error: syntax error at or near \"SELEC\"\n\nLINE 1: SELEC 1"));
 * // 'Parser Error: syntax error at or near "SELEC"'
 * ```
 */
export function duckdbMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const kept: string[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") {
      if (kept.length > 0) break;
      continue;
    }
    if (/^(Possible (fix|solution)|The search space|LINE \d+:|\^)/.test(line)) break;
    kept.push(line);
    if (kept.length === 3) break;
  }
  return kept.length > 0 ? kept.join(" — ") : text.trim();
}
