import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { SynthMatrix } from "../../../src/designs/synth/sdid-types.js";
import { fixturePath } from "../../helpers/fixture.js";

/** California Prop 99 as R synthdid's `panel.matrices` lays it out: controls A→Z, then California; years in order. */
export function prop99(): SynthMatrix {
  const text = gunzipSync(readFileSync(fixturePath("california_prop99.csv.gz"))).toString("utf8");
  const rows = text
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(";"));
  const years = [...new Set(rows.map((r) => Number(r[1])))].sort((a, b) => a - b);
  const treated = [...new Set(rows.filter((r) => r[3] === "1").map((r) => r[0]))].sort();
  const controls = [...new Set(rows.map((r) => r[0]))].filter((s) => !treated.includes(s)).sort();
  const units = [...controls, ...treated];
  const y = new Float64Array(units.length * years.length);
  for (const r of rows) y[units.indexOf(r[0]) * years.length + years.indexOf(Number(r[1]))] = Number(r[2]);
  const first = Math.min(...rows.filter((r) => r[3] === "1").map((r) => Number(r[1])));
  return { y, n0: controls.length, t0: years.indexOf(first), unitNames: units, periods: years };
}
