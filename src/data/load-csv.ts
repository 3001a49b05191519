import type { Column } from "../core/frame.js";
import { DEFAULT_NA } from "./load-source.js";

/** Files above this size always go through DuckDB (its scan is parallel and streams). */
export const FAST_CSV_MAX_BYTES = 256 * 1024 * 1024;

/** Mixed integer/decimal columns are read as doubles only when a decimal appears this early (DuckDB's first sniff). */
const MIXED_DECIMAL_WITHIN_ROWS = 1000;

/** Words DuckDB's sniffer may read as BOOLEAN, DOUBLE, DATE or TIMESTAMP rather than VARCHAR. */
const TYPED_WORDS = new Set([
  "true",
  "false",
  "yes",
  "no",
  "on",
  "off",
  "inf",
  "infinity",
  "nan",
  "null",
  "epoch",
  "allballs",
  "today",
  "now",
  "tomorrow",
  "yesterday",
]);

/** Longest decimal (digits in all) read on the fast path. */
const MAX_DIGITS = 40;

const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/** What a column holds so far: nothing but empty fields, int32 values, doubles, or words. */
enum Kind {
  None = 0,
  Int = 1,
  Double = 2,
  Word = 3,
}

const NO_INTS = new Int32Array(0);
const NO_DOUBLES = new Float64Array(0);

/**
 * One column's running state while the rows stream by; its storage is allocated once its kind is known. (A class
 * with every field typed from the start keeps V8's optimized parsing code stable.)
 */
class ColState {
  kind: Kind = Kind.None;
  ints: Int32Array = NO_INTS;
  doubles: Float64Array = NO_DOUBLES;
  codes: Int32Array = NO_INTS;
  readonly levels: string[] = [];
  /** Level codes by a hash of their bytes (collisions resolved by comparing bytes). */
  readonly index = new Map<number, number[]>();
  readonly levelBytes: Uint8Array[] = [];
  /** Number of integer fields, of decimal fields, and the row of the first decimal (−1: none yet). */
  intCount = 0;
  decCount = 0;
  firstDecRow = -1;
  constructor(
    readonly wanted: boolean,
    /** Rows the storage holds (grown when the estimate was short). */
    public nrows: number,
  ) {}
}

/**
 * Reads a plain CSV/TSV file (already in memory) into Frame columns directly from its bytes, for the subset of
 * files whose DuckDB reading is unambiguous — and returns `null` for anything else, so that the caller reads the
 * file through DuckDB instead. The frames are identical to DuckDB's (`loadFrame`'s documented type mapping):
 *
 * - accepted: ASCII only, no quote character, no byte-order mark, `\n` or `\r\n` line ends, every row with as
 *   many fields as the header, header names that are distinct identifiers (`[A-Za-z_][A-Za-z0-9_]*`);
 * - a column of integers (`-?[1-9][0-9]*` or `0`, at most 18 digits) is DuckDB's BIGINT: `i32` when every value
 *   is present and fits in int32, else `f64` (empty → NaN);
 * - a column of decimals `-?digits.digits` (at most 40 digits in all; integers may be mixed in when a decimal
 *   appears in the first 1,000 rows) is DOUBLE: `f64`, empty → NaN. Every value is the correctly rounded double
 *   of its text (up to 15 digits mantissa / 10^k, an exact IEEE division; longer ones by JavaScript's correctly
 *   rounded conversion), exactly as DuckDB's parser reads it;
 * - a column of words (`[A-Za-z][A-Za-z_]*`, two letters or more, none of the boolean, special-number or
 *   date keywords) is VARCHAR: `str` with levels in order of first appearance, empty → code −1.
 *
 * A field whose whole text is one of the missing-value markers `na` (DuckDB's `nullstr` on the other path; the
 * empty field always) is missing in any column: NaN, or code −1. A marker that is not printable ASCII returns
 * `null`.
 *
 * Anything else — quotes, other number spellings (`1e5`, `.5`, `007`, `-0`), dates, mixed text and numbers,
 * all-empty columns, non-ASCII text — returns `null`.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("id,tier,x\n1,light,0.5\n2,heavy,\n3,NA,NA\n");
 * const cols = fastCsvColumns(bytes, ",", null, ["", "NA", "NaN"]);
 * cols?.get("tier"); // { kind: "str", codes: Int32Array [0, 1, -1], levels: ["light", "heavy"] }
 * cols?.get("x");    // { kind: "f64", values: Float64Array [0.5, NaN, NaN] }
 * ```
 */
export function fastCsvColumns(
  input: Uint8Array,
  delimiter: string,
  columns: readonly string[] | null,
  na: readonly string[] = DEFAULT_NA,
): Map<string, Column> | null {
  let bytes = input;
  const delim = delimiter.charCodeAt(0);
  if (delimiter.length !== 1 || delim >= 0x80 || delim === 0x22 || delim === 0x0a || delim === 0x0d)
    return null;
  if (delim !== 0x09 && delim < 0x20) return null;
  if (isLetterOrDigit(delim) || delim === 0x2d || delim === 0x2e || delim === 0x5f) return null;
  if (bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a) {
    // A last line without \n: end it, so that every field below ends at a delimiter or \n inside the bytes.
    const ended = new Uint8Array(bytes.length + 1);
    ended.set(bytes);
    ended[bytes.length] = 0x0a;
    bytes = ended;
  }
  const n = bytes.length;
  // Header: distinct identifiers, then \n or \r\n.
  let headerEnd = bytes.indexOf(0x0a);
  if (headerEnd < 0) return null;
  const dataStart = headerEnd + 1;
  if (headerEnd > 0 && bytes[headerEnd - 1] === 0x0d) headerEnd--;
  const names: string[] = [];
  let fieldStart = 0;
  for (let i = 0; i <= headerEnd; i++) {
    if (i === headerEnd || bytes[i] === delim) {
      names.push(latin1(bytes, fieldStart, i));
      fieldStart = i + 1;
    }
  }
  const ident = /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (names.some((nm) => !ident.test(nm)) || new Set(names).size !== names.length) return null;
  const wanted = columns ?? names;
  if (new Set(wanted).size !== wanted.length || wanted.some((w) => !names.includes(w))) return null;
  const ncol = names.length;
  // One column: an empty line would be a missing value or no row at all, depending on the reader.
  if (ncol < 2) return null;
  // Data rows: the lines after the header (each ends with \n).
  if (dataStart >= n) return null;
  const capacity = estimateRows(bytes, dataStart);
  const wantedSet = new Set(wanted);
  const states = names.map((name) => new ColState(wantedSet.has(name), capacity));
  const markers = markerBytes(na, delim);
  if (markers === null) return null;
  const nrows = parseRows(bytes, dataStart, delim, states, markers);
  if (nrows <= 0) return null;
  const out = new Map<string, Column>();
  for (const name of wanted) {
    const column = finish(states[names.indexOf(name)], nrows);
    if (column === null) return null;
    out.set(name, column);
  }
  return out;
}

/** The number of data rows, estimated from the first 256 KiB (generously: storage grows if it is short). */
function estimateRows(bytes: Uint8Array, from: number): number {
  const end = Math.min(bytes.length, from + 262144);
  let lines = 0;
  for (let i = from; i < end; i++) if (bytes[i] === 0x0a) lines++;
  if (end === bytes.length) return Math.max(lines, 1);
  return Math.ceil(((bytes.length - from) / (end - from)) * lines * 1.05) + 64;
}

/** Grows every column's storage to `rows` rows (the estimate was short). */
function grow(states: readonly ColState[], rows: number): void {
  for (const s of states) {
    s.nrows = rows;
    if (s.kind === Kind.Int) s.ints = copyInto(new Int32Array(rows), s.ints);
    else if (s.kind === Kind.Double) s.doubles = copyInto(new Float64Array(rows), s.doubles);
    else if (s.kind === Kind.Word) s.codes = copyInto(new Int32Array(rows), s.codes);
  }
}

function copyInto<T extends Int32Array | Float64Array>(to: T, from: T): T {
  to.set(from);
  return to;
}

/** Parses every data row into `states` (one per column): the number of rows, or −1 at the first field outside the fast path. */
function parseRows(
  bytes: Uint8Array,
  dataStart: number,
  delim: number,
  states: readonly ColState[],
  markers: Markers,
): number {
  const ncol = states.length;
  const { first, list } = markers;
  const n = bytes.length;
  let i = dataStart;
  let row = 0;
  for (; i < n; row++) {
    if (row === states[0].nrows) grow(states, Math.ceil(row * 1.5) + 64);
    for (let col = 0; col < ncol; col++) {
      const s = states[col];
      const c = bytes[i];
      const d = c - 0x30;
      const next = bytes[i + 1];
      const marker = first[c] === 1 && s.wanted ? markerEnd(bytes, i, delim, list) : -1;
      if (marker >= 0) {
        setEmpty(s, row);
        i = marker;
      } else if (
        d >= 0 &&
        d <= 9 &&
        s.kind === Kind.Int &&
        (next === delim || next === 0x0a || next === 0x0d)
      ) {
        // A one-digit integer in an int32 column (most fields of flag and small-count columns).
        s.ints[row] = d;
        s.intCount++;
        i++;
      } else if (!s.wanted) i = skipField(bytes, i, delim);
      else if (c === delim || c === 0x0a || c === 0x0d) setEmpty(s, row);
      else if (isLetter(c)) i = readWord(bytes, i, s, row);
      else i = readNumber(bytes, i, s, row);
      if (i < 0) return -1;
      // The field's end: the delimiter (not after the last field), or the line end after the last one.
      const e = bytes[i];
      if (col < ncol - 1) {
        if (e !== delim) return -1;
        i++;
      } else if (e === 0x0a) i++;
      else if (e === 0x0d && bytes[i + 1] === 0x0a) i += 2;
      else return -1;
    }
  }
  return row;
}

/** Non-empty missing-value markers as bytes, and which bytes start one. */
interface Markers {
  readonly first: Uint8Array;
  readonly list: readonly Uint8Array[];
}

/** The non-empty markers (the empty field is always missing), or null when one is not printable ASCII. */
function markerBytes(na: readonly string[], delim: number): Markers | null {
  const first = new Uint8Array(256);
  const list: Uint8Array[] = [];
  for (const m of na) {
    if (m === "") continue;
    const b = Uint8Array.from(m, (ch) => ch.charCodeAt(0));
    if (b.some((c) => c < 0x20 || c >= 0x7f || c === 0x22 || c === delim)) return null;
    first[b[0]] = 1;
    list.push(b);
  }
  return { first, list };
}

/** The end of the field at `from` when its whole text is one of the markers, else −1. */
function markerEnd(bytes: Uint8Array, from: number, delim: number, list: readonly Uint8Array[]): number {
  for (const m of list) {
    let j = 0;
    while (j < m.length && bytes[from + j] === m[j]) j++;
    if (j < m.length) continue;
    const e = bytes[from + j];
    if (e === delim || e === 0x0a || e === 0x0d) return from + j;
  }
  return -1;
}

/** The end of a field that is not loaded (only checked for bytes outside the fast path), or −1. */
function skipField(bytes: Uint8Array, from: number, delim: number): number {
  for (let i = from; ; i++) {
    const c = bytes[i];
    if (c === delim || c === 0x0a || c === 0x0d) return i;
    if (c < 0x20 || c >= 0x7f || c === 0x22) return -1;
  }
}

/** Reads a word (letters and underscores, two or more) at `from` into its column; its end, or −1. */
function readWord(bytes: Uint8Array, from: number, s: ColState, row: number): number {
  let i = from;
  let h = 0;
  for (; ; i++) {
    const c = bytes[i];
    if (!(isLetter(c) || c === 0x5f)) break;
    h = (Math.imul(h, 31) + c) | 0;
  }
  if (i - from < 2) return -1;
  if (s.kind !== Kind.Word) {
    if (s.kind !== Kind.None) return -1;
    s.kind = Kind.Word;
    s.codes = new Int32Array(s.nrows);
    s.codes.fill(-1, 0, row);
  }
  const code = levelCode(s, bytes, from, i, h);
  if (code < 0) return -1;
  s.codes[row] = code;
  return i;
}

/**
 * Reads a number `-?(0|[1-9][0-9]*)(\.[0-9]+)?` (integers up to 18 digits, decimals up to 40) at `from` into its
 * column; its end, or −1. Every value is the correctly rounded double of its text, as DuckDB's parser gives.
 */
function readNumber(bytes: Uint8Array, from: number, s: ColState, row: number): number {
  let i = from;
  let c = bytes[i];
  const neg = c === 0x2d;
  if (neg) c = bytes[++i];
  const intStart = i;
  let m = 0;
  while (c >= 0x30 && c <= 0x39) {
    m = m * 10 + (c - 0x30);
    c = bytes[++i];
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || (intDigits > 1 && bytes[intStart] === 0x30)) return -1;
  if (c !== 0x2e) {
    if (intDigits > 18 || (neg && m === 0)) return -1;
    // Above 15 digits the running mantissa may have rounded: parse the text (correctly rounded, as DuckDB's
    // BIGINT → DOUBLE conversion).
    const v = intDigits > 15 ? Number(latin1(bytes, from, i)) : neg ? -m : m;
    return setInt(s, row, v) ? i : -1;
  }
  c = bytes[++i];
  const fracStart = i;
  while (c >= 0x30 && c <= 0x39) {
    m = m * 10 + (c - 0x30);
    c = bytes[++i];
  }
  const k = i - fracStart;
  if (k === 0 || intDigits + k > MAX_DIGITS || (neg && m === 0)) return -1;
  if (s.firstDecRow < 0) s.firstDecRow = row;
  s.decCount++;
  // Up to 15 digits mantissa / 10^k is exact division of exact values; longer decimals (e.g. 17-digit
  // round-trip doubles) go through JavaScript's correctly rounded string conversion, as DuckDB's parser rounds.
  const v = intDigits + k > 15 ? Number(latin1(bytes, from, i)) : (neg ? -m : m) / POW10[k];
  if (!setDouble(s, row, v)) return -1;
  return i;
}

function setEmpty(s: ColState, row: number): void {
  if (s.kind === Kind.Word) s.codes[row] = -1;
  else if (s.kind === Kind.Double) s.doubles[row] = Number.NaN;
  else if (s.kind === Kind.Int) toDoubles(s, row)[row] = Number.NaN;
}

/** Stores an integer (int32 while every value so far fits and none is missing); false in a word column. */
function setInt(s: ColState, row: number, v: number): boolean {
  s.intCount++;
  const fits = v >= -2147483648 && v <= 2147483647;
  if (s.kind === Kind.Int && fits) s.ints[row] = v;
  else if (s.kind === Kind.None && row === 0 && fits) {
    s.kind = Kind.Int;
    s.ints = new Int32Array(s.nrows);
    s.ints[row] = v;
  } else return setDouble(s, row, v);
  return true;
}

/** Stores a double (switching an int32 column to doubles); false in a word column. */
function setDouble(s: ColState, row: number, v: number): boolean {
  if (s.kind === Kind.Double) s.doubles[row] = v;
  else if (s.kind === Kind.Int) toDoubles(s, row)[row] = v;
  else if (s.kind === Kind.None) {
    s.kind = Kind.Double;
    s.doubles = new Float64Array(s.nrows);
    s.doubles.fill(Number.NaN, 0, row);
    s.doubles[row] = v;
  } else return false;
  return true;
}

/** Switches an int32 column to doubles (rows before `row` copied), for a missing, decimal or large value. */
function toDoubles(s: ColState, row: number): Float64Array {
  const doubles = new Float64Array(s.nrows);
  const ints = s.ints;
  for (let r = 0; r < row; r++) doubles[r] = ints[r];
  s.kind = Kind.Double;
  s.doubles = doubles;
  s.ints = NO_INTS;
  return doubles;
}

/** The code of the word `bytes[start, end)` in its column (a new level on first sight), or −1 for a keyword. */
function levelCode(s: ColState, bytes: Uint8Array, start: number, end: number, h: number): number {
  const candidates = s.index.get(h);
  if (candidates !== undefined) {
    for (const code of candidates) if (sameBytes(s.levelBytes[code], bytes, start, end)) return code;
  }
  const text = latin1(bytes, start, end);
  if (TYPED_WORDS.has(text.toLowerCase())) return -1;
  const code = s.levels.length;
  s.levels.push(text);
  s.levelBytes.push(bytes.slice(start, end));
  if (candidates === undefined) s.index.set(h, [code]);
  else candidates.push(code);
  return code;
}

function sameBytes(level: Uint8Array, bytes: Uint8Array, start: number, end: number): boolean {
  if (level.length !== end - start) return false;
  for (let j = 0; j < level.length; j++) if (level[j] !== bytes[start + j]) return false;
  return true;
}

/** A column's Frame column from what its fields held, or null when DuckDB's reading would not be clear-cut. */
function finish(s: ColState, nrows: number): Column | null {
  switch (s.kind) {
    case Kind.Word:
      return { kind: "str", codes: s.codes.subarray(0, nrows), levels: Object.freeze(s.levels) };
    case Kind.Int:
      return { kind: "i32", values: s.ints.subarray(0, nrows) };
    case Kind.Double:
      // Integers mixed with decimals: DOUBLE only when DuckDB's sniffer surely saw a decimal.
      if (s.intCount > 0 && s.decCount > 0 && s.firstDecRow >= MIXED_DECIMAL_WITHIN_ROWS) return null;
      return { kind: "f64", values: s.doubles.subarray(0, nrows) };
    default:
      return null;
  }
}

function isLetter(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

function isLetterOrDigit(c: number): boolean {
  return isLetter(c) || (c >= 0x30 && c <= 0x39);
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
