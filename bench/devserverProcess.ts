// The dev server in a process of its own for bench/devserver.bench.ts: it starts the built
// package (dist, what users run), sends its credentials to the parent over IPC, and answers
// "cpu" with its own process.cpuUsage(), so the benchmark charges the server only for what
// the server spends. Started with DEVSERVER_BENCH_PROF=<dir>, node writes a CPU profile there.
import { startDevServer } from "@stashkit/dev-server";

const dev = await startDevServer({ port: 0 });
process.send?.({ url: dev.url, token: dev.token, currentSigningKey: dev.currentSigningKey, nextSigningKey: dev.nextSigningKey });
process.on("message", (message: unknown) => {
  if (message === "cpu") process.send?.({ cpu: process.cpuUsage() });
  if (message === "close") void dev.close().then(() => process.exit(0));
});
