// The signature's URL binding under attack: a token signed for /api/hook, replayed to
// /api/admin/delete-all with a Host (or X-Forwarded-Host) crafted so that a URL built by
// concatenation would normalise back to /api/hook. Every host and option set must refuse it
// before the admin handler runs. Requests are raw HTTP so the Host header is exactly the
// attacker's.
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination } from "@stashkit/core";
import type { HandlerOptions } from "@stashkit/core";
import { handleNodeRequest } from "@stashkit/core/node";
import { signDelivery } from "@stashkit/core/testing";
import { stashkit } from "@stashkit/express";
import { CONTRACT_KEYS } from "./definitions.js";
import { crafted, rawPost } from "./urlAttack.js";

const HOOK = "/api/hook";
const ADMIN = "/api/admin/delete-all";
const BODY = '{"id":1}';

/** Which handlers ran, in order. */
const ran: string[] = [];

function definitions() {
  const define = (path: string) =>
    defineDestination({ path, schema: z.unknown(), ...CONTRACT_KEYS, replayGuard: false, handler: () => void ran.push(path) });
  return [define(HOOK), define(ADMIN)] as const;
}

type OptionSet = "default" | "publicBaseUrl" | "trustProxy";
type Host = (options: HandlerOptions) => (req: IncomingMessage, res: ServerResponse) => void;

// A fetch-native host the way many are written (@hono/node-server, hand-rolled Bun shims):
// it builds the Request URL by joining the Host header and the target, and routes on the
// raw target, so every crafted request reaches stashkit.
const fetchHost: Host = (options) => {
  const byPath = new Map(definitions().map((d) => [d.path, d]));
  return (req, res) => {
    const url = `http://${req.headers.host}${req.url}`;
    const definition = byPath.get((req.url ?? "/").split("?")[0] ?? "/");
    if (!definition) return void res.writeHead(404).end();
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const body = Readable.toWeb(req) as ReadableStream<Uint8Array>;
    let request: Request;
    try {
      request = new Request(url, { method: "POST", headers, body, duplex: "half" } as RequestInit);
    } catch {
      // Some crafted Hosts make the URL unparsable before stashkit is reached.
      return void res.writeHead(400).end();
    }
    void definition.handle(request, options).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers)).end(Buffer.from(await response.arrayBuffer()));
    });
  };
};

const nodeHost: Host = (options) => {
  const byPath = new Map(definitions().map((d) => [d.path, d]));
  return (req, res) => {
    const definition = byPath.get((req.url ?? "/").split("?")[0] ?? "/");
    if (!definition) return void res.writeHead(404).end();
    void handleNodeRequest(definition, req, res, options);
  };
};

const expressHost =
  (express: typeof express5): Host =>
  (options) => {
    const app = express();
    app.use(stashkit([...definitions()], options));
    return app as unknown as (req: IncomingMessage, res: ServerResponse) => void;
  };

const hosts: [string, Host][] = [
  ["node:http (handleNodeRequest)", nodeHost],
  ["Express 5", expressHost(express5)],
  ["Express 4", expressHost(express4 as unknown as typeof express5)],
  ["fetch host (handle(Request))", fetchHost],
];

for (const [hostName, host] of hosts) {
  describe(`URL binding on ${hostName}`, () => {
    const servers: Server[] = [];
    const ports: Record<OptionSet, number> = { default: 0, publicBaseUrl: 0, trustProxy: 0 };

    beforeAll(async () => {
      // One server per option set; publicBaseUrl must name the server's own origin, so the
      // port is reserved first and the handler attached once it is known.
      for (const set of Object.keys(ports) as OptionSet[]) {
        const server = createServer();
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        const port = (server.address() as AddressInfo).port;
        const options: HandlerOptions =
          set === "publicBaseUrl" ? { publicBaseUrl: `http://127.0.0.1:${port}` } : set === "trustProxy" ? { trustProxy: true } : {};
        server.on("request", host(options));
        ports[set] = port;
        servers.push(server);
      }
    });

    afterAll(async () => {
      await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    });

    async function attack(set: OptionSet, value: string): Promise<{ status: number; ran: string[] }> {
      const port = ports[set];
      const authority = `127.0.0.1:${port}`;
      const signature = await signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url: `http://${authority}${HOOK}`, body: BODY });
      const headers: Record<string, string> = { "content-type": "application/json", "upstash-signature": signature };
      if (set === "trustProxy") {
        headers["host"] = authority;
        headers["x-forwarded-host"] = value;
      } else {
        headers["host"] = value;
      }
      ran.length = 0;
      const status = await rawPost(port, ADMIN, headers, BODY);
      return { status, ran: [...ran] };
    }

    for (const set of Object.keys(ports) as OptionSet[]) {
      it(`${set}: the token works on its own route and is refused on another`, async () => {
        const port = ports[set];
        const own = `127.0.0.1:${port}`;
        const sign = () => signDelivery({ key: CONTRACT_KEYS.currentSigningKey, url: `http://${own}${HOOK}`, body: BODY });
        const headers = async () => ({ host: own, "content-type": "application/json", "upstash-signature": await sign() });
        ran.length = 0;
        expect(await rawPost(port, HOOK, await headers(), BODY)).toBe(200);
        expect(await rawPost(port, ADMIN, await headers(), BODY)).toBe(401);
        expect(ran).toEqual([HOOK]);
      });

      for (const [variant] of crafted("", HOOK)) {
        it(`${set}: a crafted ${set === "trustProxy" ? "X-Forwarded-Host" : "Host"} (${variant}) is a 400 and runs nothing`, async () => {
          const value = crafted(`127.0.0.1:${ports[set]}`, HOOK).find(([name]) => name === variant)?.[1] ?? "";
          if (set === "trustProxy" && value === "") return; // an empty forwarded host is simply absent
          const result = await attack(set, value);
          expect(result.ran).toEqual([]);
          expect(result.status).toBe(400);
        });
      }
    }
  });
}
