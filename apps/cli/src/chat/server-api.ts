import {
  type CompactRequest,
  type CompactResponse,
  CompactResponseSchema,
  type Connection,
  ConnectionListSchema,
  type Conversation,
  type ConversationInput,
  ConversationListSchema,
  ConversationSchema,
  type ConversationSummary,
  ErrorBodySchema,
  type LlmModel,
  LlmModelsResponseSchema,
  type LlmProvidersResponse,
  LlmProvidersResponseSchema,
  type LoginResponse,
  LoginResponseSchema,
  type MeResponse,
  MeResponseSchema,
} from '@pgmcp/api-contract';
import type { z } from 'zod';
import { ChatError, messageOf } from './chat-error.js';

/** The REST routes of a pgmcp server that the terminal client uses (DESIGN.md §5). */
export interface ServerApi {
  readonly baseUrl: string;
  login(username: string, password: string): Promise<LoginResponse>;
  logout(): Promise<void>;
  me(): Promise<MeResponse>;
  connections(): Promise<Connection[]>;
  setCurrentConnection(connection: string, database?: string): Promise<void>;
  providers(): Promise<LlmProvidersResponse>;
  models(provider: string): Promise<LlmModel[]>;
  compact(request: CompactRequest, signal?: AbortSignal): Promise<CompactResponse>;
  listConversations(limit: number): Promise<ConversationSummary[]>;
  getConversation(id: string): Promise<Conversation>;
  createConversation(input: ConversationInput): Promise<Conversation>;
  replaceConversation(id: string, input: ConversationInput): Promise<Conversation>;
  renameConversation(id: string, title: string): Promise<Conversation>;
}

/** Options of {@link createServerApi}. */
export interface ServerApiOptions {
  /** The server, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** The session or API token sent as `Authorization: Bearer …`, if any. */
  getToken: () => string | undefined;
  fetch?: typeof fetch;
  /** Time limit of one request, in ms (default 30 s). */
  timeoutMs?: number;
}

/** A server's error answer: its code and message, and the HTTP status. */
export class ServerAnswerError extends ChatError {
  constructor(
    readonly status: number,
    readonly serverCode: string,
    message: string,
  ) {
    super(status === 401 ? 'UNAUTHORIZED' : status === 404 ? 'NOT_FOUND' : 'SERVER_ERROR', message);
  }
}

/** A REST client for the server's account, LLM, compaction and conversation routes. */
export function createServerApi(options: ServerApiOptions): ServerApi {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(
    method: string,
    route: string,
    schema: z.ZodType<T> | undefined,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<T> {
    const token = options.getToken();
    const timeout = AbortSignal.timeout(timeoutMs);
    let response: Response;
    try {
      response = await fetchImpl(`${baseUrl}${route}`, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw new ChatError('CANCELLED', 'Cancelled.', { cause: error });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? messageOf(error);
      throw new ChatError(
        'UNREACHABLE',
        timeout.aborted
          ? `The pgmcp server at ${baseUrl} did not answer ${method} ${route} within ${Math.round(timeoutMs / 1000)} s.`
          : `Could not reach the pgmcp server at ${baseUrl} (${reason}). Check --server (or PGMCP_SERVER) and that \`pgmcp serve\` runs there.`,
        { cause: error },
      );
    }
    const text = await response.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const error = ErrorBodySchema.safeParse(json);
      if (error.success)
        throw new ServerAnswerError(response.status, error.data.error.code, error.data.error.message);
      throw new ServerAnswerError(
        response.status,
        `HTTP_${response.status}`,
        `${baseUrl} answered ${method} ${route} with HTTP ${response.status}${response.status === 404 ? ': is this a pgmcp server? Check --server' : ''}.`,
      );
    }
    if (!schema) return undefined as T;
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw new ChatError(
        'SERVER_ERROR',
        `${baseUrl} answered ${method} ${route} with something that is not what a pgmcp server sends. Check --server.`,
      );
    }
    return parsed.data;
  }

  return {
    baseUrl,
    login: (username, password) =>
      call('POST', '/api/v1/auth/login', LoginResponseSchema, { username, password }),
    logout: () => call('POST', '/api/v1/auth/logout', undefined, {}),
    me: () => call('GET', '/api/v1/auth/me', MeResponseSchema),
    connections: async () => (await call('GET', '/api/v1/connections', ConnectionListSchema)).connections,
    setCurrentConnection: async (connection, database) => {
      await call('POST', '/api/v1/connections/current', undefined, {
        connection,
        ...(database ? { database } : {}),
      });
    },
    providers: () => call('GET', '/api/v1/llm/providers', LlmProvidersResponseSchema),
    models: async (provider) =>
      (
        await call(
          'GET',
          `/api/v1/llm/models?provider=${encodeURIComponent(provider)}`,
          LlmModelsResponseSchema,
        )
      ).models,
    compact: (request, signal) =>
      call('POST', '/api/v1/chat/compact', CompactResponseSchema, request, signal),
    listConversations: async (limit) =>
      (await call('GET', `/api/v1/conversations?limit=${limit}`, ConversationListSchema)).conversations,
    getConversation: (id) =>
      call('GET', `/api/v1/conversations/${encodeURIComponent(id)}`, ConversationSchema),
    createConversation: (input) => call('POST', '/api/v1/conversations', ConversationSchema, input),
    replaceConversation: (id, input) =>
      call('PUT', `/api/v1/conversations/${encodeURIComponent(id)}`, ConversationSchema, input),
    renameConversation: (id, title) =>
      call('PATCH', `/api/v1/conversations/${encodeURIComponent(id)}`, ConversationSchema, { title }),
  };
}
