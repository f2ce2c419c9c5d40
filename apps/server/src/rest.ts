import { AuthStoreError } from '@pgmcp/auth-store';
import type { Context } from 'hono';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { AUTH_STORE_ERRORS, ERROR_STATUS } from './error-codes.js';
import { errorResponse } from './http-edge.js';

type Issue = z.core.$ZodIssue;

/**
 * A union names no field of its own ("Invalid input"); report the issues of the alternative that
 * got furthest into the value instead, e.g. `messages.0.content.1.type`.
 */
function flattenUnions(issues: readonly Issue[], prefix: PropertyKey[] = []): Issue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [{ ...issue, path }];
    const depth = (list: readonly Issue[]) => Math.max(0, ...list.map((i) => i.path.length));
    const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
    return depth(best) === 0 ? [{ ...issue, path }] : flattenUnions(best, path);
  });
}

function describeIssues(error: z.ZodError): string {
  return flattenUnions(error.issues)
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

/** Answers a store error with its mapped status, its own message and Retry-After where it has one; rethrows anything else. */
export function storeError(c: Context, error: unknown): Response {
  if (!(error instanceof AuthStoreError)) throw error;
  const code = AUTH_STORE_ERRORS[error.code];
  const retry = (error as AuthStoreError & { retryAfterSeconds?: number }).retryAfterSeconds;
  const headers: Record<string, string> =
    retry !== undefined ? { 'Retry-After': String(Math.max(1, Math.ceil(retry))) } : {};
  return c.json({ error: { code: error.code, message: error.message } }, ERROR_STATUS[code], headers);
}

/** ISO string or null, for the API's timestamps. */
export function iso(date: Date | undefined | null): string | null {
  return date ? date.toISOString() : null;
}
