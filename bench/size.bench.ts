// Bundle size and cold-import time of the PUBLISHED shape: every package is packed with
// `npm pack`, the tarballs are extracted into a scratch node_modules (their runtime
// dependencies linked from the repository's), and esbuild bundles one import at a time the way
// an Edge route or a serverless bundler would (ESM, platform neutral, the edge-light / worker /
// browser / import conditions, minified, then gzip). The official @upstash/qstash 2.12.0 is
// measured in the same run. Workspace sources are never used: their tsconfig paths hide what
// dist/ costs.
//
//   npm run bench -- size
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bundleLikeAUser } from "../scripts/userBundle.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "next", "express", "dev-server"];
const COLD_RUNS = 15;

interface Row {
  name: string;
  ours: string;
  official: string;
  /** Target: ours / official must not exceed this. */
  limit: number;
}

const ROWS: Row[] = [
  {
    name: "Receiver",
    ours: `export { Receiver } from "@stashkit/core";`,
    official: `export { Receiver } from "@upstash/qstash";`,
    limit: 1,
  },
  {
    name: "Client",
    ours: `export { Client } from "@stashkit/core";`,
    official: `export { Client } from "@upstash/qstash";`,
    limit: 1,
  },
  {
    name: "defineDestination + route",
    ours: `export { defineDestination } from "@stashkit/core"; export { route } from "@stashkit/next";`,
    official: `export { verifySignatureAppRouter } from "@upstash/qstash/nextjs";`,
    limit: 1.25,
  },
];

/** Packs every package and extracts it where a user's install would put it. */
function installPacked(scratch: string): void {
  const tarballs = join(scratch, "tarballs");
  mkdirSync(tarballs, { recursive: true });
  const modules = join(scratch, "node_modules");
  mkdirSync(join(modules, "@stashkit"), { recursive: true });
  mkdirSync(join(modules, "@upstash"), { recursive: true });
  const linked = new Set<string>();
  const link = (name: string) => {
    if (linked.has(name) || name.startsWith("@stashkit/")) return;
    linked.add(name);
    const target = join(root, "node_modules", name);
    if (!existsSync(target)) return; // optional peers (next) stay external in the bundles
    mkdirSync(dirname(join(modules, name)), { recursive: true });
    symlinkSync(target, join(modules, name), "dir");
  };
  for (const name of PACKAGES) {
    const pack = spawnSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", tarballs], {
      cwd: join(root, "packages", name),
      encoding: "utf8",
    });
    if (pack.status !== 0) throw new Error(`npm pack ${name} failed:\n${pack.stderr}`);
    const { filename } = (JSON.parse(pack.stdout) as Array<{ filename: string }>)[0]!;
    const dest = join(modules, "@stashkit", name);
    mkdirSync(dest, { recursive: true });
    const untar = spawnSync("tar", ["-xzf", join(tarballs, filename), "-C", dest, "--strip-components=1"]);
    if (untar.status !== 0) throw new Error(`tar ${filename} failed`);
    const manifest = JSON.parse(readFileSync(join(dest, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    for (const dependency of Object.keys(manifest.dependencies ?? {})) link(dependency);
  }
  link("@upstash/qstash");
  writeFileSync(join(scratch, "package.json"), JSON.stringify({ name: "size-bench", private: true, type: "module" }));
}

interface Measured {
  minified: number;
  gzip: number;
  inputs: string[];
}

async function bundle(scratch: string, source: string): Promise<Measured> {
  const { code, kept } = await bundleLikeAUser(source, scratch);
  return { minified: code.byteLength, gzip: gzipSync(code).byteLength, inputs: kept };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Top-level packages (or our own folders) a bundle pulled in, for the "what got in" line. */
function contents(inputs: string[]): string {
  const names = new Set<string>();
  for (const input of inputs) {
    const ours = /@stashkit\/([^/]+)\/dist\/(?:cjs\/)?(.*)$/.exec(input);
    if (ours) {
      const folder = ours[2]!.includes("/") ? ours[2]!.slice(0, ours[2]!.indexOf("/")) : "(root)";
      names.add(`${ours[1]}:${folder}`);
      continue;
    }
    const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
    if (dep) names.add(dep[1]!);
  }
  return [...names].sort().join(", ");
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Wall time of a fresh Node process that only imports `specifier` (ms). */
function coldImport(scratch: string, code: string): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: scratch, encoding: "utf8" });
  const elapsed = performance.now() - start;
  if (run.status !== 0) throw new Error(`cold import failed: ${code}\n${run.stderr}`);
  return elapsed;
}

const scratch = mkdtempSync(join(tmpdir(), "stashkit-size-"));
let failed = 0;
try {
  installPacked(scratch);
  console.log(`Bundle size of the packed packages vs @upstash/qstash 2.12.0, node ${process.version}, load ${loadavg()[0]!.toFixed(2)}`);
  console.log("esbuild: ESM, platform neutral, conditions edge-light/worker/browser/import, minified; sizes gzip (minified)\n");
  for (const row of ROWS) {
    const ours = await bundle(scratch, row.ours);
    const official = await bundle(scratch, row.official);
    const ratio = ours.gzip / official.gzip;
    const pass = ratio <= row.limit;
    if (!pass) failed++;
    console.log(
      `  ${row.name.padEnd(27)} stashkit ${kib(ours.gzip).padStart(10)} (${kib(ours.minified)})   official ${kib(official.gzip).padStart(10)} (${kib(official.minified)})   ${ratio.toFixed(2)}x   target ≤ ${row.limit.toFixed(2)}x   ${pass ? "PASS" : "FAIL"}`,
    );
    console.log(`      stashkit bundle holds: ${contents(ours.inputs)}`);
  }

  const ours = `await import("@stashkit/core")`;
  const official = `await import("@upstash/qstash")`;
  const bare = `0`;
  const times = { ours: [] as number[], official: [] as number[], bare: [] as number[] };
  coldImport(scratch, ours); // fill the file-system cache for every contender alike
  coldImport(scratch, official);
  for (let i = 0; i < COLD_RUNS; i++) {
    // Alternate who goes first so drift in machine load hits both sides alike.
    const order: Array<keyof typeof times> = i % 2 === 0 ? ["ours", "official", "bare"] : ["official", "ours", "bare"];
    for (const who of order) times[who].push(coldImport(scratch, who === "ours" ? ours : who === "official" ? official : bare));
  }
  const m = { ours: median(times.ours), official: median(times.official), bare: median(times.bare) };
  const ratio = m.ours / m.official;
  const pass = ratio <= 1;
  if (!pass) failed++;
  console.log(`\nCold import, fresh node process, median of ${COLD_RUNS} alternating runs, load ${loadavg()[0]!.toFixed(2)}`);
  console.log(`  bare node (no import)       ${m.bare.toFixed(0).padStart(5)} ms`);
  console.log(`  official @upstash/qstash    ${m.official.toFixed(0).padStart(5)} ms   (+${(m.official - m.bare).toFixed(0)} ms over bare)`);
  console.log(
    `  @stashkit/core              ${m.ours.toFixed(0).padStart(5)} ms   (+${(m.ours - m.bare).toFixed(0)} ms over bare)   ${ratio.toFixed(2)}x   target ≤ 1.00x   ${pass ? "PASS" : "FAIL"}`,
  );
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (failed > 0) {
  console.log(`\n${failed} target(s) missed`);
  process.exitCode = 1;
}
