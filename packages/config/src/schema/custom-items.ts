import { z } from 'zod';

const Name = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_-]{0,63}$/,
    'must start with a letter and hold only letters, digits, _ and - (at most 64)',
  );

/**
 * One parameter of a custom SQL tool, bound as `$1..$n` in the order listed. The type is checked
 * when the tools are prepared (start and SIGHUP), so the message can name the tool and the valid types.
 */
const ToolParameterSchema = z.strictObject({
  name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier (letters, digits, _)'),
  /** string, integer, number, boolean, enum, date or array. */
  type: z.string().min(1),
  description: z.string().max(1000).optional(),
  /** Default true; an optional parameter without a default is bound as NULL. */
  required: z.boolean().default(true),
  default: z.unknown().optional(),
  /** The allowed values of an `enum` parameter. */
  values: z.array(z.string()).optional(),
  /** The element type of an `array` parameter: string, integer, number, boolean or date (default string). */
  items: z.string().optional(),
  /** Bounds of an integer or number parameter. */
  min: z.number().optional(),
  max: z.number().optional(),
  /** Longest string (or array) accepted. */
  max_length: z.number().int().positive().optional(),
});

/** `tools:` — a custom tool: one SQL statement with typed parameters, offered to models like a built-in tool. */
export const CustomToolConfigSchema = z.strictObject({
  name: Name,
  type: z.literal('sql', { error: 'must be "sql" (the only kind of custom tool)' }),
  /** What the tool does and when to use it, written for the model. */
  description: z.string().min(1).max(4000),
  title: z.string().max(200).optional(),
  sql: z.string().min(1),
  parameters: z.array(ToolParameterSchema).default([]),
  /** Run on this connection; without it the tool takes connection_id/database_name like the built-ins. */
  connection: z.string().min(1).optional(),
  /** Most rows returned (default limits.default_rows, at most limits.max_rows). */
  row_limit: z.number().int().positive().optional(),
  /** Statement timeout of this tool in milliseconds (default: the connection's). */
  timeout_ms: z.number().int().positive().optional(),
});
export type CustomToolConfig = z.infer<typeof CustomToolConfigSchema>;

/** `resources:` — a custom resource: the result of one read-only SQL statement, or static text. */
export const CustomResourceConfigSchema = z.strictObject({
  uri: z
    .string()
    .regex(/^[a-z][a-z0-9+.-]*:\/\/[A-Za-z0-9_.:/-]+$/, 'must be a URI such as custom://sales/summary'),
  name: z.string().min(1).max(200),
  type: z.enum(['sql', 'static'], { error: 'must be "sql" or "static"' }),
  description: z.string().max(2000).optional(),
  mime_type: z.string().optional(),
  /** type sql: the statement (read-only, no parameters). */
  sql: z.string().min(1).optional(),
  /** type static: the text. */
  text: z.string().optional(),
  connection: z.string().min(1).optional(),
});
export type CustomResourceConfig = z.infer<typeof CustomResourceConfigSchema>;

/** `prompts:` — a custom prompt: a template whose `{{argument}}` places are filled from the arguments. */
export const CustomPromptConfigSchema = z.strictObject({
  name: Name,
  description: z.string().max(2000).optional(),
  title: z.string().max(200).optional(),
  arguments: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'must be an identifier (letters, digits, _)'),
        description: z.string().max(1000).optional(),
        required: z.boolean().default(true),
      }),
    )
    .default([]),
  template: z.string().min(1),
});
export type CustomPromptConfig = z.infer<typeof CustomPromptConfigSchema>;

/**
 * `writes:` — how a write is confirmed before it runs. `elicit` (default): pgmcp asks the user
 * through the MCP client (elicitation) when the client can; otherwise, and with `client`, the
 * client confirms from the tool annotations; `never`: pgmcp asks nobody.
 */
export const WritesConfigSchema = z.strictObject({
  confirm: z.enum(['elicit', 'client', 'never']).default('elicit'),
});
export type WritesConfig = z.infer<typeof WritesConfigSchema>;
