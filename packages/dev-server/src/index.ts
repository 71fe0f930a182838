// Public entry of @stashkit/dev-server. Every export is listed by name.
export { startDevServer } from "./startDevServer.js";
export type { DevServer, DevServerOptions, DevServerLogger } from "./startDevServer.js";
export type { LogObject } from "./state/events.js";
export type { PublishResult } from "./engine/publisher.js";
export { ApiError } from "./apiError.js";
export { qstashBackoff } from "./engine/deliveryEngine.js";
export {
  DEFAULT_TOKEN,
  DEFAULT_CURRENT_SIGNING_KEY,
  DEFAULT_NEXT_SIGNING_KEY,
  DEFAULT_PORT,
  DEFAULT_HOST,
} from "./defaults.js";
