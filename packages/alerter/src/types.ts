import type { SampleDims } from '@pgmcp/datastore';

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const OPERATORS = ['>', '>=', '<', '<='] as const;
export type Operator = (typeof OPERATORS)[number];

export const RULE_KINDS = ['threshold', 'anomaly'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/** `ratio`: value > threshold × mean; `stddev`: value > mean + threshold × stddev (of the hour of week). */
export const ANOMALY_METHODS = ['ratio', 'stddev'] as const;
export type AnomalyMethod = (typeof ANOMALY_METHODS)[number];

export const WINDOW_MODES = ['avg', 'change'] as const;
export type WindowMode = (typeof WINDOW_MODES)[number];

/** An alert rule as stored. */
export interface AlertRule {
  id: string;
  name: string;
  category: string;
  description: string;
  kind: RuleKind;
  /** A collector probe, or `collector` (the collector's own status: metric `unreachable`). */
  probe: string;
  /** A column of the probe, or a derived metric (see DERIVED_METRICS). */
  metric: string;
  /** Exact-match dimension filter: only these objects. */
  dimsFilter: SampleDims;
  operator: Operator;
  /** Threshold rules: the limit; anomaly rules: the factor (ratio) or number of deviations (stddev). */
  threshold: number;
  /**
   * Hysteresis: an open alert clears only once the value is at or beyond this on the good side
   * (for `>`: value ≤ clear_threshold). Default: the threshold itself.
   */
  clearThreshold: number | null;
  /** Seconds the condition must hold before the alert fires. */
  durationS: number;
  severity: Severity;
  enabled: boolean;
  /**
   * With `windowMode`: `avg` — the value is the metric's average over the last `windowS` seconds
   * (rates and ratios that a single snapshot makes noisy); `change` — its growth over `windowS`.
   * Null: the latest snapshot.
   */
  windowS: number | null;
  windowMode: WindowMode | null;
  anomalyMethod: AnomalyMethod | null;
  /** Anomaly rules: the least history (hours of that hour of week) a baseline needs. */
  minSamples: number | null;
  /** Anomaly rules: values below this never fire (quiet databases). */
  minValue: number | null;
  /** A default rule (seeded; editable, not deletable). */
  builtin: boolean;
}

/** Per-connection changes to a rule. */
export interface RuleOverride {
  threshold?: number | null;
  clearThreshold?: number | null;
  durationS?: number | null;
  enabled?: boolean | null;
  severity?: Severity | null;
}

/** A rule with its overrides for one connection applied. */
export interface EffectiveRule extends AlertRule {
  /** The connection the overrides are of, or null for the rule as defined. */
  connectionId: string | null;
  overridden: (keyof RuleOverride)[];
}

export const ALERT_STATUSES = ['firing', 'acknowledged', 'cleared'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** One alert and its lifecycle. */
export interface Alert {
  id: number;
  ruleId: string;
  connectionId: string;
  dims: SampleDims;
  probe: string;
  metric: string;
  severity: Severity;
  status: AlertStatus;
  message: string;
  /** The value when it last fired (or the latest while firing). */
  value: number | null;
  threshold: number | null;
  firedAt: Date;
  /** The last time it fired or re-opened. */
  lastFiredAt: Date;
  reopenCount: number;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  ackNote: string | null;
  clearedAt: Date | null;
}

export const ALERT_EVENT_TYPES = ['fired', 'reopened', 'acknowledged', 'cleared'] as const;
export type AlertEventType = (typeof ALERT_EVENT_TYPES)[number];

/** What `onAlertEvent` is told (the notifier delivers these). */
export interface AlertEvent {
  type: AlertEventType;
  alert: Alert;
  at: Date;
}

/** A blackout: one-off (`startsAt`–`endsAt`) or scheduled (`cron` + `durationS` in `timeZone`). */
export interface Blackout {
  id: number;
  /** null: every connection. */
  connectionId: string | null;
  reason: string;
  startsAt: Date | null;
  endsAt: Date | null;
  cron: string | null;
  durationS: number | null;
  timeZone: string | null;
  createdBy: string | null;
  createdAt: Date;
  /** Ended early by someone (a scheduled one stops recurring). */
  endedAt: Date | null;
}

/** A learned baseline of one metric, object and hour of week. */
export interface MetricBaseline {
  connectionId: string;
  probe: string;
  metric: string;
  dims: SampleDims;
  /** 0 = Sunday 00:00–01:00 UTC … 167 = Saturday 23:00. */
  hourOfWeek: number;
  mean: number;
  stddev: number;
  n: number;
  updatedAt: Date;
}

export const TIMELINE_EVENT_TYPES = [
  'alert_fired',
  'alert_reopened',
  'alert_acknowledged',
  'alert_cleared',
  'blackout_started',
  'blackout_ended',
  'setting_changed',
  'hba_rules_changed',
  'extension_installed',
  'extension_removed',
  'extension_updated',
  'server_restarted',
] as const;
export type TimelineEventType = (typeof TIMELINE_EVENT_TYPES)[number];

/** One event of a connection's timeline. */
export interface TimelineEvent {
  id: number;
  connectionId: string;
  at: Date;
  type: TimelineEventType;
  title: string;
  details: Record<string, unknown>;
  alertId: number | null;
}
