import type { StoreMigration } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';

// Frozen once shipped: change the schema with a new, later-named migration.
// Partitions (one per UTC day) are created by the datastore at run time, ahead of the clock.
export const metrics: StoreMigration = {
  async up(db: Kysely<unknown>) {
    // One row per probe snapshot and object: the dimensions as columns (filters and grouping), the
    // numbers of that snapshot in one jsonb (counters already turned into per-second rates).
    await sql`
      create table metrics_samples (
        connection_id text not null,
        probe text not null,
        ts timestamptz not null,
        database_name text not null default '',
        schema_name text not null default '',
        table_name text not null default '',
        object_name text not null default '',
        interval_s double precision,
        "values" jsonb not null
      ) partition by range (ts)`.execute(db);
    await sql`create index on metrics_samples (connection_id, probe, ts)`.execute(db);
    // Per hour and object: {metric: {avg, min, max, sum, n, last}}.
    await sql`
      create table metrics_hourly (
        connection_id text not null,
        probe text not null,
        ts timestamptz not null,
        database_name text not null default '',
        schema_name text not null default '',
        table_name text not null default '',
        object_name text not null default '',
        agg jsonb not null,
        primary key (connection_id, probe, ts, database_name, schema_name, table_name, object_name)
      ) partition by range (ts)`.execute(db);
    // The collector's latest outcome per connection and probe (probe '*' is the connection itself).
    await sql`
      create table metrics_status (
        connection_id text not null,
        probe text not null,
        status text not null,
        message text,
        last_run_at timestamptz not null,
        last_ok_at timestamptz,
        primary key (connection_id, probe)
      )`.execute(db);
    // Bookkeeping of the maintenance jobs (e.g. how far downsampling got).
    await sql`create table metrics_state (key text primary key, value text not null)`.execute(db);
  },
};
