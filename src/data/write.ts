import { createHash } from "node:crypto";
import {
  closeSync,
  createReadStream,
  createWriteStream,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
} from "node:fs";
import { basename } from "node:path";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { holdCleanup } from "../core/cleanup.js";
import { TrueliftError } from "../core/errors.js";
import type { Column, Frame } from "../core/frame.js";
import { AtomicFile, siblingTempPath } from "./atomic-file.js";
import { CsvEncoder, type CsvFormatOptions } from "./csv-encoder.js";
import { hashFile } from "./hash.js";
import { csvToParquet } from "./write-parquet.js";

/**
 * Output formats {@link writeDataset} writes, chosen from the path's extension.
 * @example
 * ```ts
 * import { WRITE_FORMATS } from "truelift";
 * WRITE_FORMATS; // ["csv", "tsv", "csv.gz", "tsv.gz", "parquet"]
 * ```
 */
export const WRITE_FORMATS = ["csv", "tsv", "csv.gz", "tsv.gz", "parquet"] as const;
/** One of {@link WRITE_FORMATS}. */
export type WriteFormat = (typeof WRITE_FORMATS)[number];

/**
 * The output format implied by a path (`.csv`, `.tsv`, `.csv.gz`, `.tsv.gz`, `.parquet`); throws
 * `E_UNSUPPORTED_OUTPUT` for anything else.
 *
 * @example
 * ```ts
 * import { writeFormatOf } from "truelift";
 * writeFormatOf("out/logs.parquet"); // "parquet"
 * ```
 */
export function writeFormatOf(path: string): WriteFormat {
  const name = basename(path).toLowerCase();
  const found = [...WRITE_FORMATS].sort((a, b) => b.length - a.length).find((f) => name.endsWith(`.${f}`));
  if (found === undefined || name === `.${found}`) {
    throw new TrueliftError("E_UNSUPPORTED_OUTPUT", `Can't tell which format to write from '${path}'.`, {
      details: { path, formats: [...WRITE_FORMATS] },
    });
  }
  return found;
}

/** Options for {@link writeDataset}: CSV cell formatting (see {@link CsvFormatOptions}) and the format. */
export interface WriteOptions extends Omit<CsvFormatOptions, "delimiter"> {
  /** __Default value:__ from the path's extension ({@link writeFormatOf}). */
  readonly format?: WriteFormat;
}

/** What was written: where, how much, and the SHA-256 of the file's bytes (for provenance). */
export interface WriteSummary {
  readonly path: string;
  readonly format: WriteFormat;
  readonly rows: number;
  readonly columns: readonly string[];
  readonly bytes: number;
  readonly sha256: string;
}

/** A streaming dataset writer from {@link createDatasetWriter}. */
export interface DatasetWriter {
  /** Appends one chunk (the first chunk fixes the columns). */
  write(chunk: Frame): void;
  /** Finishes the file and publishes it atomically. */
  close(): Promise<WriteSummary>;
  /** Discards everything written; the destination is left untouched. */
  abort(): void;
}

/**
 * Opens a streaming writer: chunks are encoded into a 1 MiB buffer and written to a temporary file beside the
 * destination; `close()` completes the format (gzip, or CSV → Parquet through DuckDB `COPY`) and renames the
 * result over the destination, so a failure never leaves a half-written file. Memory stays flat however many
 * rows are written.
 *
 * @example
 * ```ts
 * import { createDatasetWriter, generateChunks, DATASET_DECIMALS } from "truelift";
 * const w = createDatasetWriter("big.csv", { decimals: DATASET_DECIMALS });
 * for (const chunk of generateChunks({ seed: 7, users: 1_000_000 })) w.write(chunk);
 * const { sha256, bytes } = await w.close();
 * ```
 */
export function createDatasetWriter(path: string, options: WriteOptions = {}): DatasetWriter {
  const format = options.format ?? writeFormatOf(path);
  const file = AtomicFile.open(path);
  const hash = createHash("sha256");
  const direct = format === "csv" || format === "tsv";
  let kinds: Record<string, Column["kind"]> = {};
  let encoder: CsvEncoder;
  try {
    encoder = new CsvEncoder(
      (bytes) => {
        file.write(bytes);
        if (direct) hash.update(bytes);
      },
      { decimals: options.decimals, delimiter: format.startsWith("tsv") ? "\t" : "," },
    );
  } catch (e) {
    file.abort();
    throw e;
  }
  let state: "open" | "closed" = "open";
  return {
    write(chunk) {
      if (state !== "open") throw new Error("DatasetWriter: write after close/abort");
      try {
        if (encoder.rows === 0 && Object.keys(kinds).length === 0) {
          kinds = Object.fromEntries(chunk.names.map((n) => [n, chunk.column(n).kind]));
        }
        encoder.write(chunk);
      } catch (e) {
        state = "closed";
        file.abort();
        throw e;
      }
    },
    async close() {
      if (state !== "open") throw new Error("DatasetWriter: closed twice");
      state = "closed";
      try {
        encoder.end();
        const base = { path: file.path, format, rows: encoder.rows, columns: encoder.columns };
        if (direct) {
          file.commit();
          return { ...base, bytes: file.bytes, sha256: hash.digest("hex") };
        }
        file.closeTemp();
        const out = siblingTempPath(file.path, ".out");
        const release = holdCleanup(() => rmSync(out, { force: true }));
        try {
          if (format === "parquet") await csvToParquet(file.tempPath, out, kinds);
          // opened synchronously, so an interrupt's cleanup never races an asynchronous file creation
          else
            await pipeline(
              createReadStream(file.tempPath),
              createGzip({ level: 6 }),
              createWriteStream(out, { fd: openSync(out, "wx", 0o644) }),
            );
          fsyncFile(out);
          renameSync(out, file.path);
        } catch (e) {
          rmSync(out, { force: true });
          if (e instanceof TrueliftError) throw e;
          throw new TrueliftError("E_WRITE_FAILED", `Can't write '${path}': ${(e as Error).message}`, {
            details: { path },
            cause: e,
          });
        } finally {
          release();
          file.abort();
        }
        return { ...base, bytes: statSync(file.path).size, sha256: await hashFile(file.path) };
      } catch (e) {
        file.abort();
        throw e;
      }
    },
    abort() {
      state = "closed";
      file.abort();
    },
  };
}

/**
 * Writes a frame — or a sequence of chunks, e.g. {@link generateChunks} — to CSV, TSV, gzipped CSV/TSV or
 * Parquet, atomically (temporary file, then rename). CSV formatting is deterministic (see
 * {@link CsvFormatOptions}); the same frame always gives byte-identical files.
 *
 * @example
 * ```ts
 * import { generateDataset, writeDataset, DATASET_DECIMALS } from "truelift";
 * const frame = generateDataset({ seed: 42, users: 50_000 });
 * const { sha256 } = await writeDataset(frame, "logs.csv", { decimals: DATASET_DECIMALS });
 * await writeDataset(frame, "logs.parquet");
 * ```
 */
export async function writeDataset(
  data: Frame | Iterable<Frame> | AsyncIterable<Frame>,
  path: string,
  options: WriteOptions = {},
): Promise<WriteSummary> {
  const writer = createDatasetWriter(path, options);
  try {
    if (isFrame(data)) writer.write(data);
    else if (Symbol.asyncIterator in data) for await (const chunk of data) writer.write(chunk);
    else for (const chunk of data) writer.write(chunk);
  } catch (e) {
    writer.abort();
    throw e;
  }
  return writer.close();
}

/** Flushes a finished file to disk before it is renamed into place. */
function fsyncFile(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function isFrame(x: unknown): x is Frame {
  return typeof x === "object" && x !== null && "nrows" in x && "names" in x && "column" in x;
}
