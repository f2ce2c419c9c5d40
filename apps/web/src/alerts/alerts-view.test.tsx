import { type AlertJson, createApiClient } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeServerFetch, type FakeCall, FakeRefusal } from '../testing/fake-server.js';
import { AlertsView, monitorFocus } from './alerts-view.js';

// The view against a stand-in of the alert routes that filters and acknowledges like the server
// (open alerts first; acknowledging records who and when, and refuses a cleared alert).

function alert(id: number, extra: Partial<AlertJson> = {}): AlertJson {
  return {
    id,
    rule_id: 'connections_near_max',
    connection_id: 'shop',
    dims: {},
    probe: 'pg_stat_activity',
    metric: 'connections_used_ratio',
    severity: 'warning',
    status: 'firing',
    message: `Alert ${id}`,
    value: 0.93,
    threshold: 0.9,
    fired_at: new Date(Date.now() - 3_600_000).toISOString(),
    last_fired_at: new Date(Date.now() - 3_600_000).toISOString(),
    reopen_count: 0,
    acknowledged_at: null,
    acknowledged_by: null,
    ack_note: null,
    cleared_at: null,
    ...extra,
  };
}

function alertsApi(alerts: AlertJson[]) {
  const queries: Record<string, string>[] = [];
  const api = createApiClient({
    baseUrl: 'http://pgmcp.test',
    fetch: fakeServerFetch({
      listAlerts: ({ query }: FakeCall) => {
        queries.push(query);
        const status = query.status ?? 'active';
        const open = (a: AlertJson) => a.status !== 'cleared';
        return {
          alerts: alerts
            .filter((a) => (status === 'active' ? open(a) : status === 'all' || a.status === status))
            .filter((a) => !query.connection || a.connection_id === query.connection)
            .filter((a) => !query.severity || a.severity === query.severity)
            .sort((a, b) => Number(open(b)) - Number(open(a))),
        };
      },
      acknowledgeAlert: ({ params, body }: FakeCall) => {
        const found = alerts.find((a) => a.id === Number(params.id))!;
        if (found.status === 'cleared')
          throw new FakeRefusal(409, 'CONFLICT', 'The alert has cleared already.');
        Object.assign(found, {
          status: 'acknowledged',
          acknowledged_by: 'ann',
          acknowledged_at: new Date().toISOString(),
          ack_note: (body as { note?: string }).note ?? null,
        });
        return found;
      },
    }),
  });
  return { api, queries };
}

const rows = () =>
  within(screen.getByRole('table', { name: 'Alerts' }))
    .getAllByRole('row')
    .slice(1);

describe('AlertsView', () => {
  it('shows the active alerts, and filters by connection, severity, status and age', async () => {
    const { api, queries } = alertsApi([
      alert(1),
      alert(2, { connection_id: 'crm', severity: 'critical' }),
      alert(3, { status: 'cleared', cleared_at: new Date().toISOString() }),
    ]);
    const user = userEvent.setup();
    render(<AlertsView api={api} connections={['shop', 'crm']} onOpenMonitor={() => undefined} />);
    await expect.poll(() => screen.queryAllByRole('row').length).toBe(3);
    expect(screen.queryByText('Alert 3')).toBeNull();

    await user.selectOptions(screen.getByLabelText('Severity'), 'critical');
    await expect
      .poll(() => rows().map((r) => within(r).queryByText(/^Alert/)?.textContent))
      .toEqual(['Alert 2']);
    await user.selectOptions(screen.getByLabelText('Severity'), '');
    await user.selectOptions(screen.getByLabelText('Connection'), 'shop');
    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await expect.poll(() => rows().length).toBe(2);
    expect(within(rows()[0]!).getByText('firing')).toBeTruthy();
    expect(within(rows()[1]!).getByText('cleared')).toBeTruthy();
    await user.selectOptions(screen.getByLabelText('Since'), '7d');
    await expect.poll(() => queries.at(-1)).toEqual({ status: 'all', connection: 'shop', since: '7d' });
  });

  it('acknowledges with a note and then shows who and when', async () => {
    const { api } = alertsApi([alert(1), alert(2)]);
    const user = userEvent.setup();
    render(<AlertsView api={api} connections={['shop']} onOpenMonitor={() => undefined} />);
    await expect.poll(() => screen.queryAllByRole('row').length).toBe(3);
    await user.click(within(rows()[0]!).getByRole('button', { name: 'Acknowledge' }));
    const dialog = screen.getByRole('dialog');
    await user.type(within(dialog).getByLabelText(/Note/), 'restarting the pooler');
    await user.click(within(dialog).getByRole('button', { name: 'Acknowledge' }));
    await expect.poll(() => screen.queryByRole('dialog')).toBeNull();
    await expect.poll(() => screen.queryByText('by ann, just now')).not.toBeNull();
    expect(screen.getByText('“restarting the pooler”')).toBeTruthy();
    expect(within(rows()[0]!).queryByRole('button', { name: 'Acknowledge' })).toBeNull();
  });

  it('shows a refused acknowledgement in the dialog', async () => {
    const cleared = alert(1);
    const { api } = alertsApi([cleared]);
    const user = userEvent.setup();
    render(<AlertsView api={api} connections={['shop']} onOpenMonitor={() => undefined} />);
    await expect.poll(() => screen.queryAllByRole('row').length).toBe(2);
    cleared.status = 'cleared';
    await user.click(screen.getByRole('button', { name: 'Acknowledge' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Acknowledge' }));
    expect((await screen.findByRole('alert')).textContent).toContain('The alert has cleared already.');
  });

  it('opens the Monitor view on the alert’s connection around its time', async () => {
    const fired = alert(1, {
      connection_id: 'crm',
      fired_at: '2026-01-01T10:00:00.000Z',
      cleared_at: '2026-01-01T11:00:00.000Z',
      status: 'cleared',
    });
    const { api } = alertsApi([fired]);
    const onOpenMonitor = vi.fn();
    const user = userEvent.setup();
    render(<AlertsView api={api} connections={['crm']} onOpenMonitor={onOpenMonitor} />);
    await user.selectOptions(screen.getByLabelText('Status'), 'all');
    await user.click(await screen.findByRole('button', { name: 'Monitor' }));
    expect(onOpenMonitor).toHaveBeenCalledWith({
      connection: 'crm',
      start: new Date('2026-01-01T09:30:00.000Z'),
      end: new Date('2026-01-01T11:30:00.000Z'),
    });
    // A firing alert: until now.
    const now = Date.parse('2026-01-01T10:10:00.000Z');
    expect(monitorFocus({ ...fired, cleared_at: null }, now).end).toEqual(new Date(now));
  });
});
