// The contract suite against @stashkit/express on real Express 4 and Express 5 apps.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express5 from "express";
import express4 from "express4";
import { afterAll, beforeAll, describe } from "vitest";
import { stashkit } from "@stashkit/express";
import { runContractSuite } from "./contractSuite.js";
import { contractDefinitions } from "./definitions.js";

const flavours = [
  ["Express 5", express5],
  ["Express 4", express4 as unknown as typeof express5],
] as const;

for (const [name, express] of flavours) {
  describe(name, () => {
    let server: Server;
    let baseUrl = "";

    beforeAll(async () => {
      const app = express();
      app.use(stashkit(contractDefinitions));
      server = app.listen(0, "127.0.0.1");
      await new Promise<void>((resolve) => server.once("listening", resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    runContractSuite(name, { baseUrl: () => baseUrl });
  });
}
