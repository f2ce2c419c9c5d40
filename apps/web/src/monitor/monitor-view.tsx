import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { errorMessage } from '../api/error-message.js';
import { relativeTime } from '../ui/relative-time.js';
import { type ChartMarker, MetricChart } from './metric-chart.js';
import type {
  MonitoredConnection,
  MonitorFocus,
  MonitorSource,
  ProbeInfo,
  TimeWindow,
} from './monitor-source.js';
import { gapSecondsFor, PANELS, type PanelSpec, RANGES, type RangeId, REFRESH_CHOICES } from './panels.js';
import { chartLines } from './series.js';
import { LargestTables, TopQueries } from './monitor-tables.js';
import { type MonitorData, useAutoRefresh, useMonitorData } from './use-monitor-data.js';

/** Props of {@link MonitorView}. */
export interface MonitorViewProps {
  source: MonitorSource;
  /** The workspace's current connection: shown first when it is monitored. */
  preferred?: string | undefined;
  /** Charts redraw in the theme's colours. */
  theme: string;
  /** Show this connection over this window (a link from an alert); a new object applies again. */
  focus?: MonitorFocus | undefined;
}

/** How to get a connection monitored, for the empty state. */
function HowToMonitor() {
  return (
    <ul className="small">
      <li>
        In <strong>Admin → Connections</strong>, tick <strong>Monitored</strong> on a connection;
      </li>
      <li>
        or run <code>pgmcp connection update NAME --monitored</code>;
      </li>
      <li>
        or set <code>is_monitored: true</code> on it in <code>pgmcp.yaml</code>.
      </li>
    </ul>
  );
}

function Panel({
  panel,
  data,
  theme,
  markers,
}: {
  panel: PanelSpec;
  data: MonitorData;
  theme: string;
  markers: readonly ChartMarker[];
}) {
  const loaded = data.probes.get(panel.probe);
  const lines = useMemo(
    () =>
      chartLines(loaded?.answer?.series ?? [], panel.metrics, panel.rule, {
        gapSeconds: gapSecondsFor(loaded?.answer?.bucketSeconds ?? 60, loaded?.intervalS ?? 60),
        ...(panel.scale ? { scale: panel.scale } : {}),
      }),
    [loaded, panel],
  );
  return (
    <MetricChart
      title={panel.title}
      hint={panel.hint}
      unit={panel.unit}
      lines={lines}
      empty={loaded?.error ? `Could not load: ${loaded.error}` : panel.empty}
      theme={theme}
      markers={markers}
    />
  );
}

const eventTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The markers of the loaded events: alerts in the danger colour, other events in the warning one. */
function markersOf(events: MonitorData['events']): ChartMarker[] {
  return (events.rows ?? []).map((e) => ({
    x: Date.parse(e.at) / 1000,
    label: e.title,
    alert: e.type.startsWith('alert_'),
  }));
}

/** The legend of the charts' markers: every alert and event of the range, in time order. */
function ChartEvents({ events }: { events: MonitorData['events'] }) {
  return (
    <section className="monitor-events" aria-labelledby="monitor-events-title">
      <h3 id="monitor-events-title">Alerts and events in this range</h3>
      {events.error ? <p className="muted small">Could not load them: {events.error}</p> : null}
      {events.rows?.length === 0 ? <p className="muted small">None: the charts carry no markers.</p> : null}
      {events.rows && events.rows.length > 0 ? (
        <>
          <p className="muted small">
            Marked on the charts as dashed lines: <span className="marker-key alert">alerts</span>,{' '}
            <span className="marker-key event">other events</span>.
          </p>
          <ul className="monitor-event-list">
            {events.rows.map((e, i) => (
              <li key={`${e.at}:${i}`} className={e.type.startsWith('alert_') ? 'alert' : 'event'}>
                <time dateTime={e.at}>{eventTime.format(new Date(e.at))}</time> {e.title}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

/** `2026-01-31T14:05` in local time, as a datetime-local input holds it. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** From/to fields for a fixed window; Apply is offered once "from" is before "to". */
function CustomRange({
  initial,
  onApply,
}: {
  initial: TimeWindow | undefined;
  onApply: (window: TimeWindow) => void;
}) {
  const [from, setFrom] = useState(() => localInput(initial?.start ?? new Date(Date.now() - 3_600_000)));
  const [to, setTo] = useState(() => localInput(initial?.end ?? new Date()));
  const start = new Date(from);
  const end = new Date(to);
  const valid = !Number.isNaN(start.getTime()) && !Number.isNaN(end.getTime()) && start < end;
  return (
    <form
      className="monitor-custom"
      aria-label="Custom time range"
      onSubmit={(event) => {
        event.preventDefault();
        if (valid) onApply({ start, end });
      }}
    >
      <label className="inline-field">
        From
        <input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} />
      </label>
      <label className="inline-field">
        To
        <input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} />
      </label>
      <button type="submit" className="button small" disabled={!valid}>
        Apply
      </button>
      {valid ? null : <span className="small warning-text">“From” must be before “To”.</span>}
    </form>
  );
}

function CollectionStatus({ connection }: { connection: MonitoredConnection }) {
  const failing = connection.problems.filter((p) => p.status === 'error');
  const skipped = connection.problems.filter((p) => p.status === 'skipped');
  return (
    <details className="monitor-status">
      <summary>
        <span className={`dot ${connection.status === 'ok' ? 'ok' : 'warn'}`} aria-hidden="true" />
        Collection: {connection.status}
        {connection.lastCollectedAt
          ? `, last collected ${relativeTime(connection.lastCollectedAt)}`
          : ', nothing collected yet'}
        {` · ${connection.probesOk} probes ok, ${failing.length} failing, ${skipped.length} skipped`}
      </summary>
      {connection.message ? <p className="notice notice-warning small">{connection.message}</p> : null}
      {connection.problems.length === 0 ? (
        <p className="muted small">Every probe collected on its last run.</p>
      ) : (
        <ul className="monitor-problems">
          {connection.problems.map((p) => (
            <li key={p.probe}>
              <strong>{p.probe}</strong> <span className={`badge badge-${p.status}`}>{p.status}</span>{' '}
              <span className="small">{p.message}</span>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}

/**
 * The Monitor view: a monitored connection's charts over a time range (15 minutes to 30 days),
 * refreshed on demand or on a timer that pauses while the tab is hidden, with its collection
 * status, top queries and largest tables.
 */
export function MonitorView({ source, preferred, theme, focus }: MonitorViewProps) {
  const ids = useId();
  const [connections, setConnections] = useState<MonitoredConnection[]>();
  const [probes, setProbes] = useState<ProbeInfo[]>();
  const [failure, setFailure] = useState<string>();
  const [chosen, setChosen] = useState<string>();
  const [range, setRange] = useState<RangeId | 'custom'>('1h');
  const [custom, setCustom] = useState<TimeWindow>();
  const [refresh, setRefresh] = useState(30);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!focus) return;
    setChosen(focus.connection);
    setRange('custom');
    setCustom({ start: focus.start, end: focus.end });
  }, [focus]);

  const loadConnections = useCallback(async () => {
    try {
      const [listed, described] = await Promise.all([source.connections(), source.probes()]);
      setConnections(listed);
      setProbes((known) => known ?? described);
      setFailure(undefined);
    } catch (error) {
      setFailure(errorMessage(error));
    }
  }, [source]);
  useEffect(() => {
    void loadConnections();
  }, [loadConnections, tick]);

  const next = useCallback(() => setTick((t) => t + 1), []);
  useAutoRefresh(refresh, next);

  const connection =
    connections?.find((c) => c.name === chosen) ??
    connections?.find((c) => c.name === preferred) ??
    connections?.[0];
  const span = RANGES.find((r) => r.id === range)?.seconds;
  const window = useMemo(() => (span === undefined ? custom : { seconds: span }), [span, custom]);
  const { data, loading } = useMonitorData(source, connection?.id, window, probes, tick);
  const markers = useMemo(() => (data ? markersOf(data.events) : []), [data]);

  if (failure && !connections)
    return (
      <section className="monitor pad" aria-labelledby={`${ids}-title`}>
        <h2 id={`${ids}-title`}>Monitor</h2>
        <div className="notice notice-warning" role="alert">
          <p>Monitoring is not available: {failure}</p>
        </div>
      </section>
    );
  if (!connections) return <p className="muted pad">Loading the monitored connections…</p>;
  if (!connection)
    return (
      <section className="monitor pad" aria-labelledby={`${ids}-title`}>
        <h2 id={`${ids}-title`}>Monitor</h2>
        <div className="monitor-empty">
          <p>No connection you may use is monitored yet. To collect metrics from one:</p>
          <HowToMonitor />
          <p className="muted small">Charts appear about a minute after collection starts.</p>
        </div>
      </section>
    );

  return (
    <section className="monitor pad" aria-labelledby={`${ids}-title`} aria-busy={loading}>
      <div className="monitor-toolbar">
        <h2 id={`${ids}-title`}>Monitor</h2>
        <label className="inline-field">
          Connection
          <select value={connection.name} onChange={(e) => setChosen(e.target.value)}>
            {connections.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <div role="radiogroup" aria-label="Time range" className="segmented">
          {RANGES.map((r) => (
            <button
              key={r.id}
              type="button"
              role="radio"
              aria-checked={range === r.id}
              className={`button small ${range === r.id ? 'primary' : ''}`}
              onClick={() => setRange(r.id)}
            >
              {r.label}
            </button>
          ))}
          <button
            type="button"
            role="radio"
            aria-checked={range === 'custom'}
            className={`button small ${range === 'custom' ? 'primary' : ''}`}
            onClick={() => setRange('custom')}
          >
            Custom
          </button>
        </div>
        <label className="inline-field">
          Auto-refresh
          <select value={refresh} onChange={(e) => setRefresh(Number(e.target.value))}>
            {REFRESH_CHOICES.map((c) => (
              <option key={c.seconds} value={c.seconds}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" className="button small" onClick={next} disabled={loading}>
          {loading ? 'Loading…' : 'Refresh'}
        </button>
      </div>
      {range === 'custom' ? (
        <CustomRange key={custom?.start.getTime()} initial={custom} onApply={setCustom} />
      ) : null}
      <CollectionStatus connection={connection} />
      {data ? (
        <>
          <div className="monitor-grid">
            {PANELS.map((panel) => (
              <Panel key={panel.id} panel={panel} data={data} theme={theme} markers={markers} />
            ))}
          </div>
          <ChartEvents events={data.events} />
          <TopQueries result={data.topQueries} />
          <LargestTables result={data.tableSizes} />
        </>
      ) : (
        <p className="muted">Loading the charts…</p>
      )}
    </section>
  );
}
