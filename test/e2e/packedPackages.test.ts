// A newcomer's first hour, from the packages as npm would ship them: `npm pack` core and the
// dev server, install the tarballs into a brand-new project (no workspace, no path aliases),
// then run the core README's "Testing your handlers" recipe there as written (a destination and
// a failure callback), type-check it against the shipped declarations, and start the dev server
// with both documented npx commands.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readmeBlocks, writeReadmeBlocks } from "../docs/readmeBlocks.js";
import { waitFor } from "./waitFor.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../..", import.meta.url));
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

let work: string;
let app: string;

/** The child's environment without this vitest run's markers, so the inner vitest is a fresh run. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith("VITEST") && name !== "NODE_OPTIONS") env[name] = value;
  delete env["FORCE_COLOR"];
  return { ...env, CI: "true", NO_COLOR: "1" };
}

function versionOf(name: string): string {
  return (JSON.parse(readFileSync(join(root, "node_modules", name, "package.json"), "utf8")) as { version: string }).version;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "stashkit-packed-"));
  await run(npm, ["pack", "-w", "packages/core", "-w", "packages/dev-server", "--pack-destination", work, "--silent"], { cwd: root });
  app = join(work, "app");
  await run("mkdir", [app]);
  writeFileSync(join(app, "package.json"), JSON.stringify({ name: "first-hour", private: true, type: "module" }));
  // The versions the workspace uses, so the install is served from npm's cache when it can be.
  const deps = ["zod", "vitest", "typescript", "@types/node"].map((name) => `${name}@${versionOf(name)}`);
  await run(npm, ["install", join(work, "stashkit-core-0.1.0.tgz"), join(work, "stashkit-dev-server-0.1.0.tgz"), ...deps, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd: app,
    env: cleanEnv(),
  });
  const blocks = readmeBlocks(root, "packages/core/README.md").filter((block) => block.file === "routes.ts" || block.file === "routes.test.ts");
  expect(blocks.map((block) => block.file)).toEqual(["routes.ts", "routes.test.ts"]);
  writeReadmeBlocks(app, blocks);
}, 180_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe("the packed packages in a brand-new project", () => {
  it("the core README's testing recipe passes as written, for a destination and a failure callback", { timeout: 120_000 }, async () => {
    const result = await run("npx", ["vitest", "run", "routes.test.ts"], { cwd: app, env: cleanEnv() }).catch((error: { stdout: string; stderr: string }) => error);
    const output = `${result.stdout}\n${result.stderr}`;
    expect(output, output).toMatch(/Tests\s+5 passed \(5\)/);
    expect(output).toContain("routes.test.ts");
  });

  it("the recipe type-checks against the shipped declarations", { timeout: 120_000 }, async () => {
    writeFileSync(
      join(app, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: { target: "ES2022", module: "ESNext", moduleResolution: "Bundler", strict: true, noEmit: true, skipLibCheck: true, types: ["node"] },
        include: ["routes.ts", "routes.test.ts"],
      }),
    );
    const result = await run("npx", ["tsc", "-p", "tsconfig.json"], { cwd: app, env: cleanEnv() }).catch((error: { stdout: string }) => error);
    expect(result.stdout).toBe("");
  });

  // The two spellings the docs give: the bin of the installed package, and the package name
  // (npx runs a package's only bin), which never falls through to the unscoped name.
  it.each([["stashkit"], ["@stashkit/dev-server"]])("`npx %s dev --port 0` starts the installed dev server", { timeout: 60_000 }, async (command) => {
    // Its own process group, signalled as a whole like Ctrl-C in a terminal: npm exec does not
    // pass on a SIGINT sent to it alone.
    const child = spawn("npx", [command, "dev", "--port", "0"], { cwd: app, env: cleanEnv(), stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    let url = "";
    try {
      url = await waitFor(() => /running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1], { timeout: 30_000, what: "the running line" });
      const keys = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${/QSTASH_TOKEN="([^"]+)"/.exec(stdout)![1]}` } });
      expect(keys.status).toBe(200);
    } finally {
      process.kill(-child.pid!, "SIGINT");
    }
    await exited; // npm exec reports the interrupt in its own status; the server has stopped:
    await expect(fetch(`${url}/v2/keys`)).rejects.toThrow();
  });
});
