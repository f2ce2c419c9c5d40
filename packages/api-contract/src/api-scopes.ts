import { z } from 'zod';

/**
 * Parts of the REST API that a scoped API token reaches only when its scope's `api` list names
 * them. Tokens without a scope, sessions and the local user reach every part their rights allow.
 */
export const API_SCOPES = ['tokens', 'conversations', 'llm', 'connections', 'queries', 'metrics'] as const;
export const ApiScopeSchema = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScopeSchema>;
