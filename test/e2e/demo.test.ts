// `npm run demo` in its exit-when-done mode: the real script, spawned, must show a success,
// a retry, a DLQ entry and a callback, then exit 0 by itself.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Spawns the demo. With `interruptWhen`, the demo runs in its normal mode and gets SIGINT
 * once its output matches; otherwise it runs in exit-when-done mode.
 */
function runDemo(interruptWhen?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const mode = interruptWhen === undefined ? { STASHKIT_DEMO_EXIT_WHEN_DONE: "1" } : {};
    const child = spawn(process.execPath, ["--import", "tsx", "scripts/demo.ts"], {
      cwd: root,
      env: { ...process.env, ...mode, STASHKIT_DEMO_PORT: "0", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (interruptWhen?.test(stdout)) child.kill("SIGINT");
    });
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGTERM");
      reject(new Error(`demo did not exit within 30 s; output so far:\n${stdout}`));
    }, 30_000);
    child.on("error", reject);
    child.on("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("npm run demo (exit-when-done mode)", () => {
  it("shows a delivery, a retry, a DLQ entry and a callback, then exits 0", { timeout: 40_000 }, async () => {
    const { code, stdout } = await runDemo();
    expect(code).toBe(0);
    expect(stdout).toMatch(/message delivered \(HTTP 200\) on attempt 1\/3/);
    expect(stdout).toMatch(/message retry in \d+ ms \(next: attempt 2\/3\)/);
    expect(stdout).toMatch(/message delivered \(HTTP 200\) on attempt 2\/3/);
    expect(stdout).toMatch(/message failed after 3 attempt\(s\) → DLQ entry \S+/);
    expect(stdout).toMatch(/callback delivered \(HTTP 200\)/);
    expect(stdout).toMatch(/app: callback for msg_\S+: destination answered 200/);
    expect(stdout).toMatch(/app: failure callback, message is in the DLQ as \S+/);
    expect(stdout).toContain("the DLQ holds 1 entry");
    // Not a TTY here: no colour codes.
    expect(stdout).not.toContain("\x1b[");
  });

  it("keeps running after the jobs settle and exits 0 on SIGINT", { timeout: 40_000 }, async () => {
    const { code, stdout } = await runDemo(/Ctrl-C to stop/);
    expect(stdout).toContain("All scripted jobs settled");
    expect(code).toBe(0);
  });
});
