/** Most distinct values the counting paths handle; beyond it they return null and the caller sorts. */
const MAX_DISTINCT = 4096;

/**
 * Ids of the distinct values of `v` (first occurrence order) and the distinct values, or null when there are
 * more than {@link MAX_DISTINCT} or a NaN (whose order a Map would not keep).
 */
function distinct(v: ArrayLike<number>): { ids: Int32Array; values: number[] } | null {
  const seen = new Map<number, number>();
  const values: number[] = [];
  const ids = new Int32Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    let id = seen.get(x);
    if (id === undefined) {
      if (Number.isNaN(x) || values.length === MAX_DISTINCT) return null;
      id = values.length;
      seen.set(x, id);
      values.push(x);
    }
    ids[i] = id;
  }
  return { ids, values };
}

/**
 * The row order sorted by score, then treatment, then row index — the permutation of
 * `order.sort((a, b) => p[a] - p[b] || t[a] - t[b] || a - b)` — computed by counting when the scores take few
 * distinct values (rows expanded from compressed cells: one score per covariate pattern), in O(n) instead of
 * O(n log n) comparator calls. The comparator is a total order, so the permutation, and every sum taken in it,
 * is the sort's exactly. Null when the scores are many or NaN, or the treatment is not 0/1 (sort instead).
 *
 * @example
 * ```ts
 * orderByScoreFew(Float64Array.of(0.5, 0.2, 0.5), Float64Array.of(1, 0, 0)); // Int32Array [1, 2, 0]
 * ```
 * @internal
 */
export function orderByScoreFew(p: ArrayLike<number>, t: ArrayLike<number>): Int32Array | null {
  const d = distinct(p);
  if (d === null) return null;
  const n = p.length;
  const g = d.values.length;
  const count = new Int32Array(2 * g);
  for (let i = 0; i < n; i++) {
    if (t[i] !== 0 && t[i] !== 1) return null;
    count[2 * d.ids[i] + t[i]]++;
  }
  // −0 and +0 share an id (Map keys compare as SameValueZero), as the comparator (p[a] − p[b] = 0) ties them.
  const groups = Int32Array.from({ length: 2 * g }, (_, q) => q).sort(
    (a, b) => d.values[a >> 1] - d.values[b >> 1] || (a & 1) - (b & 1),
  );
  const start = new Int32Array(2 * g);
  let at = 0;
  for (const q of groups) {
    start[q] = at;
    at += count[q];
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[start[2 * d.ids[i] + t[i]]++] = i;
  return order;
}

/**
 * `Float64Array.from(v).sort()` by counting when `v` takes few distinct values, none of them zero or NaN (the
 * typed-array sort orders −0 before +0, which a Map does not tell apart): the same sorted array in O(n). Null
 * otherwise (sort instead).
 *
 * @example
 * ```ts
 * sortedFew(Float64Array.of(3, 1, 3)); // Float64Array [1, 3, 3]
 * ```
 * @internal
 */
export function sortedFew(v: ArrayLike<number>): Float64Array | null {
  const d = distinct(v);
  if (d === null || d.values.includes(0)) return null;
  const count = new Int32Array(d.values.length);
  for (let i = 0; i < v.length; i++) count[d.ids[i]]++;
  const out = new Float64Array(v.length);
  let at = 0;
  for (const q of Int32Array.from(d.values.keys()).sort((a, b) => d.values[a] - d.values[b])) {
    out.fill(d.values[q], at, at + count[q]);
    at += count[q];
  }
  return out;
}
