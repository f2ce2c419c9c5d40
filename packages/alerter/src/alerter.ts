import { BUILTIN_PROBES, type ProbeDefinition } from '@pgmcp/collector';
import { runMigrations, type SqlDatabase } from '@pgmcp/sql-store';
import { type Kysely, sql } from 'kysely';
import { type BaselineQuery, listBaselines, recomputeBaselines } from './baselines.js';
import {
  type BlackoutInput,
  type BlackoutQuery,
  endBlackout,
  insertBlackout,
  listBlackouts,
} from './blackouts.js';
import { DEFAULT_RULES } from './default-rules.js';
import { AlerterError, invalid } from './errors.js';
import { Evaluation, type EvaluationReport } from './evaluator.js';
import { alerterMigrations } from './migrations/index.js';
import { alertFromRow, type Row } from './rows.js';
import { parseOverride, parseRule, type RuleInput } from './rule-validation.js';
import {
  deleteRule,
  getRule,
  insertRule,
  listRules,
  replaceRule,
  type RuleQuery,
  seedRules,
  setOverride,
} from './rules-store.js';
import { listTimeline, type NewTimelineEvent, recordEvents, type TimelineQuery } from './timeline.js';
import {
  ALERT_STATUSES,
  type Alert,
  type AlertEvent,
  type AlertRule,
  type Blackout,
  type EffectiveRule,
  type MetricBaseline,
  type RuleOverride,
  type TimelineEvent,
} from './types.js';

/** Options of {@link createAlerter}. */
export interface AlerterConfig {
  /** The metrics datastore's database (PostgreSQL): the alerter's tables live beside the metrics. */
  readonly database: SqlDatabase;
  /** The probe catalogue rules are checked against (default: the collector's built-in probes). */
  readonly probes?: readonly ProbeDefinition[];
  /** A cleared alert that fires again within this many seconds re-opens instead of a new one. Default 3600. */
  readonly reopenWindowS?: number;
  /** Days cleared alerts and timeline events are kept. Default 90. */
  readonly retentionDays?: number;
  /** Days of hourly rollups baselines learn from. Default 28. */
  readonly baselineLookbackDays?: number;
  /**
   * Told about every alert event (fired, re-opened, acknowledged, cleared), after it is stored; the
   * server hands these to the notifier. A throwing callback never stops evaluation.
   */
  readonly onAlertEvent?: (event: AlertEvent) => void | Promise<void>;
  /** Told about failures of the callback or of evaluation. */
  readonly onError?: (error: unknown, context: string) => void;
  readonly now?: () => Date;
}

/** Filters of {@link Alerter.listAlerts}. */
export interface AlertQuery {
  connectionId?: string;
  /** Only these connections (callers' access). */
  connectionIds?: readonly string[];
  /** `active`: firing or acknowledged; `acknowledged`: open and acknowledged; default all. */
  status?: 'active' | 'cleared' | 'acknowledged' | 'all';
  ruleId?: string;
  metric?: string;
  /** Alerts that fired (or re-opened) at or after this. */
  since?: Date;
  limit?: number;
  offset?: number;
}

/** What {@link Alerter.maintain} removed. */
export interface AlerterMaintenance {
  deletedAlerts: number;
  deletedEvents: number;
}

/** The alerter: rules, evaluation, alerts, blackouts, baselines and the timeline. */
export interface Alerter {
  readonly reopenWindowS: number;
  /** Evaluates every rule of one connection now (call it on the connection's collector leader). */
  evaluate(connectionId: string): Promise<EvaluationReport>;
  /** Learns the anomaly rules' baselines of a connection from hourly rollups; returns rows written. */
  recomputeBaselines(connectionId: string): Promise<number>;
  /** Retention: cleared alerts and timeline events older than `retentionDays`. */
  maintain(): Promise<AlerterMaintenance>;
  listRules(query?: RuleQuery): Promise<EffectiveRule[]>;
  getRule(id: string): Promise<AlertRule>;
  createRule(input: RuleInput): Promise<AlertRule>;
  /** Changes fields of a rule (the id stays). */
  updateRule(id: string, changes: RuleInput): Promise<AlertRule>;
  deleteRule(id: string): Promise<void>;
  /** Sets one connection's override of a rule (all fields null/absent removes it). */
  setOverride(
    ruleId: string,
    connectionId: string,
    override: Partial<Record<keyof RuleOverride, unknown>>,
  ): Promise<void>;
  listAlerts(query?: AlertQuery): Promise<Alert[]>;
  getAlert(id: number): Promise<Alert>;
  /** A person acknowledges an open alert, with a note. */
  acknowledge(id: number, by: { by: string; note?: string }): Promise<Alert>;
  createBlackout(input: BlackoutInput): Promise<Blackout>;
  endBlackout(id: number): Promise<Blackout>;
  listBlackouts(query?: BlackoutQuery): Promise<Blackout[]>;
  listBaselines(query: BaselineQuery): Promise<MetricBaseline[]>;
  listTimeline(query: TimelineQuery): Promise<TimelineEvent[]>;
}

const DAY_MS = 86_400_000;

/**
 * Opens the alerter on the datastore's database: migrates its tables (`alerts_migrations`) and
 * seeds the default rules (rules already there are left as they are).
 *
 * @example
 *   const alerter = await createAlerter({ database: datastore.database, onAlertEvent: (e) => notify(e) });
 *   await alerter.evaluate('demo');
 */
export async function createAlerter(config: AlerterConfig): Promise<Alerter> {
  if (config.database.dialect !== 'postgres')
    throw new AlerterError(
      'NOT_POSTGRES',
      'The alerter keeps its tables in the PostgreSQL metrics datastore.',
    );
  await runMigrations(config.database, alerterMigrations);
  const db: Kysely<unknown> = config.database.kysely;
  await seedRules(db, DEFAULT_RULES);
  const probes = config.probes ?? BUILTIN_PROBES;
  const intervals = new Map(probes.map((p) => [p.name, p.intervalS]));
  const now = config.now ?? (() => new Date());
  const reopenWindowS = config.reopenWindowS ?? 3600;
  const onError = config.onError ?? (() => undefined);

  async function tell(events: readonly AlertEvent[]): Promise<void> {
    for (const event of events) {
      try {
        await config.onAlertEvent?.(event);
      } catch (error) {
        onError(error, `onAlertEvent(${event.type})`);
      }
    }
  }

  async function record(events: readonly NewTimelineEvent[]): Promise<void> {
    await recordEvents(db, events);
  }

  async function getAlert(id: number): Promise<Alert> {
    const { rows } = await sql<Row>`select * from alerts where id = ${id}`.execute(db);
    if (!rows[0]) throw new AlerterError('NOT_FOUND', `No alert ${id}.`, { field: 'alert_id' });
    return alertFromRow(rows[0]);
  }

  return {
    reopenWindowS,
    async evaluate(connectionId) {
      const rules = await listRules(db, { connectionId });
      const evaluation = new Evaluation({ db, connectionId, at: now(), rules, intervals, reopenWindowS });
      await record(await evaluation.run());
      await tell(evaluation.alertEvents);
      return evaluation.report;
    },
    async recomputeBaselines(connectionId) {
      const rules = await listRules(db, { connectionId });
      return recomputeBaselines(db, connectionId, rules, now(), config.baselineLookbackDays ?? 28);
    },
    async maintain() {
      const cutoff = new Date(now().getTime() - (config.retentionDays ?? 90) * DAY_MS).toISOString();
      const alerts =
        await sql`delete from alerts where status = 'cleared' and cleared_at < ${cutoff}::timestamptz`.execute(
          db,
        );
      const events = await sql`delete from timeline_events where at < ${cutoff}::timestamptz`.execute(db);
      await sql`delete from blackouts b where coalesce(b.ended_at, b.ends_at) < ${cutoff}::timestamptz
        and not exists (select 1 from blackout_states s where s.blackout_id = b.id)`.execute(db);
      return {
        deletedAlerts: Number(alerts.numAffectedRows ?? 0),
        deletedEvents: Number(events.numAffectedRows ?? 0),
      };
    },
    listRules: (query) => listRules(db, query),
    getRule: (id) => getRule(db, id),
    async createRule(input) {
      const rule = parseRule({ ...input, builtin: false }, probes);
      await insertRule(db, rule);
      return rule;
    },
    async updateRule(id, changes) {
      const current = await getRule(db, id);
      const rule = parseRule({ ...current, ...changes, id, builtin: current.builtin }, probes);
      await replaceRule(db, rule);
      return rule;
    },
    deleteRule: (id) => deleteRule(db, id),
    async setOverride(ruleId, connectionId, override) {
      if (!connectionId) throw invalid('connection_id', 'name the connection the override is for.');
      await setOverride(db, ruleId, connectionId, parseOverride(override));
    },
    async listAlerts(query = {}) {
      const status = query.status ?? 'all';
      if (![...ALERT_STATUSES, 'active', 'all'].includes(status))
        throw invalid('status', 'must be one of active, cleared, acknowledged, all.');
      const limit = query.limit ?? 50;
      const { rows } = await sql<Row>`select * from alerts where true
        ${query.connectionId ? sql`and connection_id = ${query.connectionId}` : sql``}
        ${query.connectionIds ? sql`and connection_id = any(${[...query.connectionIds]}::text[])` : sql``}
        ${status === 'active' ? sql`and status <> 'cleared'` : status === 'all' ? sql`` : sql`and status = ${status}`}
        ${query.ruleId ? sql`and rule_id = ${query.ruleId}` : sql``}
        ${query.metric ? sql`and metric = ${query.metric}` : sql``}
        ${query.since ? sql`and (last_fired_at >= ${query.since.toISOString()}::timestamptz or status <> 'cleared')` : sql``}
        order by (status = 'cleared'), last_fired_at desc, id desc
        limit ${limit} offset ${query.offset ?? 0}`.execute(db);
      return rows.map(alertFromRow);
    },
    getAlert,
    async acknowledge(id, { by, note }) {
      if (!by) throw invalid('by', 'say who acknowledges the alert.');
      const at = now();
      const { rows } = await sql<Row>`update alerts set status = 'acknowledged',
          acknowledged_at = ${at.toISOString()}::timestamptz, acknowledged_by = ${by}, ack_note = ${note ?? null}
        where id = ${id} and status <> 'cleared' returning *`.execute(db);
      if (!rows[0]) {
        const alert = await getAlert(id);
        throw invalid(
          'alert_id',
          `alert ${alert.id} is already cleared (at ${alert.clearedAt?.toISOString()}).`,
        );
      }
      const alert = alertFromRow(rows[0]);
      await record([
        {
          connectionId: alert.connectionId,
          at,
          type: 'alert_acknowledged',
          title: `Alert acknowledged by ${by}${note ? `: ${note}` : ''} (${alert.message})`,
          details: { rule_id: alert.ruleId, by, note: note ?? null },
          alertId: alert.id,
        },
      ]);
      await tell([{ type: 'acknowledged', alert, at }]);
      return alert;
    },
    createBlackout: (input) => insertBlackout(db, input),
    endBlackout: (id) => endBlackout(db, id, now()),
    listBlackouts: (query = {}) => listBlackouts(db, query, now()),
    listBaselines: (query) => listBaselines(db, query),
    listTimeline: (query) => listTimeline(db, query),
  };
}
