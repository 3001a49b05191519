import { TrueliftError } from "../../core/errors.js";
import type { ErrorCode } from "../../core/messages.js";
import type { EngineName } from "./engine.js";

/**
 * A catalogued engine error: `code` decided by the engine's mapping, the engine's own message (never a password)
 * and the failing SQL attached in `details.sql`.
 *
 * @example
 * ```ts
 * throw engineError("E_DB_UNKNOWN_TABLE", "postgres", 'relation "nope" does not exist', 'SELECT * FROM "nope"');
 * ```
 */
export function engineError(
  code: ErrorCode,
  engine: EngineName,
  reason: string,
  sql: string | undefined,
  cause?: unknown,
): TrueliftError {
  const what = WHAT[code] ?? "The query failed";
  return new TrueliftError(code, `${what} (${engine}): ${reason}`, {
    details: { engine, reason, ...(sql === undefined ? {} : { sql }) },
    cause,
  });
}

const WHAT: Partial<Record<ErrorCode, string>> = {
  E_DB_CONNECTION: "Could not connect to the database",
  E_DB_AUTH: "The database refused the credentials",
  E_DB_UNKNOWN_TABLE: "The table does not exist",
  E_DB_UNKNOWN_COLUMN: "A column does not exist",
  E_DB_PERMISSION: "The database user may not read this",
  E_DB_TIMEOUT: "The query took longer than the time limit",
  E_SQL_NOT_READ_ONLY: "The SQL query tried to write",
  E_QUERY_FAILED: "The SQL query failed",
};
