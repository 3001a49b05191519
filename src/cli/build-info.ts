import { readFileSync } from "node:fs";

/**
 * truelift's version from its package.json ("0.0.0" when it cannot be read).
 *
 * @example
 * ```ts
 * packageVersion(); // "0.1.0"
 * ```
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "0.0.0";
  } catch {
    return "0.0.0";
  }
}

/**
 * A report's timestamp: now, or `SOURCE_DATE_EPOCH` (whole seconds since 1970) for reproducible builds.
 *
 * @example
 * ```ts
 * reportTimestamp({ SOURCE_DATE_EPOCH: "0" }); // "1970-01-01T00:00:00.000Z"
 * ```
 * @see https://reproducible-builds.org/specs/source-date-epoch/
 */
export function reportTimestamp(env: Readonly<Record<string, string | undefined>>): string {
  const epoch = env.SOURCE_DATE_EPOCH;
  if (epoch !== undefined && /^\d+$/.test(epoch)) return new Date(Number(epoch) * 1000).toISOString();
  return new Date().toISOString();
}
