// The producer side: a typed `client.send`. QSTASH_TOKEN and QSTASH_URL select the account
// or the local dev server (`npx stashkit dev` in this repository); STASHKIT_APP_URL is this app's public origin,
// against which the destination's path and its callbacks are resolved.
import { Client, PayloadValidationError } from "@stashkit/core";
import { sendWelcomeEmail } from "@/lib/jobs";

export async function POST(request: Request): Promise<Response> {
  const { email, name } = (await request.json()) as { email: string; name: string };
  // Created per request: `next build` evaluates this module without QSTASH_TOKEN set.
  const client = new Client();
  try {
    // The payload type comes from the destination's schema, and is validated before publishing;
    // the destination's declared retries and callbacks travel with it.
    const { messageId } = await client.send(sendWelcomeEmail, { to: email, name }, { label: "signup" });
    return Response.json({ queued: messageId }, { status: 202 });
  } catch (error) {
    if (error instanceof PayloadValidationError) return Response.json({ issues: error.issues }, { status: 400 });
    throw error;
  }
}
