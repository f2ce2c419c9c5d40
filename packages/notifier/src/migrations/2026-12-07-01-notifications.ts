import type { StoreMigration } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';

// Frozen once shipped: change the schema with a new, later-named migration.
export const notifications: StoreMigration = {
  async up(db: Kysely<unknown>) {
    // `config` holds what may be shown; `secrets` the encrypted JSON of the secret fields
    // (Slack URL, HMAC secret, SMTP password), bound to the channel id by the key ring's context.
    await sql`
      create table notification_channels (
        id text primary key,
        name text not null unique,
        kind text not null check (kind in ('webhook', 'slack', 'email')),
        enabled boolean not null default true,
        min_severity text check (min_severity in ('info', 'warning', 'critical')),
        config jsonb not null,
        secrets text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    // Per-rule routing: the channels a rule's events go to (besides those of min_severity).
    await sql`
      create table notification_rule_channels (
        rule_id text not null,
        channel_id text not null references notification_channels (id) on delete cascade,
        primary key (rule_id, channel_id)
      )`.execute(db);
    await sql`create index on notification_rule_channels (channel_id)`.execute(db);
    // One row per event and channel (or per test send), updated by each attempt; `attempt_log`
    // keeps every attempt's outcome.
    await sql`
      create table notification_deliveries (
        id bigint generated always as identity primary key,
        channel_id text not null references notification_channels (id) on delete cascade,
        event_kind text not null,
        alert_id text,
        rule_id text,
        connection_id text,
        severity text,
        event jsonb not null,
        status text not null check (status in ('pending', 'sending', 'retrying', 'delivered', 'failed')),
        attempts integer not null default 0,
        max_attempts integer not null,
        response text,
        last_error text,
        attempt_log jsonb not null default '[]',
        next_attempt_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        delivered_at timestamptz
      )`.execute(db);
    await sql`create index on notification_deliveries (channel_id, created_at desc)`.execute(db);
    await sql`create index on notification_deliveries (alert_id) where alert_id is not null`.execute(db);
    await sql`create index on notification_deliveries (created_at)`.execute(db);
    await sql`
      create index on notification_deliveries (next_attempt_at)
      where status in ('pending', 'sending', 'retrying')`.execute(db);
  },
};
