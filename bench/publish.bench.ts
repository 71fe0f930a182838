// Cost of building one publish request: stashkit's buildPublishRequest against a
// hand-written `new Request` carrying the same headers (the floor), and against
// the official @upstash/qstash client. The official client has no request
// builder of its own and no fetch option, so it is measured end to end with
// `globalThis.fetch` replaced by an in-process stub (it builds the Request a real
// fetch would, then answers with a canned Response; no network); stashkit gets
// the same stub for the like-for-like row. It measures the built package (dist/), what
// users install, like the other benches.
//
// Run: npm run bench -- publish   (or, after `npm run build`,
//   TSX_TSCONFIG_PATH=bench/tsconfig.json node --import tsx bench/publish.bench.ts [iterations])
import { Client as UpstashClient } from "@upstash/qstash";
import { buildPublishRequest, type PublishOptions } from "@stashkit/core";

const ITERATIONS = Number(process.argv[2] ?? 100_000);
const ROUNDS = 2;
const BASE = "http://127.0.0.1:8080";
const TOKEN = "bench-token";
const BODY = { orderId: 42, to: "ada@example.com", items: [1, 2, 3] };

delete process.env.QSTASH_DEV;
process.env.UPSTASH_DISABLE_TELEMETRY = "1";

// --- scenario 1: the documented enqueue example ---
const seed: PublishOptions = {
  baseUrl: BASE,
  token: TOKEN,
  queueName: "myQueue",
  destination: "https://www.example.com",
  method: "POST",
  retries: 3,
  headers: { "Custom-Header": "custom-value" },
  body: BODY,
};
const seedUrl = `${BASE}/v2/enqueue/myQueue/https://www.example.com`;
const seedHeaders = {
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  "upstash-method": "POST",
  "upstash-retries": "3",
  "upstash-forward-custom-header": "custom-value",
};

// --- scenario 2: most options at once ---
const full: PublishOptions = {
  baseUrl: BASE,
  token: TOKEN,
  destination: "https://example.com/api/send-email",
  body: BODY,
  method: "PUT",
  timeout: "30s",
  retries: 5,
  retryDelay: "max(1000, pow(2, retried) * 100)",
  delay: "1m",
  deduplicationId: "order-42",
  headers: { "X-Tenant": "acme", "X-Trace": "abc123" },
  callback: { url: "https://example.com/api/on-delivered", retries: 2, timeout: 10 },
  failureCallback: "https://example.com/api/on-failed",
  label: ["emails", "orders"],
  flowControl: { key: "tenant-acme", parallelism: 5, rate: 10, period: "1m" },
};
const fullUrl = `${BASE}/v2/publish/https://example.com/api/send-email`;
const fullHeaders = {
  authorization: `Bearer ${TOKEN}`,
  "content-type": "application/json",
  "upstash-method": "PUT",
  "upstash-timeout": "30s",
  "upstash-retries": "5",
  "upstash-retry-delay": "max(1000, pow(2, retried) * 100)",
  "upstash-delay": "60s",
  "upstash-deduplication-id": "order-42",
  "upstash-forward-x-tenant": "acme",
  "upstash-forward-x-trace": "abc123",
  "upstash-callback": "https://example.com/api/on-delivered",
  "upstash-callback-retries": "2",
  "upstash-callback-timeout": "10s",
  "upstash-failure-callback": "https://example.com/api/on-failed",
  "upstash-label": "emails,orders",
  "upstash-flow-control-key": "tenant-acme",
  "upstash-flow-control-value": "parallelism=5, rate=10, period=60s",
};

// --- the stub fetch shared by the end-to-end rows ---
const CANNED = '{"messageId":"msg_bench","url":"https://www.example.com"}';
function stubFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const request = input instanceof Request ? input : new Request(input, init);
  if (request.method !== "POST") throw new Error("unexpected method");
  return Promise.resolve(new Response(CANNED, { status: 200, headers: { "content-type": "application/json" } }));
}
globalThis.fetch = stubFetch as typeof fetch;

const official = new UpstashClient({ baseUrl: BASE, token: TOKEN, enableTelemetry: false });
const officialQueue = official.queue({ queueName: "myQueue" });

interface Case {
  name: string;
  run: () => unknown;
  async?: boolean;
}

async function runOnce(c: Case, n: number): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const start = process.hrtime.bigint();
  if (c.async) for (let i = 0; i < n; i++) await c.run();
  else for (let i = 0; i < n; i++) c.run();
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}

// Rounds are interleaved (A B C, A B C) so a burst of load from other processes
// hurts every row alike; each row keeps its best round.
async function measureAll(cases: Case[]): Promise<number[]> {
  for (const c of cases) await runOnce(c, Math.min(10_000, ITERATIONS));
  const best = cases.map(() => 0);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, c] of cases.entries()) best[i] = Math.max(best[i]!, await runOnce(c, ITERATIONS));
  }
  return best;
}

function format(opsPerSecond: number): string {
  return Math.round(opsPerSecond).toLocaleString("en-US").padStart(11);
}

async function table(title: string, cases: Case[]): Promise<void> {
  console.log(`\n${title} (${ITERATIONS.toLocaleString("en-US")} requests, best of ${ROUNDS})`);
  const results = await measureAll(cases);
  const baseline = results[0]!;
  cases.forEach((c, i) => {
    const ops = results[i]!;
    console.log(`  ${c.name.padEnd(58)} ${format(ops)} ops/s   ${(ops / baseline).toFixed(2)}x`);
  });
}

async function sanityCheck(): Promise<void> {
  // The rows must build the same thing, or the comparison means nothing.
  for (const [options, url, headers] of [
    [seed, seedUrl, seedHeaders],
    [full, fullUrl, fullHeaders],
  ] as const) {
    const ours = buildPublishRequest(options);
    if (ours.url !== url) throw new Error(`url differs: ${ours.url}`);
    const got = JSON.stringify(Object.fromEntries(ours.headers));
    const want = JSON.stringify(Object.fromEntries(new Headers(headers)));
    if (got !== want) throw new Error(`headers differ:\n${got}\n${want}`);
  }
}

await sanityCheck();

await table("Documented enqueue example (queue, retries, one forwarded header, JSON body)", [
  {
    name: "hand-written new Request (baseline)",
    run: () => new Request(seedUrl, { method: "POST", headers: seedHeaders, body: JSON.stringify(BODY) }),
  },
  { name: "stashkit buildPublishRequest", run: () => buildPublishRequest(seed) },
  {
    name: "hand-written new Request + stub fetch + json()",
    async: true,
    run: async () =>
      (await stubFetch(new Request(seedUrl, { method: "POST", headers: seedHeaders, body: JSON.stringify(BODY) }))).json(),
  },
  {
    name: "stashkit buildPublishRequest + stub fetch + json()",
    async: true,
    run: async () => (await stubFetch(buildPublishRequest(seed))).json(),
  },
  {
    name: "@upstash/qstash queue.enqueueJSON (stub fetch)",
    async: true,
    run: () =>
      officialQueue.enqueueJSON({
        url: "https://www.example.com",
        method: "POST",
        retries: 3,
        headers: { "Custom-Header": "custom-value" },
        body: BODY,
      }),
  },
]);

await table("Most options at once (callbacks, flow control, durations, retry expression, labels)", [
  {
    name: "hand-written new Request (baseline)",
    run: () => new Request(fullUrl, { method: "POST", headers: fullHeaders, body: JSON.stringify(BODY) }),
  },
  { name: "stashkit buildPublishRequest", run: () => buildPublishRequest(full) },
]);
