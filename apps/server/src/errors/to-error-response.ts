import { AlerterError } from '@pgmcp/alerter';
import { AuthStoreError } from '@pgmcp/auth-store';
import { CompactorError } from '@pgmcp/compactor';
import { ConnectionStoreError } from '@pgmcp/connection-store';
import { ConversationStoreError } from '@pgmcp/conversation-store';
import { DatastoreError } from '@pgmcp/datastore';
import { LlmClientError } from '@pgmcp/llm-clients';
import { NotifierError } from '@pgmcp/notifier';
import { PoolManagerError } from '@pgmcp/pool-manager';
import { HTTPException } from 'hono/http-exception';
import {
  ALERTER_ERRORS,
  AUTH_STORE_ERRORS,
  COMPACTOR_ERRORS,
  CONNECTION_STORE_ERRORS,
  CONVERSATION_STORE_ERRORS,
  DATASTORE_ERRORS,
  ERROR_STATUS,
  type ErrorCode,
  LLM_CLIENT_ERRORS,
  NOTIFIER_ERRORS,
  POOL_MANAGER_ERRORS,
} from './error-codes.js';
import { RestError } from './rest-error.js';

/** How an error answers: status, `{"error":{code,message}}` body and headers. */
export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string } };
  headers: Record<string, string>;
}

/** Retry-After when a provider rate-limits without saying for how long. */
const DEFAULT_LLM_RETRY_AFTER_SECONDS = 10;

function answer(
  code: ErrorCode,
  bodyCode: string,
  message: string,
  headers: Record<string, string> = {},
): ErrorAnswer | undefined {
  // A package error that maps to INTERNAL is a server fault: answered as a bare 500, and logged.
  if (code === 'INTERNAL') return undefined;
  return { status: ERROR_STATUS[code], body: { error: { code: bodyCode, message } }, headers };
}

function retryAfter(seconds: number | undefined): Record<string, string> {
  return seconds === undefined ? {} : { 'Retry-After': String(Math.max(1, Math.ceil(seconds))) };
}

function fromHttpException(error: HTTPException): ErrorAnswer | undefined {
  if (error.status >= 500) return undefined;
  const malformedJson = /Malformed JSON/i.test(error.message);
  const code = malformedJson
    ? 'INVALID_JSON'
    : ((Object.entries(ERROR_STATUS).find(([, status]) => status === error.status)?.[0] ??
        'BAD_REQUEST') as ErrorCode);
  return {
    status: error.status,
    body: { error: { code, message: malformedJson ? 'The request body is not valid JSON.' : error.message } },
    headers: {},
  };
}

/**
 * What a thrown error answers over REST: the server's own RestError, every package's coded error
 * (auth-store, conversation-store, compactor, datastore, llm-clients, pool-manager, alerter, notifier) by the status table, and
 * Hono's HTTPException. Undefined for anything else: the caller logs it and answers a bare 500.
 */
export function toErrorAnswer(error: unknown): ErrorAnswer | undefined {
  if (error instanceof RestError) {
    return answer(error.code, error.options.bodyCode ?? error.code, error.message, error.options.headers);
  }
  if (error instanceof AuthStoreError) {
    return answer(
      AUTH_STORE_ERRORS[error.code],
      error.code,
      error.message,
      retryAfter(error.retryAfterSeconds),
    );
  }
  if (error instanceof ConversationStoreError) {
    return answer(CONVERSATION_STORE_ERRORS[error.code], error.code, error.message);
  }
  if (error instanceof CompactorError) return answer(COMPACTOR_ERRORS[error.code], error.code, error.message);
  if (error instanceof ConnectionStoreError) {
    return answer(CONNECTION_STORE_ERRORS[error.code], error.code, error.message);
  }
  if (error instanceof PoolManagerError) {
    return answer(POOL_MANAGER_ERRORS[error.code], error.code, error.message);
  }
  if (error instanceof AlerterError) return answer(ALERTER_ERRORS[error.code], error.code, error.message);
  if (error instanceof NotifierError) return answer(NOTIFIER_ERRORS[error.code], error.code, error.message);
  if (error instanceof LlmClientError) {
    const wait =
      error.code === 'RATE_LIMITED'
        ? (error.retryAfterMs ?? DEFAULT_LLM_RETRY_AFTER_SECONDS * 1000) / 1000
        : undefined;
    return answer(LLM_CLIENT_ERRORS[error.code], error.code, error.message, retryAfter(wait));
  }
  if (error instanceof DatastoreError) {
    // The message names what is valid; the field leads it when the message does not already.
    const field = error.field && !error.message.startsWith(error.field) ? `${error.field}: ` : '';
    return answer(DATASTORE_ERRORS[error.code], error.code, `Invalid request: ${field}${error.message}`);
  }
  if (error instanceof HTTPException) return fromHttpException(error);
  return undefined;
}

/** The bare answer to an error nobody expected; its details go to the log only. */
export const INTERNAL_ERROR_ANSWER: ErrorAnswer = {
  status: 500,
  body: { error: { code: 'INTERNAL', message: 'Internal server error.' } },
  headers: {},
};

/** {@link toErrorAnswer} as a Response (unknown errors: the bare 500). */
export function toErrorResponse(error: unknown): Response {
  const { status, body, headers } = toErrorAnswer(error) ?? INTERNAL_ERROR_ANSWER;
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
}
