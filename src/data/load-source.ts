import { closeSync, createReadStream, openSync, readSync, statSync } from "node:fs";
import { basename, resolve } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, gunzipSync, constants as zlibConstants } from "node:zlib";
import { TrueliftError } from "../core/errors.js";
import { quoteLiteral } from "../sql/quote.js";

/**
 * File formats {@link loadFrame} reads. `json` covers NDJSON / JSON Lines and JSON arrays of records.
 * @example
 * ```ts
 * import { INPUT_FORMATS } from "truelift";
 * INPUT_FORMATS; // ["csv", "tsv", "parquet", "json"]
 * ```
 */
export const INPUT_FORMATS = ["csv", "tsv", "parquet", "json"] as const;
/** One of {@link INPUT_FORMATS}. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/**
 * What to load: a file path, or a SQL query run by DuckDB — against a DuckDB database file (`duckdb`, opened
 * read-only) or against a fresh in-memory database (the query may itself read files, e.g.
 * `SELECT * FROM 'events/*.parquet'`).
 */
export type LoadSource = string | { readonly sql: string; readonly duckdb?: string };

/** A source resolved to the SQL that produces its rows, plus what is needed to run and report on it. */
export interface ResolvedSource {
  /** A query producing all rows and columns; `$1` is bound to `param` when present. */
  readonly sql: string;
  readonly param?: string;
  /** DuckDB database file to open read-only, or undefined for in-memory. */
  readonly dbPath?: string;
  /** `file` errors are E_READ_FAILED; `query` errors are E_QUERY_FAILED. */
  readonly kind: "file" | "query";
  /** The path or the SQL, for messages. */
  readonly label: string;
  /** The file's format (files only). */
  readonly format?: InputFormat;
  /** The file is gzip-compressed (files only): {@link gzipProblem} checks the whole stream. */
  readonly gzip?: boolean;
  /** CSV/TSV files: the missing-value markers the read uses ({@link naMarkers}). */
  readonly na?: readonly string[];
}

/**
 * The missing-value markers of a CSV/TSV file when none are given: the empty field, `NA` (R's `write.csv`,
 * readr's default `na = c("", "NA")`) and `NaN`. pandas' `read_csv` recognises these three among its wider
 * default `na_values`; Stata exports write `.`, which is a marker only when asked for (`na: ["", "NA", "."]`).
 *
 * @example
 * ```ts
 * import { DEFAULT_NA } from "truelift";
 * DEFAULT_NA; // ["", "NA", "NaN"]
 * ```
 */
export const DEFAULT_NA: readonly string[] = Object.freeze(["", "NA", "NaN"]);

/**
 * The markers a CSV/TSV read treats as missing: the given list (default {@link DEFAULT_NA}) plus the empty
 * field (always missing, on every load path), without duplicates. A marker must be one line of text without
 * the delimiter or a double quote (`E_INVALID_ARGUMENT` otherwise: it could never match a field).
 *
 * @example
 * ```ts
 * naMarkers(["NA", ".", "-99"], ","); // ["", "NA", ".", "-99"]
 * ```
 */
export function naMarkers(na: readonly string[] | undefined, delimiter: string): readonly string[] {
  const out = [""];
  for (const m of na ?? DEFAULT_NA) {
    if (typeof m !== "string" || /[\r\n"]/.test(m) || m.includes(delimiter)) {
      throw new TrueliftError(
        "E_INVALID_ARGUMENT",
        `The missing-value marker ${JSON.stringify(m)} can never match a field.`,
        {
          details: { marker: String(m), delimiter },
          hint: 'A marker is the whole text of a field: no line break, no double quote, no delimiter (e.g. --na "NA,.,-99").',
        },
      );
    }
    if (!out.includes(m)) out.push(m);
  }
  return out;
}

const EXTENSIONS: readonly (readonly [string, InputFormat])[] = [
  [".csv", "csv"],
  [".txt", "csv"],
  [".tsv", "tsv"],
  [".tab", "tsv"],
  [".parquet", "parquet"],
  [".pq", "parquet"],
  [".ndjson", "json"],
  [".jsonl", "json"],
  [".json", "json"],
];

/**
 * The input format implied by a file name (`.csv`, `.tsv`, `.parquet`, `.ndjson`, `.jsonl`, `.json`, each
 * optionally followed by `.gz` except Parquet), or null when the extension is not recognised.
 *
 * @example
 * ```ts
 * import { formatFromPath } from "truelift";
 * formatFromPath("logs.csv.gz"); // "csv"
 * formatFromPath("notes.docx");  // null
 * ```
 */
export function formatFromPath(path: string): InputFormat | null {
  let name = basename(path).toLowerCase();
  if (name.endsWith(".gz")) name = name.slice(0, -3);
  for (const [ext, format] of EXTENSIONS) {
    if (name.endsWith(ext))
      return format === "parquet" && basename(path).toLowerCase().endsWith(".gz") ? null : format;
  }
  return null;
}

/**
 * Resolves a {@link LoadSource} to SQL, checking the file first (exists, not empty, and its first bytes agree
 * with the format) so that the common mistakes get a precise error before DuckDB is involved.
 *
 * CSV is read with `read_csv(path, header = true, delim = ',', quote = '"', escape = '"', skip = 0)` (tab for
 * TSV; the delimiter can be overridden) and `nullstr` = the missing-value markers ({@link naMarkers}: the empty field
 * plus `na`, default {@link DEFAULT_NA}); column types are auto-detected by DuckDB's sniffer, so a numeric column
 * with `NA` cells stays numeric (NaN there). Gzip is detected
 * from the file's first bytes, so `x.csv.gz` and a gzipped `x.csv` both read.
 *
 * @example
 * ```ts
 * resolveSource("logs.csv.gz").sql;
 * // "SELECT * FROM read_csv($1, header = true, delim = ',', …, compression = 'gzip')"
 * ```
 */
export function resolveSource(
  source: LoadSource,
  options: {
    readonly format?: InputFormat;
    readonly delimiter?: string;
    readonly na?: readonly string[];
  } = {},
): ResolvedSource {
  if (typeof source !== "string") {
    const sql = source.sql.trim().replace(/;+\s*$/, "");
    if (sql.length === 0) {
      throw new TrueliftError("E_INVALID_ARGUMENT", "The SQL query is empty.", {
        hint: "Pass a SELECT query.",
      });
    }
    if (source.duckdb !== undefined) checkFile(source.duckdb);
    return {
      sql: `SELECT * FROM (${sql}\n) AS truelift_source`,
      dbPath: source.duckdb === undefined ? undefined : resolve(source.duckdb),
      kind: "query",
      label: sql,
    };
  }
  const path = resolve(source);
  const size = checkFile(source);
  const head = readHead(path);
  const gz = head[0] === 0x1f && head[1] === 0x8b;
  let format = options.format ?? formatFromPath(source);
  if (format === null) {
    if (isParquet(head)) format = "parquet";
    else {
      throw new TrueliftError(
        "E_UNSUPPORTED_FORMAT",
        `Can't tell the format of '${source}' from its extension.`,
        {
          details: { path: source, sniffed: describeMagic(head) },
        },
      );
    }
  }
  if (size === 0) {
    throw new TrueliftError("E_READ_FAILED", `'${source}' is empty (0 bytes).`, {
      details: { path: source },
    });
  }
  checkContent(source, format, head, gz);
  const delim = options.delimiter ?? (format === "tsv" ? "\t" : ",");
  if ([...delim].length !== 1) {
    throw new TrueliftError("E_INVALID_ARGUMENT", `The delimiter must be one character; got '${delim}'.`);
  }
  if (format === "csv" || format === "tsv") {
    const text = textHead(source, path, head, gz);
    // Blank lines only (plain, or gzip-compressed) would otherwise read as rows of an all-missing 'column0', or
    // as "a header but no rows".
    if (text.trim() === "" && size <= (gz ? TEXT_HEAD_BYTES : head.length)) {
      throw new TrueliftError("E_READ_FAILED", `'${source}' is empty (no text, only blank lines).`, {
        details: { path: source },
      });
    }
    checkHeader(source, text, delim, options.delimiter !== undefined);
  }
  // Missing-value markers only mean something for text: Parquet and JSON carry their own nulls.
  const isText = format === "csv" || format === "tsv";
  const na = isText ? naMarkers(options.na, delim) : [];
  // Compression is decided from the content (gzip signature), not the name, so a gzip file without `.gz` reads.
  const compression = gz ? "'gzip'" : "'none'";
  let reader: string;
  if (format === "parquet") reader = "read_parquet($1)";
  else if (format === "json") reader = `read_json($1, compression = ${gz ? "'gzip'" : "'uncompressed'"})`;
  else {
    // skip = 0: never let the sniffer silently drop leading rows (it may, to make a ragged file look regular).
    reader =
      `read_csv($1, header = true, delim = ${sqlChar(delim)}, quote = '"', escape = '"', skip = 0, ` +
      `nullstr = [${na.map(quoteLiteral).join(", ")}], compression = ${compression})`;
  }
  return {
    sql: `SELECT * FROM ${reader}`,
    param: path,
    kind: "file",
    label: source,
    format,
    gzip: gz,
    ...(isText ? { na } : {}),
  };
}

function sqlChar(c: string): string {
  return c === "'" ? "''''" : `'${c}'`;
}

function checkFile(path: string): number {
  try {
    const st = statSync(path);
    if (st.isDirectory()) {
      throw new TrueliftError("E_READ_FAILED", `'${path}' is a directory, not a data file.`, {
        details: { path },
        hint: "Point at a file inside it, or use { sql: \"SELECT * FROM 'dir/*.parquet'\" } to read many files.",
      });
    }
    return st.size;
  } catch (e) {
    if (e instanceof TrueliftError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new TrueliftError("E_FILE_NOT_FOUND", `No such file: '${path}'.`, {
        details: { path, resolved: resolve(path) },
      });
    }
    throw new TrueliftError("E_READ_FAILED", `Can't read '${path}': ${(e as Error).message}`, {
      details: { path },
      cause: e,
    });
  }
}

function readHead(path: string): Uint8Array {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

function isParquet(head: Uint8Array): boolean {
  return head[0] === 0x50 && head[1] === 0x41 && head[2] === 0x52 && head[3] === 0x31; // "PAR1"
}

/** A short name for well-known binary signatures, or null. */
function describeMagic(head: Uint8Array): string | null {
  const hex = Array.from(head.subarray(0, 4), (x) => x.toString(16).padStart(2, "0")).join("");
  if (isParquet(head)) return "Parquet";
  if (hex.startsWith("504b0304")) return "a ZIP archive (e.g. an Excel .xlsx workbook)";
  if (hex.startsWith("1f8b")) return "gzip-compressed data";
  if (hex.startsWith("89504e47")) return "a PNG image";
  if (hex.startsWith("25504446")) return "a PDF document";
  if (hex.startsWith("d0cf11e0")) return "an old-style Office document (e.g. Excel .xls)";
  if (hex.startsWith("53514c69")) return "a SQLite database";
  if (hex.startsWith("7f454c46")) return "an executable";
  if (head.includes(0)) return "binary data";
  return null;
}

function checkContent(path: string, format: InputFormat, head: Uint8Array, gz: boolean): void {
  const magic = describeMagic(head);
  const fail = (what: string) => {
    throw new TrueliftError(
      "E_UNSUPPORTED_FORMAT",
      `'${path}' is named like ${what} but contains ${magic}.`,
      {
        details: { path, format, sniffed: magic },
      },
    );
  };
  if (format === "parquet") {
    if (!isParquet(head)) {
      if (magic !== null) fail("a Parquet file");
      throw new TrueliftError(
        "E_UNSUPPORTED_FORMAT",
        `'${path}' is not a Parquet file (no 'PAR1' signature).`,
        {
          details: { path, format },
        },
      );
    }
    return;
  }
  if (gz) return; // compressed text: DuckDB decompresses it and reports malformed content itself.
  if (magic !== null) fail(format === "json" ? "a JSON file" : `a ${format.toUpperCase()} file`);
}

const TEXT_HEAD_BYTES = 65536;

/** The start of a text file as a string (decompressed when gzip); a gzip stream that does not inflate is refused. */
function textHead(source: string, path: string, head: Uint8Array, gz: boolean): string {
  if (!gz) return new TextDecoder().decode(head);
  const fd = openSync(path, "r");
  let raw: Uint8Array;
  try {
    const buf = new Uint8Array(TEXT_HEAD_BYTES);
    raw = buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
  try {
    // Z_SYNC_FLUSH: inflate what is there without requiring the end of the stream.
    const text = gunzipSync(raw, { finishFlush: zlibConstants.Z_SYNC_FLUSH });
    return new TextDecoder().decode(text.subarray(0, TEXT_HEAD_BYTES));
  } catch (e) {
    throw notGzip(source, e);
  }
}

function notGzip(source: string, e: unknown): TrueliftError {
  const reason = e instanceof Error ? e.message : String(e);
  return new TrueliftError(
    "E_READ_FAILED",
    `'${source}' is not valid gzip: it starts like a gzip file but does not decompress (${reason}).`,
    {
      details: { path: source, gzip: reason },
      cause: e,
      hint: "The file is corrupt or truncated (e.g. an interrupted download or copy): fetch or compress it again, and check it with `gzip -t`.",
    },
  );
}

/**
 * Decompresses a whole gzip file without keeping the output, and returns a `not valid gzip` error if the stream
 * is corrupt or truncated (DuckDB may otherwise read the good prefix and report a misleading type error, or
 * none at all), or null when it is intact. Never rejects.
 *
 * @example
 * ```ts
 * const problem = await gzipProblem("logs.csv.gz", "/data/logs.csv.gz");
 * if (problem) throw problem;
 * ```
 */
export async function gzipProblem(source: string, path: string): Promise<TrueliftError | null> {
  try {
    await pipeline(
      createReadStream(path),
      createGunzip(),
      new Writable({
        write(_chunk, _enc, done) {
          done();
        },
      }),
    );
    return null;
  } catch (e) {
    return notGzip(source, e);
  }
}

/** Splits one CSV line on `delim`, honouring double quotes. */
function splitFields(line: string, delim: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === delim) {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const OTHER_DELIMITERS: readonly (readonly [string, string])[] = [
  [";", "';'"],
  ["\t", "tab"],
  ["|", "'|'"],
  [",", "','"],
];

/**
 * Checks a CSV header before DuckDB reads it: two columns with one name are refused (DuckDB would silently
 * rename the second, and the first would be used), and a file that reads as one column but splits consistently on
 * another common delimiter is refused with a hint naming that delimiter (unless the delimiter was given).
 */
function checkHeader(source: string, text: string, delim: string, explicit: boolean): void {
  const nl = text.indexOf("\n");
  if (nl < 0) return; // a header longer than the sampled bytes (or no data line): leave it to DuckDB
  const lines = text
    .slice(0, text.lastIndexOf("\n"))
    .split("\n")
    .map((l) => l.replace(/\r$/, ""))
    .filter((l) => l.length > 0);
  if (lines.length === 0) return;
  const names = splitFields(lines[0], delim).map((n) => n.trim());
  // DuckDB compares column names case-insensitively (it would read 'a,A' as 'a', 'A_1').
  const folded = names.map((n) => n.toLowerCase());
  for (let j = 1; j < names.length; j++) {
    const i = folded.indexOf(folded[j]);
    if (i < j && names[j] !== "") {
      const same =
        names[i] === names[j]
          ? `'${names[j]}'`
          : `'${names[i]}' / '${names[j]}' (names are compared ignoring case)`;
      throw new TrueliftError(
        "E_DUPLICATE_COLUMN",
        `'${source}' has two columns named ${same} (columns ${i + 1} and ${j + 1}); it is not clear which one the analysis should use.`,
        {
          details: {
            path: source,
            column: names[j],
            columns: [names[i], names[j]],
            positions: [i + 1, j + 1],
          },
          hint: `Rename one of the two '${names[j]}' columns in the header (e.g. '${names[j]}_a' and '${names[j]}_b'), or drop the copy you do not need.`,
        },
      );
    }
  }
  if (explicit || names.length !== 1) return;
  const rows = lines.slice(1, 6);
  for (const [cand, label] of OTHER_DELIMITERS) {
    if (cand === delim) continue;
    const count = splitFields(lines[0], cand).length;
    if (count < 2 || rows.some((r) => splitFields(r, cand).length !== count)) continue;
    throw new TrueliftError(
      "E_READ_FAILED",
      `'${source}' reads as a single column '${lines[0].slice(0, 60)}' with the delimiter ${delim === "\t" ? "tab" : `'${delim}'`}; it looks ${label}-delimited (${count} columns).`,
      {
        details: { path: source, delimiter: delim, probable: cand, columns: count },
        hint: `The file probably uses ${label} as its delimiter: pass { delimiter: ${JSON.stringify(cand)} } to loadFrame, or save it as comma-separated .csv (tab-separated as .tsv).`,
      },
    );
  }
}
