import { readFileSync, statSync } from "node:fs";
import { Frame } from "../core/frame.js";
import { FAST_CSV_MAX_BYTES, fastCsvColumns } from "./load-csv.js";
import { DEFAULT_NA, type ResolvedSource } from "./load-source.js";

/**
 * The fast path of `loadFrame` for a plain, uncompressed CSV/TSV file read from disk: the frame parsed straight
 * from the file's bytes by {@link fastCsvColumns}, or `null` when the source is not such a file (a query, a
 * database, gzip, Parquet, JSON, over {@link FAST_CSV_MAX_BYTES}) or its contents are outside the fast path —
 * then the caller reads it through DuckDB, which gives the same frame (and reports every error).
 *
 * @example
 * ```ts
 * const resolved = resolveSource("logs.csv", {});
 * const frame = fastCsvFrame(resolved, { columns: ["y", "tier"] }) ?? (await readThroughDuckDB(resolved));
 * ```
 */
export function fastCsvFrame(
  resolved: ResolvedSource,
  options: { readonly columns?: readonly string[]; readonly delimiter?: string },
): Frame | null {
  if (
    resolved.kind !== "file" ||
    resolved.gzip ||
    resolved.dbPath !== undefined ||
    resolved.param === undefined
  ) {
    return null;
  }
  if (resolved.format !== "csv" && resolved.format !== "tsv") return null;
  const delimiter = options.delimiter ?? (resolved.format === "tsv" ? "\t" : ",");
  let bytes: Uint8Array;
  try {
    if (statSync(resolved.param).size > FAST_CSV_MAX_BYTES) return null;
    bytes = readFileSync(resolved.param);
  } catch {
    return null;
  }
  const columns = fastCsvColumns(bytes, delimiter, options.columns ?? null, resolved.na ?? DEFAULT_NA);
  if (columns === null) return null;
  if (columns.size === 0) return Frame.fromColumns({});
  return Frame.fromColumns(columns);
}
