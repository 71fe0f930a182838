// What the published packages contain and what a user's bundler keeps of them. Runs against
// the built dist/ (npm test builds first) through the packages' exports maps, as a user
// installs them: tests elsewhere resolve @stashkit/* to sources and cannot see these faults.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { bundleLikeAUser } from "../scripts/userBundle.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PACKAGES = ["core", "next", "express", "dev-server"] as const;
const REPOSITORY = "https://github.com/stashkit/stashkit";

interface Manifest {
  name: string;
  license?: string;
  repository?: { url?: string; directory?: string };
  homepage?: string;
  bugs?: { url?: string };
  exports: Record<string, string | Record<string, Record<string, string>>>;
  bin?: Record<string, string>;
}

const manifest = (name: string): Manifest =>
  JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8")) as Manifest;

/** The files `npm pack` would publish, relative to the package. */
function packedFiles(name: string): string[] {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: join(root, "packages", name),
    encoding: "utf8",
  });
  return (JSON.parse(out) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((file) => file.path);
}

/** Every file under `dir`, relative to `dir`. */
function walk(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
  );
}

/** Every file an exports map (or bin) points at. */
function exportTargets(m: Manifest): string[] {
  const targets: string[] = Object.values(m.bin ?? {});
  const visit = (value: unknown): void => {
    if (typeof value === "string") targets.push(value);
    else if (value && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(m.exports);
  return targets.map((target) => target.replace(/^\.\//, ""));
}

describe.each(PACKAGES)("@stashkit/%s as packed", (name) => {
  const files = packedFiles(name);
  const m = manifest(name);

  it("ships no test, fixture or source-map file, and no source", () => {
    expect(files.filter((file) => /\.test\.|\.fixture\.|\.map$|^src\//.test(file))).toEqual([]);
  });

  it("ships every file its exports map and bin name", () => {
    expect(exportTargets(m).filter((target) => !files.includes(target))).toEqual([]);
  });

  it("ships a LICENSE and names its repository, homepage and issue tracker", () => {
    expect(files).toContain("LICENSE");
    expect(readFileSync(join(root, "packages", name, "LICENSE"), "utf8")).toMatch(/^MIT License/);
    expect(m.license).toBe("MIT");
    expect(m.repository).toMatchObject({ url: `git+${REPOSITORY}.git`, directory: `packages/${name}` });
    expect(m.homepage).toMatch(new RegExp(`^${REPOSITORY}/`));
    expect(m.bugs?.url).toBe(`${REPOSITORY}/issues`);
  });

  it("has a README whose links work on npm (absolute) and cite only published material", () => {
    expect(files).toContain("README.md");
    const readme = readFileSync(join(root, "packages", name, "README.md"), "utf8");
    const relative = [...readme.matchAll(/\]\((?!https?:|#|mailto:)([^)]+)\)/g)].map((match) => match[1]);
    expect(relative).toEqual([]);
    expect(readme).not.toMatch(/qstash-wire\.md/);
  });

  it("keeps one output file per source module, in ESM and CommonJS, each with its declarations", () => {
    // Folders the build script leaves out (`--exclude src/...`): a browser page, build-time code.
    const script = (JSON.parse(readFileSync(join(root, "packages", name, "package.json"), "utf8")) as { scripts: { build: string } }).scripts.build;
    const excluded = [...script.matchAll(/--exclude src\/(\S+)/g)].map((match) => `${match[1]}/`);
    const modules = walk(join(root, "packages", name, "src"))
      .filter((file) => /(?<!\.test|\.fixture|\.d)\.ts$/.test(file) && !excluded.some((folder) => file.startsWith(folder)))
      .map((file) => file.replace(/\.ts$/, ""));
    expect(modules.length).toBeGreaterThan(0);
    const missing = modules.flatMap((module) =>
      ["dist/%.js", "dist/%.d.ts", "dist/cjs/%.js", "dist/cjs/%.d.ts"]
        .map((pattern) => pattern.replace("%", module))
        .filter((file) => !files.includes(file)),
    );
    expect(missing).toEqual([]);
    expect(readFileSync(join(root, "packages", name, "dist", "cjs", "package.json"), "utf8")).toContain('"commonjs"');
  });
});

describe("every entry loads both ways on Node", () => {
  const entries: Array<[string, string]> = [
    ["@stashkit/core", "Receiver"],
    ["@stashkit/core/testing", "signDelivery"],
    ["@stashkit/core/node", "handleNodeRequest"],
    ["@stashkit/core/schemas", "publishOptionsSchema"],
    ["@stashkit/next", "route"],
    ["@stashkit/express", "stashkit"],
    ["@stashkit/dev-server", "startDevServer"],
  ];
  it.each(entries)("%s: require() and import give the same exports", (entry, name) => {
    const script = `const cjs = require(${JSON.stringify(entry)});
      import(${JSON.stringify(entry)}).then((esm) => {
        const names = (m) => Object.keys(m).filter((k) => k !== "default" && k !== "__esModule").sort().join();
        if (cjs[${JSON.stringify(name)}] === undefined) throw new Error("require: no ${name}");
        if (names(cjs) !== names(esm)) throw new Error("exports differ: " + names(cjs) + " / " + names(esm));
        console.log("ok");
      });`;
    const out = execFileSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
    expect(out.trim()).toBe("ok");
  });
});

describe("the Node build of core (exports condition `node`)", () => {
  it("is what Node imports, and its entries share one copy of every class", () => {
    const script = `
      const core = await import("@stashkit/core");
      const testing = await import("@stashkit/core/testing");
      const resolved = import.meta.resolve("@stashkit/core");
      if (!resolved.includes("/dist/node-esm/")) throw new Error("Node did not pick dist/node-esm: " + resolved);
      try { testing.buildCallbackPayload({ status: 2.5 }); } catch (error) {
        console.log(error instanceof core.InvalidOptionError && error instanceof core.QStashError ? "shared" : "duplicated");
      }`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    expect(out.trim()).toBe("shared");
  });
});

/** Source modules (`<package>/<folder>/<file>`) and dependencies a bundle kept code from. */
async function bundled(source: string): Promise<string[]> {
  const kept = (await bundleLikeAUser(source, root)).kept.map((path) => {
    const ours = /packages\/([^/]+)\/dist\/(.*)$/.exec(path);
    if (ours) return `${ours[1]}/${ours[2]}`;
    return /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path)?.[1] ?? path;
  });
  return [...new Set(kept)];
}

describe("tree shaking of the published ESM", () => {
  it("Receiver alone pulls neither the client, the handler runtime, the publish builder nor zod", async () => {
    const kept = await bundled(`export { Receiver } from "@stashkit/core";`);
    expect(kept).toContain("core/verify/receiver.js");
    expect(kept.filter((path) => /^core\/(client|handlers|publish|parse)\/|^zod$|^jose$/.test(path))).toEqual([]);
  });

  it("Client pulls neither the receiver, the handler runtime nor zod", async () => {
    const kept = await bundled(`export { Client } from "@stashkit/core";`);
    expect(kept).toContain("core/client/client.js");
    const unwanted = /^core\/(verify|parse)\/|^core\/handlers\/(handleDelivery|defineDestination|defineCallback|readBody)\.js$|^zod$|^jose$/;
    expect(kept.filter((path) => unwanted.test(path))).toEqual([]);
  });

  it("defineDestination + route pull neither the client, the publish builder nor zod", async () => {
    const kept = await bundled(`export { defineDestination } from "@stashkit/core"; export { route } from "@stashkit/next";`);
    expect(kept).toContain("core/handlers/defineDestination.js");
    expect(kept.filter((path) => /^core\/(client|publish)\/|^zod$|^jose$/.test(path))).toEqual([]);
  });

  it("buildPublishRequest pulls no zod", async () => {
    const kept = await bundled(`export { buildPublishRequest } from "@stashkit/core";`);
    expect(kept.filter((path) => path === "zod")).toEqual([]);
  });
});
