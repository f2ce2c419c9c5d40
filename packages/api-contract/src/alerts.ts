import { z } from 'zod';
import { parseAuditTime } from './audit.js';
import type { RouteContract } from './route-contract.js';

// Alerting: alerts and their acknowledgement, rules and per-connection overrides, blackouts,
// notification channels and a connection's timeline. Values are checked here for their type; the
// alerter and the notifier check their meaning (a cron expression, a time zone, a metric of the
// probe, a URL the SSRF guard allows) and name the field they refuse.

const Timestamp = z.string().describe('ISO 8601 timestamp');
const ConnectionName = z.string().trim().min(1).max(200);
const Severity = z.enum(['info', 'warning', 'critical']);
const Dims = z.record(z.string(), z.string());

/** A time filter: a span back from now (`7d`, `24h`, `90m`) or an ISO 8601 time. */
const TimeFilter = z.string().refine((v) => parseAuditTime(v) !== undefined, {
  message: 'must be a span back from now such as 7d, 24h or 90m, or an ISO 8601 time',
});

// ── Alerts ──────────────────────────────────────────────────────────────────────────────

/** One alert and its lifecycle (fired → acknowledged → cleared; re-opened within a window). */
export const AlertSchema = z.object({
  id: z.number().int(),
  rule_id: z.string(),
  connection_id: z.string(),
  /** The object it is about (database, slot, relation …); empty for the whole server. */
  dims: Dims,
  probe: z.string(),
  metric: z.string(),
  severity: Severity,
  status: z.enum(['firing', 'acknowledged', 'cleared']),
  message: z.string(),
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  fired_at: Timestamp,
  last_fired_at: Timestamp,
  reopen_count: z.number().int(),
  acknowledged_at: Timestamp.nullable(),
  acknowledged_by: z.string().nullable(),
  ack_note: z.string().nullable(),
  cleared_at: Timestamp.nullable(),
});
export type AlertJson = z.infer<typeof AlertSchema>;

/** Query of `GET /api/v1/alerts`; every filter optional. Only connections the caller may use. */
export const AlertQuerySchema = z.object({
  connection: ConnectionName.optional(),
  /** `active`: firing or acknowledged (default); `all`: every alert. */
  status: z.enum(['active', 'acknowledged', 'cleared', 'all']).optional(),
  rule: z.string().min(1).max(63).optional(),
  severity: Severity.optional(),
  /** Alerts that fired (or re-opened) at or after this. */
  since: TimeFilter.optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});
export type AlertQueryParams = z.infer<typeof AlertQuerySchema>;

/** Answer of `GET /api/v1/alerts`: open ones first, then newest first. */
export const AlertListSchema = z.object({ alerts: z.array(AlertSchema) });
export type AlertList = z.infer<typeof AlertListSchema>;

/** Body of `POST /api/v1/alerts/{id}/acknowledge`. */
export const AcknowledgeAlertSchema = z.strictObject({
  note: z.string().trim().max(2000).optional(),
});
export type AcknowledgeAlert = z.infer<typeof AcknowledgeAlertSchema>;

// ── Rules ───────────────────────────────────────────────────────────────────────────────

const RuleFields = {
  name: z.string().trim().min(1).max(200),
  category: z.string().trim().min(1).max(60),
  description: z.string().max(2000),
  kind: z.enum(['threshold', 'anomaly']),
  probe: z.string().trim().min(1).max(100),
  metric: z.string().trim().min(1).max(100),
  dims_filter: Dims,
  operator: z.enum(['>', '>=', '<', '<=']),
  threshold: z.number(),
  clear_threshold: z.number().nullable(),
  duration_s: z.number().int().min(0),
  window_s: z.number().int().min(0).nullable(),
  window_mode: z.enum(['avg', 'change']).nullable(),
  anomaly_method: z.enum(['ratio', 'stddev']).nullable(),
  min_samples: z.number().int().min(0).nullable(),
  min_value: z.number().nullable(),
  severity: Severity,
  enabled: z.boolean(),
};

/** A rule, with one connection's overrides applied when the list names a connection. */
export const AlertRuleSchema = z.object({
  id: z.string(),
  ...RuleFields,
  /** A default rule: editable, not deletable. */
  builtin: z.boolean(),
  /** The fields a connection's override changed (empty without a connection). */
  overridden: z.array(z.string()),
  /** The connection the overrides are of, or null for the rule as defined. */
  connection_id: z.string().nullable(),
});
export type AlertRuleJson = z.infer<typeof AlertRuleSchema>;

/** Query of `GET /api/v1/alert-rules`. */
export const AlertRuleQuerySchema = z.object({
  /** Apply this connection's overrides (the rules in effect there). */
  connection: ConnectionName.optional(),
  category: z.string().min(1).max(60).optional(),
  enabled_only: z.enum(['true', 'false']).optional(),
});

/** Answer of `GET /api/v1/alert-rules`. */
export const AlertRuleListSchema = z.object({ rules: z.array(AlertRuleSchema) });
export type AlertRuleList = z.infer<typeof AlertRuleListSchema>;

/**
 * Body of `POST /api/v1/alert-rules`: `id`, `name`, `probe`, `metric` and `threshold` are needed.
 * An id in use answers 400 naming `id`.
 */
export const CreateAlertRuleSchema = z.strictObject({
  id: z.string().trim().min(1).max(63),
  ...RuleFields,
  category: RuleFields.category.optional(),
  description: RuleFields.description.optional(),
  kind: RuleFields.kind.optional(),
  dims_filter: RuleFields.dims_filter.optional(),
  operator: RuleFields.operator.optional(),
  clear_threshold: RuleFields.clear_threshold.optional(),
  duration_s: RuleFields.duration_s.optional(),
  window_s: RuleFields.window_s.optional(),
  window_mode: RuleFields.window_mode.optional(),
  anomaly_method: RuleFields.anomaly_method.optional(),
  min_samples: RuleFields.min_samples.optional(),
  min_value: RuleFields.min_value.optional(),
  severity: RuleFields.severity.optional(),
  enabled: RuleFields.enabled.optional(),
});
export type CreateAlertRule = z.infer<typeof CreateAlertRuleSchema>;

/** Body of `PATCH /api/v1/alert-rules/{id}`: the fields to change (`enabled` enables or disables it). */
export const UpdateAlertRuleSchema = z.strictObject(RuleFields).partial();
export type UpdateAlertRule = z.infer<typeof UpdateAlertRuleSchema>;

/** Body of `PUT /api/v1/alert-rules/{id}/overrides/{connection}`: null or absent fields follow the rule. */
export const AlertRuleOverrideSchema = z.strictObject({
  threshold: z.number().nullable().optional(),
  clear_threshold: z.number().nullable().optional(),
  duration_s: z.number().int().min(0).nullable().optional(),
  enabled: z.boolean().nullable().optional(),
  severity: Severity.nullable().optional(),
});
export type AlertRuleOverride = z.infer<typeof AlertRuleOverrideSchema>;

/** Body and answer of `PUT /api/v1/alert-rules/{id}/channels`: per-rule notification routing. */
export const RuleChannelsSchema = z.strictObject({ channel_ids: z.array(z.string().min(1)).max(50) });
export type RuleChannels = z.infer<typeof RuleChannelsSchema>;

// ── Blackouts ───────────────────────────────────────────────────────────────────────────

/** A blackout: one-off (`starts_at`–`ends_at`) or scheduled (`cron` + `duration_s` in `time_zone`). */
export const BlackoutSchema = z.object({
  id: z.number().int(),
  /** null: every connection. */
  connection_id: z.string().nullable(),
  reason: z.string(),
  kind: z.enum(['one_off', 'scheduled']),
  starts_at: Timestamp.nullable(),
  ends_at: Timestamp.nullable(),
  cron: z.string().nullable(),
  duration_s: z.number().int().nullable(),
  time_zone: z.string().nullable(),
  created_by: z.string().nullable(),
  created_at: Timestamp,
  /** Ended early (a scheduled one stops recurring). */
  ended_at: Timestamp.nullable(),
  /** In force now. */
  active: z.boolean(),
});
export type BlackoutJson = z.infer<typeof BlackoutSchema>;

/** Query of `GET /api/v1/blackouts`. */
export const BlackoutQuerySchema = z.object({
  /** This connection's blackouts and those of every connection. */
  connection: ConnectionName.optional(),
  active_only: z.enum(['true', 'false']).optional(),
});

/** Answer of `GET /api/v1/blackouts`: newest first. */
export const BlackoutListSchema = z.object({ blackouts: z.array(BlackoutSchema) });
export type BlackoutList = z.infer<typeof BlackoutListSchema>;

/**
 * Body of `POST /api/v1/blackouts`: `starts_at` + `ends_at` (one-off), or `cron` (five fields) +
 * `duration_s` (+ `time_zone`, default UTC) for a schedule. Without `connection_id`: every connection.
 */
export const CreateBlackoutSchema = z.strictObject({
  connection_id: ConnectionName.optional(),
  reason: z.string().max(500).optional(),
  starts_at: z.string().min(1).max(100).optional(),
  ends_at: z.string().min(1).max(100).optional(),
  cron: z.string().min(1).max(200).optional(),
  duration_s: z.number().int().optional(),
  time_zone: z.string().min(1).max(100).optional(),
});
export type CreateBlackout = z.infer<typeof CreateBlackoutSchema>;

// ── Notification channels ───────────────────────────────────────────────────────────────

/** A channel as listed: never its secrets (`has_secret` says whether one is stored). */
export const NotificationChannelSchema = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.enum(['webhook', 'slack', 'email']),
  enabled: z.boolean(),
  /** Events at this severity or above go here; null: only the rules that name the channel. */
  min_severity: Severity.nullable(),
  rule_ids: z.array(z.string()),
  /** What may be shown: a webhook's URL and header names, a Slack host, SMTP host, from, to. */
  settings: z.record(z.string(), z.unknown()),
  has_secret: z.boolean(),
  created_at: Timestamp,
  updated_at: Timestamp,
});
export type NotificationChannel = z.infer<typeof NotificationChannelSchema>;

/** Answer of `GET /api/v1/notification-channels`. */
export const NotificationChannelListSchema = z.object({ channels: z.array(NotificationChannelSchema) });

/**
 * Body of `POST /api/v1/notification-channels`. By kind — `webhook`: `url`, `secret` (HMAC key),
 * `headers`; `slack`: `url`; `email`: `smtp {host, port, security, user, password, ca}`, `from`,
 * `to`. All: `name`, `enabled`, `min_severity`. The notifier checks the fields of the kind and names
 * the one it refuses (a URL the SSRF guard refuses included).
 */
export const CreateNotificationChannelSchema = z
  .object({ kind: z.enum(['webhook', 'slack', 'email']), name: z.string().trim().min(1).max(100) })
  .catchall(z.unknown());

/** Body of `PATCH /api/v1/notification-channels/{id}`: fields to change (not `kind`); null removes a secret. */
export const UpdateNotificationChannelSchema = z.record(z.string(), z.unknown());

/** Answer of `POST /api/v1/notification-channels/{id}/test`: one delivery of a test message. */
export const ChannelTestResultSchema = z.object({
  delivery_id: z.string(),
  ok: z.boolean(),
  response: z.string().nullable(),
  /** What failed, naming the part at fault (`smtp.auth: 535 …`, `url: HTTP 500 …`). */
  error: z.string().nullable(),
});
export type ChannelTestResult = z.infer<typeof ChannelTestResultSchema>;

/** One delivery of an event (or test message) to one channel, with its attempts. */
export const DeliverySchema = z.object({
  id: z.string(),
  channel_id: z.string(),
  event_kind: z.enum(['fired', 'reopened', 'acknowledged', 'cleared', 'test']),
  alert_id: z.string().nullable(),
  rule_id: z.string().nullable(),
  connection_id: z.string().nullable(),
  severity: Severity.nullable(),
  status: z.enum(['pending', 'sending', 'retrying', 'delivered', 'failed']),
  attempts: z.number().int(),
  max_attempts: z.number().int(),
  response: z.string().nullable(),
  /** The last error, kept after a later attempt succeeds. */
  last_error: z.string().nullable(),
  next_attempt_at: Timestamp.nullable(),
  created_at: Timestamp,
  delivered_at: Timestamp.nullable(),
  attempt_log: z.array(
    z.object({
      at: Timestamp,
      ok: z.boolean(),
      response: z.string().nullable(),
      error: z.string().nullable(),
    }),
  ),
});
export type Delivery = z.infer<typeof DeliverySchema>;

/** Query of `GET /api/v1/notification-channels/{id}/deliveries`. */
export const DeliveryQuerySchema = z.object({
  alert_id: z.string().min(1).max(40).optional(),
  status: z.enum(['pending', 'sending', 'retrying', 'delivered', 'failed']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

/** Answer of the deliveries route: newest first. */
export const DeliveryListSchema = z.object({ deliveries: z.array(DeliverySchema) });
export type DeliveryList = z.infer<typeof DeliveryListSchema>;

// ── Timeline ────────────────────────────────────────────────────────────────────────────

export const TIMELINE_TYPES = [
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

/** Query of `GET /api/v1/timeline`. */
export const TimelineQuerySchema = z.object({
  connection: ConnectionName,
  /** Default `24h` back. */
  start: TimeFilter.optional(),
  /** Default now. */
  end: TimeFilter.optional(),
  /** Comma-separated event types, e.g. `alert_fired,setting_changed`. */
  types: z
    .string()
    .refine((v) => v.split(',').every((t) => (TIMELINE_TYPES as readonly string[]).includes(t.trim())), {
      message: `must be a comma-separated list of ${TIMELINE_TYPES.join(', ')}`,
    })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
});

/** One event of a connection's timeline. */
export const TimelineEventSchema = z.object({
  id: z.number().int(),
  connection_id: z.string(),
  at: Timestamp,
  type: z.enum(TIMELINE_TYPES),
  title: z.string(),
  details: z.record(z.string(), z.unknown()),
  alert_id: z.number().int().nullable(),
});
export type TimelineEventJson = z.infer<typeof TimelineEventSchema>;

/** Answer of `GET /api/v1/timeline`: newest first. */
export const TimelineSchema = z.object({ events: z.array(TimelineEventSchema) });
export type Timeline = z.infer<typeof TimelineSchema>;

// Monitoring needs a PostgreSQL datastore; without one these routes answer 503 saying what to set.
// A connection the caller may not use answers 404, like one that does not exist.
const ALERTING = { tag: 'alerts', errors: [503] } as const;

/** Alerts, rules, blackouts, notification channels and the timeline. */
export const ALERT_ROUTES = {
  listAlerts: {
    ...ALERTING,
    errors: [404, 503],
    method: 'get',
    path: '/api/v1/alerts',
    summary: 'Alerts of the connections the caller may use: active ones by default, filterable',
    auth: 'user',
    scope: 'connections',
    query: AlertQuerySchema,
    response: AlertListSchema,
  },
  getAlert: {
    ...ALERTING,
    method: 'get',
    path: '/api/v1/alerts/{id}',
    summary: 'One alert (of a connection the caller may use)',
    auth: 'user',
    scope: 'connections',
    response: AlertSchema,
  },
  acknowledgeAlert: {
    ...ALERTING,
    method: 'post',
    path: '/api/v1/alerts/{id}/acknowledge',
    summary: 'Acknowledge an open alert with a note (a person, with access to its connection)',
    auth: 'user',
    scope: 'connections',
    body: AcknowledgeAlertSchema,
    response: AlertSchema,
  },
  listAlertRules: {
    ...ALERTING,
    errors: [404, 503],
    method: 'get',
    path: '/api/v1/alert-rules',
    summary: "The alert rules, with a connection's overrides applied when one is named",
    auth: 'user',
    scope: 'connections',
    query: AlertRuleQuerySchema,
    response: AlertRuleListSchema,
  },
  createAlertRule: {
    ...ALERTING,
    method: 'post',
    path: '/api/v1/alert-rules',
    summary: 'Create an alert rule',
    auth: 'manage_alert_rules',
    body: CreateAlertRuleSchema,
    response: AlertRuleSchema,
    status: 201,
  },
  updateAlertRule: {
    ...ALERTING,
    method: 'patch',
    path: '/api/v1/alert-rules/{id}',
    summary: 'Change fields of a rule: threshold, duration, severity, enable or disable …',
    auth: 'manage_alert_rules',
    body: UpdateAlertRuleSchema,
    response: AlertRuleSchema,
  },
  deleteAlertRule: {
    ...ALERTING,
    method: 'delete',
    path: '/api/v1/alert-rules/{id}',
    summary: 'Delete a rule of your own (default rules can only be disabled)',
    auth: 'manage_alert_rules',
  },
  setAlertRuleOverride: {
    ...ALERTING,
    method: 'put',
    path: '/api/v1/alert-rules/{id}/overrides/{connection}',
    summary: "Set one connection's override of a rule (all fields null removes it)",
    auth: 'manage_alert_rules',
    body: AlertRuleOverrideSchema,
    response: AlertRuleSchema,
  },
  setAlertRuleChannels: {
    ...ALERTING,
    method: 'put',
    path: '/api/v1/alert-rules/{id}/channels',
    summary: "Route a rule's events to these notification channels (besides per-severity routing)",
    auth: 'manage_notification_channels',
    body: RuleChannelsSchema,
    response: RuleChannelsSchema,
  },
  listBlackouts: {
    ...ALERTING,
    errors: [404, 503],
    method: 'get',
    path: '/api/v1/blackouts',
    summary: 'Blackouts of the connections the caller may use and of every connection, newest first',
    auth: 'user',
    scope: 'connections',
    query: BlackoutQuerySchema,
    response: BlackoutListSchema,
  },
  createBlackout: {
    ...ALERTING,
    errors: [404, 503],
    method: 'post',
    path: '/api/v1/blackouts',
    summary: 'Create a blackout: one-off, or scheduled by cron in a time zone; for one connection or all',
    auth: 'manage_blackouts',
    body: CreateBlackoutSchema,
    response: BlackoutSchema,
    status: 201,
  },
  endBlackout: {
    ...ALERTING,
    method: 'post',
    path: '/api/v1/blackouts/{id}/end',
    summary: 'End a blackout now (a scheduled one stops recurring)',
    auth: 'manage_blackouts',
    response: BlackoutSchema,
  },
  listNotificationChannels: {
    ...ALERTING,
    method: 'get',
    path: '/api/v1/notification-channels',
    summary: 'Notification channels, without their secrets',
    auth: 'manage_notification_channels',
    response: NotificationChannelListSchema,
  },
  createNotificationChannel: {
    ...ALERTING,
    method: 'post',
    path: '/api/v1/notification-channels',
    summary: 'Create a webhook, Slack or email channel (secrets are stored encrypted)',
    auth: 'manage_notification_channels',
    errors: [409, 503],
    body: CreateNotificationChannelSchema,
    response: NotificationChannelSchema,
    status: 201,
  },
  getNotificationChannel: {
    ...ALERTING,
    method: 'get',
    path: '/api/v1/notification-channels/{id}',
    summary: 'One notification channel, without its secrets',
    auth: 'manage_notification_channels',
    response: NotificationChannelSchema,
  },
  updateNotificationChannel: {
    ...ALERTING,
    method: 'patch',
    path: '/api/v1/notification-channels/{id}',
    summary: 'Change a channel; secrets left out are kept, null removes them',
    auth: 'manage_notification_channels',
    errors: [409, 503],
    body: UpdateNotificationChannelSchema,
    response: NotificationChannelSchema,
  },
  deleteNotificationChannel: {
    ...ALERTING,
    method: 'delete',
    path: '/api/v1/notification-channels/{id}',
    summary: 'Delete a channel and its routing',
    auth: 'manage_notification_channels',
  },
  testNotificationChannel: {
    ...ALERTING,
    method: 'post',
    path: '/api/v1/notification-channels/{id}/test',
    summary: 'Send a test message through a channel now; the outcome names what failed',
    auth: 'manage_notification_channels',
    response: ChannelTestResultSchema,
  },
  listChannelDeliveries: {
    ...ALERTING,
    method: 'get',
    path: '/api/v1/notification-channels/{id}/deliveries',
    summary: "A channel's delivery history with the last error, newest first",
    auth: 'manage_notification_channels',
    query: DeliveryQuerySchema,
    response: DeliveryListSchema,
  },
  getTimeline: {
    ...ALERTING,
    errors: [404, 503],
    method: 'get',
    path: '/api/v1/timeline',
    summary: "A connection's timeline: alerts, blackouts, setting and hba changes, extensions, restarts",
    auth: 'user',
    scope: 'connections',
    query: TimelineQuerySchema,
    response: TimelineSchema,
  },
} as const satisfies Record<string, RouteContract>;
