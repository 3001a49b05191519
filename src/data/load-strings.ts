import type { StrColumn } from "../core/frame.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const decoder = new TextDecoder("utf-8", { fatal: false });

/** Reads the bytes of a string longer than 12 bytes, given the buffer holding its `string_t` pointer. */
export type PointerReader = (buffer: ArrayBuffer, pointerOffset: number, byteCount: number) => Uint8Array;

/**
 * Builds a dictionary-encoded {@link StrColumn} from DuckDB `VARCHAR` vectors without creating a JS string per
 * row. DuckDB stores each value as a 16-byte `string_t`: a 4-byte length, then either the bytes themselves
 * (inlined, ≤ 12 bytes) or a 4-byte prefix and a pointer. Inlined values — the usual case for categories — are
 * looked up in an open-addressing hash table keyed on the 16 raw bytes; only the first occurrence of each
 * distinct value is decoded. Longer values are decoded and looked up in a `Map`.
 *
 * Levels are numbered in order of first appearance (as {@link encodeStrings} does); a null is code −1.
 *
 * @example
 * ```ts
 * const b = new StringColumnBuilder(rowCount, readPointer);
 * b.append(rawVectorBytes, validityBytes, chunkRows);
 * const col = b.finish(); // { kind: "str", codes, levels }
 * ```
 */
export class StringColumnBuilder {
  private readonly codes: Int32Array;
  private readonly levels: string[] = [];
  private readonly longIndex = new Map<string, number>();
  private table = new Int32Array(64).fill(-1);
  private keys = new Uint32Array(5 * 64);
  private inlineCount = 0;
  private n = 0;

  constructor(
    capacity: number,
    private readonly readPointer: PointerReader,
  ) {
    this.codes = new Int32Array(capacity);
  }

  /** Appends `rows` values from one vector: `raw` holds rows × 16 bytes, `validity` the null bitmap (or null). */
  append(raw: Uint8Array, validity: Uint8Array | null, rows: number): void {
    const aligned = raw.byteOffset % 4 === 0 ? raw : raw.slice();
    const words = new Uint32Array(aligned.buffer, aligned.byteOffset, rows * 4);
    const codes = this.codes;
    let n = this.n;
    for (let i = 0; i < rows; i++, n++) {
      if (validity !== null && ((validity[i >> 3] >> (i & 7)) & 1) === 0) {
        codes[n] = -1;
        continue;
      }
      const w = i * 4;
      const len = words[w];
      if (len <= 12 && LITTLE_ENDIAN) {
        codes[n] = this.inlineCode(aligned, i * 16, len, words[w + 1], words[w + 2], words[w + 3]);
      } else {
        const bytes =
          len <= 12
            ? aligned.subarray(i * 16 + 4, i * 16 + 4 + len)
            : this.readPointer(aligned.buffer as ArrayBuffer, aligned.byteOffset + i * 16 + 8, len);
        const s = decoder.decode(bytes);
        let code = this.longIndex.get(s);
        if (code === undefined) {
          code = this.levels.length;
          this.levels.push(s);
          this.longIndex.set(s, code);
        }
        codes[n] = code;
      }
    }
    this.n = n;
  }

  /** The finished column (codes for the rows appended so far). */
  finish(): StrColumn {
    const codes = this.n === this.codes.length ? this.codes : this.codes.slice(0, this.n);
    return { kind: "str", codes, levels: Object.freeze(this.levels.slice()) };
  }

  private inlineCode(raw: Uint8Array, off: number, len: number, a: number, b: number, c: number): number {
    // Zero the bytes past the string's end, so the key never depends on padding.
    a = (a & maskFor(len)) >>> 0;
    b = (b & maskFor(len - 4)) >>> 0;
    c = (c & maskFor(len - 8)) >>> 0;
    const mask = this.table.length - 1;
    let slot = hash4(len, a, b, c) & mask;
    const keys = this.keys;
    for (;;) {
      const idx = this.table[slot];
      if (idx === -1) break;
      const k = idx * STRIDE;
      if (keys[k] === len && keys[k + 1] === a && keys[k + 2] === b && keys[k + 3] === c) return keys[k + 4];
      slot = (slot + 1) & mask;
    }
    // First occurrence: decode and register as a level.
    const s = decoder.decode(raw.subarray(off + 4, off + 4 + len));
    let code = this.longIndex.get(s);
    if (code === undefined) {
      code = this.levels.length;
      this.levels.push(s);
      this.longIndex.set(s, code);
    }
    const idx = this.inlineCount++;
    if (STRIDE * (idx + 1) > this.keys.length) {
      const grown = new Uint32Array(this.keys.length * 2);
      grown.set(this.keys);
      this.keys = grown;
    }
    this.keys.set([len, a, b, c, code], idx * STRIDE);
    this.table[slot] = idx;
    if (this.inlineCount * 2 > this.table.length) this.rehash();
    return code;
  }

  private rehash(): void {
    const table = new Int32Array(this.table.length * 2).fill(-1);
    const mask = table.length - 1;
    const keys = this.keys;
    for (let idx = 0; idx < this.inlineCount; idx++) {
      const k = idx * STRIDE;
      let slot = hash4(keys[k], keys[k + 1], keys[k + 2], keys[k + 3]) & mask;
      while (table[slot] !== -1) slot = (slot + 1) & mask;
      table[slot] = idx;
    }
    this.table = table;
  }
}

/** Words per hash-table key: length, three inline words, and the level code. */
const STRIDE = 5;

function hash4(len: number, a: number, b: number, c: number): number {
  let h = Math.imul(len ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ a ^ (h >>> 15), 0xc2b2ae35);
  h = Math.imul(h ^ b ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ c ^ (h >>> 16), 0xc2b2ae35);
  return h ^ (h >>> 15);
}

/** A mask keeping the first `bytes` (clamped to 0..4) little-endian bytes of a 32-bit word. */
function maskFor(bytes: number): number {
  if (bytes >= 4) return 0xffffffff;
  if (bytes <= 0) return 0;
  return (1 << (8 * bytes)) - 1;
}
