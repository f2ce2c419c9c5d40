import { z } from 'zod';
import { positiveInt } from './common.js';

/** An http(s) origin: scheme, host and port, no path (a trailing slash is dropped). */
const origin = z
  .string()
  .refine((value) => {
    if (!URL.canParse(value)) return false;
    const url = new URL(value);
    return (
      (url.protocol === 'https:' || url.protocol === 'http:') &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash
    );
  }, 'expected an http(s) origin without path, query or fragment, e.g. https://pgmcp.example')
  .transform((value) => new URL(value).origin);

/**
 * `oauth:` — pgmcp as an OAuth 2.1 authorization server for MCP clients (the MCP authorization
 * specification): discovery, client registration, authorization code + PKCE, refresh, revocation.
 */
export const OAuthConfigSchema = z.strictObject({
  /** Off: `/mcp/v1` takes hand-made tokens only and the OAuth endpoints answer 404. */
  enabled: z.boolean().default(true),
  /**
   * The public base URL clients reach pgmcp at (the issuer; the MCP resource is `<issuer>/mcp/v1`).
   * Unset: the URL each request came in on (behind a proxy, set it).
   */
  issuer: origin.optional(),
  /** Lifetime of an access token. */
  access_token_minutes: positiveInt.max(24 * 60).default(60),
  /** Lifetime of a refresh token (each use replaces it). */
  refresh_token_days: positiveInt.max(365).default(30),
  /** Lifetime of an authorization code (single use). */
  code_seconds: positiveInt.max(600).default(60),
  /**
   * Who may register: `open` (anyone), `allow_list` (client metadata URLs, or redirect URIs whose
   * host is in `allowed_clients`), `approval` (an admin approves each new client).
   */
  registration: z.enum(['open', 'allow_list', 'approval']).default('open'),
  /** For `allow_list`: client metadata document URLs and redirect hosts (e.g. `claude.ai`, `127.0.0.1`). */
  allowed_clients: z.array(z.string().min(1)).default([]),
  /** Registrations and token requests per client address per minute. */
  requests_per_minute: positiveInt.default(30),
});
export type OAuthConfig = z.infer<typeof OAuthConfigSchema>;
