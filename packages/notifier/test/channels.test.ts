import path from 'node:path';
import { addKeyToFile, openKeyRing, pruneKeyFile } from '@pgmcp/secrets';
import { adminQuery, useTestDatabase } from '@pgmcp/vitest-config/postgres';
import { makeTempDir } from '@pgmcp/vitest-config/temp';
import { describe, expect, it } from 'vitest';
import { type NotifierError } from '../src/index.js';
import { openNotifier } from './harness.js';

const db = useTestDatabase('notifier_channels');
const HMAC = 'hmac-secret-0123456789abcdef';
const SLACK = 'https://hooks.slack.example/services/T1/B2/very-secret-token';
const SMTP_PASSWORD = 'smtp-Pa55word-secret';

async function failure(promise: Promise<unknown>): Promise<NotifierError> {
  try {
    await promise;
  } catch (error) {
    return error as NotifierError;
  }
  throw new Error('expected a failure');
}

const email = {
  kind: 'email',
  name: 'mail',
  smtp: { host: '127.0.0.1', port: 2525, user: 'alerts', password: SMTP_PASSWORD },
  from: 'pgmcp@example.com',
  to: ['dba@example.com'],
};

describe('channel input', () => {
  it.each([
    [{ kind: 'webhook', name: 'w', url: 'ftp://example.com/x' }, 'url', /http:\/\/ or https:\/\//],
    [{ kind: 'webhook', name: 'w' }, 'url', /expected string/],
    [{ kind: 'webhook', name: 'w', url: 'https://example.com', secret: 'short' }, 'secret', /at least 16/],
    [{ kind: 'webhook', name: 'w', url: 'https://u:p@example.com' }, 'url', /user name or password/],
    [
      { kind: 'webhook', name: 'w', url: 'https://example.com', headers: { Host: 'x' } },
      'headers.Host',
      /set by pgmcp/,
    ],
    [{ kind: 'pager', name: 'w' }, 'kind', /webhook, slack, email/],
    [{ kind: 'webhook', name: '', url: 'https://example.com' }, 'name', /empty/],
    [
      { kind: 'slack', name: 's', url: SLACK, min_severity: 'huge' },
      'min_severity',
      /info, warning, critical/,
    ],
    [{ kind: 'slack', name: 's', url: SLACK, to: ['a@b.c'] }, 'to', /not a field/],
    [{ ...email, smtp: { ...email.smtp, host: '' } }, 'smtp.host', /empty/],
    [{ ...email, smtp: { ...email.smtp, port: 70000 } }, 'smtp.port', /port/],
    [{ ...email, smtp: { ...email.smtp, security: 'ssl' } }, 'smtp.security', /starttls, tls, none/],
    [{ ...email, to: ['dba@example.com', 'not-an-address'] }, 'to[1]', /email address/],
    [{ ...email, to: [] }, 'to', /at least one/],
    [{ ...email, from: 'nobody' }, 'from', /email address/],
  ])('refuses %j naming %s', async (input, field, message) => {
    const { notifier } = await openNotifier(db.url);
    const error = await failure(notifier.createChannel(input));
    expect(error).toMatchObject({ name: 'NotifierError', code: 'INVALID_INPUT', field });
    expect(error.message.startsWith(`${field}: `)).toBe(true);
    expect(error.message).toMatch(message);
  });

  it('refuses URLs and SMTP hosts the SSRF guard refuses, naming the field', async () => {
    const { notifier } = await openNotifier(db.url, { policy: { blockedHosts: ['blocked.example'] } });
    const metadata = await failure(
      notifier.createChannel({
        kind: 'webhook',
        name: 'meta',
        url: 'http://169.254.169.254/latest/meta-data',
      }),
    );
    expect(metadata).toMatchObject({ code: 'INVALID_INPUT', field: 'url' });
    expect(metadata.message).toMatch(
      /^url: "169\.254\.169\.254" is 169\.254\.169\.254, a link-local or cloud metadata/,
    );
    const blocked = await failure(
      notifier.createChannel({ ...email, smtp: { ...email.smtp, host: 'blocked.example' } }),
    );
    expect(blocked).toMatchObject({ code: 'INVALID_INPUT', field: 'smtp.host' });
    expect(blocked.message).toMatch(/connection_security\.blocked_hosts/);
    expect(await notifier.listChannels()).toEqual([]);
  });

  it('refuses loopback when internal networks are off, at save and at send time', async () => {
    const open = await openNotifier(db.url);
    const channel = await open.notifier.createChannel({
      kind: 'webhook',
      name: 'local',
      url: 'http://127.0.0.1:9/x',
    });
    const strict = await openNotifier(db.url, { policy: { allowInternalNetworks: false } });
    const saved = await failure(
      strict.notifier.createChannel({ kind: 'webhook', name: 'local2', url: 'http://127.0.0.1:9/x' }),
    );
    expect(saved).toMatchObject({ code: 'INVALID_INPUT', field: 'url' });
    expect(saved.message).toMatch(/allow_internal_networks is off/);
    // A channel saved under a looser policy is checked again when it sends.
    const outcome = await strict.notifier.sendTest(channel.id);
    expect(outcome).toMatchObject({ ok: false, response: null });
    expect(outcome.error).toMatch(/^url: "127\.0\.0\.1" is 127\.0\.0\.1, an internal network address/);
  });
});

describe('channel secrets', () => {
  it('encrypts secrets at rest and never returns them', async () => {
    const { notifier } = await openNotifier(db.url);
    const hook = await notifier.createChannel({
      kind: 'webhook',
      name: 'hook',
      url: 'https://example.com/h',
      secret: HMAC,
    });
    const slack = await notifier.createChannel({ kind: 'slack', name: 'slack', url: SLACK });
    const mail = await notifier.createChannel(email);
    const plain = await notifier.createChannel({
      kind: 'webhook',
      name: 'plain',
      url: 'https://example.com/p',
    });

    const dump = await adminQuery<{ row: string }>(
      db.url,
      'select t::text as row from notification_channels t',
    );
    const text = dump.map((r) => r.row).join('\n');
    for (const secret of [HMAC, SLACK, 'very-secret-token', SMTP_PASSWORD])
      expect(text).not.toContain(secret);
    expect(text).toContain('pgmcp-secret:v1:');

    const shown = JSON.stringify([await notifier.listChannels(), await notifier.getChannel(mail.id)]);
    for (const secret of [HMAC, 'very-secret-token', SMTP_PASSWORD]) expect(shown).not.toContain(secret);
    expect([hook, slack, mail, plain].map((c) => c.has_secret)).toEqual([true, true, true, false]);
    expect(hook.settings).toEqual({
      kind: 'webhook',
      url: 'https://example.com/h',
      header_names: [],
      signed: true,
    });
    const authorized = await notifier.createChannel({
      kind: 'webhook',
      name: 'authorized',
      url: 'https://example.com/a',
      headers: { Authorization: 'Bearer header-token-secret' },
    });
    expect(authorized).toMatchObject({
      has_secret: true,
      settings: { header_names: ['Authorization'], signed: false },
    });
    const all = await adminQuery<{ row: string }>(
      db.url,
      'select t::text as row from notification_channels t',
    );
    expect(all.map((r) => r.row).join('\n')).not.toContain('header-token-secret');
    expect(JSON.stringify(await notifier.listChannels())).not.toContain('header-token-secret');
  });

  it('keeps a secret a change leaves out, and removes it on null', async () => {
    const { notifier } = await openNotifier(db.url);
    const mail = await notifier.createChannel({ ...email, name: 'mail-change' });
    const renamed = await notifier.updateChannel(mail.id, {
      name: 'mail-renamed',
      smtp: { port: 587 },
      enabled: false,
    });
    expect(renamed).toMatchObject({ name: 'mail-renamed', enabled: false, has_secret: true });
    expect(renamed.settings).toMatchObject({ smtp: { host: '127.0.0.1', port: 587, user: 'alerts' } });
    const cleared = await notifier.updateChannel(mail.id, { smtp: { password: null, user: null } });
    expect(cleared.has_secret).toBe(false);

    const wrongKind = await failure(notifier.updateChannel(mail.id, { url: 'https://example.com' }));
    expect(wrongKind).toMatchObject({ code: 'INVALID_INPUT', field: 'url' });
    const badPort = await failure(notifier.updateChannel(mail.id, { smtp: { port: 0 } }));
    expect(badPort).toMatchObject({ code: 'INVALID_INPUT', field: 'smtp.port' });
  });

  it('names duplicates and unknown ids', async () => {
    const { notifier } = await openNotifier(db.url);
    await notifier.createChannel({ kind: 'webhook', name: 'twice', url: 'https://example.com' });
    const duplicate = await failure(
      notifier.createChannel({ kind: 'webhook', name: 'twice', url: 'https://example.com' }),
    );
    expect(duplicate).toMatchObject({ code: 'ALREADY_EXISTS', field: 'name' });
    expect(await failure(notifier.getChannel('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(notifier.deleteChannel('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failure(notifier.sendTest('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    const unknownRoute = await failure(notifier.setRuleChannels('rule', ['nope']));
    expect(unknownRoute).toMatchObject({ code: 'INVALID_INPUT', field: 'channel_ids[0]' });
  });
});

describe('key rotation', () => {
  it('re-encrypts channel secrets under a new key so the old one can be pruned', async () => {
    const file = path.join(makeTempDir('pgmcp-notifier-rotate-'), 'secret.key');
    const keyRing = openKeyRing({ file, createIfMissing: true });
    const oldKey = keyRing.activeKeyId();
    const { notifier } = await openNotifier(db.url, { more: { keyRing } });
    const hook = await notifier.createChannel({
      kind: 'webhook',
      name: 'rotated',
      url: 'https://example.com/r',
      secret: HMAC,
    });
    await notifier.createChannel({ kind: 'webhook', name: 'no-secret', url: 'https://example.com/n' });

    const newKey = addKeyToFile(file);
    expect(await notifier.reencryptSecrets()).toBe(1);
    expect(await notifier.reencryptSecrets()).toBe(0);
    pruneKeyFile(file, new Set([newKey.id]));
    keyRing.reload();
    expect(keyRing.keyIds()).toEqual([newKey.id]);

    const [row] = await adminQuery<{ secrets: string }>(
      db.url,
      'select secrets from notification_channels where id = $1',
      [hook.id],
    );
    expect(keyRing.keyIdOf(row!.secrets)).toBe(newKey.id);
    expect(newKey.id).not.toBe(oldKey);
    // Still readable: a change that keeps the secret re-reads it.
    expect(await notifier.updateChannel(hook.id, { name: 'rotated-2' })).toMatchObject({ has_secret: true });
  });
});

describe('delivery retention', () => {
  it('deletes finished deliveries past retention and keeps recent ones', async () => {
    let clock = new Date('2026-01-01T00:00:00Z');
    const { notifier } = await openNotifier(db.url, {
      more: { now: () => clock, deliveryRetentionDays: 30 },
    });
    const channel = await notifier.createChannel({
      kind: 'webhook',
      name: 'old',
      url: 'http://127.0.0.1:9/x',
    });
    await notifier.sendTest(channel.id);
    clock = new Date('2026-01-25T00:00:00Z');
    await notifier.sendTest(channel.id);
    clock = new Date('2026-02-05T00:00:00Z');
    expect(await notifier.runMaintenance()).toEqual({ deletedDeliveries: 1 });
    const left = await notifier.listDeliveries({ channelId: channel.id });
    expect(left.map((d) => d.created_at)).toEqual(['2026-01-25T00:00:00.000Z']);
  });
});
