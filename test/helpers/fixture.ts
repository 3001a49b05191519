import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import { Frame } from "../../src/core/frame.js";

const here = dirname(fileURLToPath(import.meta.url));

/** Absolute path of a file under test/fixtures. */
export function fixturePath(name: string): string {
  return join(here, "..", "fixtures", name);
}

const cache = new Map<string, Frame>();

/**
 * Reads a gzipped fixture CSV into a Frame without DuckDB (so numeric tests do not depend on the loader):
 * columns whose every value parses as a number become f64, the rest dictionary-encoded strings.
 */
export function readFixture(name: string): Frame {
  const hit = cache.get(name);
  if (hit) return hit;
  const text = gunzipSync(readFileSync(fixturePath(name))).toString("utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0].split(",");
  const cells = header.map(() => [] as string[]);
  for (let i = 1; i < lines.length; i++) {
    const parts = lines[i].split(",");
    for (let j = 0; j < header.length; j++) cells[j].push(parts[j]);
  }
  const data: Record<string, (number | null)[] | (string | null)[]> = {};
  header.forEach((name, j) => {
    const col = cells[j];
    const numeric = col.every((v) => v !== "" && Number.isFinite(Number(v)));
    data[name] = numeric ? col.map(Number) : col.map((v) => (v === "" ? null : v));
  });
  const frame = Frame.fromObject(data);
  cache.set(name, frame);
  return frame;
}

/** The tutorial dataset (50,000 users, seed 42). */
export function saasFixture(): Frame {
  return readFixture("saas_llm_logs_seed42.csv.gz");
}
