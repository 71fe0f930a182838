import { badRequest } from "../../apiError.js";

/**
 * Parses a JSON request body; an empty body is `undefined`.
 * @throws ApiError (400) when the body is not JSON.
 */
export function jsonBody(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("request body is not valid JSON");
  }
}
