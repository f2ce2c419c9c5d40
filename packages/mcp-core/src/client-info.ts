import type { McpContext } from './types.js';

/** Where a 2026-07-28 request names its client. */
const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';

/** The client a request's `_meta` names (2026-07-28 requests carry it), if any. */
export function clientFromMeta(meta: unknown): McpContext['client'] {
  const info = (meta as Record<string, unknown> | undefined)?.[CLIENT_INFO_META_KEY] as
    { name?: unknown; version?: unknown } | undefined;
  if (typeof info?.name !== 'string') return undefined;
  return {
    name: info.name.slice(0, 200),
    ...(typeof info.version === 'string' ? { version: info.version.slice(0, 100) } : {}),
  };
}
