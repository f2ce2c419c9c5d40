import { z } from 'zod';
import { PgToolsError } from '../errors.js';
import { analyzeStatement } from '../guard/analyze.js';
import { decide } from '../guard/check.js';
import { parseWithRecovery } from '../guard/parser.js';
import type { StatementAnalysis } from '../guard/types.js';
import { walkTree } from '../guard/walk.js';
import { PG_PROMPT_NAMES, PG_RESOURCE_URIS, PG_TOOL_GROUPS } from '../tool-groups.js';
import { parameterProblem, parameterSchema } from './parameters.js';
import type {
  CustomItems,
  CustomPromptDefinition,
  CustomResourceDefinition,
  CustomToolDefinition,
} from './types.js';

/** A custom tool ready to register: its input schema and whether it writes (the guard's verdict). */
export interface CompiledTool {
  definition: CustomToolDefinition;
  input: z.ZodObject;
  writes: boolean;
}

/** Custom items checked and ready to register. */
export interface CompiledCustomItems {
  tools: CompiledTool[];
  resources: CustomResourceDefinition[];
  prompts: CustomPromptDefinition[];
}

/** The built-in names a custom item may not take. */
export interface BuiltInNames {
  tools: readonly string[];
  resources: readonly string[];
  prompts: readonly string[];
}

/** Names the built-in tools' connection arguments use. */
const TARGET_ARGUMENTS = ['connection_id', 'database_name'];
const TEMPLATE_PLACE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** The `$n` numbers a statement uses (parsed, so `'$1'` in a string or a comment does not count). */
async function placeholders(sql: string): Promise<number[]> {
  const parsed = await parseWithRecovery(sql);
  if ('kind' in parsed) return [];
  const found = new Set<number>();
  for (const statement of parsed.statements) {
    walkTree(statement.fields, (node) => {
      if (node.type === 'ParamRef' && typeof node.fields.number === 'number') found.add(node.fields.number);
    });
  }
  return [...found].sort((a, b) => a - b);
}

/** Why the guard would refuse `sql` even on a write-enabled connection, or its analysis. */
async function sqlVerdict(sql: string): Promise<{ problem: string } | { analysis: StatementAnalysis }> {
  const analysis = await analyzeStatement(sql);
  if (analysis.kind === 'error')
    return { problem: `the SQL is not one valid statement: ${analysis.message}` };
  const verdict = decide(analysis, true);
  if (!verdict.ok) return { problem: `the SQL is refused by pgmcp's guard: ${verdict.message}` };
  return { analysis };
}

function duplicate(
  seen: Set<string>,
  name: string,
  builtIn: readonly string[],
  kind: string,
): string | undefined {
  if (builtIn.includes(name)) return `the name is taken by the built-in ${kind} "${name}"`;
  if (seen.has(name)) return `another custom ${kind} is named "${name}"`;
  seen.add(name);
  return undefined;
}

async function toolProblems(
  tool: CustomToolDefinition,
  seen: Set<string>,
  builtIn: BuiltInNames,
): Promise<string[]> {
  const problems: string[] = [];
  const taken = duplicate(seen, tool.name, builtIn.tools, 'tool');
  if (taken) problems.push(taken);
  const names = new Set<string>();
  for (const parameter of tool.parameters) {
    const problem = parameterProblem(parameter);
    if (problem) problems.push(`parameter "${parameter.name}": ${problem}`);
    if (names.has(parameter.name)) problems.push(`parameter "${parameter.name}" is declared twice`);
    if (!tool.connection && TARGET_ARGUMENTS.includes(parameter.name)) {
      problems.push(`parameter "${parameter.name}": the name is the connection argument of every tool`);
    }
    names.add(parameter.name);
    if (
      !problem &&
      parameter.default !== undefined &&
      !parameterSchema(parameter).safeParse(parameter.default).success
    ) {
      problems.push(
        `parameter "${parameter.name}": the default ${JSON.stringify(parameter.default)} is not a valid ${parameter.type}`,
      );
    }
  }
  const verdict = await sqlVerdict(tool.sql);
  if ('problem' in verdict) return [...problems, verdict.problem];
  const used = await placeholders(tool.sql);
  const count = tool.parameters.length;
  const expected = Array.from({ length: count }, (_, i) => i + 1);
  if (used.join(',') !== expected.join(',')) {
    const uses = used.length > 0 ? `uses ${used.map((n) => `$${n}`).join(', ')}` : 'uses no $n placeholder';
    problems.push(
      `the SQL ${uses} but ${count} parameter${count === 1 ? ' is' : 's are'} declared (each parameter is bound as $1..$${Math.max(count, 1)} in order; use every one)`,
    );
  }
  return problems;
}

async function resourceProblems(
  resource: CustomResourceDefinition,
  seen: Set<string>,
  builtIn: BuiltInNames,
): Promise<string[]> {
  const problems: string[] = [];
  const taken = duplicate(seen, resource.uri, builtIn.resources, 'resource');
  if (taken) problems.push(taken);
  if (resource.type === 'static') {
    if (typeof resource.text !== 'string') problems.push('a static resource needs its text');
    return problems;
  }
  if (typeof resource.sql !== 'string') return [...problems, 'an sql resource needs its sql'];
  const verdict = await sqlVerdict(resource.sql);
  if ('problem' in verdict) return [...problems, verdict.problem];
  if (verdict.analysis.writes) problems.push('the SQL of a resource must only read');
  if ((await placeholders(resource.sql)).length > 0)
    problems.push('the SQL of a resource takes no $n parameters');
  return problems;
}

function promptProblems(prompt: CustomPromptDefinition, seen: Set<string>, builtIn: BuiltInNames): string[] {
  const problems: string[] = [];
  const taken = duplicate(seen, prompt.name, builtIn.prompts, 'prompt');
  if (taken) problems.push(taken);
  const declared = prompt.arguments.map((a) => a.name);
  for (const [, name] of prompt.template.matchAll(TEMPLATE_PLACE)) {
    if (!declared.includes(name!))
      problems.push(`the template uses {{${name}}}, which is not among its arguments`);
  }
  const twice = declared.filter((name, i) => declared.indexOf(name) !== i);
  for (const name of new Set(twice)) problems.push(`argument "${name}" is declared twice`);
  return problems;
}

function toolInput(tool: CustomToolDefinition): z.ZodObject {
  const shape: Record<string, z.ZodType> = {};
  for (const parameter of tool.parameters) shape[parameter.name] = parameterSchema(parameter);
  return z.strictObject(shape);
}

/**
 * Checks custom tools, resources and prompts (parameter types, SQL through the guard, placeholders
 * against parameters, names against each other and the built-ins) and prepares them. Throws
 * PgToolsError `INVALID_CUSTOM_ITEM` listing every problem, each naming its entry, e.g.
 * `tools[2] "top_customers": parameter "limit": unknown type "int32" (use string, integer, …)`.
 */
export async function compileCustomItems(
  items: CustomItems,
  builtIn: BuiltInNames = {
    tools: Object.keys(PG_TOOL_GROUPS),
    resources: PG_RESOURCE_URIS,
    prompts: PG_PROMPT_NAMES,
  },
): Promise<CompiledCustomItems> {
  const problems: string[] = [];
  const tools: CompiledTool[] = [];
  const seen = { tools: new Set<string>(), resources: new Set<string>(), prompts: new Set<string>() };
  for (const [i, tool] of items.tools.entries()) {
    const found = await toolProblems(tool, seen.tools, builtIn);
    problems.push(...found.map((p) => `tools[${i}] "${tool.name}": ${p}`));
    if (found.length === 0) {
      const verdict = (await sqlVerdict(tool.sql)) as { analysis: StatementAnalysis };
      tools.push({ definition: tool, input: toolInput(tool), writes: verdict.analysis.writes });
    }
  }
  for (const [i, resource] of items.resources.entries()) {
    const found = await resourceProblems(resource, seen.resources, builtIn);
    problems.push(...found.map((p) => `resources[${i}] "${resource.uri}": ${p}`));
  }
  for (const [i, prompt] of items.prompts.entries()) {
    problems.push(
      ...promptProblems(prompt, seen.prompts, builtIn).map((p) => `prompts[${i}] "${prompt.name}": ${p}`),
    );
  }
  if (problems.length > 0) throw new PgToolsError('INVALID_CUSTOM_ITEM', problems.join('\n'));
  return { tools, resources: items.resources, prompts: items.prompts };
}

/** Fills a prompt template's `{{argument}}` places (an absent optional argument leaves an empty string). */
export function renderTemplate(template: string, args: Record<string, string | undefined>): string {
  return template.replace(TEMPLATE_PLACE, (_, name: string) => args[name] ?? '');
}
