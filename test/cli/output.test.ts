import { describe, expect, it } from "vitest";
import { parseChoice, parseGlobalOptions, parseInteger, parseList } from "../../src/cli/args.js";
import { debugEnabled, errorLine, exitCodeFor, markdownTable, useColor } from "../../src/cli/output.js";
import { TrueliftError } from "../../src/core/errors.js";

describe("cli output helpers", () => {
  it("maps error categories to exit codes (usage 2, data 3, engine 4, anything else 1)", () => {
    expect(exitCodeFor(new TrueliftError("E_USAGE", "x"))).toBe(2);
    expect(exitCodeFor(new TrueliftError("E_MISSING_VALUES", "x"))).toBe(3);
    expect(exitCodeFor(new TrueliftError("E_QUERY_FAILED", "x"))).toBe(4);
    expect(exitCodeFor(new TypeError("bug"))).toBe(1);
  });

  it("prints one line per error, multi-line messages folded", () => {
    const e = new TrueliftError("E_READ_FAILED", "Could not read:\n  line two", { hint: "Fix it." });
    expect(errorLine(e, false)).toBe("error[E_READ_FAILED]: Could not read: line two  Fix: Fix it.");
  });

  it("decides colour from the terminal, NO_COLOR, TERM=dumb and FORCE_COLOR", () => {
    expect(useColor({ env: {}, stderrIsTTY: true })).toBe(true);
    expect(useColor({ env: {}, stderrIsTTY: false })).toBe(false);
    expect(useColor({ env: { NO_COLOR: "1" }, stderrIsTTY: true })).toBe(false);
    expect(useColor({ env: { NO_COLOR: "" }, stderrIsTTY: true })).toBe(true);
    expect(useColor({ env: { TERM: "dumb" }, stderrIsTTY: true })).toBe(false);
    expect(useColor({ env: { FORCE_COLOR: "1" }, stderrIsTTY: false })).toBe(true);
    expect(debugEnabled({ DEBUG: "truelift" })).toBe(true);
    expect(debugEnabled({ DEBUG: "express,truelift:cli" })).toBe(true);
    expect(debugEnabled({ DEBUG: "express" })).toBe(false);
    expect(debugEnabled({})).toBe(false);
  });

  it("parses integers, choices, lists and global options strictly", () => {
    expect(parseInteger("--users", "50_000")).toBe(50000);
    expect(parseInteger("--users", "1,000,000")).toBe(1_000_000);
    expect(parseInteger("--users", "1e6")).toBe(1_000_000);
    expect(parseInteger("--seed", "-3")).toBe(-3);
    for (const bad of ["", "abc", "2.5", "1e-3", "0x10", "12abc"]) {
      expect(() => parseInteger("--users", bad), bad).toThrow(
        expect.objectContaining({ code: "E_INVALID_ARGUMENT" }),
      );
    }
    expect(() => parseInteger("--users", "0", { min: 1 })).toThrow(/≥ 1/);
    expect(parseChoice("--x", "b", ["a", "b"] as const)).toBe("b");
    expect(parseList(" a, b ,,c")).toEqual(["a", "b", "c"]);
    expect(parseGlobalOptions({ format: "md", seed: "7", out: "x.csv" })).toEqual({
      format: "md",
      seed: 7,
      out: "x.csv",
    });
    expect(() => parseGlobalOptions({ format: "xml" })).toThrow(expect.objectContaining({ code: "E_USAGE" }));
  });

  it("renders Markdown tables with escaped pipes", () => {
    expect(markdownTable(["a", "b"], [[1, "x|y"]])).toBe("| a | b |\n|---|---|\n| 1 | x\\|y |");
  });
});
