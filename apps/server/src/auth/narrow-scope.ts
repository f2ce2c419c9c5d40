import type { ConnectionGrant, McpItemRef, TokenScope } from '@pgmcp/auth-store';
import { RestError } from '../errors/rest-error.js';

const itemKey = (item: McpItemRef) => `${item.kind}:${item.name}`;
const RANK = { read: 1, read_write: 2 } as const;

function narrowList<T>(
  dimension: string,
  parent: readonly T[] | undefined,
  requested: readonly T[] | undefined,
  key: (value: T) => string,
): readonly T[] | undefined {
  if (parent === undefined) return requested;
  if (requested === undefined) return parent;
  const allowed = new Set(parent.map(key));
  const extra = requested.filter((value) => !allowed.has(key(value)));
  if (extra.length > 0) {
    throw new RestError(
      'FORBIDDEN',
      `A token created with an API token cannot reach more than that token: its ${dimension} do not include ${extra.map(key).join(', ')}.`,
    );
  }
  return requested;
}

function narrowConnections(
  parent: readonly ConnectionGrant[] | undefined,
  requested: readonly ConnectionGrant[] | undefined,
): readonly ConnectionGrant[] | undefined {
  if (parent === undefined) return requested;
  if (requested === undefined) return parent;
  const allowed = new Map(parent.map((grant) => [grant.name, grant.access]));
  const wider = requested.filter((grant) => {
    const held = allowed.get(grant.name);
    return held === undefined || RANK[grant.access] > RANK[held];
  });
  if (wider.length > 0) {
    throw new RestError(
      'FORBIDDEN',
      `A token created with an API token cannot reach more than that token: it does not allow ${wider.map((g) => `${g.name}:${g.access}`).join(', ')}.`,
    );
  }
  return requested;
}

/**
 * The scope of a token created through a scoped API token: the request's own scope when it stays
 * within the parent's (each dimension the parent limits), the parent's where the request says
 * nothing. Asking for more than the parent is refused (403) rather than silently cut.
 */
export function narrowScope(
  parent: TokenScope | undefined,
  requested: TokenScope | undefined,
): TokenScope | undefined {
  if (parent === undefined) return requested;
  const mcpItems = narrowList('tools, resources and prompts', parent.mcpItems, requested?.mcpItems, itemKey);
  const connections = narrowConnections(parent.connections, requested?.connections);
  // A scoped parent without admin or api lists has none of them, so neither has the child.
  const admin = narrowList('admin permissions', parent.admin ?? [], requested?.admin, String);
  const api = narrowList('REST API parts', parent.api ?? [], requested?.api, String);
  return {
    ...(mcpItems ? { mcpItems } : {}),
    ...(connections ? { connections } : {}),
    ...(admin ? { admin } : {}),
    ...(api ? { api } : {}),
  };
}

/** The expiry of a token created through an API token that expires: never later than it. */
export function narrowExpiry(parent: Date | undefined, requested: Date | undefined): Date | undefined {
  if (parent === undefined) return requested;
  if (requested === undefined) return parent;
  if (requested.getTime() > parent.getTime()) {
    throw new RestError(
      'FORBIDDEN',
      `A token created with an API token cannot outlive it: choose an expiry on or before ${parent.toISOString()}.`,
    );
  }
  return requested;
}
