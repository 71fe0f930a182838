// End-to-end cost of @stashkit/dev-server, beside a bare node:http echo server measured in the
// same run (the ceiling for one process on this machine).
//
//  1. baseline: autocannon against a bare node:http echo server (keep-alive, 32 connections).
//  2. batch throughput: MESSAGES messages published with our Client's batch (chunks of 100,
//     4 publishers, retries 0) to a node:http destination that verifies every signature with our
//     Receiver; batch-publish rate (accepted messages/s) and deliveries/s (first publish to the
//     last verified delivery), best of 2 rounds.
//  3. latency and CPU: RATE msg/s for SECONDS s from a bare keep-alive node:http publisher (one
//     POST /v2/publish per message, RATE/100 every 10 ms, send time stamped in the body);
//     publish→verified-delivery p50/p99/max, and the dev server's CPU per message from the
//     server process's own process.cpuUsage().
//     A WARMUP_SECONDS run at the same rate comes first and is printed, not counted: the
//     batch rounds warm a different path, and the first second of single publishes is JIT
//     compilation, not the server's steady cost.
//  4. the same with a CPU-bound process (a busy loop in another node process) beside it.
//  5. idle: the server's CPU over IDLE_SECONDS with nothing to do.
//  6. the forwarding floor: bench/devserverFloorProcess.ts (node:http in, undici out, nothing
//     else) under the load of step 3, warm-up included: what the transport alone costs here.
//
// The server runs in its own process (bench/devserverProcess.ts, the built package), as
// `stashkit dev` does; producer and destination share the bench process.
// DEVSERVER_BENCH_PROF=<dir> writes a CPU profile of the server process there.
//
// Targets: deliveries/s >= 0.25x the bare echo, p99 < 50 ms at 1,000 msg/s (alone and beside a
// CPU-bound process), <= 0.3 ms of server CPU per message, idle CPU ~0.
//
// Run: npm run bench -- devserver   (or, after `npm run build`, TSX_TSCONFIG_PATH=bench/tsconfig.json
//   node --import tsx bench/devserver.bench.ts [messages=10000] [rate=1000] [seconds=5])
import { fork, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { Client, Receiver } from "@stashkit/core";
import type { BatchEntry } from "@stashkit/core";

const MESSAGES = Number(process.argv[2] ?? 10_000);
const RATE = Number(process.argv[3] ?? 1000);
const SECONDS = Number(process.argv[4] ?? 5);
const CHUNK = 100;
const PUBLISHERS = 4;
const ROUNDS = 2;
const BASELINE_SECONDS = 3;
const IDLE_SECONDS = 3;
const WARMUP_SECONDS = 2;
const DEADLINE_MS = 60_000;

interface Sink {
  url: string;
  delivered: number;
  failedVerification: number;
  latencies: number[];
  /** Resolves when `delivered` reaches `count`. */
  until(count: number): Promise<void>;
  close(): Promise<void>;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** The destination: verifies each delivery with our Receiver (when given one) and records its latency. */
async function startSink(receiver: Receiver | undefined): Promise<Sink> {
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks);
      try {
        if (receiver !== undefined) await receiver.verify({ signature: String(req.headers["upstash-signature"]), body, url: `${sink.url}${req.url}` });
      } catch {
        sink.failedVerification += 1;
        res.writeHead(401).end();
        return;
      }
      const sent = (JSON.parse(body.toString()) as { t?: number }).t;
      if (sent !== undefined) sink.latencies.push(performance.now() - sent);
      sink.delivered += 1;
      res.writeHead(200).end();
      if (waiter !== undefined && sink.delivered >= waiter.count) waiter.resolve();
    });
  });
  const sink: Sink = {
    url: await listen(server),
    delivered: 0,
    failedVerification: 0,
    latencies: [],
    until(count) {
      if (sink.delivered >= count) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`only ${sink.delivered}/${count} delivered in time`)), DEADLINE_MS);
        waiter = { count, resolve: () => (clearTimeout(timer), resolve()) };
      });
    },
    close: () => closeServer(server),
  };
  return sink;
}

async function baseline(): Promise<number> {
  const server = http.createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(200).end("ok"));
  });
  const url = await listen(server);
  const result = await autocannon({ url, connections: 32, duration: BASELINE_SECONDS, method: "POST", body: '{"n":1}' });
  await closeServer(server);
  return result.requests.average;
}

interface ServerProcess {
  url: string;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
  /** CPU the server process has used so far, ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

async function startServerProcess(file = "./devserverProcess.ts"): Promise<ServerProcess> {
  const script = fileURLToPath(new URL(file, import.meta.url));
  const dir = file === "./devserverProcess.ts" ? process.env["DEVSERVER_BENCH_PROF"] : undefined;
  const child = fork(script, [], {
    execArgv: ["--import", "tsx", ...(dir ? ["--cpu-prof", `--cpu-prof-dir=${dir}`] : [])],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const info = await new Promise<Omit<ServerProcess, "cpuMs" | "close">>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`dev server process exited with ${code}`)));
    child.once("message", (message) => resolve(message as Omit<ServerProcess, "cpuMs" | "close">));
  });
  child.removeAllListeners("exit");
  return {
    ...info,
    cpuMs: () =>
      new Promise((resolve) => {
        child.once("message", (message) => {
          const { user, system } = (message as { cpu: NodeJS.CpuUsage }).cpu;
          resolve((user + system) / 1000);
        });
        child.send("cpu");
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.send("close");
      }),
  };
}

function entry(destination: string, n: number): BatchEntry {
  return { destination, body: `{"n":${n}}`, contentType: "application/json", retries: 0 };
}

async function throughput(client: Client, sink: Sink): Promise<{ published: number; delivered: number }> {
  const destination = `${sink.url}/throughput`;
  const base = sink.delivered;
  const start = performance.now();
  let next = 0;
  const publisher = async () => {
    while (next < MESSAGES) {
      const from = next;
      next = Math.min(MESSAGES, next + CHUNK);
      const entries: BatchEntry[] = [];
      for (let n = from; n < next; n++) entries.push(entry(destination, n));
      await client.batch(entries);
    }
  };
  await Promise.all(Array.from({ length: PUBLISHERS }, publisher));
  const publishedAt = performance.now();
  await sink.until(base + MESSAGES);
  const end = performance.now();
  return { published: (MESSAGES / (publishedAt - start)) * 1000, delivered: (MESSAGES / (end - start)) * 1000 };
}

interface LatencyRun {
  offered: number;
  p50: number;
  p99: number;
  max: number;
  cpuPerMessage: number;
  maxInFlight: number;
}

/** A bare keep-alive node:http publisher: one POST /v2/publish per message. */
function publisher(server: ServerProcess, destination: string) {
  const target = new URL(server.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const path = `/v2/publish/${destination}`;
  const headers = { authorization: `Bearer ${server.token}`, "content-type": "application/json", "upstash-retries": "0" };
  let inFlight = 0;
  let maxInFlight = 0;
  const publish = (body: string): Promise<void> =>
    new Promise((resolve, reject) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const req = http.request(
        { host: target.hostname, port: target.port, method: "POST", path, agent, headers: { ...headers, "content-length": Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on("end", () => {
            inFlight -= 1;
            if (res.statusCode === 200) resolve();
            else reject(new Error(`publish answered ${res.statusCode}`));
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  return { publish, maxInFlight: () => maxInFlight, close: () => agent.destroy() };
}

async function latency(server: ServerProcess, sink: Sink, seconds = SECONDS): Promise<LatencyRun> {
  const pub = publisher(server, `${sink.url}/latency`);
  const perTick = Math.max(1, Math.round(RATE / 100));
  const ticks = seconds * 100;
  const base = sink.delivered;
  sink.latencies.length = 0;
  const cpuBefore = await server.cpuMs();
  const start = performance.now();
  const sent: Promise<void>[] = [];
  for (let tick = 0; tick < ticks; tick++) {
    const wait = start + tick * 10 - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    for (let i = 0; i < perTick; i++) sent.push(pub.publish(JSON.stringify({ n: tick * perTick + i, t: performance.now() })));
  }
  const offered = ((ticks * perTick) / (performance.now() - start)) * 1000;
  await Promise.all(sent);
  await sink.until(base + ticks * perTick);
  const cpu = (await server.cpuMs()) - cpuBefore;
  pub.close();
  const sorted = [...sink.latencies].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { offered, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]!, cpuPerMessage: cpu / (ticks * perTick), maxInFlight: pub.maxInFlight() };
}

/** A second CPU-bound process on the machine, as when tests or a build run beside the server. */
function cpuHog(): ChildProcess {
  return spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" });
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
const load = () => loadavg().map((n) => n.toFixed(2)).join(" ");
const verdicts: string[] = [];
function verdict(name: string, measured: string, pass: boolean): void {
  verdicts.push(`${pass ? "PASS" : "FAIL"}  ${name}: ${measured}`);
}

function describeLatency(label: string, run: LatencyRun, seconds = SECONDS): string {
  return (
    `${label}: ${fmt(run.offered)} msg/s offered for ${seconds} s: p50 ${run.p50.toFixed(1)} ms, p99 ${run.p99.toFixed(1)} ms, ` +
    `max ${run.max.toFixed(1)} ms, ${run.cpuPerMessage.toFixed(3)} ms server CPU/message, at most ${run.maxInFlight} publishes in flight`
  );
}

async function main(): Promise<void> {
  const guard = setTimeout(() => {
    console.error("benchmark exceeded its time budget");
    process.exit(1);
  }, 6 * DEADLINE_MS);
  guard.unref();
  console.log(`load average before: ${load()}`);
  const raw = await baseline();
  console.log(`bare node:http echo (autocannon, 32 connections, ${BASELINE_SECONDS} s): ${fmt(raw)} req/s (baseline)`);

  const server = await startServerProcess();
  const receiver = new Receiver({ currentSigningKey: server.currentSigningKey, nextSigningKey: server.nextSigningKey });
  const sink = await startSink(receiver);
  const client = new Client({ baseUrl: server.url, token: server.token, retry: false });
  let alone: LatencyRun;
  try {
    // Warm-up (JIT, sockets, key import), not counted.
    await client.batch(Array.from({ length: CHUNK }, (_, n) => entry(`${sink.url}/warmup`, n)));
    await sink.until(CHUNK);

    const rounds: { published: number; delivered: number }[] = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await throughput(client, sink));
    const best = rounds.reduce((a, b) => (b.delivered > a.delivered ? b : a));
    console.log(
      `batch throughput (${fmt(MESSAGES)} msgs, batch ${CHUNK}, ${PUBLISHERS} publishers, verified): ` +
        `${fmt(best.delivered)} deliveries/s = ${(best.delivered / raw).toFixed(2)}x baseline (rounds: ${rounds.map((r) => fmt(r.delivered)).join(", ")}); ` +
        `batch publish ${fmt(best.published)} msgs/s accepted`,
    );
    verdict("deliveries/s >= 0.25x bare echo", `${(best.delivered / raw).toFixed(2)}x`, best.delivered / raw >= 0.25);

    const warm = await latency(server, sink, WARMUP_SECONDS);
    console.log(describeLatency("warm-up, not counted", warm, WARMUP_SECONDS));
    alone = await latency(server, sink);
    console.log(describeLatency("latency, bare keep-alive publisher", alone));
    verdict(`p99 < 50 ms at ${fmt(RATE)} msg/s`, `${alone.p99.toFixed(1)} ms`, alone.p99 < 50);
    verdict("server CPU <= 0.3 ms/message", `${alone.cpuPerMessage.toFixed(3)} ms`, alone.cpuPerMessage <= 0.3);

    const hog = cpuHog();
    let loaded: LatencyRun;
    try {
      await new Promise((resolve) => setTimeout(resolve, 500));
      loaded = await latency(server, sink);
    } finally {
      hog.kill();
    }
    console.log(describeLatency("latency beside a CPU-bound process", loaded));
    verdict(`p99 < 50 ms at ${fmt(RATE)} msg/s beside a CPU-bound process`, `${loaded.p99.toFixed(1)} ms`, loaded.p99 < 50);

    await new Promise((resolve) => setTimeout(resolve, 500));
    const idleBefore = await server.cpuMs();
    await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
    const idle = ((await server.cpuMs()) - idleBefore) / IDLE_SECONDS;
    console.log(`idle: ${idle.toFixed(1)} ms of server CPU per second (${(idle / 10).toFixed(2)} % of a core)`);
    verdict("idle CPU ~0 (< 1 % of a core)", `${(idle / 10).toFixed(2)} %`, idle < 10);

    if (sink.failedVerification > 0) throw new Error(`${sink.failedVerification} deliveries failed verification`);
  } finally {
    await server.close();
    await sink.close();
  }

  const floorServer = await startServerProcess("./devserverFloorProcess.ts");
  const floorSink = await startSink(undefined);
  try {
    await latency(floorServer, floorSink, WARMUP_SECONDS);
    const floor = await latency(floorServer, floorSink);
    console.log(describeLatency("forwarding floor (node:http in, undici out, nothing else)", floor));
    console.log(
      `dev server CPU/message = ${(alone.cpuPerMessage / floor.cpuPerMessage).toFixed(2)}x the floor; ` +
        `${(alone.cpuPerMessage - floor.cpuPerMessage).toFixed(3)} ms/message is the dev server's own work`,
    );
  } finally {
    await floorServer.close();
    await floorSink.close();
  }
  console.log(`load average after: ${load()}`);
  console.log(verdicts.join("\n"));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
