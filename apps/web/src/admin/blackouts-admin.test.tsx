import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeAlerting } from '../testing/fake-alerts.js';
import { createFakeApi } from '../testing/fakes.js';
import { BlackoutsAdmin } from './blackouts-admin.js';

// The screen against the fake alerting server: one-off and scheduled blackouts, the refusals of a
// bad cron or time zone shown with the field, and ending one.

function setup() {
  const alerting = createFakeAlerting();
  const api = createFakeApi({ authEnabled: false, handlers: alerting.handlers });
  render(<BlackoutsAdmin api={api} />);
  return { alerting, user: userEvent.setup() };
}

const form = () => screen.getByRole('form', { name: 'Create a blackout' });

describe('BlackoutsAdmin', () => {
  it('creates a one-off blackout for one connection and ends it', async () => {
    const { alerting, user } = setup();
    await screen.findByText('No blackouts yet.');
    await user.selectOptions(within(form()).getByLabelText('Connection'), 'demo');
    await user.type(within(form()).getByLabelText('Reason'), 'upgrade to 17');
    // datetime-local inputs take the value as typed in jsdom.
    await user.type(within(form()).getByLabelText('Starts'), '2026-03-01T10:00');
    await user.type(within(form()).getByLabelText('Ends'), '2026-03-01T12:00');
    await user.click(within(form()).getByRole('button', { name: 'Create' }));
    await expect.poll(() => alerting.blackouts.length).toBe(1);
    expect(alerting.blackouts[0]).toMatchObject({
      connection_id: 'demo',
      reason: 'upgrade to 17',
      kind: 'one_off',
      starts_at: new Date('2026-03-01T10:00').toISOString(),
      ends_at: new Date('2026-03-01T12:00').toISOString(),
    });
    const row = (await screen.findByText('upgrade to 17')).closest('tr')!;
    expect(row.textContent).toContain('demo');
    expect(row.textContent).toContain('by ann');

    await user.click(within(row).getByRole('button', { name: 'End blackout 1' }));
    await expect.poll(() => alerting.blackouts[0]!.ended_at).not.toBeNull();
    await expect.poll(() => within(row).queryByRole('button', { name: /End/ })).toBeNull();
    expect(row.textContent).toContain('ended');
  });

  it('creates a scheduled blackout for every connection; a bad cron or time zone is refused naming the field', async () => {
    const { alerting, user } = setup();
    await screen.findByText('No blackouts yet.');
    await user.click(within(form()).getByLabelText('On a schedule (cron)'));
    const cron = within(form()).getByLabelText(/Cron/);
    await user.clear(cron);
    await user.type(cron, '0 2 * *');
    await user.click(within(form()).getByRole('button', { name: 'Create' }));
    expect((await within(form()).findByRole('alert')).textContent).toBe('cron: must have five fields');

    await user.type(cron, ' 0');
    const zone = within(form()).getByLabelText('Time zone');
    await user.clear(zone);
    await user.type(zone, 'Mars/Olympus');
    await user.click(within(form()).getByRole('button', { name: 'Create' }));
    await expect
      .poll(() => within(form()).queryByRole('alert')?.textContent)
      .toBe('time_zone: unknown time zone Mars/Olympus');

    await user.clear(zone);
    await user.type(zone, 'Europe/Berlin');
    const lasts = within(form()).getByLabelText('Lasts (minutes)');
    await user.clear(lasts);
    await user.type(lasts, '90');
    await user.click(within(form()).getByRole('button', { name: 'Create' }));
    await expect.poll(() => alerting.blackouts.length).toBe(1);
    expect(alerting.blackouts[0]).toMatchObject({
      connection_id: null,
      kind: 'scheduled',
      cron: '0 2 * * 0',
      duration_s: 5400,
      time_zone: 'Europe/Berlin',
    });
    const row = (await screen.findByText('all connections')).closest('tr')!;
    expect(row.textContent).toContain('cron “0 2 * * 0” for 90 min (Europe/Berlin)');
    expect(within(form()).queryByRole('alert')).toBeNull();
  });
});
