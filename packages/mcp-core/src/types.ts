import type { CallToolResult, GetPromptResult, ToolAnnotations } from '@modelcontextprotocol/server';
import type { z } from 'zod';

/** Who is calling: supplied by the app (a user, an API token, the local stdio user...). */
export interface Principal {
  /** Stable id, e.g. a user id or token id. */
  id: string;
  /** Display name for logs and messages. */
  name: string;
  /** What kind of caller this is, e.g. "user", "token", "local". */
  kind: string;
}

/** The per-request context every handler receives. `S` is app-specific state. */
export interface McpContext<S = unknown> {
  principal: Principal;
  /** Keys the caller's database sessions; two callers never share one. */
  sessionKey: string;
  /** App data resolved for this request (access rights, current connection...). */
  state: S;
  /** Aborted when the client cancels the request or goes away. */
  signal: AbortSignal;
  /** The client's name and version, when the request says (its `_meta` clientInfo). */
  client?: { name: string; version?: string };
  /** What the client can answer within this request (absent: it cannot be asked anything). */
  input?: InputChannel;
  /**
   * Set when the request is one plain HTTP call (the fast path): a call refused by a limit throws
   * McpLimitError, answered as 429 with Retry-After, instead of a tool error.
   */
  limitsAsStatus?: boolean;
}

/**
 * Asking the client's user within a call: on 2026-07-28 requests the client declares its
 * capabilities per request and retries with the answers; on a 2025 session (stdio) the SDK asks
 * with real requests. Stateless 2025 HTTP requests have no channel.
 */
export interface InputChannel {
  /** The client declared the elicitation capability. */
  elicitation: boolean;
  /** A retried call's answers, keyed as the server asked (untrusted: from the client). */
  responses?: Record<string, unknown>;
  /** The state the server sent with its question, echoed back by the client (untrusted). */
  requestState?: string;
}

/** The kind of an MCP item, for authorisation. */
export type McpItemKind = 'tool' | 'resource' | 'prompt';

/** Decides whether the caller may see and use an item (resources are named by URI). Called for lists and for every use. */
export type Authorizer<S> = (item: { kind: McpItemKind; name: string }, context: McpContext<S>) => boolean;

type MaybePromise<T> = T | Promise<T>;

/** A value, or a function of the request context that computes it (e.g. annotations that depend on write mode). */
export type Contextual<T, S> = T | ((context: McpContext<S>) => MaybePromise<T>);

/** A tool: zod input schema, description written for a model, and a handler. */
export interface ToolSpec<S = unknown, I extends z.ZodObject = z.ZodObject> {
  name: string;
  title?: string;
  description: Contextual<string, S>;
  input: I;
  annotations?: Contextual<ToolAnnotations, S>;
  handler: (args: z.output<I>, context: McpContext<S>) => Promise<CallToolResult>;
}

/** A resource with a fixed URI. */
export interface ResourceSpec<S = unknown> {
  uri: string;
  /** Short display name; authorisation names a resource by its URI. */
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  read: (context: McpContext<S>) => Promise<string>;
}

/** A prompt template; every argument is a string, as MCP requires. */
export interface PromptSpec<S = unknown, A extends z.ZodObject = z.ZodObject> {
  name: string;
  title?: string;
  description?: string;
  args?: A;
  render: (args: z.output<A>, context: McpContext<S>) => MaybePromise<GetPromptResult['messages']>;
}

/** The identity the server announces. */
export interface ServerIdentity {
  name: string;
  version: string;
  title?: string;
}

/** How a tool call, resource read or prompt request ended, for an activity log. */
export interface McpCallReport<S = unknown> {
  kind: McpItemKind;
  /** Tool or prompt name, or resource URI. */
  name: string;
  /** The arguments as the client sent them (tools and prompts). */
  arguments: unknown;
  context: McpContext<S>;
  /** `refused`: the caller may not use the item, or a policy refused the call (ToolError `refused`). */
  outcome: 'ok' | 'refused' | 'error';
  /** Why it was refused or failed: the message the client got. */
  reason?: string;
  /** A tool's result as sent (also for `isError` results). */
  result?: CallToolResult;
  /** Bytes of text sent back (tool content, resource text, prompt messages). */
  bytes: number;
  durationMs: number;
}
