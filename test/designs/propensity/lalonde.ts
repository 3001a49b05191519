import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Frame } from "../../../src/core/frame.js";

const here = dirname(fileURLToPath(import.meta.url));

/** MatchIt's lalonde data (written by test/golden/scripts/propensity_matchit.R), race as text. */
export function lalondeFrame(): Frame {
  const text = readFileSync(join(here, "..", "..", "golden", "propensity", "lalonde.csv"), "utf8");
  const lines = text.split("\n").filter((l) => l.length > 0);
  const header = lines[0].split(",").map((h) => h.replaceAll('"', ""));
  const cols: (string | number)[][] = header.map(() => []);
  for (const line of lines.slice(1)) {
    line.split(",").forEach((v, j) => {
      cols[j].push(v.startsWith('"') ? v.replaceAll('"', "") : Number(v));
    });
  }
  return Frame.fromObject(Object.fromEntries(header.map((h, j) => [h, cols[j] as number[] | string[]])));
}

/** The lalonde propensity model of the goldens. */
export const LALONDE_COVARIATES = ["race", "age", "educ", "married", "nodegree", "re74", "re75"];
