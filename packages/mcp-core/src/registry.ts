import {
  type CallToolResult,
  type GetPromptResult,
  type Prompt,
  ProtocolError,
  ProtocolErrorCode,
  type ReadResourceResult,
  type Resource,
  type Result,
  ResourceNotFoundError,
  Server,
  type Tool,
  type ToolAnnotations,
} from '@modelcontextprotocol/server';
import { z } from 'zod';
import { clientFromMeta } from './client-info.js';
import { McpCoreError, McpLimitError, ToolError, toolErrorResult } from './errors.js';
import { inputChannel, InputRequiredSignal } from './input-required.js';
import type {
  Authorizer,
  Contextual,
  McpCallReport,
  McpContext,
  McpItemKind,
  PromptSpec,
  ResourceSpec,
  ServerIdentity,
  ToolSpec,
} from './types.js';

/** Options of {@link createMcpRegistry}. */
export interface McpRegistryOptions<S> {
  identity: ServerIdentity;
  /** Server instructions sent to clients at initialisation (how to use the tools well). */
  instructions?: string;
  /** Who may see and use what; default: everyone everything. */
  authorize?: Authorizer<S>;
  /** Receives unexpected handler failures (the caller only sees a generic message). */
  onError?: (error: unknown, where: { kind: McpItemKind; name: string; principal: string }) => void;
  /** Told how every tool call, resource read and prompt request ended (an activity log). Must not throw. */
  onCall?: (report: McpCallReport<S>) => void;
  /**
   * Asked before every tool call, resource read and prompt request (e.g. a rate limit); throws
   * McpLimitError to refuse it. Lists, ping and initialize are not asked.
   */
  admit?: (item: { kind: McpItemKind; name: string }, context: McpContext<S>) => Promise<void>;
}

/** Holds tools, resources and prompts and builds an MCP server instance for one request or connection. */
export interface McpRegistry<S> {
  readonly identity: ServerIdentity;
  addTool<I extends z.ZodObject>(spec: ToolSpec<S, I>): void;
  addResource(spec: ResourceSpec<S>): void;
  addPrompt<A extends z.ZodObject>(spec: PromptSpec<S, A>): void;
  /**
   * Takes an item out (resources by URI); false when there was none. Calls already running finish
   * on the definition they started with.
   */
  remove(kind: McpItemKind, name: string): boolean;
  /**
   * Tells the live sessions (stdio) that the lists of tools, resources and prompts changed
   * (`notifications/…/list_changed`); stateless HTTP requests re-list on their next request.
   */
  notifyListChanged(): void;
  /** Names of every registered item of a kind (sorted; resources by URI), e.g. to configure privileges. */
  names(kind: McpItemKind): string[];
  /** The tools `context` may use, as `tools/list` shows them. */
  listTools(context: McpContext<S>): Promise<Tool[]>;
  /**
   * Reads a resource as `resources/read` would; throws McpCoreError UNKNOWN_RESOURCE or
   * NOT_ALLOWED (messages written for the model), or the handler's ToolError.
   */
  readResource(uri: string, context: McpContext<S>): Promise<string>;
  /** Runs one tool call as `tools/call` would, including authorisation and input validation. */
  callTool(name: string, args: unknown, context: McpContext<S>): Promise<CallToolResult>;
  /**
   * Answers one request of a served method (tools, resources, prompts, ping) for `context`;
   * undefined for methods left to the SDK. Errors are thrown as the SDK's ProtocolError.
   */
  dispatch(method: string, params: unknown, context: McpContext<S>): Promise<Result> | undefined;
  /**
   * A low-level SDK server answering for `context`; `live` servers (a stdio session) are told
   * when the lists change, until they close.
   */
  createServer(context: McpContext<S>, options?: { live?: boolean }): Server;
}

async function evaluate<T, S>(value: Contextual<T, S>, context: McpContext<S>): Promise<T> {
  return typeof value === 'function' ? await (value as (c: McpContext<S>) => T | Promise<T>)(context) : value;
}

/** Formats zod issues as one line per field, e.g. `limit: Too big: expected number to be <=1000`. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : 'arguments';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** The request methods the registry answers itself (the SDK handles the rest). */
const DISPATCHED_METHODS = [
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'prompts/list',
  'prompts/get',
] as const;

function inputJsonSchema(schema: z.ZodObject): Tool['inputSchema'] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json as Tool['inputSchema'];
}

function promptArguments(schema: z.ZodObject | undefined): Prompt['arguments'] {
  if (!schema) return [];
  return Object.entries(schema.shape).map(([name, field]) => {
    const described = field as z.ZodType & { description?: string };
    return {
      name,
      ...(described.description ? { description: described.description } : {}),
      required: !described.safeParse(undefined).success,
    };
  });
}

/**
 * Creates a registry of MCP items. Items are defined once; every request (or stdio
 * connection) gets its own server instance bound to that caller's context, which filters
 * the lists and refuses what the caller may not use.
 *
 * @example
 *   const registry = createMcpRegistry({ identity: { name: 'pgmcp', version: '1.0.0' } });
 *   registry.addTool({
 *     name: 'echo', description: 'Echoes text.', input: z.object({ text: z.string() }),
 *     handler: async ({ text }) => ({ content: [{ type: 'text', text }] }),
 *   });
 */
export function createMcpRegistry<S>(options: McpRegistryOptions<S>): McpRegistry<S> {
  const tools = new Map<string, { spec: ToolSpec<S>; schema: Tool['inputSchema'] }>();
  const resources = new Map<string, ResourceSpec<S>>();
  const prompts = new Map<string, PromptSpec<S>>();
  const authorize: Authorizer<S> = options.authorize ?? (() => true);
  const onError = options.onError ?? (() => undefined);

  function ensureNew(kind: McpItemKind, map: Map<string, unknown>, name: string): void {
    if (!name || !/^[A-Za-z0-9_.:/-]+$/.test(name)) {
      throw new McpCoreError('INVALID_ITEM', `The ${kind} name "${name}" is invalid.`);
    }
    if (map.has(name))
      throw new McpCoreError('DUPLICATE_ITEM', `A ${kind} named "${name}" is already registered.`);
  }

  const allowed = (kind: McpItemKind, name: string, context: McpContext<S>) =>
    authorize({ kind, name }, context);

  async function describeTool(
    spec: ToolSpec<S>,
    schema: Tool['inputSchema'],
    context: McpContext<S>,
  ): Promise<Tool> {
    const [description, annotations] = await Promise.all([
      evaluate(spec.description, context),
      spec.annotations === undefined ? undefined : evaluate<ToolAnnotations, S>(spec.annotations, context),
    ]);
    return {
      name: spec.name,
      ...(spec.title ? { title: spec.title } : {}),
      description,
      inputSchema: schema,
      ...(annotations ? { annotations } : {}),
    };
  }

  async function listTools(context: McpContext<S>): Promise<Tool[]> {
    const visible = [...tools.values()]
      .filter(({ spec }) => allowed('tool', spec.name, context))
      .sort((a, b) => (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
    return Promise.all(visible.map(({ spec, schema }) => describeTool(spec, schema, context)));
  }

  const onCall = options.onCall;
  const admit = options.admit;

  function textBytes(result: CallToolResult): number {
    return result.content.reduce((n, b) => n + (b.type === 'text' ? Buffer.byteLength(b.text) : 0), 0);
  }

  /** The limit error refusing this call, or undefined when it may run (or nobody limits). */
  async function refusal(kind: McpItemKind, name: string, context: McpContext<S>) {
    if (!admit) return undefined;
    try {
      await admit({ kind, name }, context);
      return undefined;
    } catch (error) {
      if (error instanceof McpLimitError) return error;
      throw error;
    }
  }

  /** Runs a tool call unless a limit refuses it: then a tool error, or the thrown limit (plain HTTP). */
  async function admittedTool(name: string, args: unknown, context: McpContext<S>) {
    const refused = await refusal('tool', name, context);
    if (!refused) return runTool(name, args, context);
    return { result: toolErrorResult(refused.message), outcome: 'refused' as const, refused };
  }

  async function callTool(name: string, args: unknown, context: McpContext<S>): Promise<CallToolResult> {
    if (!onCall) {
      const ran = await admittedTool(name, args, context);
      if ('refused' in ran && context.limitsAsStatus) throw ran.refused;
      return ran.result;
    }
    const started = performance.now();
    const ran = await admittedTool(name, args, context);
    const { result, outcome } = ran;
    if (outcome === 'input') return result;
    const text = result.isError ? result.content.find((b) => b.type === 'text') : undefined;
    onCall({
      kind: 'tool',
      name,
      arguments: args,
      context,
      outcome,
      ...(text && text.type === 'text' ? { reason: text.text } : {}),
      result,
      bytes: textBytes(result),
      durationMs: performance.now() - started,
    });
    if ('refused' in ran && context.limitsAsStatus) throw ran.refused;
    return result;
  }

  async function runTool(
    name: string,
    args: unknown,
    context: McpContext<S>,
  ): Promise<{ result: CallToolResult; outcome: McpCallReport['outcome'] | 'input' }> {
    const entry = tools.get(name);
    if (!entry) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown tool "${name}". Use one of the tools available to you (the list of tools).`,
      );
    }
    if (!allowed('tool', name, context)) {
      return {
        outcome: 'refused',
        result: toolErrorResult(
          `You are not allowed to use the tool "${name}". Ask an administrator to grant it, or use another of the tools available to you.`,
        ),
      };
    }
    const parsed = entry.spec.input.safeParse(args ?? {});
    if (!parsed.success) {
      return {
        outcome: 'error',
        result: toolErrorResult(`Invalid arguments for ${name}: ${formatIssues(parsed.error)}.`),
      };
    }
    try {
      const result = await entry.spec.handler(parsed.data, context);
      return { result, outcome: result.isError ? 'error' : 'ok' };
    } catch (error) {
      // An input-required answer goes back as it is; the call is reported once it is answered.
      if (error instanceof InputRequiredSignal)
        return { result: error.result as unknown as CallToolResult, outcome: 'input' };
      if (error instanceof ToolError)
        return { result: toolErrorResult(error.message), outcome: error.refused ? 'refused' : 'error' };
      onError(error, { kind: 'tool', name, principal: context.principal.name });
      return {
        outcome: 'error',
        result: toolErrorResult(
          `The tool ${name} failed unexpectedly. Try again; if it keeps failing, report it.`,
        ),
      };
    }
  }

  async function readResource(uri: string, context: McpContext<S>): Promise<string> {
    const spec = resources.get(uri);
    if (!spec) {
      const known = [...resources.values()]
        .filter((r) => allowed('resource', r.uri, context))
        .map((r) => r.uri);
      throw new McpCoreError(
        'UNKNOWN_RESOURCE',
        `Unknown resource ${uri}.${known.length > 0 ? ` Known resources: ${known.join(', ')}.` : ''}`,
      );
    }
    if (!allowed('resource', spec.uri, context)) {
      throw new McpCoreError(
        'NOT_ALLOWED',
        `You are not allowed to read the resource ${uri}. Ask an administrator to grant it.`,
      );
    }
    return spec.read(context);
  }

  function listResources(context: McpContext<S>): Resource[] {
    return [...resources.values()]
      .filter((spec) => allowed('resource', spec.uri, context))
      .map((spec) => ({
        uri: spec.uri,
        name: spec.name,
        ...(spec.title ? { title: spec.title } : {}),
        ...(spec.description ? { description: spec.description } : {}),
        ...(spec.mimeType ? { mimeType: spec.mimeType } : {}),
      }));
  }

  /** Reports how a resource read or prompt request ended, when someone listens. */
  async function reported<T>(
    kind: McpItemKind,
    name: string,
    args: unknown,
    context: McpContext<S>,
    work: () => Promise<T>,
    bytesOf: (value: T) => number,
  ): Promise<T> {
    const refused = await refusal(kind, name, context);
    if (!onCall && !refused) return work();
    const started = performance.now();
    const report = (outcome: McpCallReport['outcome'], bytes: number, reason?: string) =>
      onCall?.({
        kind,
        name,
        arguments: args,
        context,
        outcome,
        ...(reason !== undefined ? { reason } : {}),
        bytes,
        durationMs: performance.now() - started,
      });
    if (refused) {
      report('refused', 0, refused.message);
      if (context.limitsAsStatus) throw refused;
      throw new ProtocolError(ProtocolErrorCode.InternalError, refused.message, {
        retryAfterSeconds: refused.retryAfterSeconds,
      });
    }
    try {
      const value = await work();
      report('ok', bytesOf(value));
      return value;
    } catch (error) {
      const refused =
        (error instanceof McpCoreError && error.code === 'NOT_ALLOWED') ||
        (error instanceof ProtocolError && /not allowed/.test(error.message));
      report(refused ? 'refused' : 'error', 0, error instanceof Error ? error.message : String(error));
      throw error;
    }
  }

  function readResourceResult(uri: string, context: McpContext<S>): Promise<ReadResourceResult> {
    return reported(
      'resource',
      uri,
      undefined,
      context,
      () => readResourceAnswer(uri, context),
      (r) => r.contents.reduce((n, c) => n + ('text' in c ? Buffer.byteLength(c.text) : 0), 0),
    );
  }

  async function readResourceAnswer(uri: string, context: McpContext<S>): Promise<ReadResourceResult> {
    let text: string;
    try {
      text = await readResource(uri, context);
    } catch (error) {
      if (error instanceof McpCoreError && error.code === 'UNKNOWN_RESOURCE')
        throw new ResourceNotFoundError(uri);
      if (error instanceof McpCoreError)
        throw new ProtocolError(ProtocolErrorCode.InvalidParams, error.message);
      if (error instanceof ToolError) throw new ProtocolError(ProtocolErrorCode.InternalError, error.message);
      onError(error, { kind: 'resource', name: uri, principal: context.principal.name });
      throw new ProtocolError(ProtocolErrorCode.InternalError, `Reading ${uri} failed unexpectedly.`);
    }
    const mimeType = resources.get(uri)?.mimeType;
    return { contents: [{ uri, text, ...(mimeType ? { mimeType } : {}) }] };
  }

  function listPrompts(context: McpContext<S>): Prompt[] {
    return [...prompts.values()]
      .filter((spec) => allowed('prompt', spec.name, context))
      .map((spec) => ({
        name: spec.name,
        ...(spec.title ? { title: spec.title } : {}),
        ...(spec.description ? { description: spec.description } : {}),
        arguments: promptArguments(spec.args),
      }));
  }

  function getPrompt(name: string, args: unknown, context: McpContext<S>): Promise<GetPromptResult> {
    return reported(
      'prompt',
      name,
      args,
      context,
      () => getPromptAnswer(name, args, context),
      (r) => Buffer.byteLength(JSON.stringify(r.messages)),
    );
  }

  async function getPromptAnswer(
    name: string,
    args: unknown,
    context: McpContext<S>,
  ): Promise<GetPromptResult> {
    const spec = prompts.get(name);
    if (!spec) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Unknown prompt "${name}". Call prompts/list to see the prompts available to you.`,
      );
    }
    if (!allowed('prompt', name, context)) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `You are not allowed to use the prompt "${name}". Ask an administrator to grant it.`,
      );
    }
    const parsed = (spec.args ?? z.object({})).safeParse(args ?? {});
    if (!parsed.success) {
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid arguments for prompt ${name}: ${formatIssues(parsed.error)}.`,
      );
    }
    const messages = await spec.render(parsed.data, context);
    return { ...(spec.description ? { description: spec.description } : {}), messages };
  }

  /**
   * The answer to one request of a method this registry serves, or undefined for methods it
   * leaves to the SDK (initialize, notifications, subscriptions...). Shared by the SDK server
   * below and the stateless HTTP fast path, so both answer alike.
   */
  function dispatch(method: string, params: unknown, base: McpContext<S>): Promise<Result> | undefined {
    const p = (params ?? {}) as Record<string, unknown>;
    const client = clientFromMeta(p._meta);
    const context = client ? { ...base, client } : base;
    const requireString = (field: string): string => {
      const value = p[field];
      if (typeof value !== 'string') {
        throw new ProtocolError(
          ProtocolErrorCode.InvalidParams,
          `Invalid params: "${field}" must be a string.`,
        );
      }
      return value;
    };
    switch (method) {
      case 'ping':
        return Promise.resolve({});
      case 'tools/list':
        return listTools(context).then((tools) => ({ tools }));
      case 'tools/call':
        return Promise.resolve().then(() => callTool(requireString('name'), p.arguments, context));
      case 'resources/list':
        return Promise.resolve({ resources: listResources(context) });
      case 'resources/templates/list':
        return Promise.resolve({ resourceTemplates: [] });
      case 'resources/read':
        return Promise.resolve().then(() => readResourceResult(requireString('uri'), context));
      case 'prompts/list':
        return Promise.resolve({ prompts: listPrompts(context) });
      case 'prompts/get':
        return Promise.resolve().then(() => getPrompt(requireString('name'), p.arguments, context));
      default:
        return undefined;
    }
  }

  const liveServers = new Set<Server>();

  function createServer(base: McpContext<S>, serverOptions: { live?: boolean } = {}): Server {
    const server = new Server(
      { ...options.identity },
      {
        capabilities: {
          tools: { listChanged: true },
          resources: { listChanged: true },
          prompts: { listChanged: true },
        },
        ...(options.instructions ? { instructions: options.instructions } : {}),
      },
    );
    // The SDK types each method's handler; dispatch() answers them all with the right shape.
    for (const method of DISPATCHED_METHODS) {
      server.setRequestHandler(method, (r, ctx) => {
        const { envelope, inputResponses } = ctx.mcpReq;
        // The SDK lifts the 2026-07-28 envelope (clientInfo, capabilities) out of the params' _meta.
        const client = clientFromMeta(envelope);
        const input = inputChannel(
          envelope,
          server.getClientCapabilities(),
          inputResponses,
          ctx.mcpReq.requestState<string>(),
        );
        return dispatch(r.method, r.params, {
          ...base,
          signal: ctx.mcpReq.signal,
          input,
          ...(client ? { client } : {}),
        })! as never;
      });
    }
    if (serverOptions.live) {
      liveServers.add(server);
      server.onclose = () => void liveServers.delete(server);
    }
    return server;
  }

  return {
    identity: options.identity,
    addTool(spec) {
      ensureNew('tool', tools, spec.name);
      tools.set(spec.name, { spec: spec, schema: inputJsonSchema(spec.input) });
    },
    addResource(spec) {
      ensureNew('resource', resources, spec.uri);
      resources.set(spec.uri, spec);
    },
    addPrompt(spec) {
      ensureNew('prompt', prompts, spec.name);
      prompts.set(spec.name, spec);
    },
    remove(kind, name) {
      const map = kind === 'tool' ? tools : kind === 'prompt' ? prompts : resources;
      return map.delete(name);
    },
    notifyListChanged() {
      for (const server of liveServers) {
        // A session that went away meanwhile is dropped by onclose; a failed send changes nothing.
        void server.sendToolListChanged().catch(() => undefined);
        void server.sendResourceListChanged().catch(() => undefined);
        void server.sendPromptListChanged().catch(() => undefined);
      }
    },
    names(kind) {
      const names =
        kind === 'tool' ? [...tools.keys()] : kind === 'prompt' ? [...prompts.keys()] : [...resources.keys()];
      return names.sort();
    },
    listTools,
    callTool,
    readResource,
    dispatch,
    createServer,
  };
}
