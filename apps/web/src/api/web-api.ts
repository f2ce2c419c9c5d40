import { type ApiClient, createApiClient, type RouteName } from '@pgmcp/api-contract';

/** Routes whose 401 only means "not logged in (yet)", not a session that just ended. */
const SESSION_PROBES: ReadonlySet<RouteName> = new Set(['sessionState', 'me', 'login', 'logout']);

/**
 * The web client's REST client: the typed api-contract client on the page's own origin with the
 * httpOnly session cookie (JavaScript never sees a token). `onUnauthorized` runs when the server
 * says the session is gone.
 *
 * @example
 *   const api = createWebApi({ onUnauthorized: () => showLogin() });
 *   const me = await api.me();
 */
export function createWebApi(options: { onUnauthorized: () => void; fetch?: typeof fetch }): ApiClient {
  return createApiClient({
    credentials: 'same-origin',
    ...(options.fetch ? { fetch: options.fetch } : {}),
    onUnauthorized: (route) => {
      if (!SESSION_PROBES.has(route)) options.onUnauthorized();
    },
  });
}
