import { type Kysely, sql } from 'kysely';
import { AlerterError, invalid } from './errors.js';
import { overrideFromRow, type Row, ruleFromRow } from './rows.js';
import type { AlertRule, EffectiveRule, RuleOverride } from './types.js';

/** Filters of {@link listRules}. */
export interface RuleQuery {
  /** Apply this connection's overrides. */
  connectionId?: string;
  category?: string;
  /** Only rules enabled (after overrides). */
  enabledOnly?: boolean;
}

function ruleValues(rule: AlertRule) {
  return sql`${rule.id}, ${rule.name}, ${rule.category}, ${rule.description}, ${rule.kind}, ${rule.probe},
    ${rule.metric}, ${JSON.stringify(rule.dimsFilter)}::jsonb, ${rule.operator}, ${rule.threshold},
    ${rule.clearThreshold}, ${rule.durationS}, ${rule.severity}, ${rule.enabled}, ${rule.windowS},
    ${rule.windowMode}, ${rule.anomalyMethod}, ${rule.minSamples}, ${rule.minValue}, ${rule.builtin}`;
}

const RULE_COLUMNS = sql`id, name, category, description, kind, probe, metric, dims_filter, operator, threshold,
  clear_threshold, duration_s, severity, enabled, window_s, window_mode, anomaly_method, min_samples,
  min_value, builtin`;

/** Inserts rules that are not there yet (an edited default rule is left as the admin made it). */
export async function seedRules(db: Kysely<unknown>, rules: readonly AlertRule[]): Promise<number> {
  let added = 0;
  for (const rule of rules) {
    const result = await sql`insert into alert_rules (${RULE_COLUMNS}) values (${ruleValues(rule)})
      on conflict (id) do nothing`.execute(db);
    added += Number(result.numAffectedRows ?? 0);
  }
  return added;
}

/** Applies an override to a rule. */
export function applyOverride(
  rule: AlertRule,
  connectionId: string | null,
  override: RuleOverride,
): EffectiveRule {
  const overridden = (Object.keys(override) as (keyof RuleOverride)[]).filter((k) => override[k] != null);
  return {
    ...rule,
    ...(override.threshold != null ? { threshold: override.threshold } : {}),
    ...(override.clearThreshold != null ? { clearThreshold: override.clearThreshold } : {}),
    ...(override.durationS != null ? { durationS: override.durationS } : {}),
    ...(override.enabled != null ? { enabled: override.enabled } : {}),
    ...(override.severity != null ? { severity: override.severity } : {}),
    connectionId,
    overridden,
  };
}

/** The rules, with one connection's overrides applied when given. */
export async function listRules(db: Kysely<unknown>, query: RuleQuery = {}): Promise<EffectiveRule[]> {
  const connection = query.connectionId ?? null;
  const { rows } = await sql<Row>`
    select r.*, o.threshold as o_threshold, o.clear_threshold as o_clear_threshold,
      o.duration_s as o_duration_s, o.enabled as o_enabled, o.severity as o_severity
    from alert_rules r
    left join alert_rule_overrides o on o.rule_id = r.id and o.connection_id = ${connection}
    ${query.category ? sql`where r.category = ${query.category}` : sql``}
    order by r.category, r.id`.execute(db);
  const rules = rows.map((r) => applyOverride(ruleFromRow(r), connection, overrideFromRow(r)));
  return query.enabledOnly ? rules.filter((r) => r.enabled) : rules;
}

/** One rule as defined, or NOT_FOUND. */
export async function getRule(db: Kysely<unknown>, id: string): Promise<AlertRule> {
  const { rows } = await sql<Row>`select * from alert_rules where id = ${id}`.execute(db);
  const row = rows[0];
  if (!row) throw new AlerterError('NOT_FOUND', `No alert rule "${id}".`, { field: 'rule_id' });
  return ruleFromRow(row);
}

export async function insertRule(db: Kysely<unknown>, rule: AlertRule): Promise<void> {
  const result = await sql`insert into alert_rules (${RULE_COLUMNS}) values (${ruleValues(rule)})
    on conflict (id) do nothing`.execute(db);
  if (!result.numAffectedRows) throw invalid('id', `a rule "${rule.id}" exists already.`);
}

export async function replaceRule(db: Kysely<unknown>, rule: AlertRule): Promise<void> {
  await sql`update alert_rules set (${RULE_COLUMNS}, updated_at) = (${ruleValues(rule)}, now())
    where id = ${rule.id}`.execute(db);
}

export async function deleteRule(db: Kysely<unknown>, id: string): Promise<void> {
  const rule = await getRule(db, id);
  if (rule.builtin)
    throw invalid(
      'rule_id',
      `"${id}" is a default rule: disable it (enabled: false) instead of deleting it.`,
    );
  await sql`delete from alert_rules where id = ${id}`.execute(db);
  await sql`delete from alert_states where rule_id = ${id}`.execute(db);
}

/** Sets (replaces) a connection's override of a rule; an empty override removes it. */
export async function setOverride(
  db: Kysely<unknown>,
  ruleId: string,
  connectionId: string,
  override: RuleOverride,
): Promise<void> {
  await getRule(db, ruleId);
  if (Object.values(override).every((v) => v === null || v === undefined)) {
    await sql`delete from alert_rule_overrides where rule_id = ${ruleId} and connection_id = ${connectionId}`.execute(
      db,
    );
    return;
  }
  await sql`insert into alert_rule_overrides (rule_id, connection_id, threshold, clear_threshold, duration_s,
      enabled, severity)
    values (${ruleId}, ${connectionId}, ${override.threshold ?? null}, ${override.clearThreshold ?? null},
      ${override.durationS ?? null}, ${override.enabled ?? null}, ${override.severity ?? null})
    on conflict (rule_id, connection_id) do update set threshold = excluded.threshold,
      clear_threshold = excluded.clear_threshold, duration_s = excluded.duration_s,
      enabled = excluded.enabled, severity = excluded.severity`.execute(db);
}
