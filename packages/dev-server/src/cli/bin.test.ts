// The committed bin (`bin/stashkit.js`): it must exist before any build, so that npm links it
// on the first install of a fresh clone, run the built CLI, and say what to do when the
// build is missing instead of failing with a module-not-found trace.
import { execFile } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/stashkit.js", import.meta.url));
const manifest = fileURLToPath(new URL("../../package.json", import.meta.url));
const run = (file: string, args: string[]) =>
  promisify(execFile)(process.execPath, [file, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("bin/stashkit.js", () => {
  it("is the package's bin, shipped, and executable", async () => {
    const pkg = (await import(manifest, { with: { type: "json" } })).default as { bin: Record<string, string>; files: string[] };
    expect(pkg.bin).toEqual({ stashkit: "./bin/stashkit.js" });
    expect(pkg.files).toContain("bin");
    expect(statSync(bin).mode & 0o111).not.toBe(0);
  });

  it("runs the built CLI", async () => {
    const { code, stdout } = await run(bin, ["--help"]);
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: stashkit dev");
  });

  it("without a build, says how to build and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "stashkit-bin-"));
    try {
      mkdirSync(join(dir, "bin"));
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
      copyFileSync(bin, join(dir, "bin/stashkit.js"));
      const { code, stdout, stderr } = await run(join(dir, "bin/stashkit.js"), ["dev"]);
      expect(code).toBe(1);
      expect(stdout).toBe("");
      expect(stderr).toContain("the dev server is not built yet");
      expect(stderr).toContain("npm run build");
      expect(stderr).not.toContain("ERR_MODULE_NOT_FOUND");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
