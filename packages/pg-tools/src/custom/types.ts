/** The parameter types a custom SQL tool may declare. */
export const CUSTOM_PARAMETER_TYPES = [
  'string',
  'integer',
  'number',
  'boolean',
  'enum',
  'date',
  'array',
] as const;
export type CustomParameterType = (typeof CUSTOM_PARAMETER_TYPES)[number];

/** One parameter of a custom tool, bound as `$n` (n = its position, from 1). */
export interface CustomParameter {
  name: string;
  /** One of {@link CUSTOM_PARAMETER_TYPES}; checked by {@link compileCustomItems}. */
  type: string;
  description?: string;
  /** Default true; an optional parameter without a default is bound as NULL. */
  required?: boolean;
  default?: unknown;
  /** The values of an `enum`. */
  values?: string[];
  /** Element type of an `array` (string, integer, number, boolean or date; default string). */
  items?: string;
  min?: number;
  max?: number;
  /** Longest string, or most array elements. */
  maxLength?: number;
}

/** A custom tool: one SQL statement with typed parameters. */
export interface CustomToolDefinition {
  name: string;
  title?: string;
  /** Written for the model: what the tool answers and when to use it. */
  description: string;
  sql: string;
  parameters: CustomParameter[];
  /** Pinned connection; without it the tool takes connection_id/database_name. */
  connection?: string;
  /** Most rows returned (default: the default row limit; at most the maximum). */
  rowLimit?: number;
  /** Statement timeout in milliseconds (default: the connection's). */
  timeoutMs?: number;
}

/** A custom resource: the result of one read-only statement (as JSON rows), or static text. */
export type CustomResourceDefinition = {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
} & ({ type: 'sql'; sql: string; connection?: string } | { type: 'static'; text: string });

/** A custom prompt: a template whose `{{argument}}` places are filled in. */
export interface CustomPromptDefinition {
  name: string;
  title?: string;
  description?: string;
  arguments: { name: string; description?: string; required?: boolean }[];
  template: string;
}

/** Everything custom that configuration defines. */
export interface CustomItems {
  tools: CustomToolDefinition[];
  resources: CustomResourceDefinition[];
  prompts: CustomPromptDefinition[];
}
