import type {
  AlertJson,
  AlertRuleJson,
  BlackoutJson,
  CreateAlertRule,
  TimelineEventJson,
  UpdateAlertRule,
} from '@pgmcp/api-contract';
import type {
  Alert,
  AlertRule,
  Blackout,
  EffectiveRule,
  RuleInput,
  RuleOverride,
  TimelineEvent,
} from '@pgmcp/alerter';

// The alerter's records as the REST API shows them (snake_case, ISO times), and REST bodies in the
// alerter's terms.

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function alertJson(a: Alert): AlertJson {
  return {
    id: a.id,
    rule_id: a.ruleId,
    connection_id: a.connectionId,
    dims: { ...a.dims },
    probe: a.probe,
    metric: a.metric,
    severity: a.severity,
    status: a.status,
    message: a.message,
    value: a.value,
    threshold: a.threshold,
    fired_at: a.firedAt.toISOString(),
    last_fired_at: a.lastFiredAt.toISOString(),
    reopen_count: a.reopenCount,
    acknowledged_at: iso(a.acknowledgedAt),
    acknowledged_by: a.acknowledgedBy,
    ack_note: a.ackNote,
    cleared_at: iso(a.clearedAt),
  };
}

export function ruleJson(r: AlertRule | EffectiveRule): AlertRuleJson {
  return {
    id: r.id,
    name: r.name,
    category: r.category,
    description: r.description,
    kind: r.kind,
    probe: r.probe,
    metric: r.metric,
    dims_filter: { ...r.dimsFilter },
    operator: r.operator,
    threshold: r.threshold,
    clear_threshold: r.clearThreshold,
    duration_s: r.durationS,
    window_s: r.windowS,
    window_mode: r.windowMode,
    anomaly_method: r.anomalyMethod,
    min_samples: r.minSamples,
    min_value: r.minValue,
    severity: r.severity,
    enabled: r.enabled,
    builtin: r.builtin,
    overridden: 'overridden' in r ? [...r.overridden] : [],
    connection_id: 'connectionId' in r ? r.connectionId : null,
  };
}

export function blackoutJson(b: Blackout, active: boolean): BlackoutJson {
  return {
    id: b.id,
    connection_id: b.connectionId,
    reason: b.reason,
    kind: b.cron ? 'scheduled' : 'one_off',
    starts_at: iso(b.startsAt),
    ends_at: iso(b.endsAt),
    cron: b.cron,
    duration_s: b.durationS,
    time_zone: b.timeZone,
    created_by: b.createdBy,
    created_at: b.createdAt.toISOString(),
    ended_at: iso(b.endedAt),
    active,
  };
}

export function timelineJson(e: TimelineEvent): TimelineEventJson {
  return {
    id: e.id,
    connection_id: e.connectionId,
    at: e.at.toISOString(),
    type: e.type,
    title: e.title,
    details: e.details,
    alert_id: e.alertId,
  };
}

const RULE_FIELDS: Record<string, keyof AlertRule> = {
  id: 'id',
  name: 'name',
  category: 'category',
  description: 'description',
  kind: 'kind',
  probe: 'probe',
  metric: 'metric',
  dims_filter: 'dimsFilter',
  operator: 'operator',
  threshold: 'threshold',
  clear_threshold: 'clearThreshold',
  duration_s: 'durationS',
  window_s: 'windowS',
  window_mode: 'windowMode',
  anomaly_method: 'anomalyMethod',
  min_samples: 'minSamples',
  min_value: 'minValue',
  severity: 'severity',
  enabled: 'enabled',
};

/** A REST rule body in the alerter's terms (it checks the meaning and names the field it refuses). */
export function ruleInput(body: CreateAlertRule | UpdateAlertRule): RuleInput {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([, value]) => value !== undefined)
      .map(([field, value]) => [RULE_FIELDS[field] ?? field, value]),
  );
}

/** A REST override body in the alerter's terms; absent fields are null (follow the rule). */
export function overrideInput(body: {
  threshold?: number | null | undefined;
  clear_threshold?: number | null | undefined;
  duration_s?: number | null | undefined;
  enabled?: boolean | null | undefined;
  severity?: string | null | undefined;
}): Partial<Record<keyof RuleOverride, unknown>> {
  return {
    threshold: body.threshold ?? null,
    clearThreshold: body.clear_threshold ?? null,
    durationS: body.duration_s ?? null,
    enabled: body.enabled ?? null,
    severity: body.severity ?? null,
  };
}
