import type { Delivery } from '@pgmcp/api-contract';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeAlerting } from '../testing/fake-alerts.js';
import { createFakeApi } from '../testing/fakes.js';
import { ChannelsAdmin } from './channels-admin.js';

// The screen against the fake alerting server: create each kind (secrets sent, never shown), the
// SSRF refusal naming `url`, send test with its outcome, delivery history, delete with confirmation.

function setup() {
  const alerting = createFakeAlerting();
  const api = createFakeApi({ authEnabled: false, handlers: alerting.handlers });
  render(<ChannelsAdmin api={api} />);
  return { alerting, user: userEvent.setup() };
}

const form = () => screen.getByRole('form', { name: 'Add a channel' });
const row = (name: string) => screen.getByText(name, { selector: '.cell-title' }).closest('tr')!;

function delivery(n: number, extra: Partial<Delivery> = {}): Delivery {
  return {
    id: `d_${n}`,
    channel_id: 'ch_1',
    event_kind: 'fired',
    alert_id: String(n),
    rule_id: 'deadlocks',
    connection_id: 'demo',
    severity: 'critical',
    status: 'delivered',
    attempts: 1,
    max_attempts: 5,
    response: 'HTTP 200',
    last_error: null,
    next_attempt_at: null,
    created_at: new Date().toISOString(),
    delivered_at: new Date().toISOString(),
    attempt_log: [],
    ...extra,
  };
}

describe('ChannelsAdmin', () => {
  it('creates a signed webhook; a refused URL is shown naming the field; the secret is never shown', async () => {
    const { alerting, user } = setup();
    await screen.findByText(/No channels yet/);
    await user.type(within(form()).getByLabelText('Name'), 'ops hook');
    await user.type(within(form()).getByLabelText('URL'), 'http://10.0.0.1/hook');
    await user.type(within(form()).getByLabelText(/HMAC secret/), 'a-very-long-hmac-secret');
    await user.click(within(form()).getByRole('button', { name: 'Add' }));
    expect((await within(form()).findByRole('alert')).textContent).toMatch(/^url: the SSRF guard refuses/);

    const url = within(form()).getByLabelText('URL');
    await user.clear(url);
    await user.type(url, 'https://hooks.example.com/pgmcp');
    await user.click(within(form()).getByRole('button', { name: 'Add' }));
    await expect.poll(() => alerting.channels.length).toBe(1);
    const created = row('ops hook');
    expect(created.textContent).toContain('webhook · secret stored');
    expect(created.textContent).toContain('https://hooks.example.com/pgmcp');
    expect(created.textContent).toContain('warning and above');
    expect(document.body.textContent).not.toContain('a-very-long-hmac-secret');
    expect(within(form()).getByLabelText<HTMLInputElement>('Name').value).toBe('');
  });

  it('creates an email channel with its SMTP settings and recipients', async () => {
    const { alerting, user } = setup();
    await screen.findByText(/No channels yet/);
    await user.selectOptions(within(form()).getByLabelText('Kind'), 'email');
    await user.type(within(form()).getByLabelText('Name'), 'dba mail');
    await user.type(within(form()).getByLabelText('SMTP host'), 'smtp.example.com');
    await user.type(within(form()).getByLabelText('SMTP user (optional)'), 'pgmcp');
    await user.type(within(form()).getByLabelText('SMTP password (optional)'), 'smtp-pass');
    await user.type(within(form()).getByLabelText('From'), 'pgmcp@example.com');
    await user.type(within(form()).getByLabelText('To (comma-separated)'), 'a@example.com, b@example.com');
    await user.selectOptions(within(form()).getByLabelText('Send alerts of at least'), 'critical');
    await user.click(within(form()).getByRole('button', { name: 'Add' }));
    await expect.poll(() => alerting.channels.length).toBe(1);
    expect(alerting.channels[0]!.settings).toMatchObject({
      smtp: { host: 'smtp.example.com', port: 587, security: 'starttls', user: 'pgmcp' },
      to: ['a@example.com', 'b@example.com'],
    });
    expect(row('dba mail').textContent).toContain('smtp.example.com → a@example.com, b@example.com');
    expect(row('dba mail').textContent).toContain('critical and above');
  });

  it('sends a test and shows the outcome, lists deliveries with the last error, disables, and deletes after confirming', async () => {
    const { alerting, user } = setup();
    alerting.channels.push({
      id: 'ch_1',
      name: 'ops hook',
      kind: 'webhook',
      enabled: true,
      min_severity: 'warning',
      rule_ids: [],
      settings: { url: 'https://hooks.example.com/pgmcp', header_names: [], signed: true },
      has_secret: true,
      created_at: new Date().toISOString(),
      updated_at: new Date().toISOString(),
    });
    alerting.testOutcome.set('ch_1', {
      delivery_id: 'd_t',
      ok: false,
      response: null,
      error: 'url: HTTP 500 from the receiver',
    });
    alerting.deliveries.push(
      delivery(1, { status: 'failed', attempts: 5, last_error: 'url: connection refused' }),
      delivery(2),
    );
    await screen.findByText('ops hook');
    await user.click(screen.getByRole('button', { name: 'Send a test to ops hook' }));
    expect((await within(row('ops hook')).findByRole('status')).textContent).toBe(
      'Test failed: url: HTTP 500 from the receiver',
    );

    await user.click(screen.getByRole('button', { name: 'Deliveries of ops hook' }));
    const history = await screen.findByRole('table', { name: 'Deliveries of ops hook' });
    const [failed, delivered] = within(history).getAllByRole('row').slice(1);
    expect(failed!.textContent).toMatch(/failed5\/5url: connection refused/);
    expect(delivered!.textContent).toMatch(/delivered1\/5—/);

    await user.click(screen.getByRole('checkbox', { name: 'Enable ops hook' }));
    await expect.poll(() => alerting.channels[0]!.enabled).toBe(false);
    await expect
      .poll(() => screen.getByRole<HTMLInputElement>('checkbox', { name: 'Enable ops hook' }).checked)
      .toBe(false);

    await user.click(screen.getByRole('button', { name: 'Delete ops hook' }));
    const dialog = screen.getByRole('dialog');
    await user.click(within(dialog).getByRole('button', { name: 'Keep it' }));
    expect(alerting.channels).toHaveLength(1);
    await user.click(screen.getByRole('button', { name: 'Delete ops hook' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }));
    await expect.poll(() => alerting.channels.length).toBe(0);
    await screen.findByText(/No channels yet/);
    expect(screen.queryByRole('table', { name: 'Deliveries of ops hook' })).toBeNull();
  });
});
