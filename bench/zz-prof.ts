import { createServer } from "node:http";
import { z } from "zod";
import { defineDestination } from "@stashkit/core";
import { handleNodeRequest } from "@stashkit/core/node";
const mode = process.argv[2];
const d = defineDestination({ path: "/hook", schema: z.object({ to: z.email(), subject: z.string(), tags: z.array(z.string()), priority: z.number().int() }), dangerouslySkipSignatureVerification: true, handler: ({ payload }) => ({ ok: true, to: payload.to }) });
const bare = (req: any, res: any) => { const c: Buffer[] = []; req.on("data", (x: Buffer) => c.push(x)); req.on("end", () => { res.setHeader("content-type", "application/json"); res.end(JSON.stringify({ ok: true, bytes: Buffer.concat(c).length })); }); };
const server = createServer(mode === "bare" ? bare : (req, res) => void handleNodeRequest(d, req, res)).listen(3999, "127.0.0.1");
setTimeout(() => server.close(() => process.exit(0)), 9000);
