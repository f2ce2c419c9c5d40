import type { MetricsConnection, MetricsResult, TopQueries } from '@pgmcp/api-contract';
import { act, fireEvent, render, renderHook, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFakeApi } from '../testing/fakes.js';
import type { FakeCall, FakeHandlers } from '../testing/fake-server.js';
import { FakeRefusal } from '../testing/fake-server.js';
import { markersAt } from './metric-chart.js';
import { MonitorArea } from './monitor-area.js';
import { useAutoRefresh } from './use-monitor-data.js';

const NO_DIMS = { database_name: '', schema_name: '', table_name: '', object_name: '' };

function connection(name: string, over: Partial<MetricsConnection> = {}): MetricsConnection {
  return {
    name,
    description: null,
    status: 'ok',
    message: null,
    last_collected_at: new Date().toISOString(),
    probes: { ok: 33, failing: 0, skipped: 0 },
    failing: [],
    skipped: [],
    ...over,
  };
}

/** Two points a minute apart ending now, with `values` each. */
function points(values: Record<string, number>) {
  const now = Date.now();
  return [now - 120_000, now - 60_000].map((ms) => ({ time: new Date(ms).toISOString(), values }));
}

function result(call: FakeCall, series: MetricsResult['series']): MetricsResult {
  return {
    connection: call.params.connection!,
    probe: call.params.probe!,
    time_start: call.query.time_start!,
    time_end: call.query.time_end!,
    bucket_seconds: 60,
    aggregation: 'avg',
    source: 'raw',
    metrics: [],
    series,
    truncated: false,
    query_text_hidden: false,
  };
}

/** The metrics routes of a server that collected a little of everything on `shop`. */
function metricsHandlers(
  options: { connections?: MetricsConnection[]; calls?: FakeCall[] } = {},
): FakeHandlers {
  const byProbe: Record<string, MetricsResult['series']> = {
    database_stats: [
      {
        dims: { ...NO_DIMS, database_name: 'shop' },
        points: points({ xact_commit: 5, xact_rollback: 0.5, blks_hit: 99, blks_read: 1, tup_fetched: 40 }),
      },
    ],
    activity_by_state: [
      { dims: { ...NO_DIMS, object_name: 'idle in transaction' }, points: points({ sessions: 2 }) },
    ],
    wal: [{ dims: NO_DIMS, points: points({ wal_bytes: 2048 }) }],
    table_sizes: [
      {
        dims: { ...NO_DIMS, database_name: 'shop', schema_name: 'public', table_name: 'orders' },
        points: points({
          total_bytes: 1536 * 1024,
          heap_bytes: 1024 * 1024,
          index_bytes: 512 * 1024,
          toast_bytes: 0,
        }),
      },
    ],
  };
  return {
    listProbes: () => ({
      probes: Object.keys(byProbe).map((name) => ({
        name,
        description: name,
        interval_s: 60,
        dims: [],
        columns: [],
        requirements: {
          min_version: null,
          max_version: null,
          extension: null,
          how_to_enable: null,
          privilege: null,
          local_only: false,
          summary: null,
        },
      })),
    }),
    listMetricsConnections: () => ({ connections: options.connections ?? [connection('shop')] }),
    queryMetrics: (call) => {
      options.calls?.push(call);
      return result(call, byProbe[call.params.probe!] ?? []);
    },
    getTimeline: (call) => {
      options.calls?.push(call);
      return {
        events: [
          {
            id: 2,
            connection_id: 'shop',
            at: new Date(Date.now() - 60_000).toISOString(),
            type: 'setting_changed',
            title: 'Setting work_mem changed from 4MB to 64MB',
            details: {},
            alert_id: null,
          },
          {
            id: 1,
            connection_id: 'shop',
            at: new Date(Date.now() - 120_000).toISOString(),
            type: 'alert_fired',
            title: 'Alert fired (warning): 2 sessions idle in transaction',
            details: {},
            alert_id: 7,
          },
        ],
      };
    },
    topQueries: (call): TopQueries => ({
      connection: call.params.connection!,
      time_start: call.query.time_start!,
      time_end: call.query.time_end!,
      source: 'raw',
      query_text_hidden: false,
      queries: [
        {
          queryid: '42',
          database_name: 'shop',
          query: 'select * from orders where id = $1',
          calls: 1200,
          total_time_ms: 2500,
          mean_time_ms: 2.08,
          rows: 1200,
          share: 0.75,
        },
      ],
    }),
  };
}

function renderMonitor(handlers: FakeHandlers, preferred?: string) {
  const api = createFakeApi({ authEnabled: false, handlers });
  return render(<MonitorArea api={api} preferred={preferred} theme="light" />);
}

afterEach(() => vi.useRealTimers());

describe('MonitorView', () => {
  it('draws the charts with units and latest values, gaps as empty states, the status, top queries and largest tables', async () => {
    renderMonitor(
      metricsHandlers({
        connections: [
          connection('shop', {
            probes: { ok: 31, failing: 1, skipped: 1 },
            failing: [{ probe: 'replication', message: 'permission denied for pg_stat_replication' }],
            skipped: [
              { probe: 'statements', message: 'pg_stat_statements is not installed: CREATE EXTENSION …' },
            ],
          }),
        ],
      }),
    );
    const tps = await screen.findByRole('list', { name: 'Transactions legend' });
    expect(tps.textContent).toBe('latestcommits 5/srollbacks 0.5/s');
    expect(
      screen.getByRole('img', { name: /^Transactions \(transactions\/s\), latest: commits 5\/s/ }),
    ).toBeTruthy();
    expect(screen.getByRole('list', { name: 'Cache hit ratio legend' }).textContent).toMatch(
      /hit ratio 99 %/,
    );
    expect(screen.getByRole('list', { name: 'WAL legend' }).textContent).toMatch(/WAL 2 KiB\/s/);
    expect(screen.getByRole('list', { name: 'Connections by state legend' }).textContent).toMatch(
      /idle in transaction 2/,
    );
    const replication = screen.getByRole('figure', { name: 'Replication lag' });
    expect(within(replication).getByText('No replicas are streaming from this server.')).toBeTruthy();

    const status = screen.getByText(/^Collection: ok/);
    expect(status.textContent).toMatch(/31 probes ok, 1 failing, 1 skipped/);
    expect(screen.getByText('permission denied for pg_stat_replication')).toBeTruthy();
    expect(screen.getByText(/pg_stat_statements is not installed/)).toBeTruthy();

    const top = screen.getByRole('region', { name: 'Top queries by total time' });
    const row = within(top).getByText('select * from orders where id = $1').closest('tr')!;
    expect(row.textContent).toMatch(/2\.5 s.*75 %.*1,200.*2\.08 ms/);
    const tables = screen.getByRole('region', { name: 'Largest tables' });
    expect(within(tables).getByText('public.orders').closest('tr')!.textContent).toMatch(
      /1\.5 MiB.*1 MiB.*512 KiB.*0 B/,
    );
  });

  it('asks for the picked range and connection, with buckets no narrower than the probe interval', async () => {
    const calls: FakeCall[] = [];
    const user = userEvent.setup();
    renderMonitor(metricsHandlers({ calls, connections: [connection('shop'), connection('crm')] }), 'crm');
    const picker = await screen.findByRole<HTMLSelectElement>('combobox', { name: 'Connection' });
    expect(picker.value).toBe('crm');
    await expect.poll(() => calls.length).toBeGreaterThan(0);
    const span = (c: FakeCall) => (Date.parse(c.query.time_end!) - Date.parse(c.query.time_start!)) / 1000;
    const stats = calls.find((c) => c.params.probe === 'database_stats')!;
    expect(stats.params.connection).toBe('crm');
    expect(span(stats)).toBe(3600);
    expect(stats.query.buckets).toBe('60');
    expect(stats.query.metrics!.split(',')).toEqual(
      expect.arrayContaining(['xact_commit', 'xact_rollback', 'blks_hit', 'blks_read', 'tup_deleted']),
    );
    expect(calls.find((c) => c.params.probe === 'table_sizes')!.query).toMatchObject({
      rank_by: 'total_bytes',
      max_series: '10',
      aggregation: 'last',
    });

    calls.length = 0;
    await user.click(screen.getByRole('radio', { name: '15 min' }));
    await expect.poll(() => calls.find((c) => c.params.probe === 'database_stats')).toBeTruthy();
    const short = calls.find((c) => c.params.probe === 'database_stats')!;
    expect(span(short)).toBe(900);
    expect(short.query.buckets).toBe('15');

    calls.length = 0;
    await user.selectOptions(picker, 'shop');
    await expect
      .poll(() => calls.find((c) => c.params.probe === 'database_stats')?.params.connection)
      .toBe('shop');
  });

  it('reads a custom from/to window, and refuses one that ends before it starts', async () => {
    const calls: FakeCall[] = [];
    const user = userEvent.setup();
    renderMonitor(metricsHandlers({ calls }));
    await user.click(await screen.findByRole('radio', { name: 'Custom' }));
    const form = screen.getByRole('form', { name: 'Custom time range' });
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: '2026-03-01T10:00' } });
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2026-03-01T09:00' } });
    expect(within(form).getByRole<HTMLButtonElement>('button', { name: 'Apply' }).disabled).toBe(true);
    expect(within(form).getByText('“From” must be before “To”.')).toBeTruthy();

    fireEvent.change(within(form).getByLabelText('To'), { target: { value: '2026-03-01T16:00' } });
    calls.length = 0;
    await user.click(within(form).getByRole('button', { name: 'Apply' }));
    await expect.poll(() => calls.find((c) => c.params.probe === 'database_stats')).toBeTruthy();
    const stats = calls.find((c) => c.params.probe === 'database_stats')!;
    expect(stats.query.time_start).toBe(new Date('2026-03-01T10:00').toISOString());
    expect(stats.query.time_end).toBe(new Date('2026-03-01T16:00').toISOString());
    expect(stats.query.buckets).toBe('150');
  });

  it('opens on the connection and window a link from an alert asks for', async () => {
    const calls: FakeCall[] = [];
    const api = createFakeApi({
      authEnabled: false,
      handlers: metricsHandlers({ calls, connections: [connection('shop'), connection('crm')] }),
    });
    const focus = {
      connection: 'crm',
      start: new Date('2026-03-01T09:30:00Z'),
      end: new Date('2026-03-01T11:30:00Z'),
    };
    render(<MonitorArea api={api} preferred="shop" theme="light" focus={focus} />);
    await expect.poll(() => calls.find((c) => c.params.probe === 'database_stats')).toBeTruthy();
    expect(calls.every((c) => (c.params.connection ?? c.query.connection) === 'crm')).toBe(true);
    const stats = calls.find((c) => c.params.probe === 'database_stats')!;
    expect([stats.query.time_start, stats.query.time_end]).toEqual([
      focus.start.toISOString(),
      focus.end.toISOString(),
    ]);
    expect(screen.getByRole('radio', { name: 'Custom' }).getAttribute('aria-checked')).toBe('true');
    const form = screen.getByRole('form', { name: 'Custom time range' });
    expect(within(form).getByLabelText<HTMLInputElement>('From').value).toBe(
      new Date(focus.start.getTime() - focus.start.getTimezoneOffset() * 60_000).toISOString().slice(0, 16),
    );
  });

  it('marks the alerts and timeline events of the range on every chart, and lists them oldest first', async () => {
    const calls: FakeCall[] = [];
    renderMonitor(metricsHandlers({ calls }));
    const events = await screen.findByRole('region', { name: 'Alerts and events in this range' });
    expect(
      within(events)
        .getAllByRole('listitem')
        .map((li) => [li.className, li.textContent]),
    ).toEqual([
      ['alert', expect.stringMatching(/Alert fired \(warning\): 2 sessions idle in transaction$/)],
      ['event', expect.stringMatching(/Setting work_mem changed from 4MB to 64MB$/)],
    ]);
    const timeline = calls.find((c) => c.query.connection === 'shop' && c.query.start)!;
    const stats = calls.find((c) => c.params.probe === 'database_stats')!;
    expect([timeline.query.start, timeline.query.end]).toEqual([
      stats.query.time_start,
      stats.query.time_end,
    ]);
    const plots = screen.getAllByRole('img').filter((el) => el.classList.contains('metric-plot'));
    expect(plots.length).toBeGreaterThan(0);
    expect(plots.every((el) => el.dataset.markers === '2')).toBe(true);
  });

  it('says how to mark a connection monitored when none is', async () => {
    renderMonitor(metricsHandlers({ connections: [] }));
    expect(await screen.findByText(/No connection you may use is monitored yet/)).toBeTruthy();
    expect(screen.getByText('Admin → Connections')).toBeTruthy();
    expect(screen.getByText('pgmcp connection update NAME --monitored')).toBeTruthy();
  });

  it("shows the server's message when no datastore is configured", async () => {
    renderMonitor({
      ...metricsHandlers(),
      listMetricsConnections: () => {
        throw new FakeRefusal(
          503,
          'UNAVAILABLE',
          'Monitoring is off: the metrics datastore needs PostgreSQL. Set datastore.url (PGMCP_DATASTORE_URL).',
        );
      },
    });
    expect((await screen.findByRole('alert')).textContent).toMatch(
      /Monitoring is not available: Monitoring is off: .*datastore\.url/,
    );
  });
});

describe('useAutoRefresh', () => {
  it('ticks on its interval, not while the tab is hidden, and at once when it shows again late', () => {
    vi.useFakeTimers();
    let hidden = false;
    const spy = vi.spyOn(document, 'hidden', 'get').mockImplementation(() => hidden);
    const onTick = vi.fn();
    const { rerender, unmount } = renderHook(({ seconds }) => useAutoRefresh(seconds, onTick), {
      initialProps: { seconds: 10 },
    });
    act(() => {
      vi.advanceTimersByTime(10_000);
    });
    expect(onTick).toHaveBeenCalledTimes(1);
    hidden = true;
    act(() => {
      vi.advanceTimersByTime(30_000);
    });
    expect(onTick).toHaveBeenCalledTimes(1);
    hidden = false;
    act(() => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    expect(onTick).toHaveBeenCalledTimes(2);
    rerender({ seconds: 0 });
    act(() => {
      vi.advanceTimersByTime(60_000);
    });
    expect(onTick).toHaveBeenCalledTimes(2);
    unmount();
    spy.mockRestore();
  });
});

describe('markersAt', () => {
  it('names the markers within half a step of the point under the cursor', () => {
    const xs = [0, 60, 120, 180];
    const markers = [
      { x: 89, label: 'fired', alert: true },
      { x: 95, label: 'restart', alert: false },
      { x: 149, label: 'cleared', alert: true },
    ];
    expect(markersAt(xs, 1, markers).map((m) => m.label)).toEqual(['fired']);
    expect(markersAt(xs, 2, markers).map((m) => m.label)).toEqual(['restart', 'cleared']);
    expect(markersAt(xs, 3, markers)).toEqual([]);
  });
});
