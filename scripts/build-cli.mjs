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
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const outIndex = process.argv.indexOf("--outdir");
const outdir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : join(root, "dist", "bin");

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

/**
 * zod's `z` namespace re-exports every one of its 60-odd message locales (`z.locales`, ~1.6 MB of source) that a
 * bundler cannot drop. truelift never switches locale, and zod registers English from `locales/en.js` itself, so
 * the namespace keeps only `en`: error messages are unchanged, and each design command parses ~0.3 MB less.
 */
const zodEnglishOnly = {
  name: "zod-english-only",
  setup(b) {
    b.onLoad({ filter: /[\\/]zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, () => ({
      contents: 'export { default as en } from "./en.js";\n',
      loader: "js",
    }));
  },
};

/**
 * Every `import X from "@stdlib/<namespace>"` in src/ and the members read from it (`X.cdf`), or null for a
 * namespace used any other way (passed around whole), which then stays whole.
 */
function stdlibMembers() {
  const used = new Map();
  const walk = (dir) =>
    readdirSync(dir).flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : p.endsWith(".ts") ? [p] : [];
    });
  for (const file of walk(join(root, "src"))) {
    const text = readFileSync(file, "utf8");
    for (const [, name, pkg] of text.matchAll(/^import (\w+) from "(@stdlib\/[\w-]+)";$/gm)) {
      const uses = [...text.matchAll(new RegExp(`\\b${name}\\b(\\.(\\w+))?`, "g"))].slice(1); // after the import
      const members = uses.every((m) => m[2] !== undefined) ? uses.map((m) => m[2]) : null;
      const prev = used.get(pkg);
      used.set(pkg, prev === null || members === null ? null : new Set([...(prev ?? []), ...members]));
    }
  }
  return used;
}

/**
 * A @stdlib distribution namespace (`@stdlib/stats-base-dists-t`) requires all of its ~15 functions and their
 * dependency trees (with nested duplicate versions, ~1,400 files for the four truelift imports) to build its
 * object. This plugin rebuilds each namespace's `lib/index.js` with only the members src/ reads, each required
 * exactly as the original does (same package, resolved from the same place): the same functions, less to parse.
 */
const stdlibUsedMembers = {
  name: "stdlib-used-members",
  setup(b) {
    const used = stdlibMembers();
    b.onLoad({ filter: /[\\/]@stdlib[\\/][\w-]+[\\/]lib[\\/]index\.js$/ }, (args) => {
      const pkg = args.path.match(/(@stdlib[\\/][\w-]+)[\\/]lib[\\/]index\.js$/)[1].replace("\\", "/");
      const members = used.get(pkg);
      if (members === undefined || members === null) return undefined;
      const text = readFileSync(args.path, "utf8");
      const lines = [...text.matchAll(/^setReadOnly\( (\w+), '(\w+)', require\( '([@\w/-]+)' \) \);$/gm)];
      // Trim only the namespace shape this plugin knows, and only when every member read is one of its lines.
      if (lines.length === 0 || ![...members].every((m) => lines.some((l) => l[2] === m))) return undefined;
      const keep = lines.filter((l) => members.has(l[2]));
      const body = keep.map((l) => `  ${l[2]}: require(${JSON.stringify(l[3])}),`).join("\n");
      return { contents: `"use strict";\nmodule.exports = {\n${body}\n};\n`, loader: "js" };
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
  plugins: [duckdbApiFacade, zodEnglishOnly, stdlibUsedMembers],
  metafile: process.argv.includes("--metafile"),
});
if (result.metafile) {
  const { writeFileSync } = await import("node:fs");
  writeFileSync(join(outdir, "meta.json"), JSON.stringify(result.metafile));
}
