import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { createFakeAlerting, fakeRule } from '../testing/fake-alerts.js';
import { createFakeApi } from '../testing/fakes.js';
import { AlertRulesAdmin } from './alert-rules-admin.js';

// The screen against the fake alerting server: rules as defined or in effect on a connection,
// edits of the rule or as the connection's override, and the server's refusals naming the field.

function setup() {
  const alerting = createFakeAlerting([
    fakeRule('connections_near_max'),
    fakeRule('deadlocks', { metric: 'deadlocks_per_min', threshold: 1, severity: 'critical', duration_s: 0 }),
  ]);
  const api = createFakeApi({ authEnabled: false, handlers: alerting.handlers });
  render(<AlertRulesAdmin api={api} />);
  return { alerting, user: userEvent.setup() };
}

const row = (name: string) => screen.getByText(name, { selector: '.cell-title' }).closest('tr')!;

describe('AlertRulesAdmin', () => {
  it('lists the rules with their thresholds, and disables one', async () => {
    const { alerting, user } = setup();
    await screen.findByText('connections near max');
    expect(row('connections near max').textContent).toContain('connections_near_max_ratio > 0.9 for 300 s');
    expect(row('deadlocks').textContent).toMatch(/deadlocks_per_min > 1critical/);
    await user.click(screen.getByRole('checkbox', { name: 'Enable deadlocks' }));
    await expect.poll(() => alerting.rules[1]!.enabled).toBe(false);
    await expect
      .poll(() => screen.getByRole<HTMLInputElement>('checkbox', { name: 'Enable deadlocks' }).checked)
      .toBe(false);
  });

  it('edits threshold, duration and severity of the rule; a refusal names the field', async () => {
    const { alerting, user } = setup();
    await user.click(await screen.findByRole('button', { name: 'Edit connections near max' }));
    const form = screen.getByRole('form', { name: 'Edit connections near max' });
    const threshold = within(form).getByLabelText(/Threshold/);
    await user.clear(threshold);
    await user.type(threshold, 'lots');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(within(form).getByRole('alert').textContent).toBe('threshold: must be a number');

    await user.clear(threshold);
    await user.type(threshold, '5');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    expect(
      (await screen.findByText(/threshold: connections_near_max_ratio is a ratio/)).textContent,
    ).toBeTruthy();

    await user.clear(threshold);
    await user.type(threshold, '0.8');
    const duration = within(form).getByLabelText(/Duration/);
    await user.clear(duration);
    await user.type(duration, '120');
    await user.selectOptions(within(form).getByLabelText('Severity'), 'critical');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await expect.poll(() => screen.queryByRole('form', { name: /^Edit/ })).toBeNull();
    expect(alerting.rules[0]).toMatchObject({ threshold: 0.8, duration_s: 120, severity: 'critical' });
    expect(row('connections near max').textContent).toContain('> 0.8 for 120 s');
  });

  it('overrides a rule on one connection, keeps earlier overridden fields, and removes the override', async () => {
    const { alerting, user } = setup();
    await screen.findByText('deadlocks');
    await user.selectOptions(screen.getByLabelText('Thresholds in effect on'), 'demo');
    await user.click(await screen.findByRole('checkbox', { name: 'Enable deadlocks' }));
    await expect.poll(() => alerting.overrides.get('deadlocks:demo')).toEqual({ enabled: false });
    await expect.poll(() => row('deadlocks').textContent).toContain('overridden here: enabled');

    await user.click(screen.getByRole('button', { name: 'Edit deadlocks' }));
    const form = screen.getByRole('form', { name: 'Edit deadlocks' });
    expect(form.textContent).toContain('this connection’s override');
    const threshold = within(form).getByLabelText(/Threshold/);
    await user.clear(threshold);
    await user.type(threshold, '3');
    await user.click(within(form).getByRole('button', { name: 'Save' }));
    await expect
      .poll(() => alerting.overrides.get('deadlocks:demo'))
      .toEqual({ enabled: false, threshold: 3 });
    // A later edit keeps the fields overridden before (named durationS by the server).
    await user.click(screen.getByRole('button', { name: 'Edit deadlocks' }));
    const duration = within(screen.getByRole('form', { name: 'Edit deadlocks' })).getByLabelText(/Duration/);
    await user.clear(duration);
    await user.type(duration, '60');
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await expect
      .poll(() => alerting.overrides.get('deadlocks:demo'))
      .toEqual({ enabled: false, threshold: 3, duration_s: 60 });
    await user.click(screen.getByRole('button', { name: 'Edit deadlocks' }));
    await user.click(screen.getByRole('button', { name: 'Save' }));
    await expect
      .poll(() => row('deadlocks').textContent)
      .toContain('overridden here: threshold, duration_s, enabled');
    expect(alerting.rules[1]!.threshold).toBe(1);

    await user.click(screen.getByRole('button', { name: 'Edit deadlocks' }));
    await user.click(screen.getByRole('button', { name: 'Remove the override' }));
    await expect.poll(() => alerting.overrides.has('deadlocks:demo')).toBe(false);
    await expect.poll(() => row('deadlocks').textContent).not.toContain('overridden');
  });
});
