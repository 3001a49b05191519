import type { DuckDBMaterializedResult } from "@duckdb/node-api";
import type { Column } from "../core/frame.js";
import { duckdbBindings } from "./duckdb-session.js";
import { StringColumnBuilder } from "./load-strings.js";

/**
 * How one result column is read: `f64` (a DuckDB DOUBLE vector), `i32` (INTEGER), `i64` (BIGINT) or `str`
 * (VARCHAR). `i64` and `narrow` columns (an `f64` that came from another integer SQL type) become `i32` when every
 * value is a non-null integer in the int32 range, else `f64` (NaN for NULL; exact below 2^53 in magnitude).
 */
export interface ReadPlan {
  readonly name: string;
  readonly kind: "f64" | "i32" | "i64" | "str";
  readonly narrow: boolean;
}

/** Accumulates one column from successive vectors. */
interface ColumnSink {
  append(vector: unknown, validity: Uint8Array | null, m: number, offset: number): void;
  finish(): Column;
}

type Bindings = Awaited<ReturnType<typeof duckdbBindings>>;

/**
 * Converts a fully materialized DuckDB result into Frame columns, column-wise: for every chunk (2,048 rows) it
 * copies each numeric vector's raw buffer into one preallocated typed array and applies the null bitmap. No JS
 * value is created per numeric cell: BIGINT values are read as pairs of 32-bit words and kept as `i32` while
 * they fit (switching the column to `f64` at the first value that does not); an `i32` column is widened to
 * `f64` with NaN when it has a NULL. Strings go through {@link StringColumnBuilder}.
 *
 * @example
 * ```ts
 * const result = await conn.run("SELECT CAST(x AS DOUBLE) AS x FROM t");
 * const cols = await readColumns(result, [{ name: "x", kind: "f64", narrow: false }]);
 * ```
 */
export async function readColumns(
  result: DuckDBMaterializedResult,
  plans: readonly ReadPlan[],
): Promise<Map<string, Column>> {
  const b = await duckdbBindings();
  const nrows = Number(result.rowCount);
  const readPointer = (buf: ArrayBuffer, off: number, len: number) => b.get_data_from_pointer(buf, off, len);
  const sinks: ColumnSink[] = plans.map((p) => {
    if (p.kind === "f64") return new F64Sink(b, nrows, p.narrow);
    if (p.kind === "i32") return new I32Sink(b, nrows);
    if (p.kind === "i64") return new I64Sink(b, nrows);
    const builder = new StringColumnBuilder(nrows, readPointer);
    return {
      append: (vector, validity, m) =>
        builder.append(b.vector_get_data(vector as never, m * 16), validity, m),
      finish: () => builder.finish(),
    };
  });
  let offset = 0;
  const chunkCount = result.chunkCount;
  for (let k = 0; k < chunkCount; k++) {
    const chunk = result.getChunk(k).chunk;
    const m = b.data_chunk_get_size(chunk);
    if (m === 0) continue;
    for (let c = 0; c < sinks.length; c++) {
      const vector = b.data_chunk_get_vector(chunk, c);
      const validity = b.vector_get_validity(vector, Math.ceil(m / 64) * 8) as Uint8Array | null;
      sinks[c].append(vector, validity, m, offset);
    }
    offset += m;
  }
  const out = new Map<string, Column>();
  for (let c = 0; c < plans.length; c++) out.set(plans[c].name, sinks[c].finish());
  return out;
}

class F64Sink implements ColumnSink {
  private readonly values: Float64Array;
  constructor(
    private readonly b: Bindings,
    n: number,
    private readonly narrow: boolean,
  ) {
    this.values = new Float64Array(n);
  }
  append(vector: unknown, validity: Uint8Array | null, m: number, offset: number): void {
    const raw = this.b.vector_get_data(vector as never, m * 8);
    this.values.set(view(raw, Float64Array, 8, m), offset);
    if (validity) for (let r = 0; r < m; r++) if (!isValid(validity, r)) this.values[offset + r] = Number.NaN;
  }
  finish(): Column {
    return this.narrow ? narrowToInt32(this.values) : { kind: "f64", values: this.values };
  }
}

class I32Sink implements ColumnSink {
  private readonly values: Int32Array;
  private nulls: number[] | null = null;
  constructor(
    private readonly b: Bindings,
    n: number,
  ) {
    this.values = new Int32Array(n);
  }
  append(vector: unknown, validity: Uint8Array | null, m: number, offset: number): void {
    const raw = this.b.vector_get_data(vector as never, m * 4);
    this.values.set(view(raw, Int32Array, 4, m), offset);
    if (validity) {
      for (let r = 0; r < m; r++) {
        if (!isValid(validity, r)) {
          this.nulls ??= [];
          this.nulls.push(offset + r);
        }
      }
    }
  }
  finish(): Column {
    if (this.nulls === null) return { kind: "i32", values: this.values };
    const widened = new Float64Array(this.values);
    for (const r of this.nulls) widened[r] = Number.NaN;
    return { kind: "f64", values: widened };
  }
}

/** BIGINT: int32 while every value fits, otherwise doubles (hi·2^32 + lo, exact below 2^53). */
class I64Sink implements ColumnSink {
  private ints: Int32Array | null;
  private dbls: Float64Array | null = null;
  private nulls: number[] | null = null;
  constructor(
    private readonly b: Bindings,
    private readonly n: number,
  ) {
    this.ints = new Int32Array(n);
  }
  append(vector: unknown, validity: Uint8Array | null, m: number, offset: number): void {
    const words = view(this.b.vector_get_data(vector as never, m * 8), Int32Array, 4, 2 * m);
    // Little-endian: word 2r is the low half, 2r + 1 the high half.
    for (let r = 0; r < m; r++) {
      const lo = words[2 * r];
      const hi = words[2 * r + 1];
      if (validity && !isValid(validity, r)) {
        this.nulls ??= [];
        this.nulls.push(offset + r);
        continue;
      }
      if (this.ints !== null) {
        if (hi === lo >> 31) {
          this.ints[offset + r] = lo;
          continue;
        }
        this.dbls = new Float64Array(this.n);
        this.dbls.set(this.ints.subarray(0, offset + r));
        this.ints = null;
      }
      (this.dbls as Float64Array)[offset + r] = hi * 4294967296 + (lo >>> 0);
    }
  }
  finish(): Column {
    if (this.ints !== null && this.nulls === null) return { kind: "i32", values: this.ints };
    const values = this.dbls ?? new Float64Array(this.ints as Int32Array);
    if (this.nulls) for (const r of this.nulls) values[r] = Number.NaN;
    return { kind: "f64", values };
  }
}

function isValid(validity: Uint8Array, row: number): boolean {
  return ((validity[row >> 3] >> (row & 7)) & 1) === 1;
}

function view<T extends Float64Array | Int32Array>(
  raw: Uint8Array,
  ctor: { new (buffer: ArrayBufferLike, byteOffset: number, length: number): T },
  bytes: number,
  length: number,
): T {
  if (raw.byteOffset % bytes === 0) return new ctor(raw.buffer, raw.byteOffset, length);
  return new ctor(raw.slice(0, length * bytes).buffer, 0, length);
}

/** An integer-typed column read as doubles: `i32` when all values are integers in int32 range, else `f64`. */
function narrowToInt32(values: Float64Array): Column {
  for (let r = 0; r < values.length; r++) {
    const v = values[r];
    if (!(v >= -2147483648 && v <= 2147483647)) return { kind: "f64", values };
  }
  return { kind: "i32", values: new Int32Array(values) };
}
