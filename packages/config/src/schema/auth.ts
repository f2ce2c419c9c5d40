import { z } from 'zod';
import { positiveInt } from './common.js';
import { OidcConfigSchema } from './oidc.js';

/** `auth:` — logins, sessions, lockout and the proxies whose forwarded headers are believed. */
export const AuthConfigSchema = z.strictObject({
  /** off: no login, single local user; allowed only while bound to loopback. */
  enabled: z.boolean().default(true),
  session_ttl_hours: z
    .number()
    .positive()
    .max(24 * 90)
    .default(24),
  lockout: z
    .strictObject({ max_failures: positiveInt.default(5), minutes: z.number().positive().default(15) })
    .prefault({}),
  ip_rate_limit: z
    .strictObject({
      max_failures: positiveInt.default(10),
      window_minutes: z.number().positive().default(15),
    })
    .prefault({}),
  /** Proxies (IP addresses) whose X-Forwarded-For and X-Forwarded-Proto are believed. */
  trusted_proxies: z.array(z.string()).default([]),
  /** bcrypt cost of new password hashes (12; lower only for tests). */
  bcrypt_cost: z.number().int().min(4).max(15).default(12),
  /**
   * Password checks run at once and waiting (bcrypt is CPU-bound): beyond both, a login answers
   * 429 BUSY at once instead of slowing every other request. Defaults: half the cores, 16.
   */
  bcrypt_queue: z
    .strictObject({ max_concurrent: positiveInt.optional(), max_waiting: z.number().int().min(0).optional() })
    .prefault({}),
  /** Single sign-on with an OpenID Connect provider; absent: password logins only. */
  oidc: OidcConfigSchema.optional(),
});
export type AuthConfig = z.infer<typeof AuthConfigSchema>;
