import { TrueliftError } from "../../core/errors.js";
import { type DeepReadonly, deepFreeze } from "../../core/result.js";

/** A decimal number as an exact scaled integer: value = digits · 10^(−scale). */
interface Decimal {
  readonly digits: bigint;
  readonly scale: number;
}

/**
 * Reads a number or numeric string as the exact decimal a person wrote: a number is taken at its shortest
 * round-trip representation (`String(0.8)` is "0.8"), so 0.8 means eight tenths, not the binary double
 * 0.8000000000000000444….
 */
function parseDecimal(v: number | string, option: string): Decimal {
  const text = typeof v === "number" ? String(v) : v.trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (typeof v === "number" ? !Number.isFinite(v) : m === null || (m[2] === "" && (m[3] ?? "") === ""))
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `${option} must be a finite decimal number, got ${JSON.stringify(v)}.`,
      {
        details: { option },
      },
    );
  const [, sign, int, frac = "", exp = "0"] = m as RegExpExecArray;
  let digits = BigInt(`${int}${frac}` || "0");
  let scale = frac.length - Number(exp);
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { digits: sign === "-" ? -digits : digits, scale };
}

function align(a: Decimal, scale: number): bigint {
  return a.digits * 10n ** BigInt(scale - a.scale);
}

/** The double nearest to the decimal digits·10^(−scale) (JavaScript's string-to-number conversion rounds correctly). */
function toNumber(digits: bigint, scale: number): number {
  return Number(`${digits}e-${scale}`);
}

/** Prints digits·10^(−scale) with exactly `scale` decimals (e.g. 80n, 2 → "0.80"). */
function toText(digits: bigint, scale: number): string {
  const neg = digits < 0n;
  const s = (neg ? -digits : digits).toString().padStart(scale + 1, "0");
  const body = scale === 0 ? s : `${s.slice(0, s.length - scale)}.${s.slice(s.length - scale)}`;
  return neg ? `-${body}` : body;
}

/**
 * Bin edges at exact decimal positions: edge i = start + i·width computed in decimal (scaled integers), then
 * converted once to the nearest double. So with start 0.80 and width 0.02 the second edge is the double nearest
 * 0.82 — the same double a CSV value "0.82" parses to — and not 0.80 + 0.02 in binary floating point
 * (0.8200000000000001), which would put every value of exactly 0.82 in the wrong bin.
 *
 * @example
 * ```ts
 * import { decimalEdges } from "truelift";
 * decimalEdges(0.8, 0.02, 5); // [0.8, 0.82, 0.84, 0.86, 0.88, 0.9]
 * 0.8 + 0.02;                 // 0.8200000000000001 (the binary trap)
 * ```
 */
export function decimalEdges(start: number | string, width: number | string, bins: number): number[] {
  return edgeDecimals(start, width, bins).map((d) => toNumber(d.digits, d.scale));
}

function edgeDecimals(start: number | string, width: number | string, bins: number): Decimal[] {
  if (!Number.isInteger(bins) || bins < 1 || bins > 1_000_000)
    throw new TrueliftError(
      "E_INVALID_ARGUMENT",
      `bins must be an integer from 1 to 1,000,000, got ${bins}.`,
      {
        details: { option: "bins" },
      },
    );
  const s = parseDecimal(start, "start");
  const w = parseDecimal(width, "width");
  if (w.digits <= 0n)
    throw new TrueliftError("E_INVALID_ARGUMENT", `width must be positive, got ${String(width)}.`, {
      details: { option: "width" },
    });
  const scale = Math.max(s.scale, w.scale);
  const s0 = align(s, scale);
  const w0 = align(w, scale);
  const out: Decimal[] = [];
  for (let i = 0; i <= bins; i++) out.push({ digits: s0 + BigInt(i) * w0, scale });
  return out;
}

/** One bin of {@link binCounts}: [lower, upper) with its count. */
export interface BinCountRow {
  /** 0-based bin index. */
  readonly bin: number;
  /** Lower edge (inclusive), the double nearest the decimal edge. */
  readonly lower: number;
  /** Upper edge (exclusive). */
  readonly upper: number;
  /** The interval as written, e.g. "[0.80, 0.82)". */
  readonly label: string;
  readonly count: number;
  /** count / (number of values given). */
  readonly share: number;
}

/** Result of {@link binCounts}. */
export interface BinCountsResult {
  readonly rows: readonly BinCountRow[];
  /** Values below the first edge / at or above the last edge. */
  readonly below: number;
  readonly above: number;
  /** Values counted (all finite values given). */
  readonly total: number;
}

/** Options of {@link binCounts}: `bins` equal-width bins of `width` from `start` (numbers or decimal strings). */
export interface BinCountsOptions {
  readonly start: number | string;
  readonly width: number | string;
  readonly bins: number;
}

/**
 * Counts values in half-open bins [edge_i, edge_(i+1)) whose edges sit exactly at decimal positions (see
 * {@link decimalEdges}): the binned counts around a regression-discontinuity cutoff. A value equal to an edge
 * goes to the bin that starts there, whatever rounding the edge would suffer in binary arithmetic.
 *
 * Throws `E_INVALID_ARGUMENT` for a non-positive width or bad bin count, `E_MISSING_VALUES` for NaN.
 *
 * @example
 * ```ts
 * import { binCounts } from "truelift";
 * const r = binCounts(frame.numeric("query_confidence"), { start: "0.80", width: "0.02", bins: 5 });
 * r.rows.map((b) => b.count); // [2461, 2481, 2335, 2229, 2048] on the tutorial data
 * r.rows[1].label;            // "[0.82, 0.84)"
 * ```
 */
export function binCounts(x: Float64Array, options: BinCountsOptions): DeepReadonly<BinCountsResult> {
  const decs = edgeDecimals(options.start, options.width, options.bins);
  const edges = decs.map((d) => toNumber(d.digits, d.scale));
  for (let i = 0; i < x.length; i++)
    if (Number.isNaN(x[i]))
      throw new TrueliftError("E_MISSING_VALUES", `The values to bin have a missing value (row ${i + 1}).`, {
        details: { rows: [i + 1] },
      });
  const sorted = Float64Array.from(x).sort();
  const lowerBound = (v: number): number => {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const pos = edges.map(lowerBound);
  const total = sorted.length;
  const scale = decs[0].scale;
  const rows: BinCountRow[] = [];
  for (let i = 0; i < options.bins; i++) {
    const count = pos[i + 1] - pos[i];
    rows.push({
      bin: i,
      lower: edges[i],
      upper: edges[i + 1],
      label: `[${toText(decs[i].digits, scale)}, ${toText(decs[i + 1].digits, scale)})`,
      count,
      share: total > 0 ? count / total : 0,
    });
  }
  return deepFreeze({ rows, below: pos[0], above: total - pos[pos.length - 1], total });
}

/** Options of {@link cutoffBinCounts}. */
export interface CutoffBinOptions {
  /** The cutoff; it is always a bin edge. */
  readonly cutoff: number | string;
  /** Bin width (decimal-exact). */
  readonly width: number | string;
  /** Bins on each side of the cutoff. */
  readonly binsPerSide: number;
}

/** One bin around the cutoff, tagged with its side (below: x < cutoff; above: x ≥ cutoff). */
export interface CutoffBinRow extends BinCountRow {
  readonly side: "below" | "above";
}

/**
 * Binned counts on both sides of a cutoff with the cutoff as an exact decimal edge: `binsPerSide` bins of
 * `width` below it and as many above, e.g. the histogram of a density plot. Same counting rule as
 * {@link binCounts}.
 *
 * @example
 * ```ts
 * import { cutoffBinCounts } from "truelift";
 * const r = cutoffBinCounts(x, { cutoff: 0.85, width: 0.01, binsPerSide: 10 });
 * r.rows[9].label; // "[0.84, 0.85)", the last bin below the cutoff
 * ```
 */
export function cutoffBinCounts(
  x: Float64Array,
  options: CutoffBinOptions,
): DeepReadonly<{ rows: readonly CutoffBinRow[]; below: number; above: number; total: number }> {
  const k = options.binsPerSide;
  if (!Number.isInteger(k) || k < 1)
    throw new TrueliftError("E_INVALID_ARGUMENT", `binsPerSide must be a positive integer, got ${k}.`, {
      details: { option: "binsPerSide" },
    });
  const c = parseDecimal(options.cutoff, "cutoff");
  const w = parseDecimal(options.width, "width");
  const scale = Math.max(c.scale, w.scale);
  const start = align(c, scale) - BigInt(k) * align(w, scale);
  const r = binCounts(x, { start: toText(start, scale), width: toText(align(w, scale), scale), bins: 2 * k });
  return deepFreeze({
    rows: r.rows.map((row) => ({ ...row, side: row.bin < k ? ("below" as const) : ("above" as const) })),
    below: r.below,
    above: r.above,
    total: r.total,
  });
}
