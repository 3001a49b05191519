import { TrueliftError } from "../../core/errors.js";
import type { ProgressCallback } from "../../core/options.js";
import { clickhouseEngine } from "./clickhouse.js";
import { duckdbEngine } from "./duckdb.js";
import type { Engine } from "./engine.js";

/**
 * Opens the engine a `--db` address names, with a query time limit:
 *
 * - none → DuckDB embedded, in memory (files are read with `read_csv` / `read_parquet`);
 * - `duckdb:<path>` or a path ending `.duckdb` / `.db` → that DuckDB database, read-only;
 * - `postgres://…` / `postgresql://…` → PostgreSQL (credentials from the URL or PGPASSWORD …);
 * - `clickhouse://host:8123/db` (or `clickhouse+https://…`) → ClickHouse's HTTP interface (credentials from the URL
 *   or CLICKHOUSE_USER / CLICKHOUSE_PASSWORD).
 *
 * Anything else raises `E_INVALID_ARGUMENT` with the accepted forms. The address is never echoed with its password.
 * `onProgress` receives a running query's progress where the engine reports it (DuckDB: percent of the scan;
 * ClickHouse: rows read of its estimate); PostgreSQL reports none for a `SELECT`, so it is never called there.
 *
 * @example
 * ```ts
 * import { openEngine } from "truelift";
 * const engine = await openEngine("postgres://analyst@127.0.0.1:5432/prod");
 * try { await engine.compress(request, { type: "table", path: ["events"] }); } finally { await engine.close(); }
 * ```
 */
export async function openEngine(
  address?: string,
  options: { readonly timeoutMs?: number; readonly onProgress?: ProgressCallback } = {},
): Promise<Engine> {
  const timeout = options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs };
  const progress = options.onProgress === undefined ? {} : { onProgress: options.onProgress };
  if (address === undefined) return duckdbEngine({ ...timeout, ...progress });
  if (address.startsWith("duckdb:"))
    return duckdbEngine({ database: address.slice("duckdb:".length), ...timeout, ...progress });
  if (/\.(duckdb|db)$/i.test(address) && !address.includes("://"))
    return duckdbEngine({ database: address, ...timeout, ...progress });
  // The pg driver is imported only for a PostgreSQL address: a file run does not pay its start-up.
  if (/^postgres(ql)?:\/\//i.test(address))
    return (await import("./postgres.js")).postgresEngine({ url: address, ...timeout });
  const ch = /^clickhouse(\+https?)?:\/\//i.exec(address);
  if (ch) {
    const scheme = ch[1] === "+https" ? "https" : "http";
    return clickhouseEngine({ url: `${scheme}://${address.slice(ch[0].length)}`, ...timeout, ...progress });
  }
  throw new TrueliftError(
    "E_INVALID_ARGUMENT",
    `--db '${redactPassword(address)}' is not an address truelift can open.`,
    {
      hint: "Use postgres://user@host:5432/db, clickhouse://host:8123/db, duckdb:<file> (or a .duckdb file), or omit --db for files.",
    },
  );
}

/**
 * An address with any password replaced by `***`, for messages and provenance.
 *
 * @example
 * ```ts
 * import { redactPassword } from "truelift";
 * redactPassword("postgres://me:s3cret@db/prod"); // "postgres://me:***@db/prod"
 * ```
 */
export function redactPassword(address: string): string {
  return address.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, "$1:***@");
}
