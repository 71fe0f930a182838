// Runs every bench/*.bench.ts (or those whose name contains an argument) one after another,
// each in its own process so that one benchmark's garbage and JIT state cannot skew the next.
// Benchmarks measure the built packages (dist/, what users install), not the sources: the
// bench tsconfig has no `paths`, so `@stashkit/*` resolves through node_modules.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();

if (files.length === 0) {
  console.error(`no benchmark matches ${filters.join(", ") || "(none present)"}`);
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file} ===`);
  const run = spawnSync(process.execPath, ["--import", "tsx", "--expose-gc", join(here, file)], {
    stdio: "inherit",
    env: { ...process.env, TSX_TSCONFIG_PATH: join(here, "tsconfig.json") },
  });
  if (run.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
