// The app's own QStash endpoints. Keys come from QSTASH_CURRENT_SIGNING_KEY and
// QSTASH_NEXT_SIGNING_KEY (read on the first delivery), as on Vercel or with `stashkit dev`.
import { defineCallback, defineDestination, defineFailureCallback, NonRetryableError } from "@stashkit/core";
import { z } from "zod";

const welcomeEmail = z.object({
  to: z.email(),
  name: z.string().min(1),
});

/** Sends the welcome email; QStash retries it on any 5xx. */
export const sendWelcomeEmail = defineDestination({
  path: "/api/send-welcome-email",
  schema: welcomeEmail,
  retries: 3,
  callback: "/api/on-welcome-delivered",
  failureCallback: "/api/on-welcome-failed",
  handler: async ({ payload, delivery }) => {
    if (payload.to.endsWith("@invalid.example")) throw new NonRetryableError("mailbox does not exist");
    console.log(`welcome email to ${payload.to} (message ${delivery.messageId}, attempt ${delivery.retried + 1})`);
    return { sent: true };
  },
});

/** Runs after each delivery attempt of `sendWelcomeEmail` that got an answer. */
export const onWelcomeDelivered = defineCallback({
  path: "/api/on-welcome-delivered",
  destination: sendWelcomeEmail,
  handler: ({ callback, sourcePayload }) => {
    // QStash reports every attempt, failed ones included: act on the one that succeeded.
    if (!callback.ok) {
      console.log(`welcome email to ${sourcePayload.to}: attempt ${callback.retried + 1} failed with ${callback.status}${callback.final ? " (no retry left)" : ""}`);
      return;
    }
    console.log(`welcome email to ${sourcePayload.to} answered ${callback.status}`);
  },
});

/** Runs once when `sendWelcomeEmail` finally fails (retries exhausted or 489). */
export const onWelcomeFailed = defineFailureCallback({
  path: "/api/on-welcome-failed",
  destination: sendWelcomeEmail,
  handler: ({ callback, sourcePayload }) => {
    console.error(`welcome email to ${sourcePayload.to} failed for good (DLQ ${callback.dlqId ?? "-"})`);
  },
});
