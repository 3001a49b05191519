import { type ColumnInput, Frame } from "../../src/core/frame.js";

/** A deterministic pseudo-random number in [0, 1) for index i (no global RNG state). */
export function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return x - Math.floor(x);
}

/** Column arrays of a small healthy DiD panel: 8 units × 4 periods, units 0–3 treated from period 3. */
export function didCols(): Record<string, (number | string | null)[]> {
  const u: number[] = [];
  const t: number[] = [];
  const g: number[] = [];
  const y: number[] = [];
  const start: number[] = [];
  const cl: string[] = [];
  for (let unit = 0; unit < 8; unit++) {
    for (let time = 1; time <= 4; time++) {
      const treated = unit < 4 ? 1 : 0;
      u.push(unit);
      t.push(time);
      g.push(treated);
      start.push(treated ? 3 : 0);
      cl.push(`c${unit}`);
      y.push(unit * 0.5 + time + (treated && time >= 3 ? 2 : 0) + noise(unit * 10 + time));
    }
  }
  return { u, t, g, y, start, cl };
}

/** Column arrays of a healthy sharp RD sample: 120 points on [−1, 1], cutoff 0, jump 1. */
export function rddCols(n = 120): Record<string, (number | string | null)[]> {
  const x: number[] = [];
  const y: number[] = [];
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    const xi = -1 + (2 * (i + 0.5)) / n;
    x.push(xi);
    d.push(xi >= 0 ? 1 : 0);
    y.push(0.8 * xi + (xi >= 0 ? 1 : 0) + 0.3 * (noise(i) - 0.5));
  }
  return { x, y, d };
}

/** Column arrays of a healthy synth panel: 6 units × 10 periods, unit 0 treated from period 7. */
export function synthCols(units = 6, periods = 10): Record<string, (number | string | null)[]> {
  const u: number[] = [];
  const t: number[] = [];
  const y: number[] = [];
  for (let unit = 0; unit < units; unit++) {
    for (let time = 1; time <= periods; time++) {
      u.push(unit);
      t.push(time);
      y.push(10 + unit + 0.5 * time + (unit === 0 && time >= 7 ? 3 : 0) + noise(unit * 100 + time));
    }
  }
  return { u, t, y };
}

/** Column arrays of a healthy observational sample: 80 rows, two covariates, confounded treatment. */
export function psCols(n = 80): Record<string, (number | string | null)[]> {
  const x1: number[] = [];
  const x2: number[] = [];
  const d: number[] = [];
  const y: number[] = [];
  const seg: string[] = [];
  for (let i = 0; i < n; i++) {
    const a = noise(i) * 2 - 1;
    const b = noise(i + 1000) * 2 - 1;
    const p = 1 / (1 + Math.exp(-(0.8 * a - 0.5 * b)));
    const di = noise(i + 2000) < p ? 1 : 0;
    x1.push(a);
    x2.push(b);
    d.push(di);
    seg.push(i % 3 === 0 ? "s1" : i % 3 === 1 ? "s2" : "s3");
    y.push(1 + a + 0.5 * b + 2 * di + 0.3 * (noise(i + 3000) - 0.5));
  }
  return { x1, x2, d, y, seg };
}

/** Column arrays of a healthy cluster trial: 10 clusters × 6 rows, clusters 0–4 treated. */
export function clusterCols(clusters = 10, size = 6): Record<string, (number | string | null)[]> {
  const g: string[] = [];
  const d: number[] = [];
  const y: number[] = [];
  for (let c = 0; c < clusters; c++) {
    for (let i = 0; i < size; i++) {
      g.push(`k${c}`);
      d.push(c < clusters / 2 ? 1 : 0);
      y.push(c * 0.1 + (c < clusters / 2 ? 0.5 : 0) + noise(c * 50 + i));
    }
  }
  return { g, d, y };
}

/** A Frame from column arrays (mixed number/string/null arrays are passed through as given). */
export function frame(cols: Record<string, (number | string | null)[]>): Frame {
  const input: Record<string, ColumnInput> = {};
  for (const [k, v] of Object.entries(cols)) {
    input[k] = v.some((x) => typeof x === "string")
      ? v.map((x) => (x === null ? null : String(x)))
      : v.map((x) => (typeof x === "number" ? x : null));
  }
  return Frame.fromObject(input);
}

/** A copy of `cols` with `name` replaced by `f(old values)`. */
export function withCol(
  cols: Record<string, (number | string | null)[]>,
  name: string,
  f: (v: (number | string | null)[]) => (number | string | null)[],
): Record<string, (number | string | null)[]> {
  return { ...cols, [name]: f(cols[name] ?? []) };
}
