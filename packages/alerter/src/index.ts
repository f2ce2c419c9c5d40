export {
  createAlerter,
  type Alerter,
  type AlerterConfig,
  type AlerterMaintenance,
  type AlertQuery,
} from './alerter.js';
export { startAlertSchedule, type AlertSchedule, type AlertScheduleConfig } from './schedule.js';
export { DEFAULT_RULES } from './default-rules.js';
export {
  COLLECTOR_PROBE,
  DERIVED_METRICS,
  UNREACHABLE_METRIC,
  findDerived,
  type DerivedMetric,
} from './derived.js';
export { metricsOf, parseOverride, parseRule, type RuleInput } from './rule-validation.js';
export {
  checkCron,
  checkTimeZone,
  isBlackoutActive,
  parseBlackout,
  type BlackoutInput,
  type BlackoutQuery,
} from './blackouts.js';
export { hourOfWeek, type BaselineQuery } from './baselines.js';
export { dimsKey, dimsLabel } from './rows.js';
export type { RuleQuery } from './rules-store.js';
export type { TimelineQuery } from './timeline.js';
export type { EvaluationReport } from './evaluator.js';
export {
  ALERT_EVENT_TYPES,
  ALERT_STATUSES,
  ANOMALY_METHODS,
  OPERATORS,
  RULE_KINDS,
  SEVERITIES,
  TIMELINE_EVENT_TYPES,
  WINDOW_MODES,
  type Alert,
  type AlertEvent,
  type AlertEventType,
  type AlertRule,
  type AlertStatus,
  type AnomalyMethod,
  type Blackout,
  type EffectiveRule,
  type MetricBaseline,
  type Operator,
  type RuleKind,
  type RuleOverride,
  type Severity,
  type TimelineEvent,
  type TimelineEventType,
  type WindowMode,
} from './types.js';
export { AlerterError, type AlerterErrorCode } from './errors.js';
export { alertJson, blackoutJson, ruleJson, timelineJson } from './json.js';
export { alerterMigrations } from './migrations/index.js';
