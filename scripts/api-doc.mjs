#!/usr/bin/env node
// Writes docs/api.md: every name exported from the package root (src/index.ts, the curated public API), then
// every name of each design's sub-path export (`truelift/designs/<design>`, src/designs/<design>/index.ts),
// grouped by file, with the first sentence of its TSDoc. Run `node scripts/api-doc.mjs` after changing exports
// (the test suite checks it is current and that every export has TSDoc).
import { readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** The package's entry points: the root, then one sub-path per design folder. */
function entryPoints() {
  const designs = readdirSync(join(root, "src", "designs"), { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== "shared")
    .map((d) => d.name)
    .sort();
  return [
    { name: "truelift", file: join(root, "src", "index.ts") },
    ...designs.map((d) => ({
      name: `truelift/designs/${d}`,
      file: join(root, "src", "designs", d, "index.ts"),
    })),
  ];
}

function kindOf(decl) {
  if (ts.isFunctionDeclaration(decl)) return "function";
  if (ts.isClassDeclaration(decl)) return "class";
  if (ts.isInterfaceDeclaration(decl)) return "interface";
  if (ts.isTypeAliasDeclaration(decl)) return "type";
  return "const";
}

function exportsByFile(program, checker, entry) {
  const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)));
  const byFile = new Map();
  for (const exported of symbols) {
    const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = sym.declarations?.[0];
    if (!decl) continue;
    const file = relative(root, decl.getSourceFile().fileName);
    const doc = ts.displayPartsToString(sym.getDocumentationComment(checker)).replace(/\s+/g, " ").trim();
    const first = doc.match(/^.*?[.!?](\s|$)/)?.[0].trim() ?? doc;
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push({ name: exported.getName(), kind: kindOf(decl), first });
  }
  return byFile;
}

export function apiMarkdown() {
  const entries = entryPoints();
  const program = ts.createProgram(
    entries.map((e) => e.file),
    {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      allowJs: false,
      skipLibCheck: true,
      types: [],
    },
  );
  const checker = program.getTypeChecker();
  const lines = [
    "# truelift API reference",
    "",
    "Generated from the TSDoc in `src/` by `node scripts/api-doc.mjs`; each export's full TSDoc (with a runnable example and the paper it implements) is in its source file.",
    "",
    "`truelift` is the curated public API: each design's function, spec, result, schema and `Design` object, the design contract and registry, and the models, data, report and run-spec entry points. Each design's full module — its estimators, checks and chart builders one by one — is the sub-path export `truelift/designs/<design>`.",
    "",
  ];
  for (const entry of entries) {
    lines.push(`# \`${entry.name}\``, "");
    const byFile = exportsByFile(program, checker, entry.file);
    for (const file of [...byFile.keys()].sort()) {
      lines.push(`## \`${file}\``, "");
      for (const e of byFile.get(file).sort((a, b) => a.name.localeCompare(b.name)))
        lines.push(`- **\`${e.name}\`** (${e.kind}) — ${e.first || "_undocumented_"}`);
      lines.push("");
    }
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, "docs", "api.md"), apiMarkdown());
  console.log("wrote docs/api.md");
}
