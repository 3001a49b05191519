import type { VirtualColumn } from "./design-matrix.js";

/** A product of numeric columns and level indicators, filled block by block. */
export type Part = { readonly values: Float64Array } | { readonly codes: Int32Array; readonly code: number };

/** A fill for a product of parts: dedicated loops for one dummy and for a product of two numeric columns (the
 * same values as the generic part-by-part loop, whose later dummy parts zero rows rather than multiply). */
export function partsFill(parts: readonly Part[]): VirtualColumn["fill"] {
  const [a, b] = parts;
  if (parts.length === 1 && "codes" in a) {
    const { codes, code } = a;
    return (start, len, out, offset, shift = 0) => {
      for (let t = 0; t < len; t++) out[offset + t] = +(codes[start + t] === code) - shift;
    };
  }
  if (parts.length === 2 && "values" in a && "values" in b) {
    const v0 = a.values;
    const v1 = b.values;
    return (start, len, out, offset, shift = 0) => {
      for (let t = 0; t < len; t++) out[offset + t] = v0[start + t] * v1[start + t] - shift;
    };
  }
  return (start, len, out, offset, shift = 0) => {
    for (let p = 0; p < parts.length; p++) {
      const part = parts[p];
      if ("values" in part) {
        const v = part.values;
        if (p === 0) for (let t = 0; t < len; t++) out[offset + t] = v[start + t];
        else for (let t = 0; t < len; t++) out[offset + t] *= v[start + t];
      } else {
        const codes = part.codes;
        const code = part.code;
        if (p === 0) for (let t = 0; t < len; t++) out[offset + t] = +(codes[start + t] === code);
        else for (let t = 0; t < len; t++) if (codes[start + t] !== code) out[offset + t] = 0;
      }
    }
    if (shift !== 0) for (let t = 0; t < len; t++) out[offset + t] -= shift;
  };
}
