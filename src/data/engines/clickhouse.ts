import { randomUUID } from "node:crypto";
import type { CompressedTable, CompressRequest } from "../../core/compress.js";
import { TrueliftError } from "../../core/errors.js";
import type { ErrorCode } from "../../core/messages.js";
import type { ProgressCallback } from "../../core/options.js";
import type { Select, Source } from "../../sql/ast.js";
import { clickhouseDialect } from "../../sql/dialects/clickhouse.js";
import { assertReadOnlyQuery } from "../../sql/read-only.js";
import { render } from "../../sql/render.js";
import { trackQuery } from "./cancel.js";
import { compressOnEngine } from "./compress-run.js";
import { describeSource } from "./describe-source.js";
import type { Engine, EngineDescription, ResultColumn, ResultTable } from "./engine.js";
import { engineError } from "./errors.js";

/**
 * Options of {@link clickhouseEngine}.
 *
 * @example
 * ```ts
 * const o: ClickHouseEngineOptions = { url: "http://127.0.0.1:8123/default", timeoutMs: 60_000 };
 * ```
 */
export interface ClickHouseEngineOptions {
  /**
   * The HTTP interface, `http://[user[:password]@]host:8123[/database]`. Missing credentials come from
   * CLICKHOUSE_USER / CLICKHOUSE_PASSWORD (default user `default`, no password); they are sent as HTTP Basic
   * authentication, never in the query string, and never echoed.
   */
  readonly url: string;
  /** `max_execution_time` in milliseconds (rounded up to seconds; `E_DB_TIMEOUT`). Default: no limit. */
  readonly timeoutMs?: number;
  /**
   * Called with a running query's progress (rows read of the server's estimate, from `system.processes`) twice a
   * second. For a terminal's progress bar: it never changes a result.
   */
  readonly onProgress?: ProgressCallback;
}

/**
 * ClickHouse over its plain HTTP interface (Node's `fetch`, `FORMAT JSONCompact`), which every version speaks —
 * the official client does not support 18.16, Debian's package. Queries run with `readonly=2` (reads only; settings
 * such as the time limit may still be set). Works on a `Distributed` table the same as on a local one: each shard
 * computes its groups' moments and truelift merges them exactly (see `compress`).
 *
 * 18.16 has no query parameters, so values are inlined with the dialect's escaping (see `clickhouseDialect`).
 *
 * @example
 * ```ts
 * const engine = await clickhouseEngine({ url: "http://127.0.0.1:8123/default" });
 * const t = await engine.compress({ keys: ["arm"], measures: ["revenue"] }, { type: "table", path: ["events_all"] });
 * ```
 * @see https://clickhouse.com/docs/en/interfaces/http
 */
export async function clickhouseEngine(options: ClickHouseEngineOptions): Promise<Engine> {
  const engine = new ClickHouseEngine(options);
  await engine.ping();
  return engine;
}

class ClickHouseEngine implements Engine {
  readonly name = "clickhouse" as const;
  readonly dialect = clickhouseDialect;
  private readonly endpoint: URL;
  private readonly auth: string;
  private readonly database: string | undefined;
  private readonly user: string;

  constructor(private readonly options: ClickHouseEngineOptions) {
    const u = new URL(options.url);
    this.user = decodeURIComponent(u.username) || process.env.CLICKHOUSE_USER || "default";
    const password = decodeURIComponent(u.password) || process.env.CLICKHOUSE_PASSWORD || "";
    this.auth = `Basic ${Buffer.from(`${this.user}:${password}`).toString("base64")}`;
    this.database = decodeURIComponent(u.pathname.replace(/^\//, "")) || undefined;
    this.endpoint = new URL(`${u.protocol}//${u.host}/`);
    this.endpoint.searchParams.set("readonly", "2");
    if (this.database) this.endpoint.searchParams.set("database", this.database);
    if (options.timeoutMs !== undefined)
      this.endpoint.searchParams.set(
        "max_execution_time",
        String(Math.max(1, Math.ceil(options.timeoutMs / 1000))),
      );
  }

  /** Checks the server answers and accepts the credentials. */
  async ping(): Promise<void> {
    await this.post("SELECT 1 FORMAT JSONCompact", undefined, {});
  }

  run(query: Select): Promise<ResultTable> {
    return this.runWith(query, {});
  }

  private async runWith(query: Select, settings: Readonly<Record<string, string>>): Promise<ResultTable> {
    assertReadOnlyQuery(query);
    const { text } = render(query, this.dialect);
    const body = await this.post(`${text}\nFORMAT JSONCompact`, text, settings);
    const parsed: { meta: { name: string; type: string }[]; data: unknown[][]; rows: number } =
      JSON.parse(body);
    const columns: ResultColumn[] = parsed.meta.map((m, j) => {
      const kind = NUMERIC.test(bareType(m.type)) ? "number" : "string";
      return { name: m.name, kind, values: parsed.data.map((row) => normalise(row[j], kind)) };
    });
    return { rows: parsed.data.length, columns };
  }

  /**
   * On a `Distributed` table, each shard aggregates its own rows to final values
   * (`distributed_group_by_no_merge = 1`) and the per-shard rows are merged exactly here: 18.16 cannot ship
   * `varPopStable` / `covarPopStable` states between servers (the receiving server fails to read them), and its
   * plain `varPop` is the unstable Σx² formula. Only a table whose engine is `Distributed` is read this way: a user
   * query or a view may aggregate itself, and unmerged partial groups would be wrong there (those sources stream
   * rows to this server, which aggregates them).
   */
  async compress(request: CompressRequest, source: Source): Promise<CompressedTable> {
    const settings: Record<string, string> =
      source.type === "table" && (await this.isDistributed(source.path))
        ? { distributed_group_by_no_merge: "1" }
        : {};
    // Two scans: 18.16 cannot CAST a NULL to Float64, even in a CASE branch not taken, so the NULLs must be left
    // out by WHERE before the moments and counted by a second query.
    return compressOnEngine({ run: (q) => this.runWith(q, settings) }, request, source, { oneScan: false });
  }

  /** Whether a table's engine is `Distributed` (per `system.tables`); false when it is not found. */
  private async isDistributed(path: readonly string[]): Promise<boolean> {
    const name = path[path.length - 1];
    const database = path.length > 1 ? path[path.length - 2] : undefined;
    const result = await this.run({
      type: "select",
      columns: [{ expr: { type: "column", name: "engine" }, alias: "engine" }],
      from: { type: "table", path: ["system", "tables"] },
      where: {
        type: "binary",
        op: "AND",
        left: {
          type: "binary",
          op: "=",
          left: { type: "column", name: "name" },
          right: { type: "param", value: name },
        },
        right:
          database === undefined
            ? {
                type: "binary",
                op: "=",
                left: { type: "column", name: "database" },
                right: { type: "call", fn: "current_database", args: [] },
              }
            : {
                type: "binary",
                op: "=",
                left: { type: "column", name: "database" },
                right: { type: "param", value: database },
              },
      },
    });
    return result.columns[0]?.values[0] === "Distributed";
  }

  describe(source: Source): EngineDescription {
    return {
      engine: "clickhouse",
      host: this.endpoint.host,
      user: this.user,
      ...(this.database ? { database: this.database } : {}),
      ...describeSource(source),
    };
  }

  async close(): Promise<void> {
    // Plain HTTP: no connection to release.
  }

  private async post(
    body: string,
    sql: string | undefined,
    settings: Readonly<Record<string, string>>,
  ): Promise<string> {
    const limit = this.options.timeoutMs;
    const url = new URL(this.endpoint);
    for (const [k, v] of Object.entries(settings)) url.searchParams.set(k, v);
    // A query id of our own, so that an interrupt can stop the query on the server (`KILL QUERY`): 18.16 runs a
    // query to its end after its HTTP client went away.
    const queryId = randomUUID();
    url.searchParams.set("query_id", queryId);
    const abort = new AbortController();
    const signal =
      limit === undefined
        ? abort.signal
        : AbortSignal.any([abort.signal, AbortSignal.timeout(limit + 10_000)]);
    const stopProgress = sql === undefined ? () => undefined : this.reportProgress(queryId);
    try {
      const { ok, status, text } = await trackQuery(
        async () => {
          const res = await fetch(url, {
            method: "POST",
            headers: { Authorization: this.auth, "Content-Type": "text/plain; charset=utf-8" },
            body,
            signal,
          });
          return { ok: res.ok, status: res.status, text: await res.text() };
        },
        async () => {
          abort.abort();
          await this.kill(queryId);
        },
      );
      if (ok) return text;
      throw mapClickHouseError(text, status, sql);
    } catch (e) {
      if (e instanceof TrueliftError) throw e;
      const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
      const reason = e instanceof Error ? `${e.message}${causeText(e)}` : String(e);
      throw engineError(timedOut ? "E_DB_TIMEOUT" : "E_DB_CONNECTION", "clickhouse", reason, sql, e);
    } finally {
      stopProgress();
    }
  }

  /** Stops a query on the server (`KILL QUERY … SYNC`, outside the read-only setting that forbids it). */
  private async kill(queryId: string): Promise<void> {
    const url = new URL(this.endpoint);
    url.searchParams.delete("readonly");
    await fetch(url, {
      method: "POST",
      headers: { Authorization: this.auth, "Content-Type": "text/plain; charset=utf-8" },
      body: `KILL QUERY WHERE query_id = ${this.dialect.quoteString(queryId)} SYNC`,
      signal: AbortSignal.timeout(5000),
    }).then((r) => r.text());
  }

  /** Polls `system.processes` for a query's rows read (of the estimate) every 500 ms; returns the stop. */
  private reportProgress(queryId: string): () => void {
    const onProgress = this.options.onProgress;
    if (onProgress === undefined) return () => undefined;
    const url = new URL(this.endpoint);
    let busy = false;
    const poll = setInterval(() => {
      if (busy) return;
      busy = true;
      fetch(url, {
        method: "POST",
        headers: { Authorization: this.auth, "Content-Type": "text/plain; charset=utf-8" },
        body: `SELECT read_rows, total_rows_approx FROM system.processes WHERE query_id = ${this.dialect.quoteString(queryId)} FORMAT JSONCompact`,
        signal: AbortSignal.timeout(2000),
      })
        .then(async (r) => {
          const row: unknown = JSON.parse(await r.text()).data?.[0];
          if (!Array.isArray(row)) return;
          const [done, total] = row.map(Number);
          if (total > 0 && Number.isFinite(done))
            onProgress({ label: "rows read (clickhouse)", done: Math.min(done, total), total });
        })
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    }, 500);
    return () => clearInterval(poll);
  }
}

function causeText(e: Error): string {
  const cause = e.cause;
  return cause instanceof Error ? ` (${cause.message})` : "";
}

const NUMERIC = /^(U?Int\d+|Float\d+|Decimal)/;

function bareType(type: string): string {
  let t = type;
  for (;;) {
    const m = t.match(/^(?:Nullable|LowCardinality)\((.*)\)$/);
    if (!m) return t;
    t = m[1];
  }
}

function normalise(v: unknown, kind: "number" | "string"): number | string | null {
  if (v === null || v === undefined) return null;
  if (kind === "number") return Number(v);
  return String(v);
}

/** ClickHouse exception codes → catalogued codes. */
const CODES: Readonly<Record<number, ErrorCode>> = {
  60: "E_DB_UNKNOWN_TABLE", // UNKNOWN_TABLE
  81: "E_DB_UNKNOWN_TABLE", // UNKNOWN_DATABASE
  47: "E_DB_UNKNOWN_COLUMN", // UNKNOWN_IDENTIFIER
  16: "E_DB_UNKNOWN_COLUMN", // NO_SUCH_COLUMN_IN_TABLE
  192: "E_DB_AUTH", // UNKNOWN_USER
  193: "E_DB_AUTH", // WRONG_PASSWORD
  194: "E_DB_AUTH", // REQUIRED_PASSWORD
  516: "E_DB_AUTH", // AUTHENTICATION_FAILED (newer servers)
  195: "E_DB_PERMISSION", // IP_ADDRESS_NOT_ALLOWED
  291: "E_DB_PERMISSION", // DATABASE_ACCESS_DENIED
  497: "E_DB_PERMISSION", // ACCESS_DENIED (newer servers)
  159: "E_DB_TIMEOUT", // TIMEOUT_EXCEEDED
  164: "E_SQL_NOT_READ_ONLY", // READONLY
};

function mapClickHouseError(body: string, status: number, sql: string | undefined): TrueliftError {
  const m = body.match(/Code:\s*(\d+)/);
  const chCode = m ? Number(m[1]) : undefined;
  let code: ErrorCode = (chCode === undefined ? undefined : CODES[chCode]) ?? "E_QUERY_FAILED";
  if (chCode === undefined && (status === 401 || status === 403)) code = "E_DB_AUTH";
  const reason = body
    .replace(/, e\.what\(\) = DB::Exception\s*$/, "")
    .replace(/e\.displayText\(\) = /, "")
    .trim()
    .slice(0, 2000);
  return engineError(code, "clickhouse", reason || `HTTP ${status}`, sql);
}
