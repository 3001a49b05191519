import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

/**
 * A golden file: expected numbers from a trusted peer tool, with the tool, its version and the exact call that
 * produced them. Written by the scripts in test/golden/scripts/; tests never call the peer.
 */
export interface Golden<E = Record<string, unknown>> {
  readonly tool: string;
  readonly version: string;
  readonly call: string;
  readonly data:
    | { readonly path: string; readonly sha256?: string; readonly filter?: string }
    | Record<string, unknown>;
  readonly expected: E;
}

/** Loads test/golden/<area>/<name>.json. */
export function loadGolden<E = Record<string, unknown>>(area: string, name: string): Golden<E> {
  const path = join(here, "..", "golden", area, `${name}.json`);
  return JSON.parse(readFileSync(path, "utf8")) as Golden<E>;
}
