import { classifyFailure } from './classify-failure.js';
import { LlmClientError } from './errors.js';

type ErrorClass = abstract new (...args: never[]) => Error;

/** The error classes the Anthropic and OpenAI SDKs (both Stainless-generated) share by shape. */
export interface StainlessErrorClasses {
  APIError: ErrorClass;
  APIConnectionError: ErrorClass;
  APIConnectionTimeoutError: ErrorClass;
  APIUserAbortError: ErrorClass;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Maps an Anthropic/OpenAI SDK error to a typed one (undefined for anything else). */
export function fromStainlessError(
  provider: string,
  error: unknown,
  classes: StainlessErrorClasses,
): LlmClientError | undefined {
  // Plain boolean checks: as type guards these classes all narrow to Error and then to never.
  const is = (cls: ErrorClass): boolean => error instanceof cls;
  if (!is(classes.APIError) || !(error instanceof Error)) return undefined;
  // Our own AbortController ended the attempt; the runtime knows whether it was a timeout or the caller.
  if (is(classes.APIUserAbortError)) return undefined;
  if (is(classes.APIConnectionTimeoutError)) {
    return new LlmClientError('TIMEOUT', `${provider}: the connection timed out.`, { provider });
  }
  if (is(classes.APIConnectionError)) {
    return new LlmClientError('PROVIDER_UNREACHABLE', `${provider}: cannot reach the API: ${error.message}`, {
      provider,
    });
  }
  const fields = error as unknown as { status?: unknown; headers?: unknown; error?: unknown };
  // Anthropic keeps the whole body ({type, error: {type, message}}); OpenAI keeps body.error.
  const body = record(fields.error);
  const inner = record(body?.error) ?? body;
  return classifyFailure({
    provider,
    status: typeof fields.status === 'number' ? fields.status : undefined,
    type: text(inner?.type),
    code: text(inner?.code),
    message: text(inner?.message) ?? error.message,
    headers: fields.headers instanceof Headers ? fields.headers : undefined,
  });
}
