import type { StoreMigration } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';

// Frozen once shipped: change the schema with a new, later-named migration.
export const alerts: StoreMigration = {
  async up(db: Kysely<unknown>) {
    // Rules: a threshold (value op threshold, held duration_s) or an anomaly over a learned baseline.
    await sql`
      create table alert_rules (
        id text primary key,
        name text not null,
        category text not null,
        description text not null default '',
        kind text not null check (kind in ('threshold', 'anomaly')),
        probe text not null,
        metric text not null,
        dims_filter jsonb not null default '{}',
        operator text not null check (operator in ('>', '>=', '<', '<=')),
        threshold double precision not null,
        clear_threshold double precision,
        duration_s integer not null default 0,
        severity text not null check (severity in ('info', 'warning', 'critical')),
        enabled boolean not null default true,
        window_s integer,
        window_mode text check (window_mode in ('avg', 'change')),
        anomaly_method text check (anomaly_method in ('ratio', 'stddev')),
        min_samples integer,
        min_value double precision,
        builtin boolean not null default false,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      )`.execute(db);
    await sql`
      create table alert_rule_overrides (
        rule_id text not null references alert_rules (id) on delete cascade,
        connection_id text not null,
        threshold double precision,
        clear_threshold double precision,
        duration_s integer,
        enabled boolean,
        severity text check (severity in ('info', 'warning', 'critical')),
        primary key (rule_id, connection_id)
      )`.execute(db);
    // Per rule, connection and object: since when the condition holds (cleared when it stops).
    await sql`
      create table alert_states (
        rule_id text not null,
        connection_id text not null,
        dims_key text not null,
        pending_since timestamptz not null,
        primary key (rule_id, connection_id, dims_key)
      )`.execute(db);
    // The lifecycle: firing → (acknowledged) → cleared; re-opened within the window.
    await sql`
      create table alerts (
        id bigint generated always as identity primary key,
        rule_id text not null,
        connection_id text not null,
        dims jsonb not null default '{}',
        dims_key text not null,
        probe text not null,
        metric text not null,
        severity text not null,
        status text not null check (status in ('firing', 'acknowledged', 'cleared')),
        message text not null,
        value double precision,
        threshold double precision,
        fired_at timestamptz not null,
        last_fired_at timestamptz not null,
        reopen_count integer not null default 0,
        acknowledged_at timestamptz,
        acknowledged_by text,
        ack_note text,
        cleared_at timestamptz
      )`.execute(db);
    await sql`create index on alerts (connection_id, fired_at)`.execute(db);
    await sql`create unique index alerts_one_open on alerts (rule_id, connection_id, dims_key)
      where status <> 'cleared'`.execute(db);
    // One-off (starts_at, ends_at) or scheduled (cron, duration_s, time_zone); connection_id null = all.
    await sql`
      create table blackouts (
        id bigint generated always as identity primary key,
        connection_id text,
        reason text not null default '',
        starts_at timestamptz,
        ends_at timestamptz,
        cron text,
        duration_s integer,
        time_zone text,
        created_by text,
        created_at timestamptz not null default now(),
        ended_at timestamptz
      )`.execute(db);
    // Which blackouts are in force per connection, to record their start and end once.
    await sql`
      create table blackout_states (
        blackout_id bigint not null references blackouts (id) on delete cascade,
        connection_id text not null,
        active_since timestamptz not null,
        primary key (blackout_id, connection_id)
      )`.execute(db);
    // Learned from hourly rollups: per metric, object and hour of the week (0 = Sunday 00:00 UTC).
    await sql`
      create table metric_baselines (
        connection_id text not null,
        probe text not null,
        metric text not null,
        dims_key text not null,
        dims jsonb not null,
        hour_of_week integer not null,
        mean double precision not null,
        stddev double precision not null,
        n integer not null,
        updated_at timestamptz not null,
        primary key (connection_id, probe, metric, dims_key, hour_of_week)
      )`.execute(db);
    await sql`
      create table timeline_events (
        id bigint generated always as identity primary key,
        connection_id text not null,
        at timestamptz not null,
        type text not null,
        title text not null,
        details jsonb not null default '{}',
        alert_id bigint
      )`.execute(db);
    await sql`create index on timeline_events (connection_id, at)`.execute(db);
    // How far the timeline read each probe's snapshots (settings, hba_rules, extensions, server_info).
    await sql`
      create table timeline_watermarks (
        connection_id text not null,
        probe text not null,
        ts timestamptz not null,
        primary key (connection_id, probe)
      )`.execute(db);
  },
};
