export { createNotifier, DEFAULT_RETRY, type Notifier, type NotifierConfig } from './notifier.js';
export type { NotifierTimers, RetryPolicy, TestOutcome } from './dispatcher.js';
export type { DeliveryQuery } from './delivery-store.js';
export {
  ChannelInputSchema,
  ChannelPatchSchema,
  type ChannelInput,
  type ChannelPatch,
} from './channel-config.js';
export { SIGNATURE_HEADER, signWebhookBody, verifyWebhookSignature } from './signature.js';
export {
  ALERT_EVENT_KINDS,
  CHANNEL_KINDS,
  SEVERITIES,
  SMTP_SECURITY,
  type AlertEvent,
  type AlertEventKind,
  type ChannelKind,
  type ChannelSettings,
  type ChannelView,
  type DeliveryAttempt,
  type DeliveryStatus,
  type DeliveryView,
  type SendOutcome,
  type Severity,
  type SmtpSecurity,
} from './types.js';
export { NotifierError, type NotifierErrorCode } from './errors.js';
export { notifierMigrations } from './migrations/index.js';
