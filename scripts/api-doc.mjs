#!/usr/bin/env node
// Writes docs/api.md: every name exported from src/index.ts, grouped by layer and file, with the first sentence
// of its TSDoc. Run `node scripts/api-doc.mjs` after changing exports (the test suite checks it is current).
import { writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "src", "index.ts");

export function apiMarkdown() {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    allowJs: false,
    skipLibCheck: true,
    types: [],
  });
  const checker = program.getTypeChecker();
  const symbols = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(entry)));
  const byFile = new Map();
  for (const exported of symbols) {
    const sym = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const decl = sym.declarations?.[0];
    if (!decl) continue;
    const file = relative(root, decl.getSourceFile().fileName);
    const kind = ts.isFunctionDeclaration(decl)
      ? "function"
      : ts.isClassDeclaration(decl)
        ? "class"
        : ts.isInterfaceDeclaration(decl)
          ? "interface"
          : ts.isTypeAliasDeclaration(decl)
            ? "type"
            : "const";
    const doc = ts.displayPartsToString(sym.getDocumentationComment(checker)).replace(/\s+/g, " ").trim();
    const first = doc.match(/^.*?[.!?](\s|$)/)?.[0].trim() ?? doc;
    if (!byFile.has(file)) byFile.set(file, []);
    byFile.get(file).push({ name: exported.getName(), kind, first });
  }
  const lines = [
    "# truelift API reference",
    "",
    "Generated from the TSDoc in `src/` by `node scripts/api-doc.mjs`; each export's full TSDoc (with a runnable example and the paper it implements) is in its source file.",
    "",
  ];
  for (const file of [...byFile.keys()].sort()) {
    lines.push(`## \`${file}\``, "");
    for (const e of byFile.get(file).sort((a, b) => a.name.localeCompare(b.name)))
      lines.push(`- **\`${e.name}\`** (${e.kind}) — ${e.first || "_undocumented_"}`);
    lines.push("");
  }
  return lines.join("\n");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(join(root, "docs", "api.md"), apiMarkdown());
  console.log("wrote docs/api.md");
}
