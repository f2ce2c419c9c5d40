import { z } from 'zod';
import { LlmClientError } from './errors.js';

/** Validates the part of a provider response we read; a mismatch is a BAD_RESPONSE naming what broke. */
export function parseWire<T>(provider: string, schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new LlmClientError(
      'BAD_RESPONSE',
      `${provider}: unexpected ${what}: ${z.prettifyError(parsed.error)}`,
      {
        provider,
      },
    );
  }
  return parsed.data;
}
