// Documented code cannot rot: every ```ts block of every README (root, packages/*, examples/*)
// is type-checked against the workspace's package sources, and the blocks that are whole test
// files (the "Testing your handlers" recipes) run here with vitest, against the blocks they
// import (`./routes`), exactly as written.
import { execFile } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { folderFor, readmeBlocks, readmePaths, writeReadmeBlocks } from "./readmeBlocks.js";
import type { WrittenBlock } from "./readmeBlocks.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
// Outside every folder the suite and the typecheck glob, so the generated recipe is only ever run
// through this file; removed after the run.
const out = join(root, ".readme-code");

rmSync(out, { recursive: true, force: true });
const written: WrittenBlock[] = readmePaths(root).flatMap((readme) => writeReadmeBlocks(join(out, folderFor(readme)), readmeBlocks(root, readme)));

// The workspace's own path mapping (package names → sources), made absolute, plus the Next.js
// app's `@/` alias for the Next README's blocks.
const base = JSON.parse(readFileSync(join(root, "tsconfig.base.json"), "utf8")) as { compilerOptions: { paths: Record<string, string[]> } };
const paths: Record<string, string[]> = { "@/*": [join(out, folderFor("packages/next/README.md"), "*")] };
for (const [name, targets] of Object.entries(base.compilerOptions.paths)) paths[name] = targets.map((target) => resolve(root, target));
writeFileSync(
  join(out, "tsconfig.json"),
  JSON.stringify({ extends: join(root, "tsconfig.base.json"), compilerOptions: { noEmit: true, paths }, include: ["**/*.ts"] }, null, 2),
);

/** `file(line,col): error …` from tsc, pointed back at the README line it came from. */
function toReadmeLocation(line: string): string {
  const match = /^(.+?)\((\d+),(\d+)\): (.*)$/.exec(line);
  if (!match) return line;
  const file = resolve(out, match[1]!);
  const block = written.find((b) => b.path === file);
  if (!block) return `${relative(root, file)}:${match[2]}: ${match[4]}`;
  const codeLine = Number(match[2]) - block.preludeLines - 1;
  return codeLine < 0 ? `${block.readme}:${block.line} (prelude): ${match[4]}` : `${block.readme}:${block.line + codeLine}: ${match[4]}`;
}

afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("README code blocks", () => {
  it("finds the blocks, including the testing recipes", () => {
    const readmes = new Set(written.map((block) => block.readme));
    expect(readmes).toContain("README.md");
    expect(readmes).toContain("packages/core/README.md");
    expect(written.filter((block) => /from "vitest"/.test(block.code)).map((block) => block.readme)).toContain("packages/core/README.md");
  });

  it("every TypeScript block type-checks against the packages", { timeout: 180_000 }, async () => {
    const tsc = join(root, "node_modules/typescript/bin/tsc");
    const errors = await promisify(execFile)(process.execPath, [tsc, "-p", join(out, "tsconfig.json")], { cwd: out, maxBuffer: 16 * 1024 * 1024 }).then(
      () => [],
      (error: { stdout?: string }) => (error.stdout ?? String(error)).split("\n").filter((line) => /error TS/.test(line)),
    );
    expect(errors.map(toReadmeLocation)).toEqual([]);
  });
});

// The recipes register their own `describe` blocks when imported.
for (const block of written.filter((b) => /from "vitest"/.test(b.code))) {
  describe(`${block.readme}:${block.line} (${block.file}), as written`, async () => {
    await import(pathToFileURL(block.path).href);
  });
}
