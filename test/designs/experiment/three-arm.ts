import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Frame } from "../../../src/core/frame.js";

const here = dirname(fileURLToPath(import.meta.url));

/** The seeded three-arm golden dataset (test/golden/experiment/three_arm.csv, written by experiment_peers.py). */
export function threeArm(): Frame {
  const text = readFileSync(join(here, "..", "..", "golden", "experiment", "three_arm.csv"), "utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0].split(",");
  const cols = header.map(() => [] as string[]);
  for (const line of lines.slice(1)) {
    const values = line.split(",");
    for (let j = 0; j < values.length; j++) cols[j].push(values[j]);
  }
  const data: Record<string, (number | null)[] | (string | null)[]> = {};
  header.forEach((name, j) => {
    const c = cols[j];
    data[name] = c.every((v) => Number.isFinite(Number(v)) && v !== "") ? c.map(Number) : c;
  });
  return Frame.fromObject(data);
}
