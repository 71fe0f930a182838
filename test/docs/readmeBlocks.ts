// Turns the ```ts blocks of the READMEs into files a compiler and a test runner can use, so that
// documented code is checked like any other code. A block whose first line is a path comment
// (`// routes.ts`, `// app/api/x/route.ts`) is written to that path, so the blocks that import it
// (`from "./routes"`) resolve it as a reader would; other blocks get `block-<n>.ts`. Names a
// fragment uses without declaring (`mailer`, `app`, `sendEmail` from an earlier block) come from
// a small prelude: an export of another block of the same README, else an entry of AMBIENT.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/** One fenced TypeScript block of a README. */
export interface ReadmeBlock {
  /** README path relative to the repository root, e.g. `packages/core/README.md`. */
  readme: string;
  /** 1-based line of the block's first code line in the README. */
  line: number;
  code: string;
  /** File the block is written to, relative to its README's folder. */
  file: string;
}

/** A block written out: where, and how many prelude lines precede the README's code. */
export interface WrittenBlock extends ReadmeBlock {
  /** Absolute path of the written file. */
  path: string;
  preludeLines: number;
}

/**
 * What the README fragments stand for when they use a name without declaring it. Values, not
 * only types, where a runnable block needs them (`mailer`): the runnable recipes execute.
 */
const AMBIENT: Record<string, string> = {
  mailer: "const mailer = { async send(..._args: unknown[]): Promise<void> {}, async isThrottled(): Promise<boolean> { return false; } };",
  req: "declare const req: Request;",
  request: "declare const request: Request;",
  rawBody: "declare const rawBody: Uint8Array;",
  url: "declare const url: string;",
  app: 'declare const app: import("express").Express;',
  express: 'import express from "express";',
  defs: 'declare const defs: import("@stashkit/core").AnyDestination[];',
  log: "declare const log: { error(error: unknown): void; warn(event: unknown): void };",
  redis: "declare const redis: { set(key: string, value: string, options: { NX: true; PXAT: number }): Promise<string | null> };",
  redisReplayStore: 'declare const redisReplayStore: import("@stashkit/core").ReplayStore;',
  schema: 'declare const schema: import("zod").ZodType<{ to: string; subject: string }>;',
  handler: "declare const handler: (context: { payload: unknown }) => unknown;",
  defineDestination: 'import { defineDestination } from "@stashkit/core";',
  currentSigningKey: "declare const currentSigningKey: string;",
  nextSigningKey: "declare const nextSigningKey: string;",
  client: 'declare const client: import("@stashkit/core").Client;',
  Client: 'import { Client } from "@stashkit/core";',
  destinationRef: 'import { destinationRef } from "@stashkit/core";',
  route: 'import { route } from "@stashkit/next";',
  stashkit: 'import { stashkit } from "@stashkit/express";',
  onWelcomeDelivered: 'declare const onWelcomeDelivered: import("@stashkit/core").CallbackDefinition;',
};

/** Every README the suite checks: the root one, each package's and each example's. */
export function readmePaths(root: string): string[] {
  const inFolder = (folder: string) =>
    readdirSync(join(root, folder), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => `${folder}/${entry.name}/README.md`)
      .filter((path) => {
        try {
          readFileSync(join(root, path));
          return true;
        } catch {
          return false;
        }
      });
  return ["README.md", ...inFolder("packages"), ...inFolder("examples")];
}

/** The ```ts blocks of one README, in order. */
export function readmeBlocks(root: string, readme: string): ReadmeBlock[] {
  const lines = readFileSync(join(root, readme), "utf8").split("\n");
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) end++;
    const code = lines.slice(start, end).join("\n");
    const named = /^\/\/ ((?:[\w@.-]+\/)*[\w.-]+\.tsx?)\s*(?:\(.*\))?$/.exec(lines[start] ?? "");
    blocks.push({ readme, line: start + 1, code, file: named ? named[1]! : `block-${blocks.length + 1}.ts` });
    i = end;
  }
  return blocks;
}

/**
 * Names a block refers to as values or types: identifiers outside strings and comments, minus
 * property names (`console.log` does not refer to a `log`).
 */
function referencedNames(code: string): Set<string> {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isPropertyName =
        (ts.isPropertyAccessExpression(parent) && parent.name === node) ||
        (ts.isPropertyAssignment(parent) && parent.name === node) ||
        (ts.isQualifiedName(parent) && parent.right === node) ||
        (ts.isPropertySignature(parent) && parent.name === node) ||
        (ts.isMethodDeclaration(parent) && parent.name === node);
      if (!isPropertyName) names.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Top-level names a block declares or imports, and the ones it exports. */
function declaredNames(code: string): { declared: Set<string>; exported: Set<string> } {
  const source = ts.createSourceFile("block.ts", code, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const declared = new Set<string>();
  const exported = new Set<string>();
  const isExported = (node: ts.Node) => ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const addBinding = (name: ts.BindingName, exportedToo: boolean) => {
    if (ts.isIdentifier(name)) {
      declared.add(name.text);
      if (exportedToo) exported.add(name.text);
      return;
    }
    for (const element of name.elements) if (!ts.isOmittedExpression(element)) addBinding(element.name, exportedToo);
  };
  for (const statement of source.statements) {
    if (ts.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) declared.add(clause.name.text);
      const bindings = clause?.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) declared.add(bindings.name.text);
      if (bindings && ts.isNamedImports(bindings)) for (const element of bindings.elements) declared.add(element.name.text);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) addBinding(declaration.name, isExported(statement));
    } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
      declared.add(statement.name.text);
      if (isExported(statement)) exported.add(statement.name.text);
    }
  }
  return { declared, exported };
}

function importPath(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\.tsx?$/, "");
  return path.startsWith(".") ? path : `./${path}`;
}

/**
 * Writes every block of one README under `folder` with its prelude.
 * @returns the written blocks, in README order
 */
export function writeReadmeBlocks(folder: string, blocks: ReadmeBlock[]): WrittenBlock[] {
  const names = blocks.map((block) => declaredNames(block.code));
  const seen = new Set<string>();
  return blocks.map((block, index) => {
    if (seen.has(block.file)) throw new Error(`${block.readme}:${block.line}: a second block claims ${block.file}`);
    seen.add(block.file);
    const { declared } = names[index]!;
    const prelude: string[] = [];
    for (const name of referencedNames(block.code)) {
      if (declared.has(name)) continue;
      const owner = blocks.findIndex((other, i) => i !== index && /\.tsx?$/.test(other.file) && !other.file.startsWith("block-") && names[i]!.exported.has(name));
      if (owner !== -1) prelude.push(`import { ${name} } from "${importPath(block.file, blocks[owner]!.file)}";`);
      else if (AMBIENT[name] !== undefined) prelude.push(AMBIENT[name]);
    }
    prelude.push("export {};");
    const path = join(folder, block.file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `${prelude.join("\n")}\n${block.code}\n`);
    return { ...block, path, preludeLines: prelude.length };
  });
}

/** A folder name for a README's blocks: `packages/core/README.md` → `packages-core`. */
export function folderFor(readme: string): string {
  return readme === "README.md" ? "root" : dirname(readme).replace(/\//g, "-");
}
