import type { Frame } from "../../../src/core/frame.js";
import { clickhouseDialect } from "../../../src/sql/dialects/clickhouse.js";
import type { ClickHouseCluster } from "../../helpers/services/clickhouse.js";

/** A TabSeparated field: NULL as \N, text with \\, \t, \n escaped. */
function tsv(v: number | string | null): string {
  if (v === null || (typeof v === "number" && Number.isNaN(v))) return "\\N";
  if (typeof v === "number") return String(v);
  return v.replaceAll("\\", "\\\\").replaceAll("\t", "\\t").replaceAll("\n", "\\n");
}

/**
 * Creates `<name>_local` (MergeTree) on both servers and `<name>` as `Distributed(two_shards, default,
 * <name>_local, rand())` on the first, then inserts the frame through the Distributed table synchronously, so the
 * rows split at random between the two shards. Text → Nullable(String), numbers → Nullable(Float64).
 */
export async function loadClickHouse(cluster: ClickHouseCluster, name: string, frame: Frame): Promise<void> {
  const q = clickhouseDialect.quoteIdent;
  const cols = frame.names
    .map((c) => `${q(c)} Nullable(${frame.column(c).kind === "str" ? "String" : "Float64"})`)
    .join(", ");
  const local = `${name}_local`;
  for (const node of cluster.nodes) {
    await node.exec(`DROP TABLE IF EXISTS ${q(local)}`);
    await node.exec(`CREATE TABLE ${q(local)} (${cols}) ENGINE = MergeTree ORDER BY tuple()`);
  }
  const [first] = cluster.nodes;
  await first.exec(`DROP TABLE IF EXISTS ${q(name)}`);
  await first.exec(
    `CREATE TABLE ${q(name)} (${cols}) ENGINE = Distributed(two_shards, default, ${q(local)}, rand())`,
  );
  const lines: string[] = [];
  for (let i = 0; i < frame.nrows; i++) lines.push(frame.names.map((c) => tsv(frame.value(c, i))).join("\t"));
  await first.exec(`INSERT INTO ${q(name)} FORMAT TabSeparated\n${lines.join("\n")}\n`, {
    insert_distributed_sync: "1",
  });
}
