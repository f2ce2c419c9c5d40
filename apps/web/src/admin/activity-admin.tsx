import type { ApiClient, AuditEventJson, AuditQuery } from '@pgmcp/api-contract';
import { useCallback, useEffect, useState } from 'react';
import { errorMessage } from '../api/error-message.js';

/** Props of {@link ActivityAdmin}. */
export interface ActivityAdminProps {
  api: ApiClient;
  /** Records per page (default 50). */
  pageSize?: number;
}

/** The filters a person sets; empty strings mean "any". */
interface Filters {
  user: string;
  connection: string;
  outcome: '' | 'ok' | 'refused' | 'error';
  since: string;
  until: string;
}

const EMPTY: Filters = { user: '', connection: '', outcome: '', since: '7d', until: '' };

const SINCE_CHOICES = [
  ['1h', 'Last hour'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['3650d', 'Everything kept'],
] as const;

const OUTCOME_LABEL = { ok: 'ok', refused: 'refused', error: 'error' } as const;

/** The query for `filters` and a page ending before `before` (an ISO time; undefined: newest). */
function queryOf(filters: Filters, limit: number, before: string | undefined): AuditQuery {
  const until = before ?? (filters.until ? new Date(filters.until).toISOString() : undefined);
  return {
    since: filters.since,
    ...(until ? { until } : {}),
    ...(filters.user.trim() ? { user: filters.user.trim() } : {}),
    ...(filters.connection.trim() ? { connection: filters.connection.trim() } : {}),
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
    limit,
  };
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

function facts(event: AuditEventJson): string[] {
  const where = event.connection
    ? `${event.connection}${event.database ? `/${event.database}` : ''}`
    : undefined;
  return [
    where,
    event.token_id ? `token ${event.token_id}` : undefined,
    event.client_name
      ? `${event.client_name}${event.client_version ? ` ${event.client_version}` : ''}`
      : undefined,
    event.ip,
    event.rows !== undefined ? `${event.rows} row${event.rows === 1 ? '' : 's'}` : undefined,
    event.bytes !== undefined ? `${event.bytes} B` : undefined,
    event.duration_ms !== undefined ? `${Math.round(event.duration_ms * 10) / 10} ms` : undefined,
    event.target,
  ].filter((fact): fact is string => fact !== undefined);
}

function ActivityItem({ event, showUser }: { event: AuditEventJson; showUser: boolean }) {
  return (
    <li className={`activity-item activity-${event.outcome}`} data-outcome={event.outcome}>
      <div className="activity-head">
        <time dateTime={event.at}>{timeFormat.format(new Date(event.at))}</time>
        {showUser && event.username ? <span className="activity-user">{event.username}</span> : null}
        <span className="activity-action">{event.action}</span>
        <span className={`activity-outcome outcome-${event.outcome}`}>{OUTCOME_LABEL[event.outcome]}</span>
      </div>
      {event.reason ? (
        <p className="activity-reason">
          <strong>{event.outcome === 'refused' ? 'Refused: ' : 'Failed: '}</strong>
          {event.reason}
        </p>
      ) : null}
      {event.sql ? (
        <pre className="activity-sql">
          <code>{event.sql}</code>
        </pre>
      ) : event.sql_fingerprint ? (
        <p className="activity-fingerprint muted">
          SQL not kept (metadata mode) — fingerprint only: <code>{event.sql_fingerprint}</code>
        </p>
      ) : null}
      <p className="activity-facts muted">{facts(event).join(' · ')}</p>
    </li>
  );
}

/**
 * The Activity screen: the activity log newest first, filtered by user (administrators), connection,
 * outcome and time, in pages. Refused calls stand out with the reason the guard or a rule gave.
 * Everyone signed in sees it; the server answers a user's own records and administrators everyone's.
 */
export function ActivityAdmin({ api, pageSize = 50 }: ActivityAdminProps) {
  const [filters, setFilters] = useState<Filters>(EMPTY);
  /** `until` cursors of the pages before this one (newest first); the current page's is last. */
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [events, setEvents] = useState<AuditEventJson[]>([]);
  const [scope, setScope] = useState<'all' | 'own'>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);
  const before = cursors[cursors.length - 1];

  const load = useCallback(async () => {
    setLoading(true);
    try {
      // One more than a page says whether older records exist.
      const answer = await api.listAudit({ query: queryOf(filters, pageSize + 1, before) });
      setEvents(answer.events);
      setScope(answer.scope);
      setError(undefined);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setLoading(false);
    }
  }, [api, filters, pageSize, before]);
  useEffect(() => {
    void load();
  }, [load]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => {
    setFilters((f) => ({ ...f, [key]: value }));
    setCursors([undefined]);
  };
  const shown = events.slice(0, pageSize);
  const older = events.length > pageSize ? shown[shown.length - 1]?.at : undefined;

  return (
    <section className="admin-page pad" aria-labelledby="activity-title">
      <h2 id="activity-title">Activity</h2>
      <p className="muted">
        {scope === 'all'
          ? 'Every user’s MCP calls, logins, token and admin changes.'
          : 'Your MCP calls, logins and token changes.'}
      </p>
      <form className="activity-filters" aria-label="Filter activity" onSubmit={(e) => e.preventDefault()}>
        {scope === 'all' ? (
          <label className="field">
            <span>User</span>
            <input value={filters.user} placeholder="any" onChange={(e) => set('user', e.target.value)} />
          </label>
        ) : null}
        <label className="field">
          <span>Connection</span>
          <input
            value={filters.connection}
            placeholder="any"
            onChange={(e) => set('connection', e.target.value)}
          />
        </label>
        <label className="field">
          <span>Outcome</span>
          <select
            value={filters.outcome}
            onChange={(e) => set('outcome', e.target.value as Filters['outcome'])}
          >
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="refused">refused</option>
            <option value="error">error</option>
          </select>
        </label>
        <label className="field">
          <span>Since</span>
          <select value={filters.since} onChange={(e) => set('since', e.target.value)}>
            {SINCE_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Until</span>
          <input type="datetime-local" value={filters.until} onChange={(e) => set('until', e.target.value)} />
        </label>
      </form>
      {error ? (
        <p className="notice notice-error" role="alert">
          {error}
        </p>
      ) : null}
      {!error && !loading && shown.length === 0 ? <p className="muted">No activity matches.</p> : null}
      <ol className="activity-list" aria-label="Activity records" aria-busy={loading}>
        {shown.map((event) => (
          <ActivityItem key={event.id} event={event} showUser={scope === 'all'} />
        ))}
      </ol>
      <div className="modal-actions">
        <button
          type="button"
          className="button"
          disabled={cursors.length === 1 || loading}
          onClick={() => setCursors((c) => c.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          className="button"
          disabled={older === undefined || loading}
          onClick={() => older && setCursors((c) => [...c, older])}
        >
          Older
        </button>
      </div>
    </section>
  );
}
