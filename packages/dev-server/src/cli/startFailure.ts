/**
 * The message for a server that could not start, saying what to do about the usual causes.
 *
 * @param error - what `startDevServer` rejected with
 * @param port - the port it tried
 * @param portSource - where that port came from, for the message (`"--port"`, `"QSTASH_DEV_PORT"`, `"the default"`)
 * @returns one or two lines, newline-terminated
 * @example
 * ```ts
 * process.stderr.write(startFailureMessage(error, 8080, "the default"));
 * ```
 */
export function startFailureMessage(error: unknown, port: number, portSource: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const from = portSource === "--port" ? "" : ` (${portSource})`;
  if (code === "EADDRINUSE") {
    return (
      `port ${port}${from} is already in use: another dev server or app is listening there.\n` +
      `Stop it, choose another port with --port ${port === 65535 ? port - 1 : port + 1}, or let the system pick a free one with --port 0.\n`
    );
  }
  if (code === "EACCES") {
    return `not allowed to listen on port ${port}${from}: use a port above 1023, or --port 0 for any free one.\n`;
  }
  if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") {
    return `cannot listen on that host: it is not an address of this machine (try --host 127.0.0.1).\n`;
  }
  return `failed to start: ${error instanceof Error ? error.message : String(error)}\n`;
}
