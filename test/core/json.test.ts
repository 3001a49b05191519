import { describe, expect, it } from "vitest";
import { isJson, isJsonObject } from "../../src/core/json.js";

describe("isJson / isJsonObject", () => {
  it("accepts plain JSON data, nested", () => {
    expect(isJson(null)).toBe(true);
    expect(isJson("x")).toBe(true);
    expect(isJson(Number.NaN)).toBe(true);
    expect(isJson({ a: [1, "x", null, false], b: { c: [{ d: 1 }] } })).toBe(true);
    expect(isJsonObject(Object.create(null))).toBe(true);
  });

  it("treats undefined object properties as absent, as JSON.stringify does", () => {
    expect(isJsonObject({ a: 1, b: undefined })).toBe(true);
    expect(isJson([1, undefined])).toBe(false);
  });

  it("rejects typed arrays, class instances, functions, bigints and symbols anywhere", () => {
    expect(isJson({ scores: Float64Array.of(0.5) })).toBe(false);
    expect(isJson([new Date(0)])).toBe(false);
    expect(isJson({ f: () => 1 })).toBe(false);
    expect(isJson({ n: 1n })).toBe(false);
    expect(isJson(Symbol("s"))).toBe(false);
    expect(isJson(undefined)).toBe(false);
    expect(isJsonObject([1, 2])).toBe(false);
  });
});
