import type { SampleDims } from '@pgmcp/datastore';
import { type Kysely, sql } from 'kysely';
import { hourOfWeek } from './baselines.js';
import { type BlackoutSync, syncBlackouts } from './blackouts.js';
import { type Reading, ReadingSource } from './readings.js';
import { alertFromRow, dimsLabel, type Row } from './rows.js';
import { deriveProbeEvents, type NewTimelineEvent } from './timeline.js';
import type { Alert, AlertEvent, EffectiveRule } from './types.js';

/** What one evaluation of a connection did. */
export interface EvaluationReport {
  connectionId: string;
  at: Date;
  rulesEvaluated: number;
  /** A blackout was in force: nothing fired. */
  blackedOut: boolean;
  fired: number;
  reopened: number;
  cleared: number;
  /** Timeline events recorded (alerts, blackouts, settings, restarts, ...). */
  events: number;
}

/** What the evaluator needs besides the database. */
export interface EvaluationContext {
  db: Kysely<unknown>;
  connectionId: string;
  at: Date;
  rules: readonly EffectiveRule[];
  intervals: ReadonlyMap<string, number>;
  reopenWindowS: number;
}

interface Bound {
  /** The value crosses the rule when `value op fire`. */
  fire: number;
  /** An open alert clears once the value is at or beyond this on the good side. */
  clear: number;
}

const upward = (rule: EffectiveRule) => rule.operator === '>' || rule.operator === '>=';

function crosses(rule: EffectiveRule, value: number, limit: number): boolean {
  switch (rule.operator) {
    case '>':
      return value > limit;
    case '>=':
      return value >= limit;
    case '<':
      return value < limit;
    case '<=':
      return value <= limit;
  }
}

function fmt(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Outcome of judging one object: what the evaluator must do. */
type Verdict = 'fire' | 'pending' | 'reset' | 'clear' | 'hold';

export class Evaluation {
  readonly #c: EvaluationContext;
  readonly #events: NewTimelineEvent[] = [];
  readonly alertEvents: AlertEvent[] = [];
  readonly report: EvaluationReport;
  #baselines = new Map<string, { mean: number; stddev: number; n: number }>();

  constructor(context: EvaluationContext) {
    this.#c = context;
    this.report = {
      connectionId: context.connectionId,
      at: context.at,
      rulesEvaluated: 0,
      blackedOut: false,
      fired: 0,
      reopened: 0,
      cleared: 0,
      events: 0,
    };
  }

  /** Runs every rule of the connection once and records what happened. */
  async run(): Promise<NewTimelineEvent[]> {
    const { db, connectionId, at } = this.#c;
    const blackouts = await syncBlackouts(db, connectionId, at);
    this.#blackoutEvents(blackouts);
    this.report.blackedOut = blackouts.active;
    await this.#loadBaselines();
    const { rows: stateRows } = await sql<Row>`select rule_id, dims_key, pending_since from alert_states
      where connection_id = ${connectionId}`.execute(db);
    const { rows: openRows } = await sql<Row>`select * from alerts
      where connection_id = ${connectionId} and status <> 'cleared'`.execute(db);
    const pending = new Map(
      stateRows.map((r) => [
        `${r.rule_id as string}\u0000${r.dims_key as string}`,
        new Date(r.pending_since as string),
      ]),
    );
    const open = new Map(
      openRows.map((r) => [`${r.rule_id as string}\u0000${r.dims_key as string}`, alertFromRow(r)]),
    );
    const source = new ReadingSource(db, connectionId, at, this.#c.intervals);
    await source.prefetch(this.#c.rules);
    for (const rule of this.#c.rules) {
      if (!rule.enabled) {
        await this.#clearDisabled(rule, open);
        continue;
      }
      this.report.rulesEvaluated++;
      const readings = await source.readings(rule);
      if (!readings.fresh) continue;
      const keys = new Set<string>(readings.byKey.keys());
      for (const key of [...pending.keys(), ...open.keys()])
        if (key.startsWith(`${rule.id}\u0000`)) keys.add(key.slice(rule.id.length + 1));
      for (const key of keys) {
        const id = `${rule.id}\u0000${key}`;
        const reading = readings.byKey.get(key) ?? { dims: open.get(id)?.dims ?? {}, value: null };
        await this.#judge(rule, key, reading, pending.get(id), open.get(id), blackouts.active);
      }
    }
    this.#events.push(...(await deriveProbeEvents(db, connectionId, at)));
    this.report.events = this.#events.length;
    return this.#events;
  }

  async #loadBaselines(): Promise<void> {
    if (!this.#c.rules.some((r) => r.kind === 'anomaly' && r.enabled)) return;
    const { rows } = await sql<Row>`select probe, metric, dims_key, mean, stddev, n from metric_baselines
      where connection_id = ${this.#c.connectionId} and hour_of_week = ${hourOfWeek(this.#c.at)}`.execute(
      this.#c.db,
    );
    this.#baselines = new Map(
      rows.map((r) => [
        `${r.probe as string}\u0000${r.metric as string}\u0000${r.dims_key as string}`,
        { mean: Number(r.mean), stddev: Number(r.stddev), n: Number(r.n) },
      ]),
    );
  }

  /** The fire and clear limits of a rule for one object; undefined when an anomaly rule has no baseline yet. */
  #bound(rule: EffectiveRule, key: string): Bound | undefined {
    const clearAt = rule.clearThreshold ?? rule.threshold;
    if (rule.kind === 'threshold') return { fire: rule.threshold, clear: clearAt };
    const base = this.#baselines.get(`${rule.probe}\u0000${rule.metric}\u0000${key}`);
    if (!base || base.n < (rule.minSamples ?? 3)) return undefined;
    const at = (k: number) => (rule.anomalyMethod === 'stddev' ? base.mean + k * base.stddev : base.mean * k);
    return { fire: Math.max(at(rule.threshold), rule.minValue ?? -Infinity), clear: at(clearAt) };
  }

  #verdict(rule: EffectiveRule, reading: Reading, bound: Bound | undefined, isOpen: boolean): Verdict {
    const value = reading.value;
    const crossing = value !== null && bound !== undefined && crosses(rule, value, bound.fire);
    if (isOpen) {
      if (value === null || bound === undefined) return 'clear';
      const recovered = !crossing && (upward(rule) ? value <= bound.clear : value >= bound.clear);
      return recovered ? 'clear' : 'hold';
    }
    return crossing ? 'pending' : 'reset';
  }

  async #judge(
    rule: EffectiveRule,
    key: string,
    reading: Reading,
    pendingSince: Date | undefined,
    open: Alert | undefined,
    blackedOut: boolean,
  ): Promise<void> {
    const { db, connectionId, at } = this.#c;
    const bound = this.#bound(rule, key);
    const verdict = this.#verdict(rule, reading, bound, open !== undefined);
    if (verdict === 'clear' && open) return this.#clear(open, reading.value);
    if (verdict === 'hold') return;
    if (verdict === 'reset' || blackedOut) {
      if (pendingSince)
        await sql`delete from alert_states where rule_id = ${rule.id} and connection_id = ${connectionId}
          and dims_key = ${key}`.execute(db);
      return;
    }
    const since = pendingSince ?? at;
    if (!pendingSince && rule.durationS > 0) {
      await sql`insert into alert_states (rule_id, connection_id, dims_key, pending_since)
        values (${rule.id}, ${connectionId}, ${key}, ${at.toISOString()}::timestamptz)
        on conflict do nothing`.execute(db);
      return;
    }
    if (at.getTime() - since.getTime() < rule.durationS * 1000) return;
    await this.#fire(rule, key, reading, bound!.fire);
    if (pendingSince)
      await sql`delete from alert_states where rule_id = ${rule.id} and connection_id = ${connectionId}
        and dims_key = ${key}`.execute(db);
  }

  #message(rule: EffectiveRule, dims: SampleDims, value: number, limit: number): string {
    const where = dimsLabel(dims);
    const what = rule.windowMode ? `${rule.metric} (${rule.windowMode} over ${rule.windowS} s)` : rule.metric;
    const usual = rule.kind === 'anomaly' ? ' (learned usual for this hour of week)' : '';
    return `${rule.name}: ${what} = ${fmt(value)} ${rule.operator} ${fmt(limit)}${usual}${where ? ` on ${where}` : ''}`;
  }

  async #fire(rule: EffectiveRule, key: string, reading: Reading, limit: number): Promise<void> {
    const { db, connectionId, at } = this.#c;
    const value = reading.value!;
    const message = this.#message(rule, reading.dims, value, limit);
    const since = new Date(at.getTime() - this.#c.reopenWindowS * 1000).toISOString();
    const { rows: reopened } = await sql<Row>`update alerts set status = 'firing', cleared_at = null,
        last_fired_at = ${at.toISOString()}::timestamptz, reopen_count = reopen_count + 1, value = ${value},
        threshold = ${limit}, severity = ${rule.severity}, message = ${message}
      where id = (select id from alerts where rule_id = ${rule.id} and connection_id = ${connectionId}
          and dims_key = ${key} and status = 'cleared' and cleared_at >= ${since}::timestamptz
        order by cleared_at desc limit 1)
      returning *`.execute(db);
    if (reopened[0]) {
      this.report.reopened++;
      return this.#alertEvent('reopened', alertFromRow(reopened[0]));
    }
    const { rows } = await sql<Row>`insert into alerts (rule_id, connection_id, dims, dims_key, probe, metric,
        severity, status, message, value, threshold, fired_at, last_fired_at)
      values (${rule.id}, ${connectionId}, ${JSON.stringify(reading.dims)}::jsonb, ${key}, ${rule.probe},
        ${rule.metric}, ${rule.severity}, 'firing', ${message}, ${value}, ${limit},
        ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)
      returning *`.execute(db);
    this.report.fired++;
    this.#alertEvent('fired', alertFromRow(rows[0]!));
  }

  async #clear(alert: Alert, value: number | null): Promise<void> {
    const { rows } = await sql<Row>`update alerts set status = 'cleared',
        cleared_at = ${this.#c.at.toISOString()}::timestamptz
      where id = ${alert.id} and status <> 'cleared' returning *`.execute(this.#c.db);
    if (!rows[0]) return;
    this.report.cleared++;
    this.#alertEvent('cleared', alertFromRow(rows[0]), value);
  }

  /** A disabled rule's open alerts clear (nothing watches them any more). */
  async #clearDisabled(rule: EffectiveRule, open: Map<string, Alert>): Promise<void> {
    for (const [id, alert] of open) if (id.startsWith(`${rule.id}\u0000`)) await this.#clear(alert, null);
  }

  #alertEvent(type: AlertEvent['type'], alert: Alert, value?: number | null): void {
    const at = this.#c.at;
    this.alertEvents.push({ type, alert, at });
    const verb = { fired: 'fired', reopened: 're-opened', cleared: 'cleared', acknowledged: 'acknowledged' }[
      type
    ];
    this.#events.push({
      connectionId: alert.connectionId,
      at,
      type: `alert_${type}` as NewTimelineEvent['type'],
      title: `Alert ${verb} (${alert.severity}): ${alert.message}`,
      details: {
        rule_id: alert.ruleId,
        severity: alert.severity,
        dims: alert.dims,
        value: type === 'cleared' ? (value ?? null) : alert.value,
      },
      alertId: alert.id,
    });
  }

  #blackoutEvents(sync: BlackoutSync): void {
    const describe = (b: BlackoutSync['started'][number]) =>
      `${b.cron ? `scheduled "${b.cron}" ${b.timeZone ?? 'UTC'}` : 'one-off'}${b.reason ? `: ${b.reason}` : ''}`;
    for (const [type, list] of [
      ['blackout_started', sync.started],
      ['blackout_ended', sync.ended],
    ] as const)
      for (const b of list)
        this.#events.push({
          connectionId: this.#c.connectionId,
          at: this.#c.at,
          type,
          title: `Blackout ${type === 'blackout_started' ? 'started' : 'ended'} (${describe(b)})`,
          details: { blackout_id: b.id, all_connections: b.connectionId === null },
        });
  }
}
