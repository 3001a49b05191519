import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSpec } from "../../src/core/parse-spec.js";
import { thrown } from "../helpers/error-code.js";

const schema = z.object({ alpha: z.number().default(0.05), items: z.array(z.object({ id: z.string() })) });

describe("parseSpec", () => {
  it("returns the parsed value with defaults filled", () => {
    expect(parseSpec(schema, { items: [] }, { what: "demo" })).toEqual({ alpha: 0.05, items: [] });
  });

  it("names the first bad field as spec.<path> and lists every issue", () => {
    const e = thrown(() => parseSpec(schema, { alpha: "x", items: [{ id: 1 }] }, { what: "demo" }));
    expect(e.code).toBe("E_INVALID_SPEC");
    expect(e.message).toBe("Invalid demo spec: spec.alpha: Invalid input: expected number, received string.");
    expect(e.details.issues).toEqual([
      { path: "alpha", message: "Invalid input: expected number, received string" },
      { path: "items.0.id", message: "Invalid input: expected string, received number" },
    ]);
    expect(thrown(() => parseSpec(schema, 3, { what: "demo" })).message).toMatch(
      /^Invalid demo spec: the spec: /,
    );
  });

  it("places the field as a path when asked, with a code and hint of the caller's choosing", () => {
    const e = thrown(() =>
      parseSpec(
        schema,
        { items: [{ id: 1 }] },
        { what: "run", locate: "path", code: "E_USAGE", hint: "Fix it." },
      ),
    );
    expect(e).toMatchObject({ code: "E_USAGE", hint: "Fix it." });
    expect(e.message).toBe(
      "Invalid run spec at items[0].id: Invalid input: expected string, received number.",
    );
    expect(e.details.path).toBe("items[0].id");
    expect(thrown(() => parseSpec(schema, 3, { what: "run", locate: "path" })).details.path).toBe("(root)");
  });
});
