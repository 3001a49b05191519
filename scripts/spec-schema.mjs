#!/usr/bin/env node
// Writes docs/spec.schema.json: the JSON Schema of a `truelift run` spec, generated from the zod schemas
// (RUN_SPEC_SCHEMA in src/run/spec.ts, which composes every design's spec schema). Run
// `node scripts/spec-schema.mjs` after changing a spec schema; test/run/spec.test.ts fails when the file is stale.
// `--check` exits 1 (writing nothing) when the file differs from the generated schema.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createServer } from "vite";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const target = join(root, "docs", "spec.schema.json");

// Vite's SSR loader compiles the TypeScript sources on the fly (imports end in .js, resolved to .ts).
const server = await createServer({
  root,
  configFile: false,
  logLevel: "silent",
  appType: "custom",
  server: { middlewareMode: true, hmr: false, watch: null },
  optimizeDeps: { noDiscovery: true, include: [] },
});
try {
  const mod = await server.ssrLoadModule("/src/run/spec.ts");
  const text = mod.runSpecJsonSchemaText();
  if (process.argv.includes("--check")) {
    let current = "";
    try {
      current = readFileSync(target, "utf8");
    } catch {
      // missing
    }
    if (current !== text) {
      console.error("docs/spec.schema.json is stale: run `node scripts/spec-schema.mjs`.");
      process.exitCode = 1;
    }
  } else {
    writeFileSync(target, text);
    console.log(`wrote ${target}`);
  }
} finally {
  await server.close();
}
