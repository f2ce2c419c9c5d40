import { ConnectionStoreError } from './errors.js';
import { CREDENTIAL_MODES, type ConnectionInput, MAX_CONNECTION_PASSWORD_BYTES, SSL_MODES } from './types.js';

/** Names tools, grants and URLs use. */
export const CONNECTION_NAME = /^[A-Za-z0-9_.-]{1,63}$/;
// A host name, an IPv4 address or an IPv6 address (bare or in brackets); no spaces, slashes or userinfo.
const HOST = /^(?:[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\.?|\[?[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?\]?)$/;

function invalid(field: string, message: string): ConnectionStoreError {
  return new ConnectionStoreError('INVALID_INPUT', `${field}: ${message}`, { field });
}

function text(field: string, value: unknown, max: number, optional: boolean): void {
  if (value === undefined || (value === null && optional)) return;
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string.');
  if (value.length > max) throw invalid(field, `must be at most ${max} characters.`);
  if (value.includes('\0')) throw invalid(field, 'must not contain a NUL character.');
}

function secret(field: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (typeof value !== 'string' || value.length === 0) throw invalid(field, 'must be a non-empty string.');
  if (value.includes('\0')) throw invalid(field, 'must not contain a NUL character.');
  if (Buffer.byteLength(value, 'utf8') > MAX_CONNECTION_PASSWORD_BYTES) {
    throw invalid(
      field,
      `is longer than PostgreSQL accepts (at most ${MAX_CONNECTION_PASSWORD_BYTES} bytes in UTF-8).`,
    );
  }
}

/** Checks every field present in `input`; throws INVALID_INPUT naming the first bad one. */
export function checkConnectionFields(input: Partial<ConnectionInput>): void {
  if (input.name !== undefined && !CONNECTION_NAME.test(input.name)) {
    throw invalid('name', 'use 1-63 letters, digits, "_", "." or "-".');
  }
  text('description', input.description, 1000, true);
  if (input.host !== undefined) {
    text('host', input.host, 255, false);
    if (!HOST.test(input.host)) throw invalid('host', `"${input.host}" is not a host name or IP address.`);
  }
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw invalid('port', `${String(input.port)} is out of range (1-65535).`);
  }
  text('database', input.database, 63, false);
  text('username', input.username, 63, true);
  secret('password', input.password);
  secret('sslpassword', input.sslpassword);
  if (input.sslmode !== undefined && !SSL_MODES.includes(input.sslmode)) {
    throw invalid('sslmode', `"${String(input.sslmode)}" is not one of ${SSL_MODES.join(', ')}.`);
  }
  for (const field of ['sslrootcert', 'sslcert', 'sslkey'] as const) text(field, input[field], 4096, true);
  if (input.credentials !== undefined && !CREDENTIAL_MODES.includes(input.credentials)) {
    throw invalid('credentials', `must be one of ${CREDENTIAL_MODES.join(', ')}.`);
  }
}

/** Checks a per-user login. */
export function checkUserCredentials(input: { username: string; password?: string | null }): void {
  text('username', input.username, 63, false);
  secret('password', input.password);
}
