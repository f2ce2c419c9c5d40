import type { SampleDims } from '@pgmcp/datastore';
import { type Kysely, sql } from 'kysely';
import { COLLECTOR_PROBE, findDerived } from './derived.js';
import { dimsKey, dimsOf, type Row } from './rows.js';
import type { AlertRule } from './types.js';

/** One object's value of a rule's metric: a number, or null when the object is gone from a fresh snapshot. */
export interface Reading {
  dims: SampleDims;
  value: number | null;
}

/** A rule's readings: `fresh` false when the data is too old to judge (then nothing changes). */
export interface RuleReadings {
  fresh: boolean;
  byKey: Map<string, Reading>;
}

interface ObjectValues {
  dims: SampleDims;
  values: Record<string, unknown>;
}

/** Seconds between a snapshot's time and its status's last_ok_at that still count as the same run. */
const SAME_RUN_SLACK_S = 12;
/** Data older than this many probe intervals (and at least STALE_MIN_S) is too old to judge. */
const STALE_INTERVALS = 3;
const STALE_MIN_S = 600;

/**
 * Reads the values rules need for one connection at `at`, each probe and window once: the latest
 * snapshot (the run that last succeeded, per metrics_status), an average over a window, or the
 * change over a window.
 */
export class ReadingSource {
  readonly #db: Kysely<unknown>;
  readonly #connectionId: string;
  readonly #at: Date;
  readonly #intervals: ReadonlyMap<string, number>;
  readonly #cache = new Map<string, Promise<{ fresh: boolean; objects: ObjectValues[] }>>();
  #status: Promise<Map<string, { status: string; lastOk: Date | null }>> | undefined;

  constructor(db: Kysely<unknown>, connectionId: string, at: Date, intervals: ReadonlyMap<string, number>) {
    this.#db = db;
    this.#connectionId = connectionId;
    this.#at = at;
    this.#intervals = intervals;
  }

  async readings(rule: AlertRule): Promise<RuleReadings> {
    const source =
      rule.probe === COLLECTOR_PROBE
        ? await this.#collectorStatus()
        : rule.windowMode === 'avg'
          ? await this.#cached(`avg:${rule.probe}:${rule.windowS}`, () =>
              this.#average(rule.probe, rule.windowS!),
            )
          : rule.windowMode === 'change'
            ? await this.#change(rule, rule.windowS!)
            : await this.#cached(`latest:${rule.probe}`, () => this.#latest(rule.probe, this.#at));
    const derived = findDerived(rule.probe, rule.metric);
    const byKey = new Map<string, Reading>();
    for (const object of source.objects) {
      if (!matches(object.dims, rule.dimsFilter)) continue;
      const raw = derived ? derived.compute(object.values) : object.values[rule.metric];
      // A derived ratio without enough activity, or a metric missing: no judgement on this object.
      if (typeof raw !== 'number' || !Number.isFinite(raw)) continue;
      byKey.set(dimsKey(object.dims), { dims: object.dims, value: raw });
    }
    return { fresh: source.fresh, byKey };
  }

  #cached<T>(key: string, load: () => Promise<T>): Promise<T> {
    let hit = this.#cache.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      this.#cache.set(key, hit as Promise<{ fresh: boolean; objects: ObjectValues[] }>);
    }
    return hit;
  }

  #statuses() {
    this.#status ??= sql<Row>`select probe, status, last_ok_at from metrics_status
      where connection_id = ${this.#connectionId}`
      .execute(this.#db)
      .then(
        ({ rows }) =>
          new Map(
            rows.map((r) => [
              r.probe as string,
              { status: r.status as string, lastOk: r.last_ok_at ? new Date(r.last_ok_at as string) : null },
            ]),
          ),
      );
    return this.#status;
  }

  #staleS(probe: string): number {
    return Math.max(STALE_INTERVALS * (this.#intervals.get(probe) ?? 60), STALE_MIN_S);
  }

  async #collectorStatus(): Promise<{ fresh: boolean; objects: ObjectValues[] }> {
    const self = (await this.#statuses()).get('*');
    if (!self) return { fresh: false, objects: [] };
    return { fresh: true, objects: [{ dims: {}, values: { unreachable: self.status === 'error' ? 1 : 0 } }] };
  }

  /** Where the latest run of `probe` not after `until` starts, or undefined when its data is too old. */
  async #runStart(probe: string, until: Date): Promise<{ from: Date; byStatus: boolean } | undefined> {
    const stale = this.#staleS(probe) * 1000;
    const lastOk = until === this.#at ? (await this.#statuses()).get(probe)?.lastOk : undefined;
    if (!lastOk) return { from: new Date(until.getTime() - stale), byStatus: false };
    if (lastOk.getTime() < until.getTime() - stale) return undefined;
    return {
      from: new Date(Math.min(lastOk.getTime(), until.getTime()) - SAME_RUN_SLACK_S * 1000),
      byStatus: true,
    };
  }

  /**
   * Loads the latest run of every probe the rules read in one statement (one round trip per
   * evaluation instead of one per probe).
   */
  async prefetch(rules: readonly AlertRule[]): Promise<void> {
    const probes = [
      ...new Set(rules.filter((r) => r.enabled && r.probe !== COLLECTOR_PROBE).map((r) => r.probe)),
    ];
    const starts = new Map<string, { from: Date; byStatus: boolean }>();
    for (const probe of probes) {
      const start = await this.#runStart(probe, this.#at);
      if (start) starts.set(probe, start);
      else this.#cache.set(`latest:${probe}`, Promise.resolve({ fresh: false, objects: [] }));
    }
    if (starts.size === 0) return;
    const names = [...starts.keys()];
    const { rows } =
      await sql<Row>`select p.probe, s.database_name, s.schema_name, s.table_name, s.object_name,
        s."values"
      from unnest(${names}::text[], ${names.map((n) => starts.get(n)!.from.toISOString())}::timestamptz[])
        as p(probe, from_ts)
      cross join lateral (select max(m.ts) as ts from metrics_samples m where m.connection_id = ${this.#connectionId}
        and m.probe = p.probe and m.ts >= p.from_ts and m.ts <= ${this.#at.toISOString()}::timestamptz) l
      join metrics_samples s on s.connection_id = ${this.#connectionId} and s.probe = p.probe and s.ts = l.ts`.execute(
        this.#db,
      );
    const objects = new Map<string, ObjectValues[]>(names.map((n) => [n, []]));
    for (const r of rows)
      objects.get(r.probe as string)?.push({ dims: dimsOf(r), values: r.values as Record<string, unknown> });
    for (const name of names) {
      const found = objects.get(name)!;
      const fresh = starts.get(name)!.byStatus || found.length > 0;
      this.#cache.set(`latest:${name}`, Promise.resolve({ fresh, objects: found }));
    }
  }

  /** The rows of the latest run of `probe` not after `until`, and whether it is recent enough. */
  async #latest(probe: string, until: Date): Promise<{ fresh: boolean; objects: ObjectValues[] }> {
    const start = await this.#runStart(probe, until);
    if (!start) return { fresh: false, objects: [] };
    const from = start.from.toISOString();
    const objects = await this.#rows(
      probe,
      sql`ts = (select max(ts) from metrics_samples
      where connection_id = ${this.#connectionId} and probe = ${probe} and ts >= ${from}::timestamptz
        and ts <= ${until.toISOString()}::timestamptz)`,
    );
    return { fresh: start.byStatus || objects.length > 0, objects };
  }

  async #rows(probe: string, where: ReturnType<typeof sql>): Promise<ObjectValues[]> {
    const { rows } = await sql<Row>`select database_name, schema_name, table_name, object_name, "values"
      from metrics_samples where connection_id = ${this.#connectionId} and probe = ${probe} and ${where}`.execute(
      this.#db,
    );
    return rows.map((r) => ({
      dims: dimsOf(r),
      values: r.values as Record<string, unknown>,
    }));
  }

  async #average(probe: string, windowS: number): Promise<{ fresh: boolean; objects: ObjectValues[] }> {
    const latest = await this.#cached(`latest:${probe}`, () => this.#latest(probe, this.#at));
    if (!latest.fresh) return latest;
    const from = new Date(this.#at.getTime() - windowS * 1000).toISOString();
    const { rows } = await sql<Row>`select database_name, schema_name, table_name, object_name,
        jsonb_object_agg(metric, v) as "values"
      from (select s.database_name, s.schema_name, s.table_name, s.object_name, m.key as metric,
          avg(m.value::float8) as v
        from metrics_samples s cross join lateral jsonb_each(s."values") m
        where s.connection_id = ${this.#connectionId} and s.probe = ${probe} and s.ts > ${from}::timestamptz
          and s.ts <= ${this.#at.toISOString()}::timestamptz and jsonb_typeof(m.value) = 'number'
        group by 1, 2, 3, 4, 5) per_metric
      group by 1, 2, 3, 4`.execute(this.#db);
    // Objects of the latest run only: one that went away is judged gone, not by its old average.
    const present = new Set(latest.objects.map((o) => dimsKey(o.dims)));
    return {
      fresh: true,
      objects: rows
        .map((r) => ({
          dims: dimsOf(r),
          values: r.values as Record<string, unknown>,
        }))
        .filter((o) => present.has(dimsKey(o.dims))),
    };
  }

  async #change(rule: AlertRule, windowS: number): Promise<{ fresh: boolean; objects: ObjectValues[] }> {
    const latest = await this.#cached(`latest:${rule.probe}`, () => this.#latest(rule.probe, this.#at));
    if (!latest.fresh) return latest;
    const past = await this.#cached(`past:${rule.probe}:${windowS}`, () =>
      this.#latest(rule.probe, new Date(this.#at.getTime() - windowS * 1000)),
    );
    // No history that far back yet: growth cannot be judged.
    if (!past.fresh) return { fresh: false, objects: [] };
    const before = new Map(past.objects.map((o) => [dimsKey(o.dims), o.values]));
    return {
      fresh: true,
      objects: latest.objects.flatMap((o) => {
        const old = before.get(dimsKey(o.dims))?.[rule.metric];
        const now = o.values[rule.metric];
        return typeof old === 'number' && typeof now === 'number'
          ? [{ dims: o.dims, values: { [rule.metric]: now - old } }]
          : [];
      }),
    };
  }
}

function matches(dims: SampleDims, filter: SampleDims): boolean {
  return Object.entries(filter).every(([key, value]) => (dims[key as keyof SampleDims] ?? '') === value);
}
