// Builds the package in the current directory: one output file per source module, so users'
// bundlers can drop the modules they do not import (a single bundled file makes every user pay
// for all of it).
//
//   dist/**/*.js, *.d.ts        ESM and its declarations (the package is "type": "module")
//   dist/cjs/**/*.js, *.d.ts    CommonJS and the same declarations, typed as CommonJS by
//                               dist/cjs/package.json ("type": "commonjs")
//   dist/node-esm/               optional: the ESM entries bundled for Node's cold start (below)
//
// Test files, *.fixture.ts and ambient *.d.ts in src/ are never built. No source maps: the
// output is transpiled file by file, unminified, so stack traces already name shipped files
// and readable code.
//
//   node ../../scripts/buildPackage.mjs      (the `build` script of every package)
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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

// `--exclude <folder>` (repeatable): sources that are not part of the library, e.g. a browser
// page bundled separately or build-time scripts.
const excluded = process.argv
  .slice(2)
  .flatMap((arg, i, args) => (arg === "--exclude" && args[i + 1] ? [join(packageDir, args[i + 1])] : []));

const isShippedSource = (file) =>
  file.endsWith(".ts") &&
  !file.endsWith(".d.ts") &&
  !file.endsWith(".test.ts") &&
  !file.endsWith(".fixture.ts") &&
  !excluded.some((folder) => !relative(folder, file).startsWith(".."));

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
// CommonJS has no import.meta: a module that asks for its own URL gets it from __filename.
const IMPORT_META_URL = "__stashkitImportMetaUrl";
await build({ ...common, outdir: cjs, format: "cjs", define: { "import.meta.url": IMPORT_META_URL } });
for (const file of walk(cjs)) {
  const code = readFileSync(file, "utf8");
  if (!code.includes(IMPORT_META_URL)) continue;
  const shim = `const ${IMPORT_META_URL} = require("node:url").pathToFileURL(__filename).href;\n`;
  writeFileSync(file, code.replace(/^("use strict";\n)?/, (strict) => `${strict}${shim}`));
}
writeFileSync(join(cjs, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);

// Node itself does not tree-shake, it loads: every module file is one more read, parse and link
// at cold start. A package whose exports map gives `import` a `node` target under dist/node-esm/
// also gets its entries bundled there, with shared code split into chunks so that every entry
// sees the same classes (`instanceof` holds across entries). Bundlers that target the edge or
// the browser never match `node` and keep the per-module tree above.
const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const nodeEntries = Object.values(manifest.exports ?? {})
  .map((entry) => entry?.import?.node)
  .filter((target) => typeof target === "string" && target.startsWith("./dist/node-esm/"))
  .map((target) => join(src, target.slice("./dist/node-esm/".length).replace(/\.js$/, ".ts")));
if (nodeEntries.length > 0) {
  await build({
    entryPoints: nodeEntries,
    outbase: src,
    outdir: join(dist, "node-esm"),
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    packages: "external",
    target: "es2022",
    chunkNames: "chunks/[name]-[hash]",
    sourcemap: false,
    logLevel: "warning",
  });
}

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
