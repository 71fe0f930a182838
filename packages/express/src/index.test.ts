import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { defineDestination, InvalidOptionError } from "@stashkit/core";
import type { HandlerOptions } from "@stashkit/core";
import { signDelivery } from "@stashkit/core/testing";
import { rawBody, stashkit } from "@stashkit/express";

type Express = typeof express5;
type App = ReturnType<Express>;

const keys = { currentSigningKey: "sig_expressCurrent00000000000000", nextSigningKey: "sig_expressNext0000000000000000000" };
const body = '{"to":"ada@example.com","n":1}';

function destination(options: HandlerOptions = keys, path = "/api/send") {
  const errors: unknown[] = [];
  const definition = defineDestination({
    path,
    schema: z.object({ to: z.string(), n: z.number() }),
    ...options,
    onError: (error) => errors.push(error),
    handler: ({ payload }) => ({ got: payload }),
  });
  return { definition, errors };
}

const servers: Server[] = [];

async function start(app: App): Promise<string> {
  const server = app.listen(0, "127.0.0.1");
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function post(base: string, path = "/api/send", init: { type?: string; key?: string | null; signUrl?: string; payload?: string } = {}) {
  const payload = init.payload ?? body;
  let test = request(base).post(path).set("content-type", init.type ?? "application/json").set("upstash-message-id", "msg_1");
  if (init.key !== null) {
    const signature = await signDelivery({ key: init.key ?? keys.currentSigningKey, url: init.signUrl ?? `${base}${path}`, body: payload });
    test = test.set("upstash-signature", signature);
  }
  return test.send(payload);
}

const flavours: [string, Express][] = [
  ["Express 5", express5],
  ["Express 4", express4 as unknown as Express],
];

for (const [name, express] of flavours) {
  describe(`${name}: middleware order`, () => {
    it("stashkit before express.json(): the JSON routes after it still parse", async () => {
      const { definition } = destination();
      const app = express();
      app.use(stashkit(definition));
      app.use(express.json());
      app.post("/other", (req, res) => void res.json({ parsed: req.body }));
      const base = await start(app);
      const delivered = await post(base);
      expect(delivered.status).toBe(200);
      expect(delivered.body).toEqual({ got: { to: "ada@example.com", n: 1 } });
      const other = await request(base).post("/other").send({ a: 1 });
      expect(other.body).toEqual({ parsed: { a: 1 } });
    });

    it("express.json() before stashkit: 500 naming the fix, reported through onError", async () => {
      const { definition, errors } = destination();
      const app = express();
      app.use(express.json());
      app.use(stashkit(definition));
      const response = await post(await start(app));
      expect(response.status).toBe(500);
      expect(response.body.error).toContain("express.json({ verify: rawBody() })");
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: "ERR_BODY_ALREADY_PARSED" });
    });

    it("express.urlencoded() before stashkit: 500 naming that parser", async () => {
      const { definition, errors } = destination();
      const app = express();
      app.use(express.urlencoded({ extended: false }));
      app.use(stashkit(definition));
      const response = await post(await start(app), "/api/send", { type: "application/x-www-form-urlencoded", payload: "to=ada%40example.com&n=1" });
      expect(response.status).toBe(500);
      expect(response.body.error).toContain("express.urlencoded()");
      expect(errors[0]).toMatchObject({ code: "ERR_BODY_ALREADY_PARSED" });
    });

    it("express.json({ verify: rawBody() }) before stashkit: the captured bytes verify", async () => {
      const { definition } = destination();
      const app = express();
      app.use(express.json({ verify: rawBody() }));
      app.use(stashkit(definition));
      const response = await post(await start(app));
      expect(response.status).toBe(200);
    });

    it("express.json() before stashkit but not matching the content type: the stream is still unread", async () => {
      const { definition } = destination();
      const app = express();
      app.use(express.json());
      app.use(stashkit(definition));
      const response = await post(await start(app), "/api/send", { type: "text/plain" });
      expect(response.status).toBe(200);
    });

    it("express.raw() before stashkit: the Buffer is the exact bytes", async () => {
      const { definition } = destination();
      const app = express();
      app.use(express.raw({ type: "*/*" }));
      app.use(stashkit(definition));
      const response = await post(await start(app));
      expect(response.status).toBe(200);
    });

    it("express.text() with UTF-8 before stashkit: re-encoding is exact", async () => {
      const { definition } = destination();
      const app = express();
      app.use(express.text({ type: "*/*" }));
      app.use(stashkit(definition));
      const payload = '{"to":"zoë@example.com","n":2}';
      const response = await post(await start(app), "/api/send", { type: "application/json; charset=utf-8", payload });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ got: { to: "zoë@example.com", n: 2 } });
    });

    it("express.text() with another charset before stashkit: 500, bytes cannot be rebuilt", async () => {
      const { definition, errors } = destination();
      const app = express();
      app.use(express.text({ type: "*/*" }));
      app.use(stashkit(definition));
      const response = await post(await start(app), "/api/send", { type: "text/plain; charset=latin1" });
      expect(response.status).toBe(500);
      expect(errors[0]).toMatchObject({ code: "ERR_BODY_ALREADY_PARSED" });
    });

    it("express.text({ verify: rawBody() }) with another charset: the captured bytes verify", async () => {
      const { definition } = destination();
      const app = express();
      app.use(express.text({ type: "*/*", verify: rawBody() }));
      app.use(stashkit(definition));
      const response = await post(await start(app), "/api/send", { type: "text/plain; charset=latin1" });
      expect(response.status).toBe(200);
    });
  });

  describe(`${name}: routing and options`, () => {
    it("matches the full path when mounted under a prefix and verifies the original URL", async () => {
      const { definition } = destination();
      const app = express();
      app.use("/api", stashkit(definition));
      const response = await post(await start(app));
      expect(response.status).toBe(200);
    });

    it("passes other methods and paths to the next middleware", async () => {
      const { definition } = destination();
      const app = express();
      app.use(stashkit(definition));
      app.get("/api/send", (_req, res) => void res.send("get route"));
      const base = await start(app);
      expect((await request(base).get("/api/send")).text).toBe("get route");
      expect((await request(base).post("/api/unknown").send("{}")).status).toBe(404);
    });

    it("413 over maxBodyBytes given to the adapter, before verification", async () => {
      const { definition } = destination();
      const app = express();
      app.use(stashkit(definition, { maxBodyBytes: 10 }));
      const response = await post(await start(app), "/api/send", { key: null });
      expect(response.status).toBe(413);
    });

    it("413 over maxBodyBytes also when express.raw() kept a Buffer", async () => {
      const { definition } = destination({ ...keys, maxBodyBytes: 10 });
      const app = express();
      app.use(express.raw({ type: "*/*" }));
      app.use(stashkit(definition));
      const response = await post(await start(app));
      expect(response.status).toBe(413);
    });

    it("missing signing keys: 500 and a loud ERR_MISSING_SIGNING_KEYS, never accepting the delivery", async () => {
      const saved = [process.env["QSTASH_CURRENT_SIGNING_KEY"], process.env["QSTASH_NEXT_SIGNING_KEY"]];
      delete process.env["QSTASH_CURRENT_SIGNING_KEY"];
      delete process.env["QSTASH_NEXT_SIGNING_KEY"];
      try {
        const { definition, errors } = destination({});
        const app = express();
        app.use(stashkit(definition));
        const response = await post(await start(app));
        expect(response.status).toBe(500);
        expect(response.body).toMatchObject({ code: "ERR_MISSING_SIGNING_KEYS" });
        expect(errors[0]).toMatchObject({ code: "ERR_MISSING_SIGNING_KEYS", name: "MissingSigningKeysError" });
      } finally {
        if (saved[0] !== undefined) process.env["QSTASH_CURRENT_SIGNING_KEY"] = saved[0];
        if (saved[1] !== undefined) process.env["QSTASH_NEXT_SIGNING_KEY"] = saved[1];
      }
    });

    it("reads the environment keys lazily, on the first request", async () => {
      const saved = [process.env["QSTASH_CURRENT_SIGNING_KEY"], process.env["QSTASH_NEXT_SIGNING_KEY"]];
      const { definition } = destination({});
      process.env["QSTASH_CURRENT_SIGNING_KEY"] = keys.currentSigningKey;
      process.env["QSTASH_NEXT_SIGNING_KEY"] = keys.nextSigningKey;
      try {
        const app = express();
        app.use(stashkit(definition));
        expect((await post(await start(app))).status).toBe(200);
      } finally {
        process.env["QSTASH_CURRENT_SIGNING_KEY"] = saved[0];
        process.env["QSTASH_NEXT_SIGNING_KEY"] = saved[1];
        if (saved[0] === undefined) delete process.env["QSTASH_CURRENT_SIGNING_KEY"];
        if (saved[1] === undefined) delete process.env["QSTASH_NEXT_SIGNING_KEY"];
      }
    });

    it("dangerouslySkipSignatureVerification accepts unsigned deliveries; the default refuses them", async () => {
      const { definition } = destination({ dangerouslySkipSignatureVerification: true });
      const { definition: safe } = destination(keys, "/api/safe");
      const app = express();
      app.use(stashkit([definition, safe]));
      const base = await start(app);
      expect((await post(base, "/api/send", { key: null })).status).toBe(200);
      expect((await post(base, "/api/safe", { key: null })).status).toBe(401);
    });

    it("publicBaseUrl: verifies against the public origin QStash called", async () => {
      const { definition } = destination();
      const app = express();
      app.use(stashkit(definition, { publicBaseUrl: "https://app.example.com" }));
      const base = await start(app);
      const good = await post(base, "/api/send", { signUrl: "https://app.example.com/api/send" });
      expect(good.status).toBe(200);
      const local = await post(base, "/api/send");
      expect(local.status).toBe(401);
      expect(local.body.reason).toBe("url_mismatch");
    });

    it("trustProxy: rebuilds the public URL from X-Forwarded-Proto/Host", async () => {
      const { definition } = destination();
      const app = express();
      app.use(stashkit(definition, { trustProxy: true }));
      const base = await start(app);
      const url = "https://hooks.example.com/api/send";
      const signature = await signDelivery({ key: keys.currentSigningKey, url, body });
      const response = await request(base)
        .post("/api/send")
        .set("content-type", "application/json")
        .set("x-forwarded-proto", "https")
        .set("x-forwarded-host", "hooks.example.com")
        .set("upstash-signature", signature)
        .send(body);
      expect(response.status).toBe(200);
    });

    it("refuses a duplicate path and a non-definition at mount time", () => {
      const { definition } = destination();
      expect(() => stashkit([definition, definition])).toThrow(InvalidOptionError);
      expect(() => stashkit({} as never)).toThrow(InvalidOptionError);
    });
  });
}
