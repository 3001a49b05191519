import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { freePorts, shellQuote, waitFor, watchdog } from "./ports.js";

/** The ClickHouse server binary (Debian's clickhouse-server package). */
export const CLICKHOUSE_SERVER = "/usr/sbin/clickhouse-server";

/** One running ClickHouse server. */
export interface ClickHouseNode {
  readonly httpPort: number;
  readonly tcpPort: number;
  /** The HTTP URL for the engine (`http://127.0.0.1:<port>/default`), optionally with credentials. */
  url(user?: string, password?: string): string;
  /** Runs SQL as `default` (writes allowed); returns the response body. Extra settings go in `settings`. */
  exec(sql: string, settings?: Record<string, string>): Promise<string>;
}

/** Two ClickHouse servers forming the `two_shards` cluster, in a temp dir. */
export interface ClickHouseCluster {
  readonly nodes: readonly [ClickHouseNode, ClickHouseNode];
  /** Stops both servers and removes their directory; safe to call twice. */
  stop(): Promise<void>;
}

/** Password of the `secret` user (for the authentication-failure test). */
export const CH_SECRET_PASSWORD = "s3cret-truelift";

/**
 * Starts two ClickHouse servers on 127.0.0.1 (free ports for tcp, http and interserver), each with its own config,
 * data and log folders under one temp dir, and a `two_shards` cluster in `remote_servers` of both configs. Users:
 * `default` (no password), `secret` (password {@link CH_SECRET_PASSWORD}) and `limited` (may read only the
 * `restricted` database, for the permission test). Returns null when the server binary is absent. A process
 * `exit` hook, and a detached watchdog for a killed worker, kill the servers even if the test file fails before
 * `stop()`.
 */
export async function startClickHouseCluster(): Promise<ClickHouseCluster | null> {
  if (!existsSync(CLICKHOUSE_SERVER)) return null;
  const dir = mkdtempSync(join(tmpdir(), "truelift-ch-"));
  const ports = await freePorts(6);
  const specs = [0, 1].map((i) => ({
    tcp: ports[i * 3],
    http: ports[i * 3 + 1],
    inter: ports[i * 3 + 2],
    i,
  }));
  const children: ChildProcess[] = [];
  let cancelWatchdog = () => {};
  const killAll = () => {
    cancelWatchdog();
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  process.once("exit", killAll);
  try {
    for (const s of specs) {
      const home = join(dir, `node${s.i}`);
      for (const sub of ["data", "tmp", "log", "user_files", "format_schemas"])
        mkdirSync(join(home, sub), { recursive: true });
      writeFileSync(join(home, "users.xml"), usersXml());
      writeFileSync(join(home, "config.xml"), configXml(home, s, specs));
      const child = spawn(CLICKHOUSE_SERVER, [`--config-file=${join(home, "config.xml")}`], {
        cwd: home,
        stdio: "ignore",
      });
      children.push(child);
    }
    const pids = children.map((c) => c.pid).filter((p) => p !== undefined);
    cancelWatchdog = watchdog(`kill -9 ${pids.join(" ")} 2>/dev/null; rm -rf ${shellQuote(dir)}`);
    const nodes = specs.map((s) => makeNode(s.http, s.tcp));
    await Promise.all(
      nodes.map((n) =>
        waitFor(`clickhouse-server on port ${n.httpPort}`, 15_000, async () => {
          const res = await fetch(`http://127.0.0.1:${n.httpPort}/ping`);
          return res.ok;
        }),
      ),
    );
    return {
      nodes: [nodes[0], nodes[1]],
      stop: async () => {
        process.removeListener("exit", killAll);
        cancelWatchdog();
        await Promise.all(
          children.map(
            (c) =>
              new Promise<void>((resolve) => {
                if (c.exitCode !== null || c.signalCode !== null) return resolve();
                const timer = setTimeout(() => c.kill("SIGKILL"), 5000);
                c.once("exit", () => {
                  clearTimeout(timer);
                  resolve();
                });
                c.kill("SIGTERM");
              }),
          ),
        );
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    process.removeListener("exit", killAll);
    killAll();
    throw e;
  }
}

function makeNode(httpPort: number, tcpPort: number): ClickHouseNode {
  return {
    httpPort,
    tcpPort,
    url: (user, password) => {
      const cred =
        user === undefined
          ? ""
          : `${encodeURIComponent(user)}${password ? `:${encodeURIComponent(password)}` : ""}@`;
      return `http://${cred}127.0.0.1:${httpPort}/default`;
    },
    exec: async (sql, settings = {}) => {
      const q = new URLSearchParams(settings).toString();
      const res = await fetch(`http://127.0.0.1:${httpPort}/${q ? `?${q}` : ""}`, {
        method: "POST",
        body: sql,
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`ClickHouse: ${text}`);
      return text;
    },
  };
}

function configXml(
  home: string,
  s: { tcp: number; http: number; inter: number },
  all: readonly { tcp: number }[],
): string {
  const shards = all
    .map((x) => `<shard><replica><host>127.0.0.1</host><port>${x.tcp}</port></replica></shard>`)
    .join("");
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${home}/log/server.log</log><errorlog>${home}/log/error.log</errorlog><console>0</console></logger>
  <http_port>${s.http}</http_port>
  <tcp_port>${s.tcp}</tcp_port>
  <interserver_http_port>${s.inter}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <path>${home}/data/</path>
  <tmp_path>${home}/tmp/</tmp_path>
  <user_files_path>${home}/user_files/</user_files_path>
  <format_schema_path>${home}/format_schemas/</format_schema_path>
  <users_config>${home}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <mark_cache_size>67108864</mark_cache_size>
  <max_concurrent_queries>50</max_concurrent_queries>
  <remote_servers><two_shards>${shards}</two_shards></remote_servers>
</yandex>
`;
}

function usersXml(): string {
  const user = (name: string, password: string, extra = "") =>
    `<${name}><password>${password}</password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota>${extra}</${name}>`;
  return `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_threads>2</max_threads></default></profiles>
  <users>
    ${user("default", "")}
    ${user("secret", CH_SECRET_PASSWORD)}
    ${user("limited", "", "<allow_databases><database>restricted</database></allow_databases>")}
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;
}

/**
 * Starts the two-shard cluster before the enclosing `describe`'s tests and stops it after them; returns a getter
 * for it (call it inside tests).
 */
export function useClickHouseCluster(): () => ClickHouseCluster {
  let cluster: ClickHouseCluster | null = null;
  beforeAll(async () => {
    cluster = await startClickHouseCluster();
    if (cluster === null) throw new Error("ClickHouse binary vanished");
  }, 90_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  return () => {
    if (cluster === null) throw new Error("the ClickHouse cluster is not running");
    return cluster;
  };
}
