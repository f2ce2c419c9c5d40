import {
  CLIENT_CAPABILITIES_META_KEY,
  classifyInboundRequest,
  ProtocolError,
  ProtocolErrorCode,
  type Result,
  SERVER_INFO_META_KEY,
} from '@modelcontextprotocol/server';
import { McpLimitError } from './errors.js';
import { inputChannel } from './input-required.js';
import type { McpContext, ServerIdentity } from './types.js';

/** Legacy protocol revisions whose stateless requests the fast path answers itself. */
const LEGACY_VERSIONS = new Set(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25']);
/** The stateless revision whose plain tool calls the fast path answers itself. */
const MODERN_VERSION = '2026-07-28';

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
 * (tools, resources, prompts, ping), and one plain 2026-07-28 `tools/call` the SDK would serve
 * (see {@link modernToolCall}), answered as a JSON body. Everything else — initialize,
 * notifications, batches, other 2026-07-28 requests, GET/DELETE, bodies the SDK must refuse —
 * goes to the SDK, with the already parsed body when there is one. Both use the registry's one
 * dispatch, so they answer alike.
 */
export async function tryFastPath<S>(
  request: Request,
  context: Omit<McpContext<S>, 'signal'>,
  dispatch: Dispatch<S>,
  maxBodyBytes: number,
  onError?: (error: Error) => void,
  serverInfo?: ServerIdentity,
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
    (version !== null && !LEGACY_VERSIONS.has(version) && version !== MODERN_VERSION) ||
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
    (typeof body.id !== 'string' && typeof body.id !== 'number')
  ) {
    return { kind: 'sdk', parsedBody: body };
  }
  const id = body.id;
  let pending: Promise<Result> | undefined;
  let stamp = (result: Result) => result;
  if (version === MODERN_VERSION || claimsModernEra(body.params)) {
    const meta = modernToolCall(request, body);
    if (!meta || !serverInfo) return { kind: 'sdk', parsedBody: body };
    // As the SDK serves it: the client's capabilities come from the envelope, a limit is a tool
    // error, and the result is stamped with its type and the server's identity.
    pending = dispatch(body.method, body.params, {
      ...context,
      signal: request.signal,
      input: inputChannel(meta, undefined, undefined, undefined),
    });
    stamp = (result) => stampModernResult(result, serverInfo);
  } else {
    // One plain call: a limit answers it with HTTP 429 and Retry-After rather than a tool error.
    pending = dispatch(body.method, body.params, {
      ...context,
      signal: request.signal,
      limitsAsStatus: true,
    });
  }
  if (!pending) return { kind: 'sdk', parsedBody: body };
  try {
    return { kind: 'answered', response: jsonRpc({ id, result: stamp(await pending) }) };
  } catch (error) {
    if (error instanceof McpLimitError) {
      return {
        kind: 'answered',
        response: jsonRpc(
          {
            id,
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
          id,
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
        id,
        error: { code: ProtocolErrorCode.InternalError, message: 'Internal error' },
      }),
    };
  }
}

/** Whether params carry a 2026-07-28 envelope claim (`_meta` keys of the protocol's namespace). */
function claimsModernEra(params: unknown): boolean {
  return (
    isObject(params) &&
    isObject(params._meta) &&
    Object.keys(params._meta).some((k) => k.startsWith('io.modelcontextprotocol/'))
  );
}

/**
 * The envelope of a 2026-07-28 `tools/call` the fast path may answer, or undefined to leave it to
 * the SDK. Only the plain case qualifies: the SDK's own classifier routes it to the modern era at
 * the one revision served; the MCP-Protocol-Version, Mcp-Method and Mcp-Name headers are present
 * and equal what the body says, verbatim (anything the SDK would decode or refuse goes to it); it
 * is not a retry carrying input responses or request state; and a client that declares
 * elicitation declares the form mode the write confirmation asks in.
 */
function modernToolCall(
  request: Request,
  body: Record<string, unknown>,
): Record<string, unknown> | undefined {
  const params = body.params;
  if (body.method !== 'tools/call' || !isObject(params) || !isObject(params._meta)) return undefined;
  if (params.inputResponses !== undefined || params.requestState !== undefined) return undefined;
  const header = (name: string) => request.headers.get(name)?.trim();
  const version = header('mcp-protocol-version');
  const method = header('mcp-method');
  const name = header('mcp-name');
  if (version !== MODERN_VERSION || method !== 'tools/call' || name !== params.name) return undefined;
  const route = classifyInboundRequest({
    httpMethod: 'POST',
    protocolVersionHeader: version,
    mcpMethodHeader: method,
    mcpNameHeader: name,
    body,
  });
  if (
    route.kind !== 'modern' ||
    route.messageKind !== 'request' ||
    route.classification.revision !== MODERN_VERSION
  ) {
    return undefined;
  }
  const capabilities = params._meta[CLIENT_CAPABILITIES_META_KEY];
  const elicitation = isObject(capabilities) ? capabilities.elicitation : undefined;
  if (
    elicitation !== undefined &&
    !(isObject(elicitation) && (elicitation.form !== undefined || elicitation.url === undefined))
  ) {
    return undefined;
  }
  return params._meta;
}

/** A 2026-07-28 result as the SDK encodes it: `resultType` (default complete) and `serverInfo` in `_meta`. */
function stampModernResult(result: Result, serverInfo: ServerIdentity): Result {
  const meta = result._meta;
  if (meta !== undefined && (!isObject(meta) || meta[SERVER_INFO_META_KEY] !== undefined)) {
    return { resultType: 'complete', ...result };
  }
  return {
    resultType: 'complete',
    ...result,
    _meta: { ...meta, [SERVER_INFO_META_KEY]: { ...serverInfo } },
  };
}
