import type { AlertJson, AlertQueryParams, ApiClient } from '@pgmcp/api-contract';
import { type FormEvent, useCallback, useEffect, useId, useState } from 'react';
import { ErrorNotice } from '../admin/admin-parts.js';
import { useAction } from '../admin/use-action.js';
import type { MonitorFocus } from '../monitor/monitor-source.js';
import { Modal } from '../ui/modal.js';
import { relativeTime } from '../ui/relative-time.js';

/** Props of {@link AlertsView}. */
export interface AlertsViewProps {
  api: ApiClient;
  /** Connection names for the filter. */
  connections: readonly string[];
  /** "Monitor" on an alert: show the charts around its time. */
  onOpenMonitor: (focus: MonitorFocus) => void;
}

type Filters = Required<Pick<AlertQueryParams, 'status'>> & {
  connection: string;
  severity: '' | NonNullable<AlertQueryParams['severity']>;
  since: string;
};

const STATUSES = [
  ['active', 'Active'],
  ['acknowledged', 'Acknowledged'],
  ['cleared', 'Cleared'],
  ['all', 'All'],
] as const;
const SINCE = [
  ['', 'Any time'],
  ['24h', 'Last 24 hours'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
] as const;

/** Half an hour either side of an alert (until it cleared, or now). */
const MARGIN_MS = 30 * 60_000;

/** The window the Monitor view shows for `alert`. */
export function monitorFocus(alert: AlertJson, now = Date.now()): MonitorFocus {
  const from = Date.parse(alert.fired_at) - MARGIN_MS;
  const until = alert.cleared_at ? Date.parse(alert.cleared_at) + MARGIN_MS : now;
  return { connection: alert.connection_id, start: new Date(from), end: new Date(Math.min(until, now)) };
}

function queryOf(filters: Filters): AlertQueryParams {
  return {
    status: filters.status,
    ...(filters.connection ? { connection: filters.connection } : {}),
    ...(filters.severity ? { severity: filters.severity } : {}),
    ...(filters.since ? { since: filters.since } : {}),
  };
}

const dimsText = (dims: AlertJson['dims']) =>
  Object.entries(dims)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');

function AlertState({ alert }: { alert: AlertJson }) {
  if (alert.status === 'acknowledged')
    return (
      <>
        <span className="status-badge status-pending">acknowledged</span>
        <span className="cell-sub small" title={alert.acknowledged_at ?? undefined}>
          by {alert.acknowledged_by ?? 'someone'}
          {alert.acknowledged_at ? `, ${relativeTime(alert.acknowledged_at)}` : ''}
        </span>
        {alert.ack_note ? <span className="cell-sub small">“{alert.ack_note}”</span> : null}
      </>
    );
  if (alert.status === 'cleared')
    return (
      <>
        <span className="status-badge">cleared</span>
        {alert.cleared_at ? (
          <span className="cell-sub small" title={alert.cleared_at}>
            {relativeTime(alert.cleared_at)}
          </span>
        ) : null}
      </>
    );
  return <span className="status-badge status-disabled">firing</span>;
}

/** Asks for the note of an acknowledgement; the server records who and when. */
function AcknowledgeDialog({
  alert,
  api,
  onDone,
  onClose,
}: {
  alert: AlertJson;
  api: ApiClient;
  onDone: () => void;
  onClose: () => void;
}) {
  const [note, setNote] = useState('');
  const action = useAction();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void action
      .run(async () => {
        const trimmed = note.trim();
        await api.acknowledgeAlert({
          params: { id: String(alert.id) },
          body: trimmed ? { note: trimmed } : {},
        });
      })
      .then((ok) => ok && onDone());
  };
  return (
    <Modal title={`Acknowledge “${alert.message}”?`} onClose={onClose} initialFocus="textarea">
      <form onSubmit={submit} aria-label="Acknowledge the alert">
        <label className="field">
          <span>Note (what you are doing about it)</span>
          <textarea value={note} maxLength={2000} rows={3} onChange={(e) => setNote(e.target.value)} />
        </label>
        <ErrorNotice error={action.error} />
        <div className="modal-actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button primary" disabled={action.busy}>
            Acknowledge
          </button>
        </div>
      </form>
    </Modal>
  );
}

/**
 * The Alerts view: alerts of the connections the caller may use, open ones first, filtered by
 * connection, status, severity and age; acknowledging one takes a note, and "Monitor" opens the
 * charts around its time.
 */
export function AlertsView({ api, connections, onOpenMonitor }: AlertsViewProps) {
  const ids = useId();
  const [filters, setFilters] = useState<Filters>({
    status: 'active',
    connection: '',
    severity: '',
    since: '',
  });
  const [alerts, setAlerts] = useState<AlertJson[]>();
  const [acking, setAcking] = useState<AlertJson>();
  const action = useAction();
  const { run } = action;

  const load = useCallback(
    () =>
      run(async () => {
        setAlerts((await api.listAlerts({ query: queryOf(filters) })).alerts);
      }),
    [api, filters, run],
  );
  useEffect(() => {
    void load();
  }, [load]);

  const set = <K extends keyof Filters>(key: K, value: Filters[K]) =>
    setFilters((f) => ({ ...f, [key]: value }));

  return (
    <section className="alerts pad" aria-labelledby={`${ids}-title`} aria-busy={action.busy}>
      <div className="monitor-toolbar">
        <h2 id={`${ids}-title`}>Alerts</h2>
        <label className="inline-field">
          Connection
          <select value={filters.connection} onChange={(e) => set('connection', e.target.value)}>
            <option value="">All</option>
            {connections.map((name) => (
              <option key={name}>{name}</option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Status
          <select value={filters.status} onChange={(e) => set('status', e.target.value as Filters['status'])}>
            {STATUSES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-field">
          Severity
          <select
            value={filters.severity}
            onChange={(e) => set('severity', e.target.value as Filters['severity'])}
          >
            <option value="">Any</option>
            <option value="critical">critical</option>
            <option value="warning">warning</option>
            <option value="info">info</option>
          </select>
        </label>
        <label className="inline-field">
          Since
          <select value={filters.since} onChange={(e) => set('since', e.target.value)}>
            {SINCE.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button small" onClick={() => void load()} disabled={action.busy}>
          Refresh
        </button>
      </div>
      <ErrorNotice error={action.error} />
      {alerts && alerts.length === 0 ? <p className="muted">No alerts match.</p> : null}
      {alerts && alerts.length > 0 ? (
        <div className="table-scroll">
          <table className="admin-table stacked-table" aria-label="Alerts">
            <thead>
              <tr>
                <th>Severity</th>
                <th>Alert</th>
                <th>Connection</th>
                <th>Fired</th>
                <th>State</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {alerts.map((alert) => (
                <tr key={alert.id}>
                  <td data-label="Severity">
                    <span className={`badge severity-${alert.severity}`}>{alert.severity}</span>
                  </td>
                  <td data-label="Alert">
                    <span className="cell-title">{alert.message}</span>
                    <span className="alert-detail small muted">
                      {alert.rule_id}
                      {Object.keys(alert.dims).length > 0 ? ` · ${dimsText(alert.dims)}` : ''}
                      {alert.value !== null ? ` · value ${alert.value}` : ''}
                      {alert.threshold !== null ? ` (threshold ${alert.threshold})` : ''}
                    </span>
                  </td>
                  <td data-label="Connection">{alert.connection_id}</td>
                  <td data-label="Fired" title={alert.fired_at}>
                    {relativeTime(alert.fired_at)}
                    {alert.reopen_count > 0 ? (
                      <span className="cell-sub small muted">re-opened {alert.reopen_count}×</span>
                    ) : null}
                  </td>
                  <td data-label="State">
                    <AlertState alert={alert} />
                  </td>
                  <td className="row-actions">
                    {alert.status === 'firing' ? (
                      <button type="button" className="button small primary" onClick={() => setAcking(alert)}>
                        Acknowledge
                      </button>
                    ) : null}
                    <button
                      type="button"
                      className="button small"
                      onClick={() => onOpenMonitor(monitorFocus(alert))}
                    >
                      Monitor
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {acking ? (
        <AcknowledgeDialog
          alert={acking}
          api={api}
          onClose={() => setAcking(undefined)}
          onDone={() => {
            setAcking(undefined);
            void load();
          }}
        />
      ) : null}
    </section>
  );
}
