import { ProtocolError, ProtocolErrorCode, type Result } from '@modelcontextprotocol/server';
import { McpLimitError } from './errors.js';
import type { McpContext } from './types.js';

/** Legacy protocol revisions whose stateless requests the fast path answers itself. */
const LEGACY_VERSIONS = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);

/** What the fast path decided about one HTTP request. */
export type FastPathOutcome =
  /** Answered here. */
  | { kind: 'answered'; response: Response }
  /** Not for the fast path; `parsedBody` is set when the body was already read. */
  | { kind: 'sdk'; parsedBody?: unknown };

type Dispatch<S> = (method: string, params: unknown, context: McpContext<S>) => Promise<Result> | undefined;

const JSON_HEADERS = { 'content-type': 'application/json' };

function jsonRpc(body: Record<string, unknown>, status = 200, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', ...body }), {
    status,
    headers: { ...JSON_HEADERS, ...headers },
  });
}

/** JSON-RPC's implementation-defined server error range, used for "refused by a limit". */
const LIMITED_CODE = -32029;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Answers the common case without building an SDK server per request: one stateless JSON-RPC
 * request of a legacy client (2024-11-05 … 2025-11-25) for a method the registry serves
 * (tools, resources, prompts, ping), answered as a JSON body. Everything else — initialize,
 * notifications, batches, the 2026-07-28 envelope, GET/DELETE, bodies the SDK must refuse — goes
 * to the SDK, with the already parsed body when there is one. Both use the registry's one
 * dispatch, so they answer alike.
 */
export async function tryFastPath<S>(
  request: Request,
  context: Omit<McpContext<S>, 'signal'>,
  dispatch: Dispatch<S>,
  maxBodyBytes: number,
  onError?: (error: Error) => void,
): Promise<FastPathOutcome> {
  if (request.method !== 'POST') return { kind: 'sdk' };
  const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const accept = request.headers.get('accept') ?? '';
  const version = request.headers.get('mcp-protocol-version');
  const declared = request.headers.get('content-length');
  // The SDK gives the exact refusals (415, 406, 400 for versions, 413) on bodies it reads itself.
  if (
    type !== 'application/json' ||
    !accept.includes('application/json') ||
    (version !== null && !LEGACY_VERSIONS.has(version)) ||
    (declared !== null && Number(declared) > maxBodyBytes)
  ) {
    return { kind: 'sdk' };
  }
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBodyBytes) {
    return {
      kind: 'answered',
      response: jsonRpc(
        {
          id: null,
          error: {
            code: ProtocolErrorCode.InvalidRequest,
            message: `Request body larger than ${maxBodyBytes} bytes.`,
          },
        },
        413,
      ),
    };
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return {
      kind: 'answered',
      response: jsonRpc(
        {
          id: null,
          error: { code: ProtocolErrorCode.ParseError, message: 'Parse error: the body is not valid JSON.' },
        },
        400,
      ),
    };
  }
  if (
    !isObject(body) ||
    body.jsonrpc !== '2.0' ||
    typeof body.method !== 'string' ||
    (typeof body.id !== 'string' && typeof body.id !== 'number') ||
    // A 2026-07-28 request carries its protocol version in _meta: the SDK serves that era.
    (isObject(body.params) &&
      isObject(body.params._meta) &&
      Object.keys(body.params._meta).some((k) => k.startsWith('io.modelcontextprotocol/')))
  ) {
    return { kind: 'sdk', parsedBody: body };
  }
  // One plain call: a limit answers it with HTTP 429 and Retry-After rather than a tool error.
  const pending = dispatch(body.method, body.params, {
    ...context,
    signal: request.signal,
    limitsAsStatus: true,
  });
  if (!pending) return { kind: 'sdk', parsedBody: body };
  try {
    return { kind: 'answered', response: jsonRpc({ id: body.id, result: await pending }) };
  } catch (error) {
    if (error instanceof McpLimitError) {
      return {
        kind: 'answered',
        response: jsonRpc(
          {
            id: body.id,
            error: {
              code: LIMITED_CODE,
              message: error.message,
              data: { retryAfterSeconds: error.retryAfterSeconds },
            },
          },
          429,
          { 'retry-after': String(error.retryAfterSeconds) },
        ),
      };
    }
    if (error instanceof ProtocolError) {
      return {
        kind: 'answered',
        response: jsonRpc({
          id: body.id,
          error: {
            code: error.code,
            message: error.message,
            ...(error.data !== undefined ? { data: error.data } : {}),
          },
        }),
      };
    }
    onError?.(error instanceof Error ? error : new Error(String(error)));
    return {
      kind: 'answered',
      response: jsonRpc({
        id: body.id,
        error: { code: ProtocolErrorCode.InternalError, message: 'Internal error' },
      }),
    };
  }
}
