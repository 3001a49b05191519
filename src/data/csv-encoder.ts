import { TrueliftError } from "../core/errors.js";
import type { Column, Frame } from "../core/frame.js";
import { POW10, scaledRound } from "./decimal.js";

/**
 * How a CSV is printed. Defaults: comma-separated, `\n` line ends, a header row.
 *
 * Cell formatting (deterministic, the same on every machine):
 * - `i32` columns print as plain integers (`42`, `-7`).
 * - `f64` columns listed in `decimals` print the value rounded to that many decimals with the rule of
 *   {@link scaledRound} (nearest, exact ties away from zero), then trailing zeros dropped while keeping at least
 *   one decimal: `7.00 → 7.0`, `0.0370 → 0.037`, `0.7469 → 0.7469` (pandas' `to_csv` style).
 * - Other `f64` columns print the shortest decimal that round-trips to the same double (ECMAScript
 *   `Number.prototype.toString`), with `.0` appended to integral values (`3 → 3.0`); NaN prints as an empty
 *   cell, ±Infinity as `inf` / `-inf`.
 * - Strings are quoted (with `"` doubled) only when they contain the delimiter, a quote, CR or LF; a missing
 *   string (code −1) prints as an empty cell.
 */
export interface CsvFormatOptions {
  /** Decimals per `f64` column (0–15). __Default value:__ none (shortest round-trip for every column). */
  readonly decimals?: Readonly<Record<string, number>>;
  /** Field delimiter. __Default value:__ `","`. */
  readonly delimiter?: "," | "\t";
}

type Encoder =
  | { readonly t: 0; readonly v: Int32Array }
  | { readonly t: 1; readonly v: Float64Array; readonly d: number; readonly scale: number }
  | { readonly t: 2; readonly v: Float64Array }
  | { readonly t: 3; readonly codes: Int32Array; readonly bytes: readonly Uint8Array[] };

const BUF_SIZE = 1 << 20;
/** Room kept free before each cell: enough for any number (≤ 25 bytes), the delimiter and a newline. */
const CELL_ROOM = 64;
const textEncoder = new TextEncoder();

/**
 * Encodes frames, chunk by chunk, into CSV bytes in a reusable 1 MiB buffer, calling `sink` whenever the buffer
 * fills. Never builds per-row strings: integers and fixed-decimal numbers are written digit by digit.
 *
 * @example
 * ```ts
 * import { CsvEncoder, Frame } from "truelift";
 * const parts: Uint8Array[] = [];
 * const enc = new CsvEncoder((bytes) => parts.push(bytes.slice()), { decimals: { x: 2 } });
 * enc.write(Frame.fromObject({ id: Int32Array.from([1, 2]), x: [0.5, 2] }));
 * enc.end();
 * Buffer.concat(parts).toString(); // "id,x\n1,0.5\n2,2.0\n"
 * ```
 */
export class CsvEncoder {
  private readonly buf = new Uint8Array(BUF_SIZE);
  private pos = 0;
  private names: readonly string[] | null = null;
  private kinds: readonly Column["kind"][] = [];
  private readonly levelCache = new WeakMap<readonly string[], Uint8Array[]>();
  private readonly delim: number;
  /** Rows written so far (excluding the header). */
  rows = 0;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    private readonly options: CsvFormatOptions = {},
  ) {
    this.delim = (options.delimiter ?? ",").charCodeAt(0);
    for (const [name, d] of Object.entries(options.decimals ?? {})) {
      if (!Number.isInteger(d) || d < 0 || d > 15) {
        throw new TrueliftError(
          "E_INVALID_ARGUMENT",
          `decimals for '${name}' must be an integer 0–15; got ${d}.`,
        );
      }
    }
  }

  /** The column names (set by the first chunk). */
  get columns(): readonly string[] {
    return this.names ?? [];
  }

  /** Appends the rows of one chunk; the first chunk also writes the header. Later chunks must match its schema. */
  write(frame: Frame): void {
    if (this.names === null) {
      this.names = frame.names;
      this.kinds = frame.names.map((n) => frame.column(n).kind);
      this.writeHeader();
    } else {
      const same =
        frame.names.length === this.names.length &&
        frame.names.every((n, i) => n === this.names?.[i] && frame.column(n).kind === this.kinds[i]);
      if (!same) {
        throw new TrueliftError(
          "E_INVALID_ARGUMENT",
          "Every chunk written to one file must have the same columns.",
          {
            details: { expected: [...this.names], got: [...frame.names] },
          },
        );
      }
    }
    const encoders = this.names.map((n) => this.encoderFor(n, frame.column(n)));
    this.encodeRows(encoders, frame.nrows);
    this.rows += frame.nrows;
  }

  /** Flushes whatever is buffered. Call once after the last chunk. */
  end(): void {
    if (this.names === null)
      throw new TrueliftError("E_EMPTY_DATA", "Nothing was written: no chunks were given.");
    this.flush();
  }

  private flush(): void {
    if (this.pos > 0) this.sink(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  private writeHeader(): void {
    const names = this.names ?? [];
    names.forEach((n, i) => {
      if (this.pos > BUF_SIZE - CELL_ROOM) this.flush();
      if (i > 0) this.buf[this.pos++] = this.delim;
      this.putBytes(this.cellBytes(n));
    });
    this.buf[this.pos++] = 10;
  }

  private encoderFor(name: string, col: Column): Encoder {
    if (col.kind === "i32") return { t: 0, v: col.values };
    if (col.kind === "f64") {
      const d = this.options.decimals?.[name];
      return d === undefined ? { t: 2, v: col.values } : { t: 1, v: col.values, d, scale: POW10[d] };
    }
    let bytes = this.levelCache.get(col.levels);
    if (!bytes) {
      bytes = col.levels.map((l) => this.cellBytes(l));
      this.levelCache.set(col.levels, bytes);
    }
    return { t: 3, codes: col.codes, bytes };
  }

  private cellBytes(s: string): Uint8Array {
    const d = String.fromCharCode(this.delim);
    const needsQuote = s.includes(d) || s.includes('"') || s.includes("\n") || s.includes("\r");
    return textEncoder.encode(needsQuote ? `"${s.replaceAll('"', '""')}"` : s);
  }

  private putBytes(b: Uint8Array): void {
    if (this.pos + b.length > BUF_SIZE) {
      this.flush();
      if (b.length > BUF_SIZE) {
        this.sink(b);
        return;
      }
    }
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  private encodeRows(encoders: readonly Encoder[], nrows: number): void {
    // Parallel, monomorphic per-column arrays keep the hot loop free of polymorphic property access.
    const ncol = encoders.length;
    const tags = new Uint8Array(ncol);
    const ints: Int32Array[] = [];
    const flts: Float64Array[] = [];
    const digits: number[] = [];
    const scales: number[] = [];
    const bytes: (readonly Uint8Array[])[] = [];
    for (const e of encoders) {
      tags[ints.length] = e.t;
      ints.push(e.t === 0 ? e.v : e.t === 3 ? e.codes : EMPTY_I32);
      flts.push(e.t === 1 || e.t === 2 ? e.v : EMPTY_F64);
      digits.push(e.t === 1 ? e.d : 0);
      scales.push(e.t === 1 ? e.scale : 1);
      bytes.push(e.t === 3 ? e.bytes : []);
    }
    const buf = this.buf;
    const delim = this.delim;
    let pos = this.pos;
    for (let r = 0; r < nrows; r++) {
      for (let c = 0; c < ncol; c++) {
        if (pos > BUF_SIZE - CELL_ROOM) {
          this.pos = pos;
          this.flush();
          pos = 0;
        }
        if (c > 0) buf[pos++] = delim;
        const tag = tags[c];
        if (tag === 0) {
          pos = putInt32(buf, pos, ints[c][r]);
        } else if (tag === 1) {
          const x = flts[c][r];
          if (Number.isFinite(x)) pos = putFixed(buf, pos, scaledRound(x, digits[c]), scales[c], digits[c]);
          else if (!Number.isNaN(x)) pos = putAscii(buf, pos, x > 0 ? "inf" : "-inf");
        } else if (tag === 2) {
          pos = putShortest(buf, pos, flts[c][r]);
        } else {
          const code = ints[c][r];
          if (code >= 0) {
            const b = bytes[c][code];
            const len = b.length;
            if (pos + len > BUF_SIZE - CELL_ROOM) {
              this.pos = pos;
              this.putBytes(b);
              pos = this.pos;
            } else if (len <= 32) {
              for (let k = 0; k < len; k++) buf[pos + k] = b[k];
              pos += len;
            } else {
              buf.set(b, pos);
              pos += len;
            }
          }
        }
      }
      buf[pos++] = 10;
    }
    this.pos = pos;
  }
}

const EMPTY_I32 = new Int32Array(0);
const EMPTY_F64 = new Float64Array(0);

/** Writes a 32-bit integer in decimal; returns the new position. */
function putInt32(buf: Uint8Array, pos: number, n: number): number {
  if (n < 0) {
    buf[pos++] = 45;
    if (n === -2147483648) return putAscii(buf, pos, "2147483648");
    n = -n;
  }
  if (n < 10) {
    buf[pos] = 48 + n;
    return pos + 1;
  }
  if (n < 100) {
    const q = (n / 10) | 0;
    buf[pos] = 48 + q;
    buf[pos + 1] = 48 + n - q * 10;
    return pos + 2;
  }
  let len = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) len++;
  let p = pos + len;
  while (n >= 10) {
    const q = (n / 10) | 0;
    buf[--p] = 48 + n - q * 10;
    n = q;
  }
  buf[--p] = 48 + n;
  return pos + len;
}

/** Writes a non-negative integer below 2^53 in decimal. */
function putUint53(buf: Uint8Array, pos: number, n: number): number {
  if (n <= 2147483647) return putInt32(buf, pos, n);
  return putAscii(buf, pos, String(n));
}

/** Writes n / 10^d (n an integer) with trailing zeros dropped, keeping at least one decimal. */
function putFixed(buf: Uint8Array, pos: number, n: number, scale: number, d: number): number {
  if (n < 0) {
    buf[pos++] = 45;
    n = -n;
  }
  const ip = Math.floor(n / scale);
  let frac = n - ip * scale;
  pos = putUint53(buf, pos, ip);
  buf[pos++] = 46;
  if (d === 0) {
    buf[pos++] = 48;
    return pos;
  }
  let k = d;
  while (k > 1 && frac % 10 === 0) {
    frac /= 10;
    k--;
  }
  for (let i = k - 1; i >= 0; i--) {
    const q = Math.floor(frac / 10);
    buf[pos + i] = 48 + frac - q * 10;
    frac = q;
  }
  return pos + k;
}

/** Writes the shortest round-trip decimal of x (`.0` appended to integral values; NaN → empty). */
function putShortest(buf: Uint8Array, pos: number, x: number): number {
  if (Number.isNaN(x)) return pos;
  if (!Number.isFinite(x)) return putAscii(buf, pos, x > 0 ? "inf" : "-inf");
  if (Number.isInteger(x) && Math.abs(x) < 1e15) {
    if (Object.is(x, -0)) return putAscii(buf, pos, "-0.0");
    pos = x < 0 ? putAscii(buf, pos, "-") : pos;
    pos = putUint53(buf, pos, Math.abs(x));
    buf[pos++] = 46;
    buf[pos++] = 48;
    return pos;
  }
  const s = String(x);
  pos = putAscii(buf, pos, s);
  if (!s.includes(".") && !s.includes("e")) {
    buf[pos++] = 46;
    buf[pos++] = 48;
  }
  return pos;
}

function putAscii(buf: Uint8Array, pos: number, s: string): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}
