import { AuthStoreError, type AuthStoreErrorCode } from '@pgmcp/auth-store';
import type { Context } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ERROR_STATUS, type ErrorCode, errorResponse } from './http-edge.js';

function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
      if (issue.code === 'unrecognized_keys')
        return `${path === 'body' ? '' : `${path}: `}unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/**
 * Validates a JSON body against an api-contract schema: 415 when it is not JSON, 400 naming
 * every bad field otherwise. Handlers read it with `c.req.valid('json')`.
 */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return validator('json', (value, c) => {
    const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!/^application\/([\w.-]+\+)?json$/.test(type)) {
      return errorResponse(
        c,
        'UNSUPPORTED_MEDIA_TYPE',
        'Send the request body as JSON with Content-Type: application/json.',
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success)
      return errorResponse(c, 'BAD_REQUEST', `Invalid request: ${describeIssues(parsed.error)}.`);
    return parsed.data;
  });
}

/** How the auth store's error codes answer over HTTP. */
const AUTH_STORE_STATUS: Record<AuthStoreErrorCode, ErrorCode> = {
  INVALID_INPUT: 'BAD_REQUEST',
  WEAK_PASSWORD: 'BAD_REQUEST',
  PASSWORD_TOO_LONG: 'BAD_REQUEST',
  INVALID_CREDENTIALS: 'UNAUTHORIZED',
  ACCOUNT_DISABLED: 'FORBIDDEN',
  ACCOUNT_LOCKED: 'LOCKED',
  RATE_LIMITED: 'RATE_LIMITED',
  NOT_FOUND: 'NOT_FOUND',
  ALREADY_EXISTS: 'CONFLICT',
  GROUP_CYCLE: 'CONFLICT',
  LAST_SUPERUSER: 'CONFLICT',
};

/** Answers a store error with its mapped status, its own message and Retry-After where it has one; rethrows anything else. */
export function storeError(c: Context, error: unknown): Response {
  if (!(error instanceof AuthStoreError)) throw error;
  const code = AUTH_STORE_STATUS[error.code];
  const retry = (error as AuthStoreError & { retryAfterSeconds?: number }).retryAfterSeconds;
  const headers: Record<string, string> =
    retry !== undefined ? { 'Retry-After': String(Math.max(1, Math.ceil(retry))) } : {};
  return c.json({ error: { code: error.code, message: error.message } }, ERROR_STATUS[code], headers);
}

/** ISO string or null, for the API's timestamps. */
export function iso(date: Date | undefined | null): string | null {
  return date ? date.toISOString() : null;
}
