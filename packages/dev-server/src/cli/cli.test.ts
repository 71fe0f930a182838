import { execFile, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY, DEFAULT_TOKEN } from "../defaults.js";

const cli = fileURLToPath(new URL("./cli.ts", import.meta.url));

function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ["--import", "tsx", cli, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, STASHKIT_APP_URL: "", ...env } });
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
async function withCli(args: string[], body: (proc: Cli) => Promise<void>, env?: NodeJS.ProcessEnv): Promise<void> {
  const proc = run(args, env);
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
      expect(stdout).toContain(`export QSTASH_URL="${url}"`);
      expect(stdout).toContain(`export QSTASH_TOKEN="${DEFAULT_TOKEN}"`);
      expect(stdout).toContain(`export QSTASH_CURRENT_SIGNING_KEY="${DEFAULT_CURRENT_SIGNING_KEY}"`);
      expect(stdout).toContain(`export QSTASH_NEXT_SIGNING_KEY="${DEFAULT_NEXT_SIGNING_KEY}"`);
      expect(stdout).toContain(`Dashboard: ${url}/\n`);
      const keys = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } });
      expect(await keys.json()).toEqual({ current: DEFAULT_CURRENT_SIGNING_KEY, next: DEFAULT_NEXT_SIGNING_KEY });
      proc.child.kill("SIGTERM");
      expect(await proc.exited).toBe(0);
    }));

  it("--allowed-host and --allowed-origin let a named host and a front end in, and nothing else", () =>
    withCli(["dev", "--port", "0", "--allowed-host", "qstash", "--allowed-origin", "http://localhost:5173"], async (proc) => {
      await until(() => /QSTASH_NEXT_SIGNING_KEY/.test(proc.output().stdout));
      const url = /QStash dev server running at (http:\/\/127\.0\.0\.1:(\d+))/.exec(proc.output().stdout)!;
      const keys = (headers: Record<string, string>) =>
        new Promise<number>((resolve, reject) => {
          const req = http.request(
            { host: "127.0.0.1", port: Number(url[2]), path: "/v2/keys", setHost: false, headers: { authorization: `Bearer ${DEFAULT_TOKEN}`, ...headers } },
            (res) => {
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on("error", reject);
          req.end();
        });
      const port = url[2];
      expect(await keys({ host: `qstash:${port}` })).toBe(200);
      expect(await keys({ host: `elsewhere.example:${port}` })).toBe(403);
      expect(await keys({ host: `127.0.0.1:${port}`, origin: "http://localhost:5173" })).toBe(200);
      expect(await keys({ host: `127.0.0.1:${port}`, origin: "https://evil.example" })).toBe(403);
    }));

  it("logs a rejection nobody handled and keeps serving", () =>
    withCli(
      ["dev", "--port", "0"],
      async (proc) => {
        await until(() => /QSTASH_NEXT_SIGNING_KEY/.test(proc.output().stdout));
        proc.child.kill("SIGUSR2");
        await until(() => proc.output().stderr.includes("unexpected error; the server keeps running"));
        const url = /QStash dev server running at (http:\/\/127\.0\.0\.1:\d+)/.exec(proc.output().stdout)![1]!;
        expect(proc.output().stderr).toContain("injected failure");
        const keys = await fetch(`${url}/v2/keys`, { headers: { authorization: `Bearer ${DEFAULT_TOKEN}` } });
        expect(keys.status).toBe(200);
        expect(proc.child.exitCode).toBeNull();
      },
      // A real unhandled rejection inside the CLI's process, raised once it is serving.
      { NODE_OPTIONS: `--import=${fileURLToPath(new URL("./rejectOnSignal.fixture.mjs", import.meta.url))}` },
    ));

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

  it("prints variables a shell takes as pasted, STASHKIT_APP_URL included", () =>
    withCli(
      ["dev", "--port", "0", "--quiet"],
      async (proc) => {
        await until(() => /STASHKIT_APP_URL=/.test(proc.output().stdout));
        const { stdout } = proc.output();
        const url = /running at (\S+)/.exec(stdout)![1]!;
        // Everything from the "Paste" line on, exactly as printed: comments and exports.
        const pasted = stdout.slice(stdout.indexOf("export QSTASH_URL"));
        const { stdout: env } = await promisify(execFile)("sh", ["-c", `${pasted}\nprintenv QSTASH_URL QSTASH_TOKEN QSTASH_CURRENT_SIGNING_KEY QSTASH_NEXT_SIGNING_KEY STASHKIT_APP_URL`]);
        expect(env.trim().split("\n")).toEqual([url, DEFAULT_TOKEN, DEFAULT_CURRENT_SIGNING_KEY, DEFAULT_NEXT_SIGNING_KEY, "https://app.example.com"]);
      },
      { STASHKIT_APP_URL: "https://app.example.com" },
    ));

  it("names a port in use and suggests --port 0", async () => {
    const taken = http.createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      await withCli(["dev", "--port", String(port)], async (proc) => {
        expect(await proc.exited).toBe(1);
        const { stderr } = proc.output();
        expect(stderr).toContain(`port ${port} is already in use`);
        expect(stderr).toContain("--port 0");
      });
      await withCli(["dev"], async (proc) => {
        expect(await proc.exited).toBe(1);
        expect(proc.output().stderr).toContain(`port ${port} (QSTASH_DEV_PORT) is already in use`);
      }, { QSTASH_DEV_PORT: String(port) });
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it("prints one line per attempt: why it failed and when the next one is due", async () => {
    let calls = 0;
    const destination = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        calls += 1;
        if (req.url === "/flaky" && calls === 1) {
          res.writeHead(500, { "content-type": "application/json" }).end('{"error":"internal error"}');
        } else if (req.url === "/invalid") {
          res.writeHead(489, { "content-type": "application/json", "upstash-nonretryable-error": "true" });
          res.end('{"error":"invalid payload","issues":[{"path":"to","message":"Invalid email address"}]}');
        } else {
          res.writeHead(200).end("ok");
        }
      });
    });
    await new Promise<void>((resolve) => destination.listen(0, "127.0.0.1", resolve));
    const target = `http://127.0.0.1:${(destination.address() as AddressInfo).port}`;
    try {
      await withCli(["dev", "--port", "0"], async (proc) => {
        await until(() => /running at/.test(proc.output().stdout));
        const url = /running at (\S+)/.exec(proc.output().stdout)![1]!;
        const publish = (path: string) =>
          fetch(`${url}/v2/publish/${target}${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${DEFAULT_TOKEN}`, "upstash-retries": "1", "upstash-retry-delay": "300" },
            body: "{}",
          });
        expect((await publish("/flaky")).status).toBe(200);
        await until(() => /DELIVERED .* attempt 2\/2 delivered \(200\)/.test(proc.output().stdout));
        expect((await publish("/invalid")).status).toBe(200);
        await until(() => /FAILED/.test(proc.output().stdout));
        const lines = proc.output().stdout.split("\n");
        const retry = lines.find((line) => line.includes(" RETRY "))!;
        expect(retry).toMatch(
          new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} RETRY     msg_\\S+ POST ${target}/flaky attempt 1/2 failed: 500 internal error; next attempt 2/2 at \\d\\d:\\d\\d:\\d\\d\\.\\d{3} \\(in \\d+ ms\\)$`),
        );
        const failed = lines.find((line) => line.includes(" FAILED "))!;
        expect(failed).toContain(`${target}/invalid attempt 1/2 failed: 489 invalid payload (to: Invalid email address); not retryable: moved to the DLQ`);
      });
    } finally {
      destination.closeAllConnections();
      await new Promise((resolve) => destination.close(resolve));
    }
  });
});
