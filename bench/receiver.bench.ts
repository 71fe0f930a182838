// Receiver verification throughput: stashkit's node:crypto path and Web Crypto path versus the
// official @upstash/qstash Receiver, same process, alternating rounds so that machine load
// affects every contender alike. Also a bare node:crypto floor (HMAC + SHA-256 + compare, no
// parsing) to show how close the fast path gets to the primitives.
//
//   npm run bench -- receiver
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { Receiver as OfficialReceiver } from "@upstash/qstash";
import { Receiver, createMemoryReplayStore } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";

const keys = { currentSigningKey: "sig_bench_current_0123456789abcdef", nextSigningKey: "sig_bench_next_0123456789abcdef" };
const url = "https://app.example.com/api/send-email";
const ROUNDS = 6;
const ROUND_MS = 400;

type Contender = { name: string; run: () => Promise<unknown> | unknown };

async function contenders(body: string): Promise<Contender[]> {
  const signature = await signDelivery({ key: keys.currentSigningKey, url, body, ttlSeconds: 3600 });
  const node = new Receiver({ ...keys, implementation: "node" });
  const webcrypto = new Receiver({ ...keys, implementation: "webcrypto" });
  const official = new OfficialReceiver(keys);
  const request = { signature, body, url };
  const floorKey = Buffer.from(keys.currentSigningKey);
  const [h, p, s] = signature.split(".") as [string, string, string];
  const signingInput = `${h}.${p}`;
  const expected = Buffer.from(s, "base64url");
  const bodyClaim = (JSON.parse(Buffer.from(p, "base64url").toString()) as { body: string }).body.replace(/=+$/, "");
  const floor = (): void => {
    const mac = createHmac("sha256", floorKey).update(signingInput).digest();
    if (!timingSafeEqual(mac, expected)) throw new Error("floor: bad mac");
    if (createHash("sha256").update(body).digest("base64url") !== bodyClaim) throw new Error("floor: bad body");
  };
  for (const r of [node, webcrypto, official]) await r.verify(request); // all must accept before timing
  const guarded = guardedContender(body);
  await guarded.run();
  return [
    { name: "official @upstash/qstash", run: () => official.verify(request) },
    { name: "stashkit node path", run: () => node.verify(request) },
    guarded,
    { name: "stashkit webcrypto path", run: () => webcrypto.verify(request) },
    { name: "node:crypto floor", run: floor },
  ];
}

// With a replay guard every token may verify once, so this contender gets a pool of distinct
// tokens, signed before timing; when the pool wraps, a fresh receiver and store take over
// (the store then holds up to the whole pool, as a busy production store would).
function guardedContender(body: string): Contender {
  const POOL = 200_000;
  const header = Buffer.from('{"alg":"HS256","typ":"JWT"}').toString("base64url");
  const bodyHash = `${createHash("sha256").update(body).digest("base64url")}=`;
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const pool: VerifyRequestOf[] = [];
  for (let i = 0; i < POOL; i++) {
    const claims = `{"iss":"Upstash","sub":"${url}","exp":${exp},"nbf":${exp - 3600},"iat":${exp - 3600},"jti":"jwt_bench${i}","body":"${bodyHash}"}`;
    const input = `${header}.${Buffer.from(claims).toString("base64url")}`;
    pool.push({ signature: `${input}.${createHmac("sha256", keys.currentSigningKey).update(input).digest("base64url")}`, body, url });
  }
  const fresh = () => new Receiver({ ...keys, implementation: "node", replayGuard: createMemoryReplayStore({ maxEntries: POOL }) });
  let receiver = fresh();
  let next = 0;
  return {
    name: "stashkit node path + replay guard",
    run: () => {
      if (next === POOL) {
        next = 0;
        receiver = fresh();
      }
      return receiver.verify(pool[next++]!);
    },
  };
}

type VerifyRequestOf = { signature: string; body: string; url: string };

async function timeRound(c: Contender): Promise<{ ops: number; ms: number }> {
  const start = performance.now();
  let ops = 0;
  let now = start;
  while (now - start < ROUND_MS) {
    for (let i = 0; i < 8; i++) await c.run();
    ops += 8;
    now = performance.now();
  }
  return { ops, ms: now - start };
}

async function bench(label: string, body: string): Promise<void> {
  const list = await contenders(body);
  for (const c of list) await timeRound({ ...c }); // warm-up
  const totals = new Map(list.map((c) => [c.name, { ops: 0, ms: 0 }]));
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no contender always runs right after GC-heavy work.
    for (let k = 0; k < list.length; k++) {
      const c = list[(k + round) % list.length]!;
      const { ops, ms } = await timeRound(c);
      const t = totals.get(c.name)!;
      t.ops += ops;
      t.ms += ms;
    }
  }
  const rate = (name: string) => {
    const t = totals.get(name)!;
    return (t.ops / t.ms) * 1000;
  };
  const baseline = rate("official @upstash/qstash");
  console.log(`\nbody ${label}`);
  for (const c of list) {
    const r = rate(c.name);
    console.log(`  ${c.name.padEnd(26)} ${r.toFixed(0).padStart(9)} ops/s   ${(r / baseline).toFixed(2)}x vs official`);
  }
}

const kib = "x".repeat(1024);
const mib = JSON.stringify({ data: "y".repeat(1024 * 1024 - 12) });
console.log(`Receiver.verify throughput, node ${process.version}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms`);
await bench("1 KiB", kib);
await bench("1 MiB", mib);
