// Builds examples/next-app with the real `next build` and serves it with `next start`,
// so the contract suite runs against exactly what a user deploys.
import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
export const nextAppDir = fileURLToPath(new URL("../examples/next-app/", import.meta.url));
const nextBin = createRequire(`${nextAppDir}package.json`).resolve("next/dist/bin/next");
const packageEntries = ["core/dist/index.d.ts", "core/dist/node/index.js", "next/dist/index.d.ts", "next/dist/index.js"].map(
  (file) => `${root}packages/${file}`,
);

const quietEnv = { TURBO_TELEMETRY_DISABLED: "1", NEXT_TELEMETRY_DISABLED: "1" };

/** The output and timing of one finished child process. */
export interface RunResult {
  output: string;
  ms: number;
}

/** A running `next start` server. */
export interface NextServer {
  url: string;
  output(): string;
  close(): Promise<void>;
}

/** A TCP port that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const address = server.address();
  server.close();
  await once(server, "close");
  if (address === null || typeof address === "string") throw new Error("no TCP address");
  return address.port;
}

/**
 * Runs a node script to completion in its own process group and rejects with its output
 * when it exits non-zero.
 */
export async function runNode(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<RunResult> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...quietEnv, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = collect(child);
  const [code] = (await once(child, "exit")) as [number | null];
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${args.join(" ")} exited ${code}\n${output()}`);
  return { output: output(), ms };
}

/**
 * Runs `next build` on the example app. The app consumes the packages' dist/, which
 * `npm test` builds before vitest starts; rebuilding them here would rewrite files other
 * test files are importing at the same moment.
 *
 * @throws Error naming `npm run build` when a package has not been built
 */
export async function buildNextApp(): Promise<RunResult> {
  for (const entry of packageEntries) {
    if (!existsSync(entry)) throw new Error(`${entry} is missing: run \`npm run build\` at the repository root first`);
  }
  return runNode([nextBin, "build"], nextAppDir);
}

/**
 * Starts `next start` on a free port as the leader of a new process group, waits until it
 * answers HTTP, and returns a handle whose `close` ends the whole group.
 *
 * @param envFor - extra environment for the server, given the origin it will listen on
 */
export async function startNextApp(envFor: (url: string) => NodeJS.ProcessEnv = () => ({})): Promise<NextServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [nextBin, "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: nextAppDir,
    env: { ...process.env, ...quietEnv, ...envFor(url) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const output = collect(child);
  const server: NextServer = { url, output, close: () => stopGroup(child) };
  try {
    await waitUntilAnswering(url, child, output);
  } catch (error) {
    await server.close();
    throw error;
  }
  return server;
}

function collect(child: ChildProcess): () => string {
  let text = "";
  child.stdout?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (text += chunk.toString()));
  return () => text;
}

async function waitUntilAnswering(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited ${child.exitCode}\n${output()}`);
    try {
      await fetch(url, { method: "HEAD", signal: AbortSignal.timeout(2_000) });
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`next start did not answer within 60 s\n${output()}`);
}

// next start forks a worker, so the whole group is signalled, not just the leader.
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  signalGroup(child.pid, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child.pid!, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
  // The leader may exit before its worker; make sure nothing of the group survives.
  signalGroup(child.pid, "SIGKILL");
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}
