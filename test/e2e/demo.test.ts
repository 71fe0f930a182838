// `npm run demo`, the real script, spawned: each job's story readable on its own block, the
// refused requests (401, 489) explained, the dashboard URL, and a clean exit (by itself in
// exit-when-done mode, on Ctrl-C otherwise).
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

/** The demo's output cut into its sections: the header, one per job, and the two refused requests. */
function sections(stdout: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let current = "header";
  for (const text of stdout.split("\n")) {
    if (/^(Job \d of \d|Two requests)/.test(text)) current = text;
    else if (text.trim() !== "") (out.get(current) ?? out.set(current, []).get(current)!).push(text);
  }
  return out;
}

/** `HH:MM:SS.mmm` of every timed line, as milliseconds of the day. */
function times(lines: string[]): number[] {
  return lines.flatMap((text) => {
    const match = /^ {2}(\d\d):(\d\d):(\d\d)\.(\d{3}) /.exec(text);
    return match ? [((Number(match[1]) * 60 + Number(match[2])) * 60 + Number(match[3])) * 1000 + Number(match[4])] : [];
  });
}

describe("npm run demo (exit-when-done mode)", () => {
  it("tells each job's story as one block, in order: delivery, retry, DLQ, callbacks", { timeout: 40_000 }, async () => {
    const { code, stdout } = await runDemo();
    expect(code).toBe(0);
    const parts = sections(stdout);
    const titles = [...parts.keys()];
    expect(titles).toEqual([
      "header",
      "Job 1 of 3: welcome email: delivered on the first attempt, then its callback",
      "Job 2 of 3: reminder: the first attempt fails, QStash retries, the second succeeds",
      "Job 3 of 3: receipt: every attempt fails, so it ends in the dead-letter queue",
      "Two requests no handler ever sees",
    ]);
    const [welcome, reminder, receipt] = titles.slice(1, 4).map((title) => parts.get(title)!.join("\n")) as [string, string, string];

    // Each block holds its own job only: one publish, and only its own recipient.
    for (const [block, to] of [[welcome, "ada@"], [reminder, "alan@"], [receipt, "grace@"]] as const) {
      expect(block.match(/message +published → POST \/api\/send-email \(msg_\w+\)/g)).toHaveLength(1);
      for (const other of ["ada@", "alan@", "grace@"].filter((name) => name !== to)) expect(block).not.toContain(other);
    }
    expect(welcome).toMatch(/app +handler sent the email to ada@example\.com\n.*message +attempt 1\/3 delivered \(200\)/);
    expect(welcome).toMatch(/app +callback handler: the destination answered 200\n.*callback +attempt 1\/3 delivered \(200\)/);
    expect(reminder).toMatch(/message +attempt 1\/3 failed: 500 internal error; next attempt 2\/3 at \d\d:\d\d:\d\d\.\d{3} \(in \d+ ms\)/);
    expect(reminder).toMatch(/message +attempt 2\/3 delivered \(200\)/);
    expect(receipt).toMatch(/message +attempt 3\/3 failed: 500 internal error; no retries left: moved to the DLQ/);
    expect(receipt).toMatch(/app +failure callback handler: gave up on grace@example\.com, DLQ entry \S+/);
    expect(receipt).toMatch(/failure cb +attempt 1\/3 delivered \(200\)/);
    // Printed as it happened: the times in each block never go back.
    for (const title of titles.slice(1)) {
      const stamps = times(parts.get(title)!);
      expect(stamps.length).toBeGreaterThan(1);
      expect(stamps).toEqual([...stamps].sort((a, b) => a - b));
    }

    expect(stdout).toMatch(/Dashboard: +http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(stdout).toContain("the DLQ holds 2 entries");
    // Not a TTY here: no colour codes.
    expect(stdout).not.toContain("\x1b[");
  });

  it("shows a forged request answered 401 and a bad payload answered 489, each with why", { timeout: 40_000 }, async () => {
    const { code, stdout } = await runDemo();
    expect(code).toBe(0);
    const refused = sections(stdout).get("Two requests no handler ever sees")!.join("\n");
    expect(refused).toMatch(/forged +401 invalid signature \(bad_signature\): the signature is checked over the exact bytes before any handler runs/);
    expect(refused).toMatch(/message +attempt 1\/3 failed: 489 .*\(to: [^)]+\); not retryable: moved to the DLQ/);
    expect(refused).toMatch(/bad payload +489 tells QStash that retrying cannot help/);
  });

  it("keeps running after the jobs settle, with the dashboard URL, and exits 0 on SIGINT", { timeout: 40_000 }, async () => {
    const { code, stdout } = await runDemo(/Ctrl-C to stop/);
    expect(stdout).toContain("All jobs settled");
    expect(stdout).toMatch(/Still running: open the dashboard at http:\/\/127\.0\.0\.1:\d+\//);
    expect(code).toBe(0);
  });
});
