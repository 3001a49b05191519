import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error plain ESM script without type declarations
import { apiMarkdown } from "../../scripts/api-doc.mjs";

describe("docs/api.md", () => {
  it("is current with the exports of src/index.ts (regenerate: node scripts/api-doc.mjs)", () => {
    const onDisk = readFileSync(new URL("../../docs/api.md", import.meta.url), "utf8");
    expect(apiMarkdown()).toBe(onDisk);
  });

  it("documents every export (no export without TSDoc)", () => {
    expect(apiMarkdown()).not.toContain("_undocumented_");
  });
});
