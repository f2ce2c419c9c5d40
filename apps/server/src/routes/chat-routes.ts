import type { Compactor } from '@pgmcp/compactor';
import type { RateLimit } from '../auth/rate-limit.js';
import type { RouteHandlers } from './register-routes.js';

/** What the compaction routes need. */
export interface ChatRouteDeps {
  /** The one compactor: its cache and analytics live as long as the server. */
  compactor: Compactor;
  /** Whether the compactor writes summaries with an LLM (a provider is configured). */
  llmSummaries: boolean;
  /** Model calls per user: an LLM summary is one, like a call through the proxy. */
  llmRateLimit: RateLimit;
}

/** `/api/v1/chat/*`: compaction through the server's one long-lived compactor, and its analytics. */
export function chatRoutes(deps: ChatRouteDeps): RouteHandlers<'compact' | 'compactionAnalytics'> {
  return {
    compact: async ({ caller, body }) => {
      if (deps.llmSummaries && body.options?.enable_llm_summarization)
        await deps.llmRateLimit.charge(caller.user.id);
      return deps.compactor.compact(body);
    },
    compactionAnalytics: () => deps.compactor.analytics(),
  };
}
