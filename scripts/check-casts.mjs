#!/usr/bin/env node
// Lint rule: no `as unknown as` / `as never` casts in src/ (../shared/design.md §3a: if a layer needs a field,
// the contract has it). The only exceptions are typing gaps at an engine boundary, listed here with the reason.
// Fails (exit 1) listing every cast outside the list.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** Files allowed to cast, and why (each is a third-party or native binding whose types are incomplete). */
export const ALLOWED = {
  "data/duckdb-session.ts":
    "the DuckDB bindings module is CommonJS with an optional `default` its types omit",
  "data/load-read.ts": "DuckDB's vector handles are opaque native objects typed as a private class",
  "report/vega.ts": "vega's textMetrics hook (headless text measurement) is not in vega's type declarations",
};

const CAST = /\bas\s+unknown\s+as\b|\bas\s+never\b/;

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

const problems = [];
for (const file of walk(root)) {
  const rel = relative(root, file).split("\\").join("/");
  if (rel in ALLOWED) continue;
  readFileSync(file, "utf8")
    .split("\n")
    .forEach((line, i) => {
      // Strip string literals and comments: a message may say "treated as never treated".
      const code = line
        .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""')
        .replace(/\/\/.*$/, "");
      if (/^\s*\*/.test(code)) return; // TSDoc prose
      if (CAST.test(code)) problems.push(`src/${rel}:${i + 1}: ${line.trim()}`);
    });
}
if (problems.length > 0) {
  console.error(
    `Casts between layers (add the field to the contract or type the value):\n${problems.join("\n")}`,
  );
  process.exit(1);
}
console.log("casts ok");
