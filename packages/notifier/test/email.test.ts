import { useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/index.js';
import { openNotifier, selfSignedCertificate, startSmtpSink } from './harness.js';

const db = useTestDatabase('notifier_email');
const LOGIN = { user: 'alerts@example.com', password: 'smtp-Pa55word' };
let tls: { key: string; cert: string };

beforeAll(() => {
  tls = selfSignedCertificate();
});

const event: AlertEvent = {
  kind: 'fired',
  alertId: 'mail-1',
  ruleId: 'replication_lag',
  ruleName: 'Replication lag',
  connectionId: 'prod',
  severity: 'warning',
  metric: 'replay_lag_s',
  value: 42,
  threshold: 30,
  message: 'standby replica1 is 42 s behind',
  at: new Date('2026-12-07T06:00:00Z'),
  link: 'https://pgmcp.example/alerts/mail-1',
};

function emailChannel(port: number, more: Record<string, unknown> = {}) {
  return {
    kind: 'email',
    name: `mail-${port}`,
    min_severity: 'warning',
    smtp: {
      host: '127.0.0.1',
      port,
      security: 'starttls',
      user: LOGIN.user,
      password: LOGIN.password,
      ca: tls.cert,
    },
    from: 'pgmcp@example.com',
    to: ['dba@example.com', 'oncall@example.com'],
    ...more,
  };
}

describe('email channel', () => {
  it('delivers over STARTTLS with AUTH: subject, body and recipients', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(emailChannel(sink.port));
    expect(channel.settings).toMatchObject({
      kind: 'email',
      smtp: { host: '127.0.0.1', port: sink.port, security: 'starttls', user: LOGIN.user, ca: true },
      to: ['dba@example.com', 'oncall@example.com'],
    });
    expect(JSON.stringify(channel)).not.toContain(LOGIN.password);

    notifier.dispatch(event);
    await expect.poll(() => sink.mails.length).toBe(1);
    const [mail] = sink.mails;
    expect(mail).toMatchObject({
      from: 'pgmcp@example.com',
      to: ['dba@example.com', 'oncall@example.com'],
      user: LOGIN.user,
      secure: true,
    });
    const data = mail!.data.replace(/\r\n/g, '\n');
    expect(data).toMatch(/^Subject: \[warning\] FIRED: Replication lag on prod$/m);
    expect(data).toMatch(/^To: dba@example.com, oncall@example.com$/m);
    expect(data).toContain('standby replica1 is 42 s behind');
    expect(data).toMatch(/^Value: 42$/m);
    expect(data).toMatch(/^Threshold: 30$/m);
    expect(data).toContain('https://pgmcp.example/alerts/mail-1');

    await notifier.idle();
    const [delivery] = await notifier.listDeliveries({ channelId: channel.id });
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(delivery!.response).toMatch(/^250 /);
  });

  it('reports a rejected login as smtp.auth with the server answer, and does not retry it', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(
      emailChannel(sink.port, { smtp: { ...emailChannel(sink.port).smtp, password: 'wrong-password' } }),
    );

    const outcome = await notifier.sendTest(channel.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^smtp\.auth: 535 5\.7\.8 Authentication credentials invalid/);
    expect(outcome.error).not.toContain('wrong-password');

    notifier.dispatch({ ...event, alertId: 'mail-auth' });
    await expect
      .poll(async () => (await notifier.listDeliveries({ alertId: 'mail-auth' }))[0]?.status)
      .toBe('failed');
    const [delivery] = await notifier.listDeliveries({ alertId: 'mail-auth' });
    expect(delivery).toMatchObject({ attempts: 1 });
    expect(delivery!.last_error).toMatch(/^smtp\.auth: 535/);
    expect(sink.mails).toHaveLength(0);
  });

  it('refuses a certificate it cannot verify, saying how to trust it', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(
      emailChannel(sink.port, { smtp: { ...emailChannel(sink.port).smtp, ca: null } }),
    );
    const outcome = await notifier.sendTest(channel.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(
      /^smtp\.ca: .*self[- ]signed.*trust the server's certificate with smtp\.ca/i,
    );
    expect(sink.mails).toHaveLength(0);
  });

  it('speaks implicit TLS when security is tls', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN, secure: true });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(
      emailChannel(sink.port, { smtp: { ...emailChannel(sink.port).smtp, security: 'tls' } }),
    );
    expect(await notifier.sendTest(channel.id)).toMatchObject({ ok: true, error: null });
    expect(sink.mails[0]).toMatchObject({ secure: true, user: LOGIN.user });
  });

  it('refuses to send in clear to a server without STARTTLS when starttls is asked for', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN, noStarttls: true });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(emailChannel(sink.port));
    const outcome = await notifier.sendTest(channel.id);
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatch(/^smtp\.security: .*STARTTLS/i);
    expect(sink.mails).toHaveLength(0);
  });

  it('names a recipient the server refuses', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN, unknownRecipients: ['oncall@example.com'] });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(emailChannel(sink.port));
    // Delivered to the first, the second named as refused.
    const partly = await notifier.sendTest(channel.id);
    expect(partly.ok).toBe(true);
    expect(partly.error).toMatch(/^to\[1\]: 550 5\.1\.1 No such user/);
    expect(sink.mails.map((m) => m.to)).toEqual([['dba@example.com']]);
    // Nobody left: a failure naming the refused recipient.
    await notifier.updateChannel(channel.id, { to: ['oncall@example.com'] });
    const none = await notifier.sendTest(channel.id);
    expect(none.ok).toBe(false);
    expect(none.error).toMatch(/^to\[0\]: 550 5\.1\.1 No such user/);
  });

  it('sends the test message', async () => {
    const sink = await startSmtpSink({ tls, credentials: LOGIN });
    const { notifier } = await openNotifier(db.url);
    const channel = await notifier.createChannel(emailChannel(sink.port, { to: ['solo@example.com'] }));
    const outcome = await notifier.sendTest(channel.id);
    expect(outcome).toMatchObject({ ok: true, error: null });
    expect(sink.mails[0]!.to).toEqual(['solo@example.com']);
    expect(sink.mails[0]!.data).toContain('Subject: pgmcp test notification');
  });
});
