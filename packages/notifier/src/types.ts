/** Alert severities, lowest first. */
export const SEVERITIES = ['info', 'warning', 'critical'] as const;
/** An alert severity. */
export type Severity = (typeof SEVERITIES)[number];

/** What happened to an alert. */
export const ALERT_EVENT_KINDS = ['fired', 'reopened', 'acknowledged', 'cleared'] as const;
/** What happened to an alert. */
export type AlertEventKind = (typeof ALERT_EVENT_KINDS)[number];

/** One alert lifecycle event, as the alerter's `onAlertEvent` hook hands it over. */
export interface AlertEvent {
  kind: AlertEventKind;
  alertId: string;
  ruleId: string;
  ruleName: string;
  connectionId: string;
  severity: Severity;
  metric: string;
  /** The value that crossed (or fell back under) the threshold. */
  value: number | null;
  threshold: number | null;
  /** One human sentence, e.g. "connections at 93% of max_connections". */
  message: string;
  at: Date;
  /** Where a reader sees the alert (e.g. the web Alerts view). */
  link?: string;
  /** acknowledged: who, and their note. */
  actor?: string;
  note?: string;
}

/** The kinds of channel. */
export const CHANNEL_KINDS = ['webhook', 'slack', 'email'] as const;
/** A kind of channel. */
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** How an email channel's SMTP connection is secured. */
export const SMTP_SECURITY = ['starttls', 'tls', 'none'] as const;
/** `starttls` (upgrade required), `tls` (implicit TLS, port 465) or `none`. */
export type SmtpSecurity = (typeof SMTP_SECURITY)[number];

/** The non-secret settings of a channel, as list/get show them. */
export type ChannelSettings =
  | { kind: 'webhook'; url: string; header_names: string[]; signed: boolean }
  | { kind: 'slack'; host: string }
  | {
      kind: 'email';
      smtp: { host: string; port: number; security: SmtpSecurity; user: string | null; ca: boolean };
      from: string;
      to: string[];
    };

/** A channel as list/get return it: secrets are never in it, only `has_secret`. */
export interface ChannelView {
  id: string;
  name: string;
  kind: ChannelKind;
  enabled: boolean;
  /** Per-severity routing: events at this severity or above go here; null: only rules that name it. */
  min_severity: Severity | null;
  /** Per-rule routing: the rules whose events go here. */
  rule_ids: string[];
  settings: ChannelSettings;
  /** Whether an encrypted secret is stored (Slack URL, HMAC secret, header values or SMTP password). */
  has_secret: boolean;
  created_at: string;
  updated_at: string;
}

/** Where a delivery stands. */
export type DeliveryStatus = 'pending' | 'sending' | 'retrying' | 'delivered' | 'failed';

/** One attempt of a delivery. */
export interface DeliveryAttempt {
  at: string;
  ok: boolean;
  /** The receiver's answer: "HTTP 200", "250 2.0.0 OK: queued", ... */
  response: string | null;
  error: string | null;
}

/** A delivery of one event (or test message) to one channel, with its attempts. */
export interface DeliveryView {
  id: string;
  channel_id: string;
  event_kind: AlertEventKind | 'test';
  alert_id: string | null;
  rule_id: string | null;
  connection_id: string | null;
  severity: Severity | null;
  status: DeliveryStatus;
  attempts: number;
  max_attempts: number;
  /** The last receiver answer. */
  response: string | null;
  /** The last error, kept after a later attempt succeeds. */
  last_error: string | null;
  next_attempt_at: string | null;
  created_at: string;
  delivered_at: string | null;
  attempt_log: DeliveryAttempt[];
}

/** The outcome of one send. */
export interface SendOutcome {
  ok: boolean;
  response: string | null;
  /** What failed, naming the part at fault ("smtp.auth: 535 …", "url: HTTP 500 …"). */
  error: string | null;
}
