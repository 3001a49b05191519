import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { freePort, shellQuote, watchdog } from "./ports.js";

/** A throw-away PostgreSQL server on 127.0.0.1, in a temp dir, run as the `postgres` OS user. */
export interface PostgresService {
  readonly port: number;
  /** Connection URL for a role (default: the superuser `postgres`). */
  url(user?: string, password?: string): string;
  /** Runs SQL as the superuser. */
  admin(sql: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Stops the server (immediate shutdown) and removes its directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Superuser password of the test server. */
export const PG_SUPERUSER_PASSWORD = "truelift-test-superuser";

/** The PostgreSQL server binaries (`initdb`, `pg_ctl`), or null when PostgreSQL is not installed. */
export function postgresBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  return null;
}

/**
 * Starts PostgreSQL: `initdb` (scram-sha-256 over TCP, trust on the private socket) and `pg_ctl start` as the
 * `postgres` OS user, listening on 127.0.0.1 only at a free port, fsync off. Returns null when the binaries are
 * absent. A process `exit` hook, and a detached watchdog for a killed worker, stop it even if the test file fails
 * before `stop()`.
 */
export async function startPostgres(): Promise<PostgresService | null> {
  const bin = postgresBinDir();
  if (bin === null) return null;
  const dir = mkdtempSync(join(tmpdir(), "truelift-pg-"));
  const data = join(dir, "data");
  const sock = join(dir, "sock");
  mkdirSync(sock);
  const pwfile = join(dir, "pw");
  writeFileSync(pwfile, `${PG_SUPERUSER_PASSWORD}\n`);
  const uid = Number(execFileSync("id", ["-u", "postgres"]).toString().trim());
  const gid = Number(execFileSync("id", ["-g", "postgres"]).toString().trim());
  for (const p of [dir, sock, pwfile]) chownSync(p, uid, gid);
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync("runuser", ["-u", "postgres", "--", join(bin, cmd), ...args], {
      stdio: "pipe",
      timeout: 30_000,
    });
  let started = false;
  const pgCtl = shellQuote(join(bin, "pg_ctl"));
  const cancelWatchdog = watchdog(
    `runuser -u postgres -- ${pgCtl} -D ${shellQuote(data)} -m immediate stop >/dev/null 2>&1; rm -rf ${shellQuote(dir)}`,
  );
  const stopSync = () => {
    cancelWatchdog();
    if (started) {
      started = false;
      try {
        asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", stopSync);
  try {
    asPostgres("initdb", [
      "-D",
      data,
      "-U",
      "postgres",
      `--pwfile=${pwfile}`,
      "--auth-host=scram-sha-256",
      "--auth-local=trust",
      "-E",
      "UTF8",
      "--locale=C",
      "--no-sync",
      "--no-instructions",
    ]);
    const port = await freePort();
    const opts = `-p ${port} -k ${sock} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
    asPostgres("pg_ctl", ["-D", data, "-l", join(dir, "log"), "-w", "-t", "20", "-o", opts, "start"]);
    started = true;
    const url = (user = "postgres", password = PG_SUPERUSER_PASSWORD) =>
      `postgres://${encodeURIComponent(user)}${password === "" ? "" : `:${encodeURIComponent(password)}`}@127.0.0.1:${port}/postgres`;
    const admin = async (sql: string, values?: unknown[]) => {
      const client = new pg.Client({ connectionString: url() });
      await client.connect();
      try {
        return await client.query(sql, values);
      } finally {
        await client.end();
      }
    };
    return {
      port,
      url,
      admin,
      stop: async () => {
        process.removeListener("exit", stopSync);
        stopSync();
      },
    };
  } catch (e) {
    process.removeListener("exit", stopSync);
    stopSync();
    throw e;
  }
}
