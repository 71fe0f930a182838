import { badRequest, notFound } from "../../apiError.js";
import { parseCron } from "../../protocol/cronExpression.js";
import { NAME_PATTERN } from "../../defaults.js";
import { checkDestination, parseDestination } from "../../protocol/destination.js";
import { bodyFields, listedHeader } from "../../state/message.js";
import { parsePublishHeaders } from "../../protocol/publishHeaders.js";
import type { RequestContext, Router } from "../router.js";
import type { Schedule } from "../../state/schedules.js";
import type { ServerContext } from "../../serverContext.js";

function toScheduleObject(schedule: Schedule): Record<string, unknown> {
  const { spec, body } = schedule;
  const flow = spec.flowControl;
  return {
    scheduleId: schedule.scheduleId,
    cron: schedule.cron.source,
    createdAt: schedule.createdAt,
    destination: schedule.destination,
    method: spec.method,
    header: listedHeader(spec),
    ...bodyFields(body, spec.redact),
    retries: spec.retries,
    delay: Math.round(spec.delayMs / 1000),
    callback: spec.callback?.url,
    failureCallback: spec.failureCallback?.url,
    callerIp: schedule.callerIp,
    callerIP: schedule.callerIp,
    isPaused: schedule.paused,
    queueName: schedule.queueName,
    flowControlKey: flow?.key,
    parallelism: flow?.parallelism,
    rate: flow?.rate,
    period: flow?.periodMs === undefined ? undefined : Math.round(flow.periodMs / 1000),
    retryDelayExpression: spec.retryDelay,
    label: spec.labels[0],
    labels: spec.labels.length > 0 ? spec.labels : undefined,
    lastScheduleTime: schedule.lastScheduleTime,
    nextScheduleTime: schedule.nextScheduleTime,
    lastScheduleStates: schedule.lastScheduleStates,
  };
}

function create(ctx: ServerContext, req: RequestContext) {
  const { destination, queryConfig } = parseDestination(req.rest, req.rawQuery);
  const headers = { ...queryConfig, ...req.headers };
  const cronText = headers["upstash-cron"];
  if (cronText === undefined || cronText.trim() === "") throw badRequest("Upstash-Cron header is required");
  const cron = parseCron(cronText);
  const scheduleId = headers["upstash-schedule-id"]?.trim() || undefined;
  if (scheduleId !== undefined && !NAME_PATTERN.test(scheduleId)) throw badRequest("invalid Upstash-Schedule-Id header");
  const queueName = headers["upstash-queue-name"]?.trim() || undefined;
  if (queueName !== undefined && !NAME_PATTERN.test(queueName)) throw badRequest("invalid Upstash-Queue-Name header");
  const rules = ctx.publisher.rules();
  checkDestination(destination, rules.isOwnUrl);
  const spec = parsePublishHeaders(headers, rules);
  const schedule = ctx.schedules.upsert({
    scheduleId,
    cron,
    destination,
    body: req.body,
    headers,
    spec,
    queueName,
    callerIp: req.callerIp,
  });
  return { body: { scheduleId: schedule.scheduleId } };
}

function setPaused(ctx: ServerContext, scheduleId: string, paused: boolean) {
  if (!ctx.schedules.setPaused(scheduleId, paused)) throw notFound("schedule");
  return {};
}

/** Schedule create, list, get, delete, pause and resume (wire spec 6.3). */
export function scheduleRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/v2/schedules", () => ({ body: ctx.schedules.list().map(toScheduleObject) }));
  router.add("GET", "/v2/schedules/:scheduleId", ({ params }) => {
    const schedule = ctx.schedules.get(params["scheduleId"]!);
    if (schedule === undefined) throw notFound("schedule");
    return { body: toScheduleObject(schedule) };
  });
  router.add("DELETE", "/v2/schedules/:scheduleId", ({ params }) => {
    if (!ctx.schedules.delete(params["scheduleId"]!)) throw notFound("schedule");
    return {};
  });
  // The SDK pauses with PATCH, the REST reference with POST: accept both.
  for (const action of ["pause", "resume"] as const) {
    router.add("PATCH|POST", `/v2/schedules/:scheduleId/${action}`, ({ params }) =>
      setPaused(ctx, params["scheduleId"]!, action === "pause"),
    );
  }
  router.add("POST", "/v2/schedules/*", (req) => create(ctx, req));
}
