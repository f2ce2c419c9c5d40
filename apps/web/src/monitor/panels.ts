import type { LineRule } from './series.js';

/** A chart of the Monitor view: which probe and metrics it reads and how it draws them. */
export interface PanelSpec {
  id: string;
  title: string;
  /** One sentence under the title: what to look for. */
  hint: string;
  probe: string;
  metrics: readonly string[];
  rule: LineRule;
  /** The unit the values are shown in (after `scale`). */
  unit: string;
  scale?: number;
  /** What an empty chart means, e.g. "No replicas". */
  empty: string;
}

/** The charts a DBA reads first, in order; metric names are the probes' (packages/collector/src/probes). */
export const PANELS: readonly PanelSpec[] = [
  {
    id: 'tps',
    title: 'Transactions',
    hint: 'Commits and rollbacks per second, all databases.',
    probe: 'database_stats',
    metrics: ['xact_commit', 'xact_rollback'],
    rule: { kind: 'metrics', labels: { xact_commit: 'commits', xact_rollback: 'rollbacks' } },
    unit: 'transactions/s',
    empty: 'No transactions recorded in this range.',
  },
  {
    id: 'sessions',
    title: 'Connections by state',
    hint: 'Sessions per state; many “idle in transaction” ones hold locks and block vacuum.',
    probe: 'activity_by_state',
    metrics: ['sessions'],
    rule: { kind: 'dims', dim: 'object_name', zeroWhenAbsent: true },
    unit: 'sessions',
    empty: 'No sessions recorded in this range.',
  },
  {
    id: 'cache',
    title: 'Cache hit ratio',
    hint: 'Share of block reads served from shared buffers; below 99 % on OLTP is worth a look.',
    probe: 'database_stats',
    metrics: ['blks_hit', 'blks_read'],
    rule: { kind: 'hit_ratio', hit: 'blks_hit', read: 'blks_read', label: 'hit ratio' },
    unit: '%',
    empty: 'No block reads recorded in this range.',
  },
  {
    id: 'rows',
    title: 'Rows',
    hint: 'Rows fetched, returned and written per second, all databases.',
    probe: 'database_stats',
    metrics: ['tup_fetched', 'tup_returned', 'tup_inserted', 'tup_updated', 'tup_deleted'],
    rule: {
      kind: 'metrics',
      labels: {
        tup_fetched: 'fetched',
        tup_returned: 'returned',
        tup_inserted: 'inserted',
        tup_updated: 'updated',
        tup_deleted: 'deleted',
      },
    },
    unit: 'rows/s',
    empty: 'No row activity recorded in this range.',
  },
  {
    id: 'wal',
    title: 'WAL',
    hint: 'Write-ahead log generated per second.',
    probe: 'wal',
    metrics: ['wal_bytes'],
    rule: { kind: 'metrics', labels: { wal_bytes: 'WAL' } },
    unit: 'bytes/s',
    empty: 'No WAL statistics in this range (pg_stat_wal needs PostgreSQL 14).',
  },
  {
    id: 'checkpoints',
    title: 'Checkpoints',
    hint: 'Per hour; many requested ones mean max_wal_size is too small.',
    probe: 'checkpointer',
    metrics: ['checkpoints_timed', 'checkpoints_requested'],
    rule: { kind: 'metrics', labels: { checkpoints_timed: 'timed', checkpoints_requested: 'requested' } },
    unit: 'checkpoints/h',
    scale: 3600,
    empty: 'No checkpoint statistics in this range.',
  },
  {
    id: 'replication',
    title: 'Replication lag',
    hint: 'WAL not yet replayed on each replica.',
    probe: 'replication',
    metrics: ['replay_lag_bytes'],
    rule: { kind: 'dims', dim: 'object_name' },
    unit: 'bytes',
    empty: 'No replicas are streaming from this server.',
  },
  {
    id: 'db-size',
    title: 'Database size',
    hint: 'Size of each database on the server.',
    probe: 'database_sizes',
    metrics: ['size_bytes'],
    rule: { kind: 'dims', dim: 'database_name', max: 6 },
    unit: 'bytes',
    empty: 'No sizes recorded in this range (collected every 5 minutes).',
  },
  {
    id: 'locks',
    title: 'Lock waits',
    hint: 'Sessions waiting on a lock, and sessions holding locks others wait on.',
    probe: 'blocking',
    metrics: ['blocked_sessions', 'blocking_sessions'],
    rule: { kind: 'metrics', labels: { blocked_sessions: 'waiting', blocking_sessions: 'blocking' } },
    unit: 'sessions',
    empty: 'No lock data recorded in this range.',
  },
  {
    id: 'waits',
    title: 'Wait events',
    hint: 'Active sessions by what they wait on (the top 6).',
    probe: 'activity_by_wait_event',
    metrics: ['sessions'],
    rule: { kind: 'dims', dim: 'object_name', zeroWhenAbsent: true, max: 6 },
    unit: 'sessions',
    empty: 'No active session waited in this range.',
  },
];

/** The time ranges of the picker. */
export const RANGES = [
  { id: '15m', label: '15 min', seconds: 900 },
  { id: '1h', label: '1 h', seconds: 3600 },
  { id: '6h', label: '6 h', seconds: 6 * 3600 },
  { id: '24h', label: '24 h', seconds: 86_400 },
  { id: '7d', label: '7 d', seconds: 7 * 86_400 },
  { id: '30d', label: '30 d', seconds: 30 * 86_400 },
] as const;
export type RangeId = (typeof RANGES)[number]['id'];

/** Auto-refresh choices, in seconds (0 = off). */
export const REFRESH_CHOICES = [
  { seconds: 0, label: 'Off' },
  { seconds: 10, label: '10 s' },
  { seconds: 30, label: '30 s' },
  { seconds: 60, label: '1 min' },
] as const;

/** Buckets for a range: at most 150, and none narrower than the probe's interval (so each holds a sample). */
export function bucketsFor(rangeSeconds: number, intervalS: number): number {
  return Math.max(1, Math.min(150, Math.floor(rangeSeconds / Math.max(1, intervalS))));
}

/** Further apart than this, two points have missing data between them. */
export function gapSecondsFor(bucketSeconds: number, intervalS: number): number {
  return 2.5 * Math.max(bucketSeconds, intervalS);
}
