import { api } from "../api.js";
import { PauseButton, ResourceView, RowButton } from "../components/ResourceView.js";
import { dateTime } from "../format.js";
import { messageHref } from "../route.js";
import { useActions, useApiData } from "../useApiData.js";

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
  const { notice, run: act } = useActions(reload);
  const path = (id: string) => `/v2/schedules/${encodeURIComponent(id)}`;
  const schedules = data ?? [];
  return (
    <ResourceView
      id="schedules-title"
      title="Schedules"
      summary={data === undefined ? "Loading…" : `${schedules.length} schedules`}
      error={error === undefined ? undefined : `Could not load schedules: ${error}`}
      notice={notice}
      empty={schedules.length === 0 ? "No schedules. Create one with POST /v2/schedules/<destination> and an Upstash-Cron header." : undefined}
    >
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
                    <PauseButton
                      paused={schedule.isPaused}
                      describedBy={labelId}
                      onClick={() =>
                        act(() => api("POST", `${path(id)}/${schedule.isPaused ? "resume" : "pause"}`), `${schedule.isPaused ? "Resumed" : "Paused"} ${id}.`)
                      }
                    />
                    <RowButton
                      label="Trigger now"
                      describedBy={labelId}
                      onClick={() => act(() => api("POST", `/_stashkit/schedules/${encodeURIComponent(id)}/trigger`), `Triggered ${id}.`)}
                    />
                    <RowButton label="Delete" describedBy={labelId} onClick={() => act(() => api("DELETE", path(id)), `Deleted ${id}.`)} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
    </ResourceView>
  );
}
