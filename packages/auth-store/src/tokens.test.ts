import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  credentialKindOfId,
  credentialKindOfToken,
  hashToken,
  newApiToken,
  newId,
  newSessionToken,
} from './tokens.js';

describe('tokens', () => {
  it('makes 32-byte random tokens, API tokens with the pgmcp_ prefix', () => {
    const session = newSessionToken();
    const api = newApiToken();
    expect(Buffer.from(session, 'base64url')).toHaveLength(32);
    expect(api).toMatch(/^pgmcp_/);
    expect(Buffer.from(api.slice(6), 'base64url')).toHaveLength(32);
    expect(newSessionToken()).not.toBe(session);
    expect(credentialKindOfToken(api)).toBe('api_token');
    expect(credentialKindOfToken(session)).toBe('session');
  });

  it('hashes with SHA-256 in hex', () => {
    expect(hashToken('abc')).toBe(createHash('sha256').update('abc').digest('hex'));
  });

  it('prefixes ids by kind', () => {
    expect(credentialKindOfId(newId('session'))).toBe('session');
    expect(credentialKindOfId(newId('api_token'))).toBe('api_token');
    expect(credentialKindOfId(newId('user'))).toBeUndefined();
    expect(newId('group')).toMatch(/^grp_[A-Za-z0-9_-]{22}$/);
  });
});
