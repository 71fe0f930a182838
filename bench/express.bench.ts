// Throughput of a stashkit destination (signature verified + zod schema) against bare routes
// that only read the raw body, on Express and on plain node:http; plus node:http calling the
// fetch-native `handle(Request)` to show what the raw entry saves. All servers run side by side
// in one child process, autocannon in this one; each request carries a freshly signed token
// because the replay guard (on by default) refuses a token it has seen.
//   npm run bench -- express        (BENCH_SECONDS=2, BENCH_ROUNDS=3 by default)
import { createServer } from "node:http";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { fork } from "node:child_process";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import express from "express";
import { z } from "zod";
import { defineDestination } from "@stashkit/core";
import { handleNodeRequest } from "@stashkit/core/node";
import { stashkit } from "@stashkit/express";

const KEYS = { currentSigningKey: "sig_benchCurrent0000000000000000", nextSigningKey: "sig_benchNext00000000000000000000" };
const BODY = JSON.stringify({ to: "ada@example.com", subject: "Welcome", tags: ["a", "b"], priority: 3 });
const SECONDS = Number(process.env["BENCH_SECONDS"] ?? 2);
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const VARIANTS = [
  "express-bare",
  "express-stashkit",
  "node-bare",
  "node-floor",
  "node-bridge",
  "node-bridge-unverified",
  "node-handle-request",
] as const;
type Variant = (typeof VARIANTS)[number];

const destination = defineDestination({
  path: "/hook",
  schema: z.object({ to: z.email(), subject: z.string(), tags: z.array(z.string()), priority: z.number().int() }),
  ...KEYS,
  handler: ({ payload }) => ({ ok: true, to: payload.to }),
});

// Same runtime without the HMAC check: separates stashkit's own overhead from the cost of
// verifying a signature, which every correct receiver pays.
const unverified = defineDestination({
  path: "/hook",
  schema: destination.schema,
  dangerouslySkipSignatureVerification: true,
  handler: ({ payload }) => ({ ok: true, to: payload.to }),
});

function readRaw(req: IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => done(Buffer.concat(chunks)));
}

function bareNode(req: IncomingMessage, res: ServerResponse): void {
  readRaw(req, (body) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok: true, bytes: body.length }));
  });
}

// The least any correct receiver must do on node:http: read the body, check the HMAC and the
// body hash with bare node:crypto, parse the JSON. No claims, no schema, no error mapping:
// the floor that the bridge's ratio should be read against.
function nodeFloor(req: IncomingMessage, res: ServerResponse): void {
  readRaw(req, (body) => {
    const token = String(req.headers["upstash-signature"]);
    const dot = token.lastIndexOf(".");
    const mac = createHmac("sha256", KEYS.currentSigningKey).update(token.slice(0, dot)).digest();
    const claims = JSON.parse(Buffer.from(token.slice(token.indexOf(".") + 1, dot), "base64url").toString()) as { body: string };
    const hash = createHash("sha256").update(body).digest("base64url");
    const ok = timingSafeEqual(mac, Buffer.from(token.slice(dot + 1), "base64url")) && claims.body.replace(/=+$/, "") === hash;
    const payload = JSON.parse(body.toString()) as { to: string };
    res.statusCode = ok ? 200 : 401;
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ ok, to: payload.to }));
  });
}

async function viaRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
  const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body, duplex: "half" } as RequestInit);
  const response = await destination.handle(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(await response.text());
}

function listener(variant: Variant): (req: IncomingMessage, res: ServerResponse) => void {
  if (variant === "express-bare") {
    const app = express();
    app.post("/hook", (req, res) => readRaw(req, (body) => void res.json({ ok: true, bytes: body.length })));
    return app;
  }
  if (variant === "express-stashkit") {
    const app = express();
    app.use(stashkit(destination));
    return app;
  }
  if (variant === "node-bare") return bareNode;
  if (variant === "node-floor") return nodeFloor;
  if (variant === "node-bridge") return (req, res) => void handleNodeRequest(destination, req, res);
  if (variant === "node-bridge-unverified") return (req, res) => void handleNodeRequest(unverified, req, res);
  return (req, res) => void viaRequest(req, res);
}

async function serveAll(): Promise<Record<Variant, number>> {
  const ports = {} as Record<Variant, number>;
  for (const variant of VARIANTS) {
    const server = createServer(listener(variant));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports[variant] = (server.address() as AddressInfo).port;
  }
  return ports;
}

// The replay guard is on, as it is by default, so every request carries a token of its own,
// signed here with bare node:crypto (a few µs). Every variant gets the same fresh tokens, so
// the client's share of the two cores is the same for all of them.
function tokenFactory(url: string): () => string {
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
  const bodyHash = `${createHash("sha256").update(BODY).digest("base64url")}=`;
  const iat = Math.floor(Date.now() / 1000);
  // Token ids are unique across variants too: the in-memory guard is shared by the process.
  const prefix = `jwt_${new URL(url).port}_`;
  let n = 0;
  return () => {
    const claims = `{"iss":"Upstash","sub":"${url}","exp":${iat + 3600},"nbf":${iat},"iat":${iat},"jti":"${prefix}${n++}","body":"${bodyHash}"}`;
    const input = `${header}.${Buffer.from(claims).toString("base64url")}`;
    return `${input}.${createHmac("sha256", KEYS.currentSigningKey).update(input).digest("base64url")}`;
  };
}

async function load(url: string, nextToken: () => string, seconds: number): Promise<{ rps: number; non2xx: number; total: number }> {
  const result = await autocannon({
    url,
    duration: seconds,
    connections: 16,
    requests: [
      {
        method: "POST",
        body: BODY,
        headers: { "content-type": "application/json", "upstash-message-id": "msg_bench" },
        setupRequest: (request) => ({ ...request, headers: { ...request.headers, "upstash-signature": nextToken() } }),
      },
    ],
  });
  return { rps: result.requests.average, non2xx: result.non2xx, total: result.requests.total };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

async function main(): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], { execArgv: ["--import", "tsx"] });
  const ports = await new Promise<Record<Variant, number>>((resolve) => child.once("message", resolve as (m: unknown) => void));
  // The servers' own CPU per request: on two cores the load generator can saturate first, and
  // then throughput ratios describe the client; CPU per request is what a server pays.
  const serverCpu = () =>
    new Promise<number>((resolve) => {
      child.once("message", (usage) => resolve((usage as { user: number; system: number }).user + (usage as { system: number }).system));
      child.send("cpu");
    });
  // Interleaved rounds, median per variant: the machine's load drifts, and a variant measured
  // only at a busy moment would skew its ratio.
  const samples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const cpuSamples = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>;
  const tokens = {} as Record<Variant, () => string>;
  for (const variant of VARIANTS) {
    const url = `http://127.0.0.1:${ports[variant]}/hook`;
    tokens[variant] = tokenFactory(url);
    await load(url, tokens[variant], 1); // warm-up: JIT, key import, connection pools
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const before = await serverCpu();
      const { rps: value, non2xx, total } = await load(`http://127.0.0.1:${ports[variant]}/hook`, tokens[variant], SECONDS);
      const cpuMicros = (await serverCpu()) - before;
      if (non2xx > 0) throw new Error(`${variant}: ${non2xx} non-2xx answers; the benchmark would measure errors`);
      samples[variant].push(value);
      cpuSamples[variant].push(cpuMicros / total);
    }
  }
  const rps = {} as Record<Variant, number>;
  const cpu = {} as Record<Variant, number>;
  for (const variant of VARIANTS) {
    rps[variant] = median(samples[variant]);
    cpu[variant] = median(cpuSamples[variant]);
    const all = samples[variant].map((x) => x.toFixed(0)).join(", ");
    console.log(
      `${variant.padEnd(22)} ${rps[variant].toFixed(0).padStart(8)} req/s  ${cpu[variant].toFixed(1).padStart(6)} µs server CPU/req  (rounds: ${all})`,
    );
  }
  // Capacity ratio: how many requests the wrapped server handles per CPU-second, relative to
  // the bare one (bare CPU/req ÷ wrapped CPU/req). Independent of how fast the client is.
  const capacity = (a: Variant, b: Variant) => (cpu[b] / cpu[a]).toFixed(3);
  console.log("");
  console.log(`server capacity, express: stashkit / bare      ${capacity("express-stashkit", "express-bare")}  (target >= 0.85)`);
  console.log(`server capacity, node:http: bridge / bare      ${capacity("node-bridge", "node-bare")}`);
  console.log(`server capacity, node:http: bridge / floor     ${capacity("node-bridge", "node-floor")}`);
  console.log(`server capacity, node:http: no HMAC / bare     ${capacity("node-bridge-unverified", "node-bare")}  (stashkit's own overhead)`);
  const ratio = (a: Variant, b: Variant) => (rps[a] / rps[b]).toFixed(3);
  console.log("");
  console.log("throughput as the client saw it (client-bound when the ratios crowd around 1):");
  console.log(`express: stashkit / bare             ${ratio("express-stashkit", "express-bare")}`);
  console.log(`node:http: bridge / bare             ${ratio("node-bridge", "node-bare")}  (target >= 0.85)`);
  console.log(`node:http: floor (bare crypto) / bare ${ratio("node-floor", "node-bare")}  (what verifying costs at all)`);
  console.log(`node:http: bridge / floor            ${ratio("node-bridge", "node-floor")}`);
  console.log(`node:http: bridge, no HMAC / bare    ${ratio("node-bridge-unverified", "node-bare")}  (stashkit's own overhead)`);
  console.log(`node:http: handle(Request) / bare    ${ratio("node-handle-request", "node-bare")}`);
  console.log(`node:http: bridge / handle(Request)  ${ratio("node-bridge", "node-handle-request")}`);
  child.kill();
}

if (process.argv.includes("--serve")) {
  process.on("message", (message) => {
    if (message === "cpu") process.send?.(process.cpuUsage());
  });
  process.send?.(await serveAll());
} else {
  await main();
}
