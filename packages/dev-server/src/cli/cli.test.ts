import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY, DEFAULT_TOKEN } from "../defaults.js";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));

function run(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

type Cli = ReturnType<typeof run>;

async function until(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Runs `body` and always kills the child, so a failed assertion leaks no process. */
async function withCli(args: string[], body: (proc: Cli) => Promise<void>): Promise<void> {
  const proc = run(args);
  try {
    await body(proc);
  } finally {
    if (proc.child.exitCode === null) proc.child.kill("SIGKILL");
  }
}

describe("stashkit dev", () => {
  it("prints the running line with the real port and the env vars, serves, and exits on SIGTERM (Go-style -port)", () =>
    withCli(["dev", "-port", "0"], async (proc) => {
      await until(() => /QSTASH_NEXT_SIGNING_KEY/.test(proc.output().stdout));
      const { stdout } = proc.output();
      // The official SDK treats a line matching this as "started".
      expect(stdout).toMatch(/runn+ing( at|\.)/i);
      const url = /QStash dev server running at (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]!;
      expect(url).not.toMatch(/:0$/);
      expect(stdout).toContain(`QSTASH_URL="${url}"`);
      expect(stdout).toContain(`QSTASH_TOKEN="${DEFAULT_TOKEN}"`);
      expect(stdout).toContain(`QSTASH_CURRENT_SIGNING_KEY="${DEFAULT_CURRENT_SIGNING_KEY}"`);
      expect(stdout).toContain(`QSTASH_NEXT_SIGNING_KEY="${DEFAULT_NEXT_SIGNING_KEY}"`);
      const keys = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } });
      expect(await keys.json()).toEqual({ current: DEFAULT_CURRENT_SIGNING_KEY, next: DEFAULT_NEXT_SIGNING_KEY });
      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }));

  it("exits with status 2 and usage on an unknown command", () =>
    withCli(["serve"], async (proc) => {
      expect(await proc.exited).toBe(2);
      expect(proc.output().stderr).toContain("Usage: stashkit dev");
    }));

  it("exits cleanly on SIGINT", () =>
    withCli(["dev", "--port", "0", "--quiet"], async (proc) => {
      await until(() => /running at/.test(proc.output().stdout));
      proc.child.kill("SIGINT");
      expect(await proc.exited).toBe(0);
    }));

  it("rejects an invalid port", () =>
    withCli(["dev", "--port", "http"], async (proc) => {
      expect(await proc.exited).toBe(2);
      expect(proc.output().stderr).toContain("invalid port");
    }));
});
