import { useState } from "preact/hooks";
import { api } from "../api.js";
import { Notice } from "../components/parts.js";
import { dateTime } from "../format.js";
import { messageHref } from "../route.js";
import { runAction, useApiData } from "../useApiData.js";

/** A schedule as `GET /v2/schedules` lists it (the fields shown). */
interface Schedule {
  scheduleId: string;
  cron: string;
  destination: string;
  isPaused: boolean;
  nextScheduleTime?: number;
  lastScheduleTime?: number;
  lastScheduleStates?: Record<string, string>;
}

function LastStates({ states }: { states: Record<string, string> | undefined }) {
  const entries = Object.entries(states ?? {});
  if (entries.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="plain">
      {entries.map(([id, state]) => (
        <li key={id}>
          <span class={`badge last-${state.toLowerCase()}`}>{state}</span>{" "}
          <a href={messageHref(id)} class="mono">
            {id}
          </a>
        </li>
      ))}
    </ul>
  );
}

/** Schedules: pause or resume, trigger now, delete. */
export function SchedulesView() {
  const { data, error, reload } = useApiData<Schedule[]>("/v2/schedules", (change) => change.summary?.scheduleId !== undefined || change.state === "DELIVERED" || change.state === "FAILED");
  const [notice, setNotice] = useState<string | undefined>(undefined);
  const path = (id: string) => `/v2/schedules/${encodeURIComponent(id)}`;
  const act = (action: () => Promise<unknown>, done: string) => void runAction(action, done, reload).then(setNotice);
  const schedules = data ?? [];
  return (
    <section aria-labelledby="schedules-title">
      <div class="view-head">
        <h2 id="schedules-title">Schedules</h2>
        <p class="muted">{data === undefined ? "Loading…" : `${schedules.length} schedules`}</p>
      </div>
      {error !== undefined && <Notice tone="error" text={`Could not load schedules: ${error}`} />}
      <Notice text={notice} />
      {schedules.length === 0 ? (
        <p class="empty">No schedules. Create one with POST /v2/schedules/&lt;destination&gt; and an Upstash-Cron header.</p>
      ) : (
        <table class="grid" aria-label="Schedules">
          <thead>
            <tr>
              <th scope="col">Schedule</th>
              <th scope="col">Cron</th>
              <th scope="col">Destination</th>
              <th scope="col">Next run</th>
              <th scope="col">Last run</th>
              <th scope="col">Last status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {schedules.map((schedule) => {
              const id = schedule.scheduleId;
              const labelId = `schedule-${id}`;
              return (
                <tr key={id}>
                  <td id={labelId} class="mono">
                    {id}
                    {schedule.isPaused && <span class="badge">paused</span>}
                  </td>
                  <td class="mono">{schedule.cron}</td>
                  <td class="wrap">{schedule.destination}</td>
                  <td>{schedule.isPaused ? "paused" : schedule.nextScheduleTime === undefined ? "—" : dateTime(schedule.nextScheduleTime)}</td>
                  <td>{schedule.lastScheduleTime === undefined ? "never" : dateTime(schedule.lastScheduleTime)}</td>
                  <td>
                    <LastStates states={schedule.lastScheduleStates} />
                  </td>
                  <td class="row-actions">
                    {schedule.isPaused ? (
                      <button type="button" aria-describedby={labelId} onClick={() => act(() => api("POST", `${path(id)}/resume`), `Resumed ${id}.`)}>
                        Resume
                      </button>
                    ) : (
                      <button type="button" aria-describedby={labelId} onClick={() => act(() => api("POST", `${path(id)}/pause`), `Paused ${id}.`)}>
                        Pause
                      </button>
                    )}
                    <button
                      type="button"
                      aria-describedby={labelId}
                      onClick={() => act(() => api("POST", `/_stashkit/schedules/${encodeURIComponent(id)}/trigger`), `Triggered ${id}.`)}
                    >
                      Trigger now
                    </button>
                    <button type="button" aria-describedby={labelId} onClick={() => act(() => api("DELETE", path(id)), `Deleted ${id}.`)}>
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
