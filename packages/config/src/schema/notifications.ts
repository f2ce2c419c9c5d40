import { z } from 'zod';
import { positiveInt } from './common.js';

/** `notifications:` — how alert notifications are delivered (channels are managed over REST). */
export const NotificationsConfigSchema = z.strictObject({
  /** Attempts of one delivery, the first included (a failing receiver is retried with backoff). */
  retry_attempts: positiveInt.max(20, 'at most 20 attempts').default(5),
  /** Wait before the second attempt, ms; each further one waits twice as long. */
  retry_base_delay_ms: positiveInt.max(3_600_000, 'at most 3600000 ms').default(10_000),
  /** The longest wait between attempts, ms. */
  retry_max_delay_ms: positiveInt.max(86_400_000, 'at most 86400000 ms').default(300_000),
  /** How long one attempt (HTTP request or SMTP session) may take, ms. */
  timeout_ms: positiveInt.max(120_000, 'at most 120000 ms').default(10_000),
  /** Days finished deliveries are kept in the delivery history. */
  delivery_retention_days: positiveInt.max(3650, 'at most 3650 days').default(30),
});
export type NotificationsFileConfig = z.infer<typeof NotificationsConfigSchema>;
