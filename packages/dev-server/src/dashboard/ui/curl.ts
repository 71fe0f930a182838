// "Copy as curl": the publish request that would create the same message again.

function headerName(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (match) => match.toUpperCase());
}

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** What the curl command is built from. */
export interface CurlInput {
  /** The server's origin, e.g. `http://127.0.0.1:8080`. */
  origin: string;
  token: string | undefined;
  destination: string;
  /** Configuration headers as published (lower-case names). */
  headers: Record<string, string>;
  /** The body as text, if it has one. */
  body: string | undefined;
}

/**
 * A POSIX-shell curl command that publishes the message again.
 * @param input - Server, token, destination, headers and body.
 * @example
 * ```ts
 * curlCommand({ origin, token, destination: "http://127.0.0.1:3000/hook", headers: {}, body: "{}" });
 * ```
 */
export function curlCommand(input: CurlInput): string {
  const parts = [`curl -X POST ${quote(`${input.origin}/v2/publish/${input.destination}`)}`];
  if (input.token !== undefined) parts.push(`-H ${quote(`Authorization: Bearer ${input.token}`)}`);
  for (const [name, value] of Object.entries(input.headers)) parts.push(`-H ${quote(`${headerName(name)}: ${value}`)}`);
  if (input.body !== undefined && input.body !== "") parts.push(`--data-binary ${quote(input.body)}`);
  return parts.join(" \\\n  ");
}
