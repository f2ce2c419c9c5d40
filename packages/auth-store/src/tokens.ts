import { createHash, randomBytes } from 'node:crypto';
import type { CredentialKind } from './types.js';

/** Prefix of API tokens, so secret scanners can find leaked ones. */
export const API_TOKEN_PREFIX = 'pgmcp_';

const ID_PREFIX = {
  user: 'usr_',
  group: 'grp_',
  session: 'ses_',
  api_token: 'tok_',
  oauth_client: 'mcp_',
  oauth_grant: 'grt_',
  oauth_authorization: 'azr_',
} as const;

/** A new random id such as `usr_3q2…`. */
export function newId(kind: keyof typeof ID_PREFIX): string {
  return ID_PREFIX[kind] + randomBytes(16).toString('base64url');
}

/** Which kind of credential an id names, from its prefix. */
export function credentialKindOfId(id: string): CredentialKind | undefined {
  return id.startsWith(ID_PREFIX.session)
    ? 'session'
    : id.startsWith(ID_PREFIX.api_token)
      ? 'api_token'
      : undefined;
}

/** A new session token: 32 random bytes, base64url. */
export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A new API token: `pgmcp_` + 32 random bytes, base64url. */
export function newApiToken(): string {
  return API_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

/** Which kind of credential a presented token is, from its shape. */
export function credentialKindOfToken(token: string): CredentialKind {
  return token.startsWith(API_TOKEN_PREFIX) ? 'api_token' : 'session';
}

/** SHA-256 of a token, hex: the only form in which tokens are stored. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new OAuth refresh token: `pgmcp_rt_` + 32 random bytes (scanners find it by the prefix). */
export function newRefreshToken(): string {
  return `${API_TOKEN_PREFIX}rt_${randomBytes(32).toString('base64url')}`;
}

/** A new authorization code: 32 random bytes, base64url. */
export function newAuthorizationCode(): string {
  return randomBytes(32).toString('base64url');
}
