import type { ApiClient, BlackoutJson, CreateBlackout } from '@pgmcp/api-contract';
import { useDraft } from './use-draft.js';
import { useCallback, useEffect, useState } from 'react';
import { ErrorNotice } from './admin-parts.js';
import { useAction } from './use-action.js';

/** Props of {@link BlackoutsAdmin}. */
export interface BlackoutsAdminProps {
  api: ApiClient;
}

interface Draft {
  kind: 'one_off' | 'scheduled';
  connection: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  cron: string;
  durationMin: string;
  timeZone: string;
}

const EMPTY: Draft = {
  kind: 'one_off',
  connection: '',
  reason: '',
  startsAt: '',
  endsAt: '',
  cron: '0 2 * * 0',
  durationMin: '60',
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
};

/** A datetime-local value as ISO 8601 (the browser's time zone), or as typed when it is not a time. */
const isoOf = (local: string) => {
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? local : date.toISOString();
};

/** The body the server checks (and names the field it refuses). */
export function blackoutBody(draft: Draft): CreateBlackout {
  const common = {
    ...(draft.connection ? { connection_id: draft.connection } : {}),
    ...(draft.reason.trim() ? { reason: draft.reason.trim() } : {}),
  };
  if (draft.kind === 'one_off')
    return { ...common, starts_at: isoOf(draft.startsAt), ends_at: isoOf(draft.endsAt) };
  return {
    ...common,
    cron: draft.cron.trim(),
    duration_s: Math.round(Number(draft.durationMin) * 60),
    time_zone: draft.timeZone.trim(),
  };
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '?');

function schedule(b: BlackoutJson): string {
  if (b.kind === 'one_off') return `${when(b.starts_at)} – ${when(b.ends_at)}`;
  const minutes = Math.round((b.duration_s ?? 0) / 60);
  return `cron “${b.cron}” for ${minutes} min (${b.time_zone ?? 'UTC'})`;
}

function state(b: BlackoutJson) {
  if (b.ended_at) return <span className="status-badge">ended {when(b.ended_at)}</span>;
  return b.active ? (
    <span className="status-badge status-pending">in force</span>
  ) : (
    <span className="status-badge status-active">
      {b.kind === 'scheduled' ? 'scheduled' : 'upcoming or past'}
    </span>
  );
}

function BlackoutForm({
  connections,
  busy,
  error,
  onCreate,
}: {
  connections: readonly string[];
  busy: boolean;
  error: string | undefined;
  onCreate: (draft: Draft) => Promise<boolean>;
}) {
  const { draft, set, submit } = useDraft(EMPTY, onCreate);
  return (
    <form className="admin-form" onSubmit={submit} aria-label="Create a blackout">
      <h3>Create a blackout</h3>
      <p className="muted small">
        Rules do not fire during a blackout; its start and end go on the timeline.
      </p>
      <label className="field">
        <span>Connection</span>
        <select value={draft.connection} onChange={(e) => set('connection', e.target.value)}>
          <option value="">All connections</option>
          {connections.map((name) => (
            <option key={name}>{name}</option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>Reason</span>
        <input value={draft.reason} maxLength={500} onChange={(e) => set('reason', e.target.value)} />
      </label>
      <fieldset className="choice-group">
        <legend>When</legend>
        <label className="field check">
          <input type="radio" checked={draft.kind === 'one_off'} onChange={() => set('kind', 'one_off')} />
          <span>Once, from … to …</span>
        </label>
        <label className="field check">
          <input
            type="radio"
            checked={draft.kind === 'scheduled'}
            onChange={() => set('kind', 'scheduled')}
          />
          <span>On a schedule (cron)</span>
        </label>
      </fieldset>
      {draft.kind === 'one_off' ? (
        <>
          <label className="field">
            <span>Starts</span>
            <input
              type="datetime-local"
              value={draft.startsAt}
              onChange={(e) => set('startsAt', e.target.value)}
            />
          </label>
          <label className="field">
            <span>Ends</span>
            <input
              type="datetime-local"
              value={draft.endsAt}
              onChange={(e) => set('endsAt', e.target.value)}
            />
          </label>
        </>
      ) : (
        <>
          <label className="field">
            <span>Cron (minute hour day month weekday)</span>
            <input value={draft.cron} onChange={(e) => set('cron', e.target.value)} />
          </label>
          <label className="field">
            <span>Lasts (minutes)</span>
            <input
              inputMode="numeric"
              value={draft.durationMin}
              onChange={(e) => set('durationMin', e.target.value)}
            />
          </label>
          <label className="field">
            <span>Time zone</span>
            <input value={draft.timeZone} onChange={(e) => set('timeZone', e.target.value)} />
          </label>
        </>
      )}
      <ErrorNotice error={error} />
      <div className="modal-actions">
        <button type="submit" className="button primary" disabled={busy}>
          Create
        </button>
      </div>
    </form>
  );
}

/**
 * The Blackouts admin screen (manage_blackouts): blackouts newest first with whether they are in
 * force, a form to create a one-off or a scheduled one (cron in a time zone) for one connection or
 * all, and End.
 */
export function BlackoutsAdmin({ api }: BlackoutsAdminProps) {
  const [blackouts, setBlackouts] = useState<BlackoutJson[]>([]);
  const [connections, setConnections] = useState<string[]>([]);
  const action = useAction();
  const creating = useAction();
  const { run } = action;

  const load = useCallback(
    () => run(async () => setBlackouts((await api.listBlackouts()).blackouts)),
    [api, run],
  );
  useEffect(() => {
    void load();
    void run(async () => setConnections((await api.listConnections()).connections.map((c) => c.name)));
  }, [api, load, run]);

  const create = (draft: Draft) =>
    creating.run(async () => {
      await api.createBlackout({ body: blackoutBody(draft) });
      await load();
    });
  const end = (b: BlackoutJson) =>
    run(async () => {
      await api.endBlackout({ params: { id: String(b.id) } });
      await load();
    });

  return (
    <section className="admin-page pad" aria-labelledby="blackouts-title">
      <h2 id="blackouts-title">Blackouts</h2>
      <ErrorNotice error={action.error} />
      {blackouts.length === 0 ? <p className="muted">No blackouts yet.</p> : null}
      {blackouts.length > 0 ? (
        <div className="table-scroll">
          <table className="admin-table stacked-table" aria-label="Blackouts">
            <thead>
              <tr>
                <th>Connection</th>
                <th>When</th>
                <th>Reason</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {blackouts.map((b) => (
                <tr key={b.id}>
                  <td data-label="Connection">{b.connection_id ?? 'all connections'}</td>
                  <td data-label="When">{schedule(b)}</td>
                  <td data-label="Reason">
                    {b.reason || <span className="muted">—</span>}
                    {b.created_by ? <span className="cell-sub small muted">by {b.created_by}</span> : null}
                  </td>
                  <td data-label="State">{state(b)}</td>
                  <td className="row-actions">
                    {b.ended_at ? null : (
                      <button
                        type="button"
                        className="button small"
                        aria-label={`End blackout ${b.id}`}
                        disabled={action.busy}
                        onClick={() => void end(b)}
                      >
                        End
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <BlackoutForm connections={connections} busy={creating.busy} error={creating.error} onCreate={create} />
    </section>
  );
}
