import pg from "pg";
import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import type { TrueliftError } from "../../core/errors.js";
import type { ErrorCode } from "../../core/messages.js";
import type { Select, Source } from "../../sql/ast.js";
import { postgresDialect } from "../../sql/dialects/postgres.js";
import { assertReadOnlyQuery } from "../../sql/read-only.js";
import { render } from "../../sql/render.js";
import { trackQuery } from "./cancel.js";
import { compressOnEngine } from "./compress-run.js";
import { describeSource } from "./describe-source.js";
import type { Engine, EngineDescription, ResultColumn, ResultTable } from "./engine.js";
import { engineError } from "./errors.js";

/**
 * Options of {@link postgresEngine}.
 *
 * @example
 * ```ts
 * const o: PostgresEngineOptions = { url: "postgres://analyst@db:5432/prod", timeoutMs: 60_000 };
 * ```
 */
export interface PostgresEngineOptions {
  /**
   * `postgres://user[:password]@host:port/database`. Missing parts come from the standard environment variables
   * (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), as in `psql`. The password is never echoed.
   */
  readonly url: string;
  /** Server-side `statement_timeout` in milliseconds (`E_DB_TIMEOUT`). Default: no limit. */
  readonly timeoutMs?: number;
  /** Give up connecting after this many milliseconds (`E_DB_CONNECTION`). Default 10 000. */
  readonly connectTimeoutMs?: number;
}

/**
 * PostgreSQL through the `pg` client. Every query runs inside a `READ ONLY` transaction (the second guard after
 * the read-only check of a user's `--sql`), with values bound as `$n` parameters.
 *
 * @example
 * ```ts
 * const engine = await postgresEngine({ url: "postgres://analyst@db.internal:5432/prod", timeoutMs: 60_000 });
 * const t = await engine.compress({ keys: ["arm"], measures: ["revenue"] }, { type: "table", path: ["public", "events"] });
 * await engine.close();
 * ```
 * @see https://node-postgres.com/apis/client
 */
export async function postgresEngine(options: PostgresEngineOptions): Promise<Engine> {
  const client = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
    ...(options.timeoutMs === undefined ? {} : { statement_timeout: options.timeoutMs }),
  });
  // An idle connection the server drops emits 'error'; without a listener Node would crash the process.
  client.on("error", () => undefined);
  let pid: number;
  try {
    await client.connect();
    pid = Number((await client.query({ text: "SELECT pg_backend_pid()", rowMode: "array" })).rows[0][0]);
  } catch (e) {
    await client.end().catch(() => undefined);
    throw mapPostgresError(e, undefined);
  }
  return new PostgresEngine(client, describeUrl(options.url), () => cancelBackend(options, pid));
}

/**
 * Cancels the query running on backend `pid` from a second connection (`pg_cancel_backend`, allowed on one's own
 * sessions), as psql does on Ctrl-C; the interrupted statement then fails with SQLSTATE 57014.
 */
async function cancelBackend(options: PostgresEngineOptions, pid: number): Promise<void> {
  const canceller = new pg.Client({
    connectionString: options.url,
    connectionTimeoutMillis: Math.min(options.connectTimeoutMs ?? 10_000, 5000),
  });
  canceller.on("error", () => undefined);
  try {
    await canceller.connect();
    await canceller.query("SELECT pg_cancel_backend($1)", [pid]);
  } finally {
    await canceller.end().catch(() => undefined);
  }
}

class PostgresEngine implements Engine {
  readonly name = "postgres" as const;
  readonly dialect = postgresDialect;
  private closed = false;

  constructor(
    private readonly client: pg.Client,
    private readonly where: Pick<EngineDescription, "host" | "database" | "user">,
    private readonly cancel: () => Promise<void>,
  ) {}

  async run(query: Select): Promise<ResultTable> {
    assertReadOnlyQuery(query);
    const { text, params } = render(query, this.dialect);
    try {
      await this.client.query("BEGIN TRANSACTION READ ONLY");
      try {
        const res = await trackQuery(
          () => this.client.query({ text, values: [...params], rowMode: "array" }),
          this.cancel,
        );
        await this.client.query("COMMIT");
        const columns: ResultColumn[] = res.fields.map((f, j) => {
          const kind = NUMERIC_OIDS.has(f.dataTypeID) ? "number" : "string";
          return {
            name: f.name,
            kind,
            values: res.rows.map((row: unknown[]) => normalise(row[j], kind)),
          };
        });
        return { rows: res.rows.length, columns };
      } catch (e) {
        await this.client.query("ROLLBACK").catch(() => undefined);
        throw e;
      }
    } catch (e) {
      throw mapPostgresError(e, text);
    }
  }

  compress(request: CompressRequest, source: Source): Promise<CompressedTable> {
    return compressOnEngine(this, request, source);
  }

  describe(source: Source): EngineDescription {
    return { engine: "postgres", ...this.where, ...describeSource(source) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => undefined);
  }
}

/** bool, int2, int4, int8, oid, float4, float8, numeric. */
const NUMERIC_OIDS = new Set([16, 20, 21, 23, 26, 700, 701, 1700]);

function normalise(v: unknown, kind: "number" | "string"): number | string | null {
  if (v === null || v === undefined) return null;
  if (kind === "number") return typeof v === "boolean" ? Number(v) : Number(v);
  return v instanceof Date ? v.toISOString() : String(v);
}

/** Host, database and user of a connection URL, without the password. */
function describeUrl(url: string): Pick<EngineDescription, "host" | "database" | "user"> {
  try {
    const u = new URL(url);
    const user = decodeURIComponent(u.username) || process.env.PGUSER;
    const database = decodeURIComponent(u.pathname.replace(/^\//, "")) || process.env.PGDATABASE;
    return {
      host: `${u.hostname}:${u.port || "5432"}`,
      ...(database ? { database } : {}),
      ...(user ? { user } : {}),
    };
  } catch {
    return {};
  }
}

/** SQLSTATE classes → catalogued codes. */
const SQLSTATE: Readonly<Record<string, ErrorCode>> = {
  "28P01": "E_DB_AUTH", // invalid_password
  "28000": "E_DB_AUTH", // invalid_authorization_specification
  "3D000": "E_DB_CONNECTION", // invalid_catalog_name (no such database)
  "42P01": "E_DB_UNKNOWN_TABLE", // undefined_table
  "3F000": "E_DB_UNKNOWN_TABLE", // invalid_schema_name
  "42703": "E_DB_UNKNOWN_COLUMN", // undefined_column
  "42501": "E_DB_PERMISSION", // insufficient_privilege
  "57014": "E_DB_TIMEOUT", // query_canceled (statement_timeout)
  "25006": "E_SQL_NOT_READ_ONLY", // read_only_sql_transaction
  "57P01": "E_DB_CONNECTION", // admin_shutdown
  "53300": "E_DB_CONNECTION", // too_many_connections
};

const NETWORK = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EHOSTUNREACH",
  "ECONNRESET",
  "ETIMEDOUT",
  "EAI_AGAIN",
]);

function mapPostgresError(e: unknown, sql: string | undefined): TrueliftError {
  const err = e instanceof Error ? e : new Error(String(e));
  const sqlstate = "code" in err && typeof err.code === "string" ? err.code : "";
  let code: ErrorCode = SQLSTATE[sqlstate] ?? "E_QUERY_FAILED";
  if (NETWORK.has(sqlstate) || /timeout expired|Connection terminated/i.test(err.message))
    code = "E_DB_CONNECTION";
  if (err instanceof AggregateError && err.errors.some((x) => NETWORK.has(String(x?.code))))
    code = "E_DB_CONNECTION";
  if (/password authentication failed|no password supplied|SASL/i.test(err.message)) code = "E_DB_AUTH";
  const reason =
    err.message || (err instanceof AggregateError ? err.errors.map(String).join("; ") : sqlstate);
  return engineError(code, "postgres", reason, sql, e);
}
