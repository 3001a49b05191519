/**
 * truelift's release version, recorded as `provenance.version` by every design. It is kept equal to the
 * `version` field of package.json (a test checks this), so a result names the release that produced it without
 * the core reading files at run time.
 *
 * @example
 * ```ts
 * import { TRUELIFT_VERSION } from "truelift";
 * TRUELIFT_VERSION; // "0.1.0"
 * ```
 */
export const TRUELIFT_VERSION = "0.1.0";
