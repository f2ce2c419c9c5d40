import { type CompactionAnalytics, CompactRequestSchema, type CompactResponse } from '@pgmcp/api-contract';
import { CompactorError } from '@pgmcp/compactor';
import { Hono } from 'hono';
import { type AuthVariables, requireCaller } from '../auth/caller.js';
import type { ServerDeps } from '../deps.js';
import { COMPACTOR_ERRORS, ERROR_STATUS } from '../error-codes.js';
import { jsonBody } from '../rest.js';

/** `/api/v1/chat/*`: compaction through the server's one long-lived compactor, and its analytics. */
export function chatRoutes(deps: ServerDeps): Hono<{ Variables: AuthVariables }> {
  const app = new Hono<{ Variables: AuthVariables }>();
  const loggedIn = requireCaller(deps.resolveCaller);

  app.post('/api/v1/chat/compact', loggedIn, jsonBody(CompactRequestSchema), async (c) => {
    try {
      const result: CompactResponse = await deps.compactor.compact(c.req.valid('json'));
      return c.json(result);
    } catch (error) {
      if (!(error instanceof CompactorError)) throw error;
      const status = COMPACTOR_ERRORS[error.code];
      if (status === 'INTERNAL') throw error;
      return c.json({ error: { code: error.code, message: error.message } }, ERROR_STATUS[status]);
    }
  });

  app.get('/api/v1/chat/analytics', loggedIn, (c) => {
    const analytics: CompactionAnalytics = deps.compactor.analytics();
    return c.json(analytics);
  });

  return app;
}
