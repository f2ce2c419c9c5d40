import { z } from 'zod';
import { invalidInput } from './errors.js';
import { type ChannelKind, type ChannelSettings, SEVERITIES, SMTP_SECURITY } from './types.js';

const httpUrl = z
  .string()
  .max(2048)
  .refine((value) => /^https?:$/.test(parsedUrl(value)?.protocol ?? ''), 'must be an http:// or https:// URL')
  .refine(
    (value) => !parsedUrl(value)?.username && !parsedUrl(value)?.password,
    'must not hold a user name or password (put credentials in headers or use the HMAC secret)',
  );

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const severity = z.enum(SEVERITIES, { error: `must be one of ${SEVERITIES.join(', ')}` });
const common = {
  name,
  enabled: z.boolean().optional(),
  min_severity: severity.nullable().optional(),
};
const hmacSecret = z.string().min(16, 'must be at least 16 characters').max(512).nullable().optional();
/** Headers the notifier sets itself or the HTTP client owns. */
const RESERVED_HEADER = /^(host|content-length|content-type|transfer-encoding|connection|x-pgmcp-.*)$/i;
const headerName = z
  .string()
  .regex(/^[A-Za-z0-9-]{1,100}$/, 'header names are letters, digits and -')
  .refine((value) => !RESERVED_HEADER.test(value), 'this header is set by pgmcp');
/** Extra request headers (e.g. Authorization): their values are secrets. */
const headers = z.record(headerName, z.string().max(2000)).nullable().optional();
const email = z.email({ error: 'must be an email address' });
const smtpFields = {
  host: z.string().trim().min(1, 'must not be empty').max(255),
  port: z.number().int().min(1).max(65535, 'must be a port number (1-65535)').optional(),
  security: z.enum(SMTP_SECURITY, { error: `must be one of ${SMTP_SECURITY.join(', ')}` }).optional(),
  user: z.string().min(1).max(320).nullable().optional(),
  password: z.string().min(1).max(1024).nullable().optional(),
  /** PEM certificate(s) trusted for the server's TLS certificate (a private CA or self-signed). */
  ca: z
    .string()
    .includes('-----BEGIN CERTIFICATE-----', { error: 'must be a PEM certificate' })
    .nullable()
    .optional(),
};
const recipients = z.array(email).min(1, 'must list at least one address').max(50, 'at most 50 addresses');

const WebhookSchema = z.strictObject({
  kind: z.literal('webhook'),
  ...common,
  url: httpUrl,
  secret: hmacSecret,
  headers,
});
const SlackSchema = z.strictObject({ kind: z.literal('slack'), ...common, url: httpUrl });
const EmailSchema = z.strictObject({
  kind: z.literal('email'),
  ...common,
  smtp: z.strictObject(smtpFields),
  from: email,
  to: recipients,
});

/** The body that creates a channel (the REST body of POST /api/v1/notification-channels). */
export const ChannelInputSchema = z.discriminatedUnion('kind', [WebhookSchema, SlackSchema, EmailSchema], {
  error: 'must be one of webhook, slack, email',
});
/** The body that creates a channel. */
export type ChannelInput = z.input<typeof ChannelInputSchema>;

/** A change of a channel: any field but `kind`; secrets left out are kept, `null` removes them. */
export const ChannelPatchSchema = z.strictObject({
  ...common,
  name: name.optional(),
  url: httpUrl.optional(),
  secret: hmacSecret,
  headers,
  smtp: z.strictObject(smtpFields).partial().optional(),
  from: email.optional(),
  to: recipients.optional(),
});
/** A change of a channel. */
export type ChannelPatch = z.input<typeof ChannelPatchSchema>;

/** A channel's full settings, secrets in clear (only in memory, never returned). */
export type ChannelConfig = z.output<typeof ChannelInputSchema>;

/** "smtp.host", "to[0]": the path of a zod issue as the field name errors show. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((segment, index) =>
      typeof segment === 'number' ? `[${segment}]` : `${index === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');
}

/** Parses with a schema; the first issue becomes INVALID_INPUT naming its field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  if (issue.code === 'invalid_key') {
    throw invalidInput(fieldPath(issue.path), issue.issues[0]?.message ?? issue.message);
  }
  if (issue.code === 'unrecognized_keys') {
    const field = fieldPath([...issue.path, issue.keys[0]!]);
    throw invalidInput(field, 'is not a field of this channel kind');
  }
  throw invalidInput(fieldPath(issue.path) || 'body', issue.message);
}

/** The secret fields of a channel (encrypted at rest). */
export interface ChannelSecrets {
  url?: string;
  secret?: string;
  headers?: Record<string, string>;
  password?: string;
}

/** Splits a channel's settings into what may be shown and what is encrypted. */
export function splitSecrets(config: ChannelConfig): { settings: ChannelSettings; secrets: ChannelSecrets } {
  switch (config.kind) {
    case 'webhook':
      return {
        settings: {
          kind: 'webhook',
          url: config.url,
          header_names: Object.keys(config.headers ?? {}),
          signed: !!config.secret,
        },
        secrets: {
          ...(config.secret ? { secret: config.secret } : {}),
          ...(config.headers && Object.keys(config.headers).length > 0 ? { headers: config.headers } : {}),
        },
      };
    case 'slack':
      return { settings: { kind: 'slack', host: new URL(config.url).host }, secrets: { url: config.url } };
    case 'email': {
      const { smtp } = config;
      return {
        settings: {
          kind: 'email',
          smtp: {
            host: smtp.host,
            port: smtp.port ?? (smtp.security === 'tls' ? 465 : 587),
            security: smtp.security ?? 'starttls',
            user: smtp.user ?? null,
            ca: !!smtp.ca,
          },
          from: config.from,
          to: config.to,
        },
        secrets: smtp.password ? { password: smtp.password } : {},
      };
    }
  }
}

/** Rebuilds a channel's full settings from the stored config and its decrypted secrets. */
export function joinSecrets(
  kind: ChannelKind,
  stored: StoredConfig,
  secrets: ChannelSecrets,
  name: string,
): ChannelConfig {
  switch (kind) {
    case 'webhook': {
      const s = stored.settings as Extract<ChannelSettings, { kind: 'webhook' }>;
      return {
        kind,
        name,
        url: s.url,
        ...(secrets.headers ? { headers: secrets.headers } : {}),
        ...(secrets.secret ? { secret: secrets.secret } : {}),
      };
    }
    case 'slack':
      return { kind, name, url: secrets.url ?? '' };
    case 'email': {
      const s = stored.settings as Extract<ChannelSettings, { kind: 'email' }>;
      return {
        kind,
        name,
        smtp: {
          host: s.smtp.host,
          port: s.smtp.port,
          security: s.smtp.security,
          user: s.smtp.user,
          ...(stored.ca ? { ca: stored.ca } : {}),
          ...(secrets.password ? { password: secrets.password } : {}),
        },
        from: s.from,
        to: s.to,
      };
    }
  }
}

/** What the `config` column holds: the shown settings and, for email, the trusted CA PEM. */
export interface StoredConfig {
  settings: ChannelSettings;
  ca?: string;
}

function parsedUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
