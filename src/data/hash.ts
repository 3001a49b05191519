import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { TrueliftError } from "../core/errors.js";

/**
 * The SHA-256 of a file's bytes, as 64 lowercase hex digits — the input hash recorded in provenance, identical to
 * `sha256sum <file>`. Streams the file, so memory stays flat for large inputs.
 *
 * @example
 * ```ts
 * import { hashFile } from "truelift";
 * await hashFile("saas_llm_logs_seed42.csv"); // "4cda3829d4ffe514a7167f5ff5e3c1f1af24ea94ce192640197ac4d96c6562c6"
 * ```
 */
export async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 }))
      hash.update(chunk as Buffer);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new TrueliftError("E_FILE_NOT_FOUND", `No such file: '${path}'.`, {
        details: { path },
        cause: e,
      });
    }
    throw new TrueliftError("E_READ_FAILED", `Can't read '${path}': ${(e as Error).message}`, {
      details: { path },
      cause: e,
    });
  }
  return hash.digest("hex");
}

/**
 * The SHA-256 of bytes or a string (UTF-8), as 64 lowercase hex digits.
 *
 * @example
 * ```ts
 * import { hashBytes } from "truelift";
 * hashBytes("abc"); // "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function hashBytes(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}
