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
import { McpCoreError, ToolError, toolErrorResult } from './errors.js';
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
}

/** Holds tools, resources and prompts and builds an MCP server instance for one request or connection. */
export interface McpRegistry<S> {
  readonly identity: ServerIdentity;
  addTool<I extends z.ZodObject>(spec: ToolSpec<S, I>): void;
  addResource(spec: ResourceSpec<S>): void;
  addPrompt<A extends z.ZodObject>(spec: PromptSpec<S, A>): void;
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
  /** A low-level SDK server answering for `context`. */
  createServer(context: McpContext<S>): Server;
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

  function textBytes(result: CallToolResult): number {
    return result.content.reduce((n, b) => n + (b.type === 'text' ? Buffer.byteLength(b.text) : 0), 0);
  }

  async function callTool(name: string, args: unknown, context: McpContext<S>): Promise<CallToolResult> {
    if (!onCall) return (await runTool(name, args, context)).result;
    const started = performance.now();
    const { result, outcome } = await runTool(name, args, context);
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
    return result;
  }

  async function runTool(
    name: string,
    args: unknown,
    context: McpContext<S>,
  ): Promise<{ result: CallToolResult; outcome: McpCallReport['outcome'] }> {
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
    if (!onCall) return work();
    const started = performance.now();
    const report = (outcome: McpCallReport['outcome'], bytes: number, reason?: string) =>
      onCall({
        kind,
        name,
        arguments: args,
        context,
        outcome,
        ...(reason !== undefined ? { reason } : {}),
        bytes,
        durationMs: performance.now() - started,
      });
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

  function createServer(base: McpContext<S>): Server {
    const server = new Server(
      { ...options.identity },
      {
        capabilities: { tools: {}, resources: {}, prompts: {} },
        ...(options.instructions ? { instructions: options.instructions } : {}),
      },
    );
    const serve = (method: string, params: unknown, signal: AbortSignal, envelope: unknown) => {
      // The SDK lifts the 2026-07-28 envelope (clientInfo among it) out of the params' _meta.
      const client = clientFromMeta(envelope);
      return dispatch(method, params, { ...base, signal, ...(client ? { client } : {}) })!;
    };

    // The SDK types each method's handler; dispatch() answers them all with the right shape.
    for (const method of DISPATCHED_METHODS) {
      server.setRequestHandler(
        method,
        (r, ctx) => serve(r.method, r.params, ctx.mcpReq.signal, ctx.mcpReq.envelope) as never,
      );
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
