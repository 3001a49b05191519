import { TrueliftError } from "../core/errors.js";
import type { Column } from "../core/frame.js";
import { quoteLiteral } from "../sql/quote.js";
import { duckdbMessage, withDuckDB } from "./duckdb-session.js";

const SQL_TYPE: Record<Column["kind"], string> = { i32: "INTEGER", f64: "DOUBLE", str: "VARCHAR" };

/**
 * Converts a CSV written by {@link CsvEncoder} (comma-separated, header row) into a Parquet file with DuckDB
 * `COPY … TO … (FORMAT parquet)`, declaring each column's type from the frame (`i32` → INTEGER, `f64` → DOUBLE,
 * `str` → VARCHAR) instead of sniffing. Doubles survive exactly: the CSV holds shortest round-trip (or exactly
 * rounded fixed-decimal) text. Runs single-threaded so that the output is byte-identical from run to run.
 *
 * @example
 * ```ts
 * await csvToParquet("/tmp/x.csv", "/tmp/x.parquet", { id: "i32", y: "f64" });
 * ```
 */
export async function csvToParquet(
  csvPath: string,
  parquetPath: string,
  kinds: Readonly<Record<string, Column["kind"]>>,
): Promise<void> {
  const columns = Object.entries(kinds)
    .map(([name, kind]) => `${quoteLiteral(name)}: '${SQL_TYPE[kind]}'`)
    .join(", ");
  const sql =
    `COPY (SELECT * FROM read_csv(${quoteLiteral(csvPath)}, header = true, delim = ',', quote = '"', ` +
    `escape = '"', columns = {${columns}})) TO ${quoteLiteral(parquetPath)} (FORMAT parquet)`;
  await withDuckDB({}, async (conn) => {
    try {
      await conn.run("SET threads = 1");
      await conn.run(sql);
    } catch (e) {
      throw new TrueliftError("E_WRITE_FAILED", `Could not write Parquet: ${duckdbMessage(e)}`, {
        details: { path: parquetPath, duckdb: duckdbMessage(e) },
        cause: e,
      });
    }
  });
}
