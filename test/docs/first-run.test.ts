import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(join(root, "README.md"), "utf8");

interface LockEntry {
  readonly optionalDependencies?: Readonly<Record<string, string>>;
}

describe("first run from the README", () => {
  it("the README runs the CLI as `npx truelift …` (no global `truelift` after npm install)", () => {
    const block = readme.slice(readme.indexOf("## CLI"), readme.indexOf("Exit codes:"));
    const commands = block.split("\n").filter((l) => /^(npx )?truelift /.test(l));
    expect(commands.length).toBeGreaterThan(10);
    for (const line of commands) expect(line).toMatch(/^npx truelift /);
    expect(readme.slice(0, readme.indexOf("---"))).toContain("npx truelift help");
  });

  it("`npx truelift help` works in the checkout", () => {
    const out = execFileSync("npx", ["--no", "truelift", "help"], { cwd: root, encoding: "utf8" });
    expect(out).toContain("Usage: truelift");
  }, 60_000);

  it("package-lock.json lists every optional platform package, so `npm install` does not rewrite it", () => {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as {
      packages: Readonly<Record<string, LockEntry>>;
    };
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (!path.startsWith("node_modules/")) continue;
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (lock.packages[`node_modules/${dep}`] === undefined) missing.push(`${path} → ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
