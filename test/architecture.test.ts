// The dependency direction of docs/architecture.md, checked on every import of every shipped
// source file (tests and *.fixture.ts are free to reach anywhere). Within a package, a module
// may import its own folder or any folder of a lower layer; each folder's README.md states
// the same rule in its "May import:" line, and this test keeps the two equal. Adapters and the
// dev server reach core only through its public entries.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/** Layers, lowest first: a folder (`name/`) or a root file (`name.ts`) per entry. */
const LAYERS: Record<string, string[][]> = {
  core: [
    ["errors.ts", "lib/"],
    ["publish/", "verify/", "parse/"],
    ["handlers/"],
    ["client/", "node/", "testing/", "schemas/"],
    ["index.ts"],
  ],
  "dev-server": [
    ["apiError.ts", "defaults.ts"],
    ["lib/", "protocol/"],
    ["state/"],
    ["engine/"],
    ["serverContext.ts"],
    ["api/"],
    ["dashboard/"],
    ["startDevServer.ts"],
    ["index.ts", "cli/"],
  ],
  next: [["bodyParserEnabledError.ts"], ["route.ts", "pagesRoute.ts"], ["index.ts"]],
  express: [["index.ts"]],
};

/**
 * Folders inside a layer with a stricter rule: they may import only the listed folders (relative
 * to src) and packages. A folder that is a program of its own (the dashboard page, which runs in
 * the browser) is not importable by the rest of the package; shared helpers are.
 */
const SEALED: Record<string, Record<string, { imports: string[]; importable: boolean }>> = {
  "dev-server": {
    "dashboard/ui/": { imports: ["dashboard/ui/", "dashboard/shared/", "preact"], importable: false },
    "dashboard/shared/": { imports: ["dashboard/shared/"], importable: true },
  },
};

const CORE_ENTRIES = Object.keys(
  (JSON.parse(readFileSync(join(root, "packages/core/package.json"), "utf8")) as { exports: Record<string, unknown> }).exports,
)
  .filter((key) => key !== "./package.json")
  .map((key) => `@stashkit/core${key.slice(1)}`);

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const isShipped = (file: string) => /\.tsx?$/.test(file) && !/\.(test|fixture|d)\.ts$/.test(file);

/** The sealed folder (see SEALED) a path lies in, if any. */
function sealedOf(pkg: string, src: string, path: string): string | undefined {
  const rel = relative(src, path).split(sep).join("/");
  return Object.keys(SEALED[pkg] ?? {}).find((folder) => rel.startsWith(folder));
}

const packageName = (specifier: string) => specifier.split("/").slice(0, specifier.startsWith("@") ? 2 : 1).join("/");

/** Every static import, re-export and dynamic `import()` of a file, comments excluded. */
function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: Import[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = ts.isImportDeclaration(node) ? node.importClause : undefined;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = ts.isImportDeclaration(node)
        ? clause !== undefined &&
          (clause.isTypeOnly || (clause.name === undefined && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly)))
        : node.isTypeOnly;
      found.push({ file, specifier: node.moduleSpecifier.text, typeOnly });
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [argument] = node.arguments;
      if (argument && ts.isStringLiteral(argument)) found.push({ file, specifier: argument.text, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The layer unit of a path inside `src`: its top folder (`verify/`) or the root file itself. */
function unitOf(src: string, path: string): string {
  const rel = relative(src, path).split(sep);
  return rel.length > 1 ? `${rel[0]}/` : rel[0]!.replace(/\.js$/, ".ts");
}

function layerOf(pkg: string, unit: string): number {
  const index = LAYERS[pkg]!.findIndex((layer) => layer.includes(unit));
  if (index < 0) throw new Error(`${pkg}/src/${unit} has no layer in test/architecture.test.ts and docs/architecture.md`);
  return index;
}

describe.each(Object.keys(LAYERS))("@stashkit/%s source layout", (pkg) => {
  const src = join(root, "packages", pkg, "src");
  const files = walk(src).filter(isShipped);

  it("every import points down the layers, stays in the package, and enters core only by its public entries", () => {
    const violations: string[] = [];
    for (const { file, specifier } of files.flatMap(importsOf)) {
      const from = unitOf(src, file);
      const where = `${relative(root, file)} imports "${specifier}"`;
      const sealed = sealedOf(pkg, src, file);
      if (sealed !== undefined) {
        const allowed = SEALED[pkg]![sealed]!.imports;
        const target = specifier.startsWith(".") ? `${relative(src, resolve(dirname(file), specifier)).split(sep).join("/")}` : undefined;
        const ok = target === undefined ? allowed.includes(packageName(specifier)) : allowed.some((folder) => target.startsWith(folder));
        if (!ok) violations.push(`${where}: ${sealed} may import only ${allowed.join(", ")}`);
        continue;
      }
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        if (relative(src, target).startsWith("..")) {
          violations.push(`${where}: outside its package`);
          continue;
        }
        const to = unitOf(src, target);
        const into = sealedOf(pkg, src, target);
        if (into !== undefined && !SEALED[pkg]![into]!.importable) violations.push(`${where}: ${into} is a separate program`);
        else if (to !== from && layerOf(pkg, to) >= layerOf(pkg, from)) violations.push(`${where}: ${to} is not below ${from}`);
      } else if (specifier.startsWith("@stashkit/")) {
        if (pkg === "core") violations.push(`${where}: core imports no other package`);
        else if (!CORE_ENTRIES.includes(specifier) && !specifier.startsWith(`@stashkit/${pkg}`)) {
          violations.push(`${where}: not one of core's public entries (${CORE_ENTRIES.join(", ")})`);
        }
      }
    }
    expect(violations).toEqual([]);
  });

  it("every folder has a two-line README.md whose 'May import:' line matches its layer", () => {
    const folders = [src, ...walk(src).map(dirname)].filter((dir, i, all) => all.indexOf(dir) === i);
    const problems: string[] = [];
    for (const dir of folders) {
      let text: string;
      try {
        text = readFileSync(join(dir, "README.md"), "utf8");
      } catch {
        problems.push(`${relative(root, dir)}: no README.md`);
        continue;
      }
      const lines = text.trimEnd().split("\n");
      if (lines.length !== 2 || !lines[0]!.startsWith("Lives here: ") || !lines[1]!.startsWith("May import: ")) {
        problems.push(`${relative(root, dir)}/README.md: not the two lines "Lives here: …" and "May import: …"`);
        continue;
      }
      if (dir === src || pkg === "next" || pkg === "express") continue; // the root line describes several files
      const sealed = sealedOf(pkg, src, join(dir, "x"));
      const unit = unitOf(src, join(dir, "x"));
      const below =
        sealed !== undefined
          ? SEALED[pkg]![sealed]!.imports.filter((name) => name !== sealed)
          : LAYERS[pkg]!.slice(0, layerOf(pkg, unit)).flat();
      const stated = lines[1]!.slice("May import: ".length).split(", ").filter((name) => name !== "nothing");
      if ([...stated].sort().join() !== [...below].sort().join()) {
        problems.push(`${relative(root, dir)}/README.md says "${stated.join(", ")}"; its layer allows "${below.join(", ")}"`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("core stays Edge-safe", () => {
  it("no shipped core module imports a node: builtin except as a type", () => {
    const src = join(root, "packages/core/src");
    const runtime = walk(src)
      .filter(isShipped)
      .flatMap(importsOf)
      .filter(({ specifier, typeOnly }) => specifier.startsWith("node:") && !typeOnly)
      .map(({ file, specifier }) => `${relative(root, file)} imports ${specifier}`);
    expect(runtime).toEqual([]);
  });
});
