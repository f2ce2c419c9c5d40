import { type RouteName, ROUTES, successStatus } from '@pgmcp/api-contract';

/** A refusal of the fake server, answered as the real one does: status and `{"error":{code,message}}`. */
export class FakeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FakeCall {
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
}
export type FakeHandlers = Partial<Record<RouteName, (call: FakeCall) => unknown>>;

/** A `fetch` that answers the route table's paths from `handlers`, like the server's wire format. */
export function fakeServerFetch(handlers: FakeHandlers): typeof fetch {
  const routes = (Object.keys(ROUTES) as RouteName[]).map((name) => {
    const route = ROUTES[name];
    const names: string[] = [];
    const pattern = new RegExp(
      `^${route.path.replace(/\{(\w+)\}/g, (_, n: string) => (names.push(n), '([^/]+)'))}$`,
    );
    return { name, route, pattern, names };
  });
  const json = (status: number, body: unknown) =>
    new Response(body === undefined ? null : JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input.toString(), 'http://fake.test');
    const method = (init?.method ?? 'GET').toLowerCase();
    for (const { name, route, pattern, names } of routes) {
      const match = route.method === method ? pattern.exec(url.pathname) : null;
      if (!match) continue;
      const handler = handlers[name];
      if (!handler) return json(404, { error: { code: 'NOT_FOUND', message: `The fake has no ${name}.` } });
      try {
        const result = await handler({
          params: Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match[i + 1]!)])),
          query: Object.fromEntries(url.searchParams),
          body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
        });
        const status = successStatus(route);
        return json(status, status === 204 ? undefined : result);
      } catch (error) {
        if (!(error instanceof FakeRefusal)) throw error;
        return json(error.status, { error: { code: error.code, message: error.message } });
      }
    }
    return json(404, { error: { code: 'NOT_FOUND', message: `No route ${method} ${url.pathname}` } });
  };
}
