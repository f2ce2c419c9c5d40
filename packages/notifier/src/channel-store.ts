import { randomUUID } from 'node:crypto';
import type { HostGuard } from '@pgmcp/connection-store';
import type { KeyRing } from '@pgmcp/secrets';
import { isUniqueViolation } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';
import {
  type ChannelConfig,
  ChannelInputSchema,
  ChannelPatchSchema,
  type ChannelSecrets,
  joinSecrets,
  parseOrThrow,
  splitSecrets,
  type StoredConfig,
} from './channel-config.js';
import { NotifierError } from './errors.js';
import { checkHost, checkUrl } from './host-check.js';
import { type ChannelKind, type ChannelView, SEVERITIES, type Severity } from './types.js';

interface ChannelRow {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  min_severity: Severity | null;
  config: StoredConfig;
  secrets: string | null;
  created_at: Date;
  updated_at: Date;
  rule_ids: string[];
}

/** A channel with its decrypted settings, for sending only. */
export interface LoadedChannel {
  view: ChannelView;
  config: ChannelConfig;
}

/** The notification_channels table, secrets encrypted with the key ring. */
export interface ChannelStore {
  create(input: unknown): Promise<ChannelView>;
  update(id: string, patch: unknown): Promise<ChannelView>;
  remove(id: string): Promise<void>;
  list(): Promise<ChannelView[]>;
  get(id: string): Promise<ChannelView>;
  load(id: string): Promise<LoadedChannel>;
  /** The enabled channels an event of a rule and severity goes to (not decrypted: a broken one stops no other). */
  routes(ruleId: string, severity: Severity): Promise<ChannelView[]>;
  setRuleChannels(ruleId: string, channelIds: readonly string[]): Promise<void>;
  ruleChannels(ruleId: string): Promise<string[]>;
  /** Re-encrypts every secret not under the key ring's active key; returns how many. */
  reencryptSecrets(): Promise<number>;
}

const secretContext = (id: string) => `notification-channel:${id}:secrets`;

const SELECT = sql`
  select c.*, array(select r.rule_id from notification_rule_channels r
    where r.channel_id = c.id order by r.rule_id) as rule_ids
  from notification_channels c`;

/** The channel store over an open, migrated datastore database. */
export function createChannelStore(
  db: Kysely<unknown>,
  ring: KeyRing,
  guard: HostGuard,
  now: () => Date,
): ChannelStore {
  async function checkTargets(config: ChannelConfig): Promise<void> {
    if (config.kind === 'email') await checkHost(guard, config.smtp.host, 'smtp.host');
    else await checkUrl(guard, config.url, 'url');
  }

  function encrypt(id: string, secrets: ChannelSecrets): string | null {
    return Object.keys(secrets).length === 0
      ? null
      : ring.encrypt(JSON.stringify(secrets), secretContext(id));
  }

  function decrypt(row: ChannelRow): ChannelConfig {
    const secrets = row.secrets
      ? (JSON.parse(ring.decrypt(row.secrets, secretContext(row.id))) as ChannelSecrets)
      : {};
    return joinSecrets(row.kind, row.config, secrets, row.name);
  }

  async function rows(where = sql``): Promise<ChannelRow[]> {
    const result = await sql<ChannelRow>`${SELECT} ${where} order by c.name`.execute(db);
    return result.rows;
  }

  async function row(id: string): Promise<ChannelRow> {
    const [found] = await rows(sql`where c.id = ${id}`);
    if (!found) throw new NotifierError('NOT_FOUND', `No notification channel with id "${id}".`);
    return found;
  }

  async function write(id: string, statement: ReturnType<typeof sql>): Promise<ChannelView> {
    try {
      await statement.execute(db);
    } catch (error) {
      if (isUniqueViolation(error))
        throw new NotifierError('ALREADY_EXISTS', 'name: a notification channel with that name exists.', {
          field: 'name',
        });
      throw error;
    }
    return view(await row(id));
  }

  const store: ChannelStore = {
    async create(input) {
      const parsed = parseOrThrow(ChannelInputSchema, input);
      await checkTargets(parsed);
      const id = randomUUID();
      const { config, secrets } = stored(parsed);
      const at = now().toISOString();
      return write(
        id,
        sql`insert into notification_channels (id, name, kind, enabled, min_severity, config, secrets,
            created_at, updated_at)
          values (${id}, ${parsed.name}, ${parsed.kind}, ${parsed.enabled ?? true}, ${parsed.min_severity ?? null},
            ${JSON.stringify(config)}::jsonb, ${encrypt(id, secrets)}, ${at}::timestamptz, ${at}::timestamptz)`,
      );
    },
    async update(id, patch) {
      const changes = parseOrThrow(ChannelPatchSchema, patch);
      const current = await row(id);
      const merged = parseOrThrow(ChannelInputSchema, merge(decrypt(current), changes));
      await checkTargets(merged);
      const { config, secrets } = stored(merged);
      const enabled = changes.enabled ?? current.enabled;
      const minSeverity = changes.min_severity === undefined ? current.min_severity : changes.min_severity;
      return write(
        id,
        sql`update notification_channels set name = ${merged.name}, enabled = ${enabled},
            min_severity = ${minSeverity}, config = ${JSON.stringify(config)}::jsonb,
            secrets = ${encrypt(id, secrets)}, updated_at = ${now().toISOString()}::timestamptz
          where id = ${id}`,
      );
    },
    async remove(id) {
      const result = await sql`delete from notification_channels where id = ${id}`.execute(db);
      if (Number(result.numAffectedRows ?? 0) === 0)
        throw new NotifierError('NOT_FOUND', `No notification channel with id "${id}".`);
    },
    list: async () => (await rows()).map(view),
    get: async (id) => view(await row(id)),
    async load(id) {
      const found = await row(id);
      return { view: view(found), config: decrypt(found) };
    },
    async routes(ruleId, severity) {
      const atOrBelow = SEVERITIES.slice(0, SEVERITIES.indexOf(severity) + 1);
      const found = await rows(sql`where c.enabled and (
          c.min_severity = any(${atOrBelow}::text[])
          or exists (select 1 from notification_rule_channels r where r.channel_id = c.id and r.rule_id = ${ruleId}))`);
      return found.map(view);
    },
    async setRuleChannels(ruleId, channelIds) {
      const ids = [...new Set(channelIds)];
      const known = await sql<{ id: string }>`
        select id from notification_channels where id = any(${ids}::text[])`.execute(db);
      const missing = ids.findIndex((id) => !known.rows.some((r) => r.id === id));
      if (missing >= 0)
        throw new NotifierError(
          'INVALID_INPUT',
          `channel_ids[${missing}]: no notification channel "${ids[missing]}".`,
          {
            field: `channel_ids[${missing}]`,
          },
        );
      await db.transaction().execute(async (trx) => {
        await sql`delete from notification_rule_channels where rule_id = ${ruleId}`.execute(trx);
        if (ids.length > 0)
          await sql`insert into notification_rule_channels (rule_id, channel_id)
            select ${ruleId}, unnest(${ids}::text[])`.execute(trx);
      });
    },
    async ruleChannels(ruleId) {
      const result = await sql<{ channel_id: string }>`
        select channel_id from notification_rule_channels where rule_id = ${ruleId} order by channel_id`.execute(
        db,
      );
      return result.rows.map((r) => r.channel_id);
    },
    async reencryptSecrets() {
      ring.reload();
      const active = ring.activeKeyId();
      const result = await sql<{ id: string; secrets: string }>`
        select id, secrets from notification_channels where secrets is not null`.execute(db);
      let count = 0;
      for (const { id, secrets } of result.rows) {
        if (ring.keyIdOf(secrets) === active) continue;
        const fresh = ring.encrypt(ring.decrypt(secrets, secretContext(id)), secretContext(id));
        // Only a value still as read is replaced: a concurrent edit wrote one under the new key anyway.
        const updated = await sql`update notification_channels set secrets = ${fresh}
          where id = ${id} and secrets = ${secrets}`.execute(db);
        count += Number(updated.numAffectedRows ?? 0);
      }
      return count;
    },
  };
  return store;
}

function stored(config: ChannelConfig): { config: StoredConfig; secrets: ChannelSecrets } {
  const { settings, secrets } = splitSecrets(config);
  const ca = config.kind === 'email' ? config.smtp.ca : undefined;
  return { config: { settings, ...(ca ? { ca } : {}) }, secrets };
}

/** The current settings with a patch laid over (smtp field by field); `null` secrets drop out. */
function merge(current: ChannelConfig, patch: Record<string, unknown>): Record<string, unknown> {
  const defined = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).filter(([, value]) => value !== undefined));
  const { enabled: _enabled, min_severity: _min, smtp, ...rest } = patch;
  const merged: Record<string, unknown> = { ...current, ...defined(rest) };
  if (smtp !== undefined) {
    if (current.kind !== 'email') merged.smtp = smtp;
    else merged.smtp = { ...current.smtp, ...defined(smtp as Record<string, unknown>) };
  }
  return merged;
}

function view(row: ChannelRow): ChannelView {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    enabled: row.enabled,
    min_severity: row.min_severity,
    rule_ids: row.rule_ids,
    settings: row.config.settings,
    has_secret: row.secrets !== null,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}
