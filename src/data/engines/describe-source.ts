import { createHash } from "node:crypto";
import type { Source } from "../../sql/ast.js";

/**
 * The part of an engine description that names the source: the table, the file, or the sha256 of the SQL text.
 *
 * @example
 * ```ts
 * describeSource({ type: "table", path: ["public", "events"] }); // { table: "public.events" }
 * ```
 */
export function describeSource(source: Source): { table?: string; file?: string; sqlSha256?: string } {
  switch (source.type) {
    case "table":
      return { table: source.path.join(".") };
    case "file":
      return { file: source.path };
    case "sql":
      return { sqlSha256: createHash("sha256").update(source.sql).digest("hex") };
    case "subquery":
      return describeSource(source.query.from);
  }
}
