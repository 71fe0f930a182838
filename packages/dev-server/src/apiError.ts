import { QStashError } from "@stashkit/core";

/**
 * A request to the dev server's API cannot be served. Routes throw it; the
 * HTTP layer turns it into `{"error": message}` with `status`.
 *
 * @example
 * ```ts
 * throw new ApiError(404, "queue not found");
 * ```
 */
export class ApiError extends QStashError {
  /** HTTP status sent to the caller. */
  readonly status: number;

  /**
   * @param status - HTTP status (400, 401, 404, 413, …).
   * @param message - Short fixed text; never echo tokens or keys.
   */
  constructor(status: number, message: string) {
    super(message, `ERR_DEV_SERVER_${status}`);
    this.name = "ApiError";
    this.status = status;
  }
}

/** Shorthand for a 400 naming the offending header or field. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

/** Shorthand for a 404 about a missing resource. */
export function notFound(what: string): ApiError {
  return new ApiError(404, `${what} not found`);
}
