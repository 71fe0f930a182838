// Public entry of @stashkit/next. Every export is listed by name.
export { route } from "./route.js";
export type { RouteHandlers } from "./route.js";
export { pagesRoute } from "./pagesRoute.js";
export type { PagesHandler } from "./pagesRoute.js";
export { BodyParserEnabledError } from "./bodyParserEnabledError.js";
