#!/usr/bin/env node
// Lint rule: imports flow one way through the layers of ../shared/design.md §1.
// Fails (exit 1) listing every import in src/ that crosses the layer table.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "src");

/** Which layers each layer may import (besides itself). */
export const LAYERS = {
  core: [],
  numeric: ["core"],
  models: ["core", "numeric"],
  designs: ["core", "numeric", "models"],
  sql: ["core"],
  data: ["core", "sql"],
  report: ["core", "designs"],
  run: ["core", "designs", "sql", "data", "report"],
  cli: ["core", "numeric", "models", "designs", "sql", "data", "report", "run"],
};

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

function layerOf(file) {
  const rel = relative(root, file).split(sep);
  return rel.length > 1 ? rel[0] : "root";
}

const importRe = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;
const problems = [];
for (const file of walk(root)) {
  const from = layerOf(file);
  if (from === "root") continue; // src/index.ts re-exports the public API
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(importRe)) {
    const spec = m[1] ?? m[2];
    if (!spec.startsWith(".")) continue;
    const target = resolve(dirname(file), spec);
    const to = layerOf(target);
    if (to === from) {
      // A design never imports another design (the registry, designs/registry.ts, lists them all).
      if (from === "designs") {
        const a = relative(root, file).split(sep)[1];
        const b = relative(root, target).split(sep)[1];
        if (a !== b && b !== "shared" && a !== "shared" && a !== "registry.ts")
          problems.push(`${relative(root, file)}: design '${a}' imports design '${b}'`);
      }
      continue;
    }
    if (!LAYERS[from]?.includes(to))
      problems.push(`${relative(root, file)}: layer '${from}' may not import '${to}' (${spec})`);
  }
}
if (problems.length > 0) {
  console.error(`Layer rule violated (see ../shared/design.md §1):\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log("layers ok");
