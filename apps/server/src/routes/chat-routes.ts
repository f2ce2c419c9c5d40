import type { Compactor } from '@pgmcp/compactor';
import type { RouteHandlers } from './register-routes.js';

/** What the compaction routes need. */
export interface ChatRouteDeps {
  /** The one compactor: its cache and analytics live as long as the server. */
  compactor: Compactor;
}

/** `/api/v1/chat/*`: compaction through the server's one long-lived compactor, and its analytics. */
export function chatRoutes(deps: ChatRouteDeps): RouteHandlers<'compact' | 'compactionAnalytics'> {
  return {
    compact: async ({ body }) => deps.compactor.compact(body),
    compactionAnalytics: () => deps.compactor.analytics(),
  };
}
