import type { McpItemKind, McpRegistry } from '@pgmcp/mcp-core';
import { z } from 'zod';
import { type PgToolsRuntime, type PgToolsState, type PgToolSwitches, resolveTarget } from '../context.js';
import { fencedRegistry } from '../fenced-output.js';
import { structuredResult } from '../format.js';
import { runGuarded, targetArgs } from '../tools/common.js';
import { statementAnswer } from '../tools/query-database.js';
import { type CompiledCustomItems, type CompiledTool, renderTemplate } from './compile.js';
import { boundValue } from './parameters.js';
import type { CustomPromptDefinition, CustomResourceDefinition } from './types.js';

/** An item registered from configuration, to take out again on reload. */
export type RegisteredItem = { kind: McpItemKind; name: string };

const WRITE_NOTE =
  '\n\nThis tool WRITES (its statement is committed): it runs only on a write-enabled connection for callers with read_write access.';

function registerTool<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  tool: CompiledTool,
): void {
  const { definition, writes } = tool;
  const pinned = definition.connection;
  const rowLimit = Math.min(definition.rowLimit ?? runtime.limits.defaultLimit, runtime.limits.maxLimit);
  registry.addTool({
    name: definition.name,
    ...(definition.title ? { title: definition.title } : {}),
    description: writes ? `${definition.description}${WRITE_NOTE}` : definition.description,
    annotations: writes
      ? { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false }
      : { readOnlyHint: true, openWorldHint: false },
    input: pinned ? tool.input : tool.input.extend(targetArgs),
    handler: async (args, context) => {
      const values = args;
      const target = await resolveTarget(
        runtime,
        context,
        pinned ? { connection_id: pinned } : (values as { connection_id?: string; database_name?: string }),
      );
      // Values go to PostgreSQL as bound parameters ($1..$n), never into the statement text.
      const params = definition.parameters.map((p) => boundValue(values[p.name]));
      const { result } = await runGuarded(runtime, context, target, {
        tool: definition.name,
        sql: definition.sql,
        params,
        limit: rowLimit,
        offset: 0,
        ...(definition.timeoutMs !== undefined ? { statementTimeoutMs: definition.timeoutMs } : {}),
      });
      return statementAnswer(runtime, target, result);
    },
  });
}

function registerResource<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  resource: CustomResourceDefinition,
): void {
  registry.addResource({
    uri: resource.uri,
    name: resource.name,
    ...(resource.description ? { description: resource.description } : {}),
    mimeType: resource.mimeType ?? (resource.type === 'sql' ? 'application/json' : 'text/plain'),
    read: async (context) => {
      if (resource.type === 'static') return resource.text;
      const target = await resolveTarget(
        runtime,
        context,
        resource.connection ? { connection_id: resource.connection } : {},
      );
      const { result } = await runGuarded(runtime, context, target, {
        tool: resource.uri,
        sql: resource.sql,
        limit: runtime.limits.maxLimit,
        offset: 0,
        readOnlyTransaction: true,
      });
      return JSON.stringify(structuredResult(result), null, 2);
    },
  });
}

function registerPrompt<S extends PgToolsState>(
  registry: McpRegistry<S>,
  prompt: CustomPromptDefinition,
): void {
  const shape: Record<string, z.ZodType> = {};
  for (const argument of prompt.arguments) {
    const field = argument.required === false ? z.string().optional() : z.string().min(1);
    shape[argument.name] = argument.description ? field.describe(argument.description) : field;
  }
  registry.addPrompt({
    name: prompt.name,
    ...(prompt.title ? { title: prompt.title } : {}),
    ...(prompt.description ? { description: prompt.description } : {}),
    args: z.object(shape),
    render: (args) => [
      {
        role: 'user',
        content: {
          type: 'text',
          text: renderTemplate(prompt.template, args as Record<string, string | undefined>),
        },
      },
    ],
  });
}

/**
 * Registers custom items (tools fenced like the built-ins) except those switched off, and returns
 * what it registered.
 */
export function registerCustomItems<S extends PgToolsState>(
  registry: McpRegistry<S>,
  runtime: PgToolsRuntime,
  items: CompiledCustomItems,
  switches: PgToolSwitches = {},
): RegisteredItem[] {
  const registered: RegisteredItem[] = [];
  const fenced = fencedRegistry(registry);
  for (const tool of items.tools) {
    if (switches.tools?.[tool.definition.name] === false) continue;
    registerTool(fenced, runtime, tool);
    registered.push({ kind: 'tool', name: tool.definition.name });
  }
  for (const resource of items.resources) {
    if (switches.resources?.[resource.uri] === false) continue;
    registerResource(registry, runtime, resource);
    registered.push({ kind: 'resource', name: resource.uri });
  }
  for (const prompt of items.prompts) {
    if (switches.prompts?.[prompt.name] === false) continue;
    registerPrompt(registry, prompt);
    registered.push({ kind: 'prompt', name: prompt.name });
  }
  return registered;
}
