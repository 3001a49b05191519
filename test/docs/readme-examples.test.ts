import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

/** The README's TypeScript examples, each as a module: imports hoisted, the body inside an async function. */
function readmeExamples(): { name: string; source: string }[] {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
  return blocks.map((block, i) => {
    const lines = block.split("\n");
    const imports = lines
      .filter((l) => l.startsWith("import "))
      .map((l) => l.replace(/from "truelift"/, `from "${join(root, "src", "index.js")}"`));
    const body = lines.filter((l) => !l.startsWith("import "));
    const source = [
      `import type { Frame } from "${join(root, "src", "core", "frame.js")}";`,
      ...imports,
      "declare const data: Frame;",
      "declare const users: Frame;",
      "export async function example(): Promise<void> {",
      ...body,
      "}",
      "",
    ].join("\n");
    return { name: join(root, "test", "docs", `readme-example-${i + 1}.ts`), source };
  });
}

describe("README examples", () => {
  it("every TypeScript example in README.md compiles against the public API", () => {
    const examples = readmeExamples();
    expect(examples.length).toBeGreaterThanOrEqual(5);
    const virtual = new Map(examples.map((e) => [e.name, e.source]));
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      // Unused bindings are the point of an example that shows a value.
      noUnusedLocals: false,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.fileExists = (f) => virtual.has(f) || ts.sys.fileExists(f);
    host.readFile = (f) => virtual.get(f) ?? readFile(f);
    host.getSourceFile = (f, v) => {
      const text = virtual.get(f);
      return text === undefined ? getSourceFile(f, v) : ts.createSourceFile(f, text, v);
    };
    const program = ts.createProgram([...virtual.keys()], options, host);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && virtual.has(d.file.fileName))
      .map((d) => {
        const file = d.file as ts.SourceFile;
        const { line } = file.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${file.fileName.split("/").pop()}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
      });
    expect(problems).toEqual([]);
  }, 180_000);
});
