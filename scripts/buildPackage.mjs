// Builds the package in the current directory: one output file per source module, so users'
// bundlers can drop the modules they do not import (a single bundled file makes every user pay
// for all of it).
//
//   dist/**/*.js, *.d.ts        ESM and its declarations (the package is "type": "module")
//   dist/cjs/**/*.js, *.d.ts    CommonJS and the same declarations, typed as CommonJS by
//                               dist/cjs/package.json ("type": "commonjs")
//
// Test files, *.fixture.ts and ambient *.d.ts in src/ are never built. No source maps: the
// output is transpiled file by file, unminified, so stack traces already name shipped files
// and readable code.
//
//   node ../../scripts/buildPackage.mjs      (the `build` script of every package)
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { build } from "esbuild";

const require = createRequire(import.meta.url);
const packageDir = process.cwd();
const src = join(packageDir, "src");
const dist = join(packageDir, "dist");
const cjs = join(dist, "cjs");

/** Every file under `dir`, recursively, as absolute paths. */
function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

const isShippedSource = (file) =>
  file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.endsWith(".test.ts") && !file.endsWith(".fixture.ts");

rmSync(dist, { recursive: true, force: true });
const entryPoints = walk(src).filter(isShippedSource);

const common = {
  entryPoints,
  outbase: src,
  bundle: false,
  target: "es2022",
  platform: "neutral",
  sourcemap: false,
  logLevel: "warning",
};
await build({ ...common, outdir: dist, format: "esm" });
await build({ ...common, outdir: cjs, format: "cjs" });
writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

const tsc = require.resolve("typescript/bin/tsc");
const types = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { stdio: "inherit" });
if (types.status !== 0) process.exit(types.status ?? 1);

// The same declarations serve both trees; under dist/cjs they describe CommonJS modules.
for (const file of walk(dist)) {
  if (!file.endsWith(".d.ts") || !relative(cjs, file).startsWith("..")) continue;
  const target = join(cjs, relative(dist, file));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(file, target);
}
