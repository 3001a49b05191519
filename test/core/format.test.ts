import { describe, expect, it } from "vitest";
import { fixed, intervalText, signed } from "../../src/core/format.js";

describe("number formatting", () => {
  it("signs with a real minus, and never signs a value that rounds to zero", () => {
    expect(signed(-0.00095, 5)).toBe("−0.00095");
    expect(signed(0.0323)).toBe("+0.0323");
    expect(signed(-1e-17)).toBe("+0.0000");
    expect(signed(-0.00004)).toBe("+0.0000");
    expect(signed(-0.00005)).toBe("−0.0001");
    expect(signed(null)).toBe("n/a");
    expect(intervalText([-1e-12, 0.076])).toBe("[+0.0000, +0.0760]");
  });

  it("prints plain numbers without a negative zero", () => {
    expect(fixed(-1e-17)).toBe("0.0000");
    expect(fixed(-0.5, 1)).toBe("-0.5");
    expect(fixed(Number.NaN)).toBe("n/a");
  });
});
