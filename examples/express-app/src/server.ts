// npm start -w @stashkit/example-express  (PORT, QSTASH_*_SIGNING_KEY, PUBLIC_BASE_URL from the environment)
import { createApp } from "./app.js";

const port = Number(process.env["PORT"] ?? 3000);
const { app } = createApp({
  ...(process.env["PUBLIC_BASE_URL"] ? { publicBaseUrl: process.env["PUBLIC_BASE_URL"] } : {}),
  onEvent: (event) => console.log(`[${event.type}]`, JSON.stringify(event.detail)),
});
app.listen(port, () => console.log(`example-express listening on http://localhost:${port}`));
