// The app's QStash endpoints: one typed destination and its two callbacks.
// A producer elsewhere can `import type { sendEmail }` from here and still get a typed `send`.
import { z } from "zod";
import { defineCallback, defineDestination, defineFailureCallback, NonRetryableError } from "@stashkit/core";

/** Something that happened in a handler, for logs and the demo. */
export interface AppEvent {
  at: string;
  type: "delivered" | "attempt-failed" | "callback" | "failure-callback";
  detail: Record<string, unknown>;
}

const listeners = new Set<(event: AppEvent) => void>();

/** Subscribes to handler events; returns the unsubscribe function. */
export function onAppEvent(listener: (event: AppEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function emit(type: AppEvent["type"], detail: Record<string, unknown>): void {
  const event = { at: new Date().toISOString(), type, detail };
  for (const listener of listeners) listener(event);
}

export const emailSchema = z.object({
  to: z.email(),
  subject: z.string().min(1),
  /** Demo switch: fail this many first attempts with a 500 so QStash retries. */
  failAttempts: z.number().int().nonnegative().default(0),
});

export const sendEmail = defineDestination({
  path: "/api/send-email",
  schema: emailSchema,
  retries: 2,
  retryDelay: "1000 * (1 + retried)",
  callback: "/api/on-delivered",
  failureCallback: "/api/on-failed",
  handler: ({ payload, delivery }) => {
    if (payload.to.endsWith("@bounce.example")) throw new NonRetryableError("mailbox does not exist");
    if (delivery.retried < payload.failAttempts) {
      emit("attempt-failed", { messageId: delivery.messageId, retried: delivery.retried });
      throw new Error("smtp relay unavailable");
    }
    emit("delivered", { messageId: delivery.messageId, to: payload.to, retried: delivery.retried });
    return { sent: true, to: payload.to };
  },
});

export const onDelivered = defineCallback({
  path: "/api/on-delivered",
  destination: sendEmail,
  // QStash calls it after every attempt, failed ones included; `ok` and `final` tell them apart.
  handler: ({ callback, sourcePayload }) => {
    emit("callback", {
      status: callback.status,
      ok: callback.ok,
      final: callback.final,
      sourceMessageId: callback.sourceMessageId,
      to: sourcePayload.to,
      retried: callback.retried,
    });
  },
});

export const onFailed = defineFailureCallback({
  path: "/api/on-failed",
  destination: sendEmail,
  handler: ({ callback, sourcePayload }) => {
    emit("failure-callback", { status: callback.status, dlqId: callback.dlqId, to: sourcePayload.to });
  },
});

export const definitions = [sendEmail, onDelivered, onFailed] as const;
