import { z } from 'zod';
import { CUSTOM_PARAMETER_TYPES, type CustomParameter } from './types.js';

const ELEMENT_TYPES = ['string', 'integer', 'number', 'boolean', 'date'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isCalendarDate(text: string): boolean {
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

function bounded(schema: z.ZodNumber, parameter: CustomParameter): z.ZodNumber {
  let result = schema;
  if (parameter.min !== undefined) result = result.min(parameter.min, `must be at least ${parameter.min}`);
  if (parameter.max !== undefined) result = result.max(parameter.max, `must be at most ${parameter.max}`);
  return result;
}

function scalar(type: string, parameter: CustomParameter): z.ZodType {
  switch (type) {
    case 'string':
      return z
        .string({ error: 'must be a string' })
        .max(parameter.maxLength ?? 10_000, `must be at most ${parameter.maxLength ?? 10_000} characters`);
    case 'integer':
      return bounded(
        z.number({ error: 'must be a whole number' }).int('must be a whole number').safe('is too large'),
        parameter,
      );
    case 'number':
      return bounded(z.number({ error: 'must be a number' }), parameter);
    case 'boolean':
      return z.boolean({ error: 'must be true or false' });
    case 'date':
      return z
        .string({ error: 'must be a date written YYYY-MM-DD' })
        .regex(DATE, 'must be a date written YYYY-MM-DD')
        .refine(isCalendarDate, 'is not a calendar date');
    default:
      throw new Error(`no scalar type ${type}`);
  }
}

/** What is wrong with a parameter's declaration (type, enum values, array items), or undefined. */
export function parameterProblem(parameter: CustomParameter): string | undefined {
  const types = CUSTOM_PARAMETER_TYPES.join(', ');
  if (!(CUSTOM_PARAMETER_TYPES as readonly string[]).includes(parameter.type)) {
    return `unknown type "${parameter.type}" (use ${types})`;
  }
  if (parameter.type === 'enum' && (parameter.values ?? []).length === 0) {
    return 'an enum needs its values (values: [a, b])';
  }
  if (parameter.type !== 'enum' && parameter.values !== undefined) return 'values is only for type enum';
  if (parameter.type === 'array') {
    const items = parameter.items ?? 'string';
    if (!(ELEMENT_TYPES as readonly string[]).includes(items)) {
      return `unknown array item type "${items}" (use ${ELEMENT_TYPES.join(', ')})`;
    }
  } else if (parameter.items !== undefined) {
    return 'items is only for type array';
  }
  return undefined;
}

/** The zod schema of one declared (and checked) parameter, described for the model. */
export function parameterSchema(parameter: CustomParameter): z.ZodType {
  let schema: z.ZodType;
  if (parameter.type === 'enum') {
    schema = z.enum(parameter.values as [string, ...string[]], {
      error: `must be one of ${parameter.values!.join(', ')}`,
    });
  } else if (parameter.type === 'array') {
    const max = parameter.maxLength ?? 1000;
    schema = z
      .array(scalar(parameter.items ?? 'string', parameter), { error: 'must be an array' })
      .max(max, `may hold at most ${max} elements`);
  } else {
    schema = scalar(parameter.type, parameter);
  }
  if (parameter.description) schema = schema.describe(parameter.description);
  if (parameter.default !== undefined) return schema.default(parameter.default as never);
  return parameter.required === false ? schema.optional() : schema;
}

/**
 * A parameter value as it is bound: arrays become a PostgreSQL array literal (`{"a","b"}`, every
 * element quoted and escaped), everything else goes as it is. Still a bound value, never SQL text.
 */
export function boundValue(value: unknown): unknown {
  if (!Array.isArray(value)) return value ?? null;
  const element = (item: unknown) => `"${String(item).replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
  return `{${value.map(element).join(',')}}`;
}
