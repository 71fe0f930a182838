import { createHash } from "node:crypto";
import { badRequest } from "../apiError.js";

/** What `Upstash-Redact-Fields` hides from the logs and management API. */
export interface Redaction {
  body: boolean;
  allHeaders: boolean;
  /** Lower-cased header names (forwarded names, with or without `Upstash-Forward-`). */
  headers: Set<string>;
}

const TOKEN = /^(body|headers?)(?:\[([^\]]+)\])?$/i;

/**
 * Parses `Upstash-Redact-Fields`: `body`, `header`/`headers` (all headers) and
 * `header[Name]`/`headers[Name]`, comma-separated, spaces optional.
 *
 * @param value - Header text, if present.
 * @returns The redaction, or `undefined` when nothing is redacted.
 * @throws ApiError (400) naming the header for an unknown field.
 * @example
 * ```ts
 * parseRedactFields("body, header[Authorization]");
 * ```
 */
export function parseRedactFields(value: string | undefined): Redaction | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const redaction: Redaction = { body: false, allHeaders: false, headers: new Set() };
  for (const raw of value.split(",")) {
    const token = raw.trim();
    if (token === "") continue;
    const match = TOKEN.exec(token);
    if (match === null) throw badRequest("invalid Upstash-Redact-Fields header: expected body, header or header[Name]");
    const [, field, name] = match;
    if (field!.toLowerCase() === "body") {
      if (name !== undefined) throw badRequest("invalid Upstash-Redact-Fields header: body takes no name");
      redaction.body = true;
    } else if (name === undefined) redaction.allHeaders = true;
    else redaction.headers.add(name.trim().toLowerCase());
  }
  return redaction;
}

function redacted(data: Buffer | string): string {
  return `REDACTED:${createHash("sha256").update(data).digest("hex")}`;
}

/**
 * The body as the API shows it: `REDACTED:<sha256 hex>` when redacted.
 * @param body - Raw body.
 * @param redaction - The message's redaction, if any.
 */
export function redactedBody(body: Buffer, redaction: Redaction | undefined): string | undefined {
  return redaction?.body ? redacted(body) : undefined;
}

function isRedactedHeader(name: string, redaction: Redaction): boolean {
  if (redaction.allHeaders) return true;
  const lower = name.toLowerCase();
  return redaction.headers.has(lower) || redaction.headers.has(lower.replace(/^upstash-forward-/, ""));
}

/**
 * Headers as the API shows them, with redacted values replaced.
 * @param header - Canonical name → values.
 * @param redaction - The message's redaction, if any.
 */
export function redactHeaders(
  header: Record<string, string[]>,
  redaction: Redaction | undefined,
): Record<string, string[]> {
  if (redaction === undefined || (!redaction.allHeaders && redaction.headers.size === 0)) return header;
  const out: Record<string, string[]> = {};
  for (const [name, values] of Object.entries(header)) {
    out[name] = isRedactedHeader(name, redaction) ? values.map(redacted) : values;
  }
  return out;
}
