import type { Alert, AlertRule, Blackout, EffectiveRule, TimelineEvent } from './types.js';

// The alerter's records on the wire (snake_case, ISO times), one shape for the REST API and the
// alert tools' structuredContent.

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** An alert as the REST API and the alert tools show it. */
export function alertJson(a: Alert) {
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

/** A rule (with a connection's overrides applied, when it is an effective rule). */
export function ruleJson(r: AlertRule | EffectiveRule) {
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

/** A blackout, and whether it is in force now. */
export function blackoutJson(b: Blackout, active: boolean) {
  return {
    id: b.id,
    connection_id: b.connectionId,
    reason: b.reason,
    kind: b.cron ? ('scheduled' as const) : ('one_off' as const),
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

/** A timeline event. */
export function timelineJson(e: TimelineEvent) {
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
