// The forwarding floor for bench/devserver.bench.ts: the same transport as the dev server
// (a node:http server for publishes, undici's Agent for deliveries, keep-alive both ways) and
// nothing else: no validation, signing, queue, retries, timers or log. What it costs per
// message is what node:http plus undici cost on this machine, below which no design built on
// them can go; the benchmark measures it in the same run, the same way as the dev server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import type { Dispatcher } from "undici";

const PREFIX = "/v2/publish/";
const agent = new Agent({ connections: 256, pipelining: 1, keepAliveTimeout: 4000, keepAliveMaxTimeout: 4000, headersTimeout: 0, bodyTimeout: 0 });
const ignore: Dispatcher.DispatchHandlers = {
  onConnect() {},
  onHeaders: () => true,
  onData: () => true,
  onComplete() {},
  onError(error) {
    console.error(`floor delivery failed: ${error.message}`);
  },
};
let sent = 0;

const server = http.createServer({ keepAliveTimeout: 5000 }, (req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
    const url = new URL((req.url ?? "").slice(PREFIX.length));
    const id = `msg_${(sent += 1)}`;
    agent.dispatch({ origin: url.origin, path: url.pathname, method: "POST", headers: ["Content-Type", "application/json", "Upstash-Message-Id", id], body }, ignore);
    const text = `{"messageId":"${id}"}`;
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
  });
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ url: `http://127.0.0.1:${port}`, token: "floor", currentSigningKey: "", nextSigningKey: "" });
});
process.on("message", (message: unknown) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (message === "close") {
    server.closeAllConnections();
    void agent.close().finally(() => process.exit(0));
  }
});
