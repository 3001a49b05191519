import { randomBytes } from "node:crypto";
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { holdCleanup } from "../core/cleanup.js";
import { TrueliftError } from "../core/errors.js";

/**
 * A file written atomically: bytes go to a hidden temporary file in the destination's directory (so the final
 * rename never crosses file systems), which `commit()` fsyncs and renames over the destination. Until then the
 * destination is untouched; `abort()` deletes the temporary file. Readers therefore see either the old file or
 * the complete new one, never a half-written one.
 *
 * @example
 * ```ts
 * const f = AtomicFile.open("out.csv");
 * try {
 *   f.write(new TextEncoder().encode("a,b\n1,2\n"));
 *   f.commit();
 * } catch (e) {
 *   f.abort();
 *   throw e;
 * }
 * ```
 */
export class AtomicFile {
  private fd: number | null;
  private done = false;
  private readonly release: () => void;
  /** Bytes written so far. */
  bytes = 0;

  private constructor(
    /** The destination (absolute). */
    readonly path: string,
    /** The temporary file bytes are written to. */
    readonly tempPath: string,
    fd: number,
  ) {
    this.fd = fd;
    this.release = holdCleanup(() => this.abort());
  }

  /** Creates the temporary file next to `path`. Throws `E_WRITE_FAILED` if the directory is missing or read-only. */
  static open(path: string): AtomicFile {
    const abs = resolve(path);
    const temp = siblingTempPath(abs);
    const dir = dirname(abs);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new TrueliftError(
        "E_WRITE_FAILED",
        `Can't write '${path}': the directory '${dir}' does not exist.`,
        {
          details: { path, directory: dir },
          hint: "Create the directory first, or choose another output path.",
        },
      );
    }
    try {
      return new AtomicFile(abs, temp, openSync(temp, "wx", 0o644));
    } catch (e) {
      throw writeFailed(path, e);
    }
  }

  /** Appends bytes (synchronously; the buffer may be reused as soon as this returns). */
  write(bytes: Uint8Array): void {
    if (this.fd === null) throw new Error("AtomicFile: write after close");
    let off = 0;
    try {
      while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (e) {
      throw writeFailed(this.path, e);
    }
    this.bytes += bytes.length;
  }

  /** Closes the temporary file without publishing it (for writers that post-process it, e.g. into Parquet). */
  closeTemp(): void {
    if (this.fd === null) return;
    try {
      fsyncSync(this.fd);
    } finally {
      closeSync(this.fd);
      this.fd = null;
    }
  }

  /** Flushes to disk and renames the temporary file over the destination. */
  commit(): void {
    if (this.done) return;
    try {
      this.closeTemp();
      renameSync(this.tempPath, this.path);
      this.done = true;
      this.release();
    } catch (e) {
      this.abort();
      throw writeFailed(this.path, e);
    }
  }

  /** Discards the temporary file; the destination is left as it was. Safe to call more than once. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already closed
      }
      this.fd = null;
    }
    if (!this.done) rmSync(this.tempPath, { force: true });
    this.done = true;
    this.release();
  }
}

/**
 * A fresh hidden temporary path in the same directory as `path`.
 * @example
 * ```ts
 * siblingTempPath("/data/out.csv"); // "/data/.out.csv.4242-1a2b3c4d.tmp"
 * ```
 */
export function siblingTempPath(path: string, suffix = ""): string {
  const abs = resolve(path);
  return join(
    dirname(abs),
    `.${basename(abs)}.${process.pid}-${randomBytes(4).toString("hex")}${suffix}.tmp`,
  );
}

function writeFailed(path: string, e: unknown): TrueliftError {
  if (e instanceof TrueliftError) return e;
  return new TrueliftError("E_WRITE_FAILED", `Can't write '${path}': ${(e as Error).message}`, {
    details: { path, code: (e as NodeJS.ErrnoException).code ?? null },
    cause: e,
  });
}

/**
 * Writes a whole text file atomically (temporary sibling, fsync, rename): the destination holds either its old
 * content or all of `text`, never part of it.
 *
 * @example
 * ```ts
 * writeTextAtomic("truelift-report/results.json", JSON.stringify(results));
 * ```
 */
export function writeTextAtomic(path: string, text: string): void {
  const file = AtomicFile.open(path);
  try {
    file.write(new TextEncoder().encode(text));
    file.commit();
  } catch (e) {
    file.abort();
    throw e;
  }
}

function notWritable(path: string, why: string, hint: string): TrueliftError {
  return new TrueliftError("E_WRITE_FAILED", `Can't write '${path}': ${why}`, { details: { path }, hint });
}

function canWrite(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks, before any computing, that an output path can be written — without creating anything. `kind: "file"`:
 * the path is not a directory and its directory exists and is writable. `kind: "dir"` (a report folder, created
 * when written): the path is a writable directory, or does not exist and its nearest existing ancestor is a
 * writable directory (not a file). Throws `E_WRITE_FAILED` with a fix hint otherwise.
 *
 * @example
 * ```ts
 * assertWritable("results.json", "file");
 * assertWritable("notes.txt/report", "dir"); // throws E_WRITE_FAILED: 'notes.txt' is a file
 * ```
 */
export function assertWritable(path: string, kind: "file" | "dir"): void {
  const abs = resolve(path);
  const other = "Choose another --out path.";
  if (existsSync(abs)) {
    const isDir = statSync(abs).isDirectory();
    if (kind === "file" && isDir) throw notWritable(path, "it is a directory.", other);
    if (kind === "dir" && !isDir) throw notWritable(path, "it is a file, not a directory.", other);
    const dir = kind === "dir" ? abs : dirname(abs);
    if (!canWrite(dir)) throw notWritable(path, `the directory '${dir}' is read-only.`, other);
    return;
  }
  let dir = dirname(abs);
  while (!existsSync(dir) && dirname(dir) !== dir) {
    if (kind === "file") {
      throw notWritable(
        path,
        `the directory '${dir}' does not exist.`,
        "Create the directory first, or choose another --out path.",
      );
    }
    dir = dirname(dir);
  }
  if (!statSync(dir).isDirectory()) throw notWritable(path, `'${dir}' is a file, not a directory.`, other);
  if (!canWrite(dir)) throw notWritable(path, `the directory '${dir}' is read-only.`, other);
}
