#!/usr/bin/env node
// Bundles the `truelift` command line into dist/bin/ with esbuild: one tree-shaken ESM entry (truelift.js), the
// worker-thread entry of every `new Worker(new URL("./x.js", import.meta.url))` the CLI reaches, and lazily
// loaded chunks (each design, Vega / Vega-Lite, DuckDB's API, pg, …) that the entry imports only when a command
// needs them. Run after `tsc` (`npm run build` does both).
//
// Why a bundle: Node resolves and reads every file of an unbundled dependency tree (@stdlib alone is ~500 files
// for a design command), which cost more than half a second per call; one file per loaded concern costs a few ms.
//
// Layout contract (flat, two levels below the package root):
//   dist/bin/truelift.js              what bin/truelift.js imports (exports `main`)
//   dist/bin/ipw-bootstrap-worker.js  `new URL("./ipw-bootstrap-worker.js", import.meta.url)` in
//                                     designs/propensity/ipw-bootstrap.ts (models/bootstrap.ts's module-statistic
//                                     workers are library-only: the CLI never reaches them, so no entry)
//   dist/bin/chart-worker.js          the same for report/chart-renderer.ts (charts render while designs compute)
//   dist/bin/chunk-*.js               shared and lazily imported code, beside the entries so those URLs resolve
//   ../../package.json                build-info.ts reads the version relative to its module, as from dist/cli/
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "bin");

/**
 * Left as runtime imports: DuckDB's API and native bindings (a .node file that must load from its package; both
 * are imported only when a file or database is read) and the optional native / browser-only modules that
 * dependencies probe for inside try/catch.
 */
const EXTERNAL = ["@duckdb/node-bindings", "@duckdb/node-bindings-*", "pg-native", "canvas"];

// CommonJS dependencies (commander, @stdlib, pg, …) call require() for Node built-ins; give every ESM chunk one.
const BANNER =
  'import { createRequire as __trueliftCreateRequire } from "node:module";\nconst require = __trueliftCreateRequire(import.meta.url);';

/**
 * `import("@duckdb/node-api")` of the CommonJS package inside a split chunk gives only `default` (esbuild cannot
 * see CommonJS export names), while src/data reads its named exports. This plugin puts an ESM facade in front of
 * it that names every export the package has at build time.
 */
const duckdbApiFacade = {
  name: "duckdb-api-facade",
  setup(b) {
    b.onResolve({ filter: /^@duckdb\/node-api$/ }, (args) =>
      args.namespace === "duckdb-api-facade" ? undefined : { path: "facade", namespace: "duckdb-api-facade" },
    );
    b.onLoad({ filter: /.*/, namespace: "duckdb-api-facade" }, () => {
      const names = Object.keys(createRequire(join(root, "package.json"))("@duckdb/node-api"));
      const valid = names.filter((n) => /^[A-Za-z_$][\w$]*$/.test(n) && n !== "default");
      return {
        contents: `import api from "@duckdb/node-api";\nexport default api;\n${valid.map((n) => `export const ${n} = api.${n};`).join("\n")}\n`,
        resolveDir: root,
        loader: "js",
      };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: {
    truelift: "src/cli/main.ts",
    "ipw-bootstrap-worker": "src/designs/propensity/ipw-bootstrap-worker.ts",
    "chart-worker": "src/report/chart-worker.ts",
  },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  treeShaking: true,
  minify: true,
  legalComments: "none",
  chunkNames: "chunk-[hash]",
  banner: { js: BANNER },
  external: EXTERNAL,
  mainFields: ["module", "main"],
  logLevel: "warning",
  plugins: [duckdbApiFacade],
  metafile: process.argv.includes("--metafile"),
});
if (result.metafile) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(outdir, "meta.json"), JSON.stringify(result.metafile));
}
