// What `stashkit dev` prints once it listens: where, the dashboard, and the variables an app
// needs, written so that they can be pasted into a shell as they are.

/** The running server's public facts the banner shows. */
export interface BannerFacts {
  url: string;
  token: string;
  currentSigningKey: string;
  nextSigningKey: string;
}

/** Where a local app usually listens (`next dev`, the examples); only a hint to edit. */
const TYPICAL_APP_URL = "http://localhost:3000";

/**
 * The startup text. Its first line is the one the official SDK's dev mode waits for
 * ("running at"), so it must stay first and keep those words.
 *
 * @param server - URL, token and signing keys of the running server
 * @param appUrl - `STASHKIT_APP_URL` from the environment, when set
 * @returns the lines to print, newline-terminated
 * @example
 * ```ts
 * process.stdout.write(startupBanner(server, process.env.STASHKIT_APP_URL));
 * ```
 */
export function startupBanner(server: BannerFacts, appUrl?: string): string {
  const appHint = appUrl
    ? "# and your app's public origin (from your environment), which client.send publishes destination paths to:"
    : "# and your app's public origin, which client.send publishes destination paths to (use your app's port):";
  return [
    `QStash dev server running at ${server.url}`,
    `Dashboard: ${server.url}/`,
    "",
    'Paste into your shell (or, without "export ", into .env.local):',
    `export QSTASH_URL="${server.url}"`,
    `export QSTASH_TOKEN="${server.token}"`,
    `export QSTASH_CURRENT_SIGNING_KEY="${server.currentSigningKey}"`,
    `export QSTASH_NEXT_SIGNING_KEY="${server.nextSigningKey}"`,
    appHint,
    `export STASHKIT_APP_URL="${appUrl || TYPICAL_APP_URL}"`,
    "",
    "",
  ].join("\n");
}
