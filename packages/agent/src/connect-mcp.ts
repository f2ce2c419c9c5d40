import {
  Client,
  SdkHttpError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import { AgentError, messageOf } from './errors.js';

/** Options of {@link connectMcpClient}. */
export interface McpConnectOptions {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8080/mcp/v1` (in a browser, may be relative to the page). */
  url: string | URL;
  /** Returns the session or API token, sent as `Authorization: Bearer …` before every request. */
  getToken?: () => string | undefined | Promise<string | undefined>;
  /** A fetch implementation; the global `fetch` by default. */
  fetch?: typeof fetch;
  /** Name and version this client announces to the server. */
  clientInfo?: { name: string; version: string };
  /** Cancels connecting. */
  signal?: AbortSignal;
}

/**
 * Connects the official MCP client to a Streamable HTTP endpoint (pgmcp's `/mcp/v1` or any other),
 * negotiating the protocol era automatically. Browser-safe. For stdio, build the `Client` yourself with
 * `StdioClientTransport` from `@modelcontextprotocol/client/stdio` and pass it to createMcpToolbox.
 *
 * @example
 * const client = await connectMcpClient({ url: 'http://127.0.0.1:8080/mcp/v1', getToken: () => token });
 * const toolbox = createMcpToolbox(client);
 */
export async function connectMcpClient(options: McpConnectOptions): Promise<Client> {
  let url: URL;
  try {
    // Relative URLs resolve against the page in a browser; Node has no location.
    url = new URL(options.url, (globalThis as { location?: { href: string } }).location?.href);
  } catch {
    throw new AgentError(
      'BAD_OPTIONS',
      `connectMcpClient: url is not a valid URL: "${String(options.url)}".`,
    );
  }
  const { getToken } = options;
  const transport = new StreamableHTTPClientTransport(url, {
    ...(getToken ? { authProvider: { token: async () => (await getToken()) ?? undefined } } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const client = new Client(options.clientInfo ?? { name: 'pgmcp-agent', version: '1' }, {
    versionNegotiation: { mode: 'auto' },
  });
  try {
    await client.connect(transport, options.signal ? { signal: options.signal } : undefined);
  } catch (error) {
    await client.close().catch(() => undefined);
    if (isUnauthorized(error)) {
      throw new AgentError(
        'UNAUTHORIZED',
        `The MCP server at ${url.href} refused the credentials; log in again.`,
        {
          upstreamCode: 'UNAUTHORIZED',
          cause: error,
        },
      );
    }
    throw new AgentError(
      'TOOLS_UNAVAILABLE',
      `Could not connect to the MCP server at ${url.href}: ${messageOf(error)}`,
      {
        cause: error,
      },
    );
  }
  return client;
}

/** True for the SDK's ways of saying HTTP 401: UnauthorizedError, or an SdkHttpError with status 401. */
export function isUnauthorized(error: unknown): boolean {
  return error instanceof UnauthorizedError || (error instanceof SdkHttpError && error.status === 401);
}
